"""The board's drag and drop and its keyboard path, in Chromium: what a member sees and what stays."""

from playwright.sync_api import expect

from accounts.models import User
from projects.models import Task
from projects.services import task_move
from tests.browser.conftest import login

TARIFF = "Tarifmodelle anderer Städte vergleichen"
APPOINTMENT = "Gesprächstermin mit dem Verkehrsverbund vereinbaren"
SURVEY = "Befragung in den Mitgliedsunternehmen verteilen"


def column(page, status):
    return page.locator(f"#board [data-status={status}]")


def titles(page, status) -> list[str]:
    return [title.strip() for title in column(page, status).locator("article.task-card h3").all_inner_texts()]


def placed(title: str, column_label: str, place: int, count: int) -> str:
    """What the live region says after a move."""
    return f'„{title}" steht jetzt in „{column_label}", Platz {place} von {count}.'


def drag(page, card, target, *, below: bool = False) -> None:
    """Press the mouse on `card`, move it in small steps onto the upper (or lower) part of
    `target`, and let go: the way a person drags."""
    expect(card).to_be_visible()
    expect(target).to_be_visible()
    start = card.locator("h3").bounding_box()
    box = target.bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    to_x = box["x"] + box["width"] / 2
    to_y = box["y"] + box["height"] * (0.85 if below else 0.15)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 8, y + 8, steps=4)
    page.mouse.move(to_x, to_y, steps=25)
    expect(page.locator("#board")).to_have_attribute("data-busy", "")
    page.mouse.move(to_x, to_y + 2, steps=3)
    page.mouse.up()
    # The board the server answered with replaces the dragged one (which was busy).
    expect(page.locator("#board")).not_to_have_attribute("data-busy", "")


def open_board(page, demo, email="ben.schmitz@example.org"):
    project = demo["projects"]["jobticket"]
    page.set_viewport_size({"width": 1280, "height": 2400})  # the whole board in view: drags stay on screen
    login(page, email)
    page.goto(f"/projects/{project.pk}/board/")
    expect(page.locator("#board.board-sortable")).to_have_count(1)
    return project


def test_member_drags_cards_between_and_within_columns_and_the_order_stays(page, demo):
    open_board(page, demo)
    page.evaluate("window.__noReload = true")
    card = column(page, "open").locator("article.task-card", has_text=TARIFF)
    survey = column(page, "in_progress").locator("article.task-card", has_text=SURVEY)

    drag(page, card, survey)

    expect(column(page, "in_progress").locator("article.task-card", has_text=TARIFF)).to_have_count(1)
    assert titles(page, "in_progress") == [TARIFF, SURVEY]
    expect(page.locator("#board-status")).to_have_text(placed(TARIFF, "In Arbeit", 1, 2))

    open_before = titles(page, "open")
    assert open_before[0] != APPOINTMENT
    first = column(page, "open").locator("article.task-card").first
    appointment = column(page, "open").locator("article.task-card", has_text=APPOINTMENT)
    drag(page, appointment, first)
    expected_open = [APPOINTMENT] + [title for title in open_before if title != APPOINTMENT]
    expect(column(page, "open").locator("article.task-card h3").first).to_have_text(APPOINTMENT)
    assert titles(page, "open") == expected_open

    drag(page, column(page, "in_progress").locator("article.task-card", has_text=TARIFF), survey, below=True)
    expect(column(page, "in_progress").locator("article.task-card h3").last).to_have_text(TARIFF)
    assert page.evaluate("window.__noReload") is True  # moved in place, no page load

    page.reload()
    assert titles(page, "open") == expected_open
    assert titles(page, "in_progress") == [SURVEY, TARIFF]


def test_member_drags_a_card_on_a_touch_screen(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, locale="de-DE", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    open_board(page, demo)
    card = column(page, "open").locator("article.task-card", has_text=TARIFF).locator("h3").bounding_box()
    survey = column(page, "in_progress").locator("article.task-card", has_text=SURVEY).bounding_box()
    x, y = card["x"] + card["width"] / 2, card["y"] + card["height"] / 2
    to_x, to_y = survey["x"] + survey["width"] / 2, survey["y"] + survey["height"] * 0.15
    cdp = context.new_cdp_session(page)

    def touch(kind: str, at_x: float, at_y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": at_x, "y": at_y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", x, y)
    page.wait_for_timeout(400)  # the finger rests on the card: on a touch screen a drag starts so
    for step in range(1, 26):
        touch("touchMove", x + (to_x - x) * step / 25, y + (to_y - y) * step / 25)
    expect(page.locator("#board")).to_have_attribute("data-busy", "")
    touch("touchMove", to_x, to_y + 2)
    touch("touchEnd", to_x, to_y + 2)

    expect(page.locator("#board")).not_to_have_attribute("data-busy", "")
    expect(column(page, "in_progress").locator("article.task-card", has_text=TARIFF)).to_have_count(1)
    assert titles(page, "in_progress") == [TARIFF, SURVEY]
    context.close()


def test_member_moves_a_card_with_the_keyboard_only(page, demo):
    open_board(page, demo)
    card = column(page, "open").locator("article.task-card", has_text=TARIFF)
    task = Task.objects.get(title=TARIFF)

    card.get_by_role("link", name=TARIFF).focus()
    page.keyboard.press("Tab")
    button = card.get_by_role("button", name=f'„{TARIFF}" bewegen')
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-haspopup", "menu")
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    menu = page.get_by_role("menu")
    expect(menu.get_by_role("menuitem").first).to_be_focused()
    # The last card of "Offen": up, or to one of the other columns.
    expect(menu.get_by_role("menuitem")).to_have_text(["Nach oben", 'Nach „In Arbeit"', 'Nach „Erledigt"'])
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem", name='Nach „In Arbeit"')).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#board-status")).to_have_text(placed(TARIFF, "In Arbeit", 1, 2))
    expect(column(page, "in_progress").locator("article.task-card", has_text=TARIFF)).to_have_count(1)
    expect(page.locator(f"#move-button-{task.pk}")).to_be_focused()
    expect(page.get_by_role("menu")).to_have_count(0)

    page.keyboard.press("ArrowDown")  # opens the menu too, on its first item: "Nach unten" for the top card
    expect(page.get_by_role("menuitem", name="Nach unten")).to_be_focused()
    expect(page.get_by_role("menuitem", name="Nach oben")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(page.get_by_role("menu")).to_have_count(0)
    expect(page.locator(f"#move-button-{task.pk}")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")

    expect(page.locator("#board-status")).to_have_text(placed(TARIFF, "In Arbeit", 2, 2))
    expect(page.locator(f"#move-button-{task.pk}")).to_be_focused()
    page.reload()
    assert titles(page, "in_progress") == [SURVEY, TARIFF]


def test_a_drop_that_lost_the_race_snaps_back_with_the_reason(page, demo):
    open_board(page, demo)
    card = column(page, "open").locator("article.task-card", has_text=TARIFF)
    survey = column(page, "in_progress").locator("article.task-card", has_text=SURVEY)
    # Anna finishes the card while Ben's board still shows it open.
    task_move(
        task=Task.objects.get(title=TARIFF),
        status=Task.Status.DONE,
        actor=User.objects.get(email="anna.becker@example.org"),
    )

    drag(page, card, survey)

    expect(page.get_by_role("alert")).to_contain_text("wurde inzwischen verschoben")
    expect(column(page, "in_progress").locator("article.task-card", has_text=TARIFF)).to_have_count(0)
    expect(column(page, "done").locator("article.task-card", has_text=TARIFF)).to_have_count(1)
    assert Task.objects.get(title=TARIFF).status == Task.Status.DONE
