from playwright.sync_api import expect

from tests.browser.conftest import login


def test_demo_user_logs_in_and_switches_language(page, demo):
    login(page, "anna.becker@example.org")

    expect(page.get_by_role("heading", name="Willkommen, Anna")).to_be_visible()
    expect(page.get_by_role("heading", name="Ihre Organisation")).to_be_visible()
    expect(page.locator(".org-name")).to_have_text("3Win Maschinenbau")
    expect(page.locator("html")).to_have_attribute("lang", "de")

    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Sprache wechseln").click()

    expect(page.get_by_role("heading", name="Welcome, Anna")).to_be_visible()
    expect(page.get_by_role("heading", name="Your organisation")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.reload()
    expect(page.get_by_role("heading", name="Welcome, Anna")).to_be_visible()

    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Switch language").click()
    expect(page.get_by_role("heading", name="Willkommen, Anna")).to_be_visible()


def test_keyboard_user_reaches_main_content_first(page, demo):
    login(page, "anna.becker@example.org")
    expect(page.get_by_role("heading", name="Willkommen, Anna")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_wrong_password_is_told_and_stays_on_login(page, demo):
    login(page, "anna.becker@example.org", password="falsch")
    expect(page.get_by_role("alert")).to_contain_text("E-Mail-Adresse")
    assert "/accounts/login/" in page.url
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
