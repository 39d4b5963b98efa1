import re

from playwright.sync_api import expect

from accounts.models import User
from notifications.selectors import unread_count
from projects.models import Task
from tests.browser.conftest import login


def test_bell_shows_a_new_notification_without_reloading_the_page(browser, live_server, page, demo):
    login(page, "anna.becker@example.org")
    expect(page.get_by_role("heading", name="Willkommen, Anna")).to_be_visible()
    anna = User.objects.get(email="anna.becker@example.org")
    before = unread_count(user=anna)
    page.evaluate("window.notReloaded = true")

    # Ben, in his own browser, assigns Anna an unassigned task of the Jobticket project.
    task = Task.objects.get(
        project=demo["projects"]["jobticket"],
        title__startswith="Befragung in den Mitglieds",
        assignee__isnull=True,
    )
    ben_context = browser.new_context(base_url=live_server.url, locale="de-DE")
    ben = ben_context.new_page()
    login(ben, "ben.schmitz@example.org")
    ben.goto(task.get_absolute_url())
    ben.get_by_label("Zuständig").select_option(label="Anna Becker")
    ben.get_by_role("button", name="Speichern").click()
    expect(ben.get_by_text("Aufgabe gespeichert.")).to_be_visible()
    ben_context.close()

    bell = page.locator("#notification-count")
    expect(bell).to_have_text(re.compile(rf"^{before + 1}\s+ungelesen$"), timeout=12_000)  # polled every 5 s
    assert page.evaluate("window.notReloaded") is True

    page.get_by_role("link", name=re.compile("Benachrichtigungen")).click()
    entry = page.get_by_role("button", name=f"Ben Schmitz hat Ihnen „{task.title}“ zugewiesen")
    expect(entry).to_be_visible()

    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Alle als gelesen markieren").click()
    expect(page.get_by_text("0 ungelesene Benachrichtigungen")).to_be_visible()
    expect(page.locator("#notification-count")).to_be_hidden()
    assert page.evaluate("window.notReloaded") is True
