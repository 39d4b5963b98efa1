"""Ballots in a real Chromium: a ranked ballot arranged with the keyboard alone, and by drag and drop."""

import re

from playwright.sync_api import expect

from portal.demo_votes import THEMES, THEMES_VOTE
from tests.browser.conftest import login
from tests.browser.test_csp import RECORD_VIOLATIONS
from votes.models import Ballot

FACHKRAEFTE, INNOVATION, SICHTBARKEIT, CSR, FLAECHEN = range(5)


def tab_to(page, locator, limit: int = 200) -> None:
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def row(page, position: int):
    return page.locator(f"li.ranking-item[data-position='{position}']")


def shown_order(page) -> list[str]:
    return page.locator("ol[data-ranking] .ranking-label").all_text_contents()


def felix_ballot(vote, felix) -> list[int]:
    return Ballot.objects.get(vote=vote, elector__user=felix).content


def test_a_forum_member_ranks_with_the_keyboard_only_and_the_ballot_is_recorded(page, demo):
    vote = demo["votes"][THEMES_VOTE]
    felix = demo["people"]["felix.meyer@example.org"]
    page.add_init_script(RECORD_VIOLATIONS)
    login(page, "felix.meyer@example.org")
    expect(page.get_by_role("heading", name=re.compile("Willkommen"))).to_be_visible()
    page.goto(f"/votes/{vote.pk}/")
    expect(page.locator("ol.js-ranking")).to_be_visible()  # ballot.js has taken over the list
    page.locator("#ballot-heading").click()  # a starting point for the keyboard, above the ballot

    up = {p: page.get_by_role("button", name=f"{THEMES[p]}: nach oben") for p in range(5)}
    tab_to(page, up[SICHTBARKEIT])
    page.keyboard.press("Enter")  # left out → rank 1
    expect(row(page, SICHTBARKEIT).get_by_role("combobox")).to_have_value("1")
    assert shown_order(page)[0] == THEMES[SICHTBARKEIT]
    expect(up[SICHTBARKEIT]).to_be_focused()  # the row moved; the keyboard stays on its button

    tab_to(page, up[FACHKRAEFTE])
    page.keyboard.press("Space")  # → rank 2
    tab_to(page, up[FLAECHEN])
    page.keyboard.press("Enter")  # → rank 3
    page.keyboard.press("Enter")  # swaps with Fachkräftesicherung → rank 2
    expect(row(page, FLAECHEN).get_by_role("combobox")).to_have_value("2")
    expect(row(page, FACHKRAEFTE).get_by_role("combobox")).to_have_value("3")
    expect(page.locator("[data-ranking-status]")).to_have_text(f"„{THEMES[FLAECHEN]}“: jetzt Rang 2")

    # Equal rank through the rank number: Innovation joins Fachkräftesicherung on rank 3.
    tab_to(page, row(page, INNOVATION).get_by_role("combobox"))
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(row(page, INNOVATION).get_by_role("combobox")).to_have_value("3")
    order = shown_order(page)
    assert order[:2] == [THEMES[SICHTBARKEIT], THEMES[FLAECHEN]]
    assert set(order[2:4]) == {THEMES[FACHKRAEFTE], THEMES[INNOVATION]} and order[4] == THEMES[CSR]

    tab_to(page, page.get_by_role("button", name="Stimme abgeben", exact=True).last)
    page.keyboard.press("Enter")

    confirmation = page.locator("[data-ballot-confirmation]")
    expect(confirmation).to_contain_text("Ihre Stimme ist abgegeben.")
    expect(confirmation).to_be_focused()
    expect(confirmation.locator("ol.ranking-shown li")).to_have_text(
        [THEMES[SICHTBARKEIT], THEMES[FLAECHEN], f"{THEMES[FACHKRAEFTE]} = {THEMES[INNOVATION]}"]
    )
    expect(confirmation).to_contain_text(f"Nicht eingeordnet: {THEMES[CSR]}")
    # Sichtbarkeit first, Flächen second, Fachkräfte and Innovation equal third, CSR left out.
    assert felix_ballot(vote, felix) == [2, 2, 0, 3, 1]
    expect(page.locator("[data-turnout]")).to_have_text("13 von 53")
    assert page.evaluate("window.__cspViolations") == []

    page.reload()
    expect(page.locator("[data-voted]")).to_contain_text("Sie haben am")
    expect(row(page, SICHTBARKEIT).get_by_role("combobox")).to_have_value("1")


def test_a_forum_member_ranks_by_drag_and_drop(page, demo):
    vote = demo["votes"][THEMES_VOTE]
    felix = demo["people"]["felix.meyer@example.org"]
    login(page, "felix.meyer@example.org")
    expect(page.get_by_role("heading", name=re.compile("Willkommen"))).to_be_visible()
    page.goto(f"/votes/{vote.pk}/")
    page.get_by_role("button", name="Stimme abgeben", exact=True).last.click()  # nothing ranked yet
    expect(page.locator("#ballot .form-errors")).to_have_text("Bitte mindestens eine Option einordnen.")
    expect(page.locator("ol.js-ranking")).to_be_visible()  # the list htmx swapped in is set up again

    handle = row(page, CSR).locator(".drag-handle")
    handle.drag_to(row(page, FACHKRAEFTE), target_position={"x": 20, "y": 2})  # above the first row
    expect(row(page, CSR).get_by_role("combobox")).to_have_value("1")
    row(page, INNOVATION).locator(".drag-handle").drag_to(
        row(page, FACHKRAEFTE), target_position={"x": 20, "y": 2}
    )  # between CSR (ranked) and the options left out
    expect(row(page, INNOVATION).get_by_role("combobox")).to_have_value("2")
    assert shown_order(page)[:2] == [THEMES[CSR], THEMES[INNOVATION]]

    page.get_by_role("button", name="Stimme abgeben", exact=True).last.click()
    expect(page.locator("[data-ballot-confirmation]")).to_contain_text("Ihre Stimme ist abgegeben.")
    assert felix_ballot(vote, felix) == [2, 1, 2, 0, 2]
