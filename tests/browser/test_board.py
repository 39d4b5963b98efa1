import re

from playwright.sync_api import expect

from tests.browser.conftest import login


def test_member_moves_a_task_across_the_board_and_it_stays(page, demo):
    project = demo["projects"]["jobticket"]
    login(page, "ben.schmitz@example.org")
    page.goto(f"/projects/{project.pk}/board/")
    card = page.locator("article.task-card", has_text="Tarifmodelle anderer Städte vergleichen")
    expect(page.locator("[data-status=open]").locator(card)).to_have_count(1)

    page.evaluate("window.__noReload = true")
    card.get_by_label(re.compile("Status von")).select_option("done")
    card.get_by_role("button", name="Verschieben").click()

    done_column = page.locator("[data-status=done]")
    expect(done_column.locator("article.task-card", has_text="Tarifmodelle")).to_have_count(1)
    expect(
        page.locator("[data-status=open]").locator("article.task-card", has_text="Tarifmodelle")
    ).to_have_count(0)
    assert page.evaluate("window.__noReload") is True  # moved in place by htmx, no page load

    page.reload()
    expect(
        page.locator("[data-status=done]").locator("article.task-card", has_text="Tarifmodelle")
    ).to_have_count(1)


def test_board_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    login(page, "ben.schmitz@example.org")
    project = demo["projects"]["jobticket"]
    page.goto(f"/projects/{project.pk}/board/")
    card = page.locator("article.task-card", has_text="Gesprächstermin mit dem Verkehrsverbund")
    card.get_by_label(re.compile("Status von")).select_option("in_progress")
    card.get_by_role("button", name="Verschieben").click()
    expect(
        page.locator("[data-status=in_progress]").locator("article.task-card", has_text="Gesprächstermin")
    ).to_have_count(1)
    context.close()


def test_outsider_cannot_reach_the_group(page, demo):
    login(page, "felix.meyer@example.org")
    expect(page.get_by_role("heading", name="Willkommen, Felix")).to_be_visible()
    response = page.goto("/groups/ag-fachkraefte/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
    page.goto("/groups/")
    expect(page.get_by_text("AG Fachkräfte")).to_have_count(0)
    project = demo["projects"]["jobticket"]
    page.goto(f"/projects/{project.pk}/board/")
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
