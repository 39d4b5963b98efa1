"""On a phone (360 px) the navigation sits behind a menu button, the board scrolls in its own area and
its cards show their whole titles; without JavaScript the navigation stays in reach."""

from playwright.sync_api import expect

from tests.browser.conftest import login

PHONE = {"width": 360, "height": 740}


def phone_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport=PHONE, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_menu_button_opens_and_closes_the_navigation_on_a_phone(browser, live_server, demo):
    context, page = phone_page(browser, live_server)
    login(page, "ben.schmitz@example.org")
    page.wait_for_url("**/dashboard/**")
    menu = page.get_by_role("button", name="Menü")
    projects = page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Projekte")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(projects).to_be_hidden()

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    projects.click()
    page.wait_for_url("**/projects/")

    menu = page.get_by_role("button", name="Menü")
    menu.click()
    expect(projects).to_be_visible()
    page.keyboard.press("Escape")
    expect(projects).to_be_hidden()
    expect(menu).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(menu).to_be_hidden()
    expect(projects).to_be_visible()
    context.close()


def test_navigation_stays_reachable_on_a_phone_without_javascript(browser, live_server, demo):
    context, page = phone_page(browser, live_server, java_script_enabled=False)
    login(page, "ben.schmitz@example.org")
    page.wait_for_url("**/dashboard/**")
    expect(page.get_by_role("button", name="Menü")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Meine Aufgaben")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_board_scrolls_in_its_own_area_and_cards_show_whole_titles_on_a_phone(browser, live_server, demo):
    context, page = phone_page(browser, live_server)
    login(page, "ben.schmitz@example.org")
    page.wait_for_url("**/dashboard/**")
    page.goto(f"/projects/{demo['projects']['jobticket'].pk}/board/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    board = page.locator("#board")
    assert board.evaluate("board => board.scrollWidth > board.clientWidth")  # columns side by side

    titles = page.locator("article.task-card h3")
    assert titles.count() > 3
    cut = titles.evaluate_all("titles => titles.filter(t => t.scrollWidth > t.clientWidth).length")
    assert cut == 0

    done = page.locator("[data-status=done]")
    done.scroll_into_view_if_needed()
    box = done.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    context.close()
