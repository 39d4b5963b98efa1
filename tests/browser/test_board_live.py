"""An open board shows what others do within a few seconds, without a page load, and leaves the
reader's own work alone (static/js/board-live.js)."""

import re

from playwright.sync_api import expect

from accounts.models import User
from projects.models import Task
from projects.services import task_create
from tests.browser.conftest import login


def test_a_second_reader_sees_moves_and_new_cards_without_losing_her_typing(browser, live_server, page, demo):
    project = demo["projects"]["jobticket"]
    board_url = f"/projects/{project.pk}/board/"
    login(page, "ben.schmitz@example.org")
    page.goto(board_url)
    page.evaluate("window.__noReload = true")
    title = page.locator("#id_title")
    title.fill("Halb getippte Aufg")
    title.focus()

    # B, the chair, moves a card on her own board.
    other = browser.new_context(base_url=live_server.url, locale="de-DE")
    b = other.new_page()
    login(b, "anna.becker@example.org")
    b.goto(board_url)
    card = b.locator("article.task-card", has_text="Tarifmodelle anderer Städte vergleichen")
    card.get_by_label(re.compile("Status von")).select_option("in_progress")
    card.get_by_role("button", name="Verschieben").click()
    expect(
        b.locator("[data-status=in_progress]").get_by_role("link", name="Tarifmodelle anderer Städte")
    ).to_be_visible()
    other.close()

    in_progress = page.locator("[data-status=in_progress]")
    expect(in_progress.get_by_role("link", name="Tarifmodelle anderer Städte vergleichen")).to_be_visible(
        timeout=15_000
    )
    expect(title).to_have_value("Halb getippte Aufg")
    expect(title).to_be_focused()

    # The reader reads a card (focus on its link); a new card arrives; the focus stays.
    link = page.locator("[data-status=open] article.task-card h3 a").first
    link.focus()
    focused = link.inner_text()
    chair = User.objects.get(email="anna.becker@example.org")
    task_create(project=project, actor=chair, title="Plakat für die Messe drucken")
    expect(
        page.locator("[data-status=open]").get_by_role("link", name="Plakat für die Messe drucken")
    ).to_be_visible(timeout=15_000)
    assert page.evaluate("document.activeElement.textContent") == focused

    # A busy board (a drag or the move menu, static/js/board.js) is left alone until it is not.
    page.evaluate("document.getElementById('board').setAttribute('data-busy', '')")
    task_create(project=project, actor=chair, title="Busfahrplan prüfen")
    page.wait_for_timeout(6_000)  # longer than one round of asking (data-live-interval)
    expect(page.get_by_role("link", name="Busfahrplan prüfen")).to_have_count(0)
    page.evaluate("document.getElementById('board').removeAttribute('data-busy')")
    expect(page.get_by_role("link", name="Busfahrplan prüfen")).to_be_visible(timeout=15_000)

    assert page.evaluate("window.__noReload") is True
    assert Task.objects.filter(project=project, title="Busfahrplan prüfen").exists()


def test_more_cards_load_in_place_and_stay_after_a_refresh(page, demo):
    project = demo["projects"]["jobticket"]
    done = [
        Task(project=project, title=f"Erledigte Karte {i}", status=Task.Status.DONE, position=1000 + i)
        for i in range(30)
    ]
    Task.objects.bulk_create(done)
    total = Task.objects.filter(project=project, status=Task.Status.DONE).count()
    login(page, "ben.schmitz@example.org")
    page.goto(f"/projects/{project.pk}/board/")
    page.evaluate("window.__noReload = true")
    column = page.locator("[data-status=done]")
    expect(column.locator("article.task-card")).to_have_count(20)

    column.get_by_role("link", name=f"Alle {total} anzeigen").click()
    expect(column.locator("article.task-card")).to_have_count(total)
    expect(column.get_by_role("link", name=re.compile("anzeigen|laden"))).to_have_count(0)
    # The focus is on the first card the link brought.
    expect(column.locator("article.task-card").nth(20).locator("h3 a")).to_be_focused()

    chair = User.objects.get(email="anna.becker@example.org")
    task_create(project=project, actor=chair, title="Messestand aufbauen")
    expect(page.get_by_role("link", name="Messestand aufbauen")).to_be_visible(timeout=15_000)
    expect(column.locator("article.task-card")).to_have_count(total)

    # The reader's own move redraws the board with the done column as long as she had it.
    card = page.locator("article.task-card", has_text="Messestand aufbauen")
    card.get_by_label(re.compile("Status von")).select_option("in_progress")
    card.get_by_role("button", name="Verschieben").click()
    expect(
        page.locator("[data-status=in_progress]").get_by_role("link", name="Messestand aufbauen")
    ).to_be_visible()
    expect(column.locator("article.task-card")).to_have_count(total)
    assert page.evaluate("window.__noReload") is True
