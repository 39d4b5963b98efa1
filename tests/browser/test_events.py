"""In Chromium: a member registers for an event and sees the place confirmed; when it is full, the
next person lands on the waiting list."""

from playwright.sync_api import expect

from events.models import Event, Registration
from events.services import event_update

from .conftest import login


def test_member_registers_and_next_one_waits_when_full(page, demo):
    workshop = Event.objects.get(slug="werkstatt-fachkraefte-2027")
    event_update(event=workshop, actor=demo["people"]["eva.klein@example.org"], capacity=1)

    login(page, "ben.schmitz@example.org")
    page.get_by_role("link", name="Veranstaltungen").first.click()
    page.get_by_role("link", name=workshop.title).click()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.get_by_text("Sie sind angemeldet. Ihr Platz ist bestätigt.").first).to_be_visible()
    expect(page.locator("[data-status=confirmed]")).to_be_visible()

    page.context.clear_cookies()  # signed out
    login(page, "carla.hoffmann@example.org")
    page.goto(workshop.get_absolute_url())
    page.get_by_role("button", name="Auf die Warteliste setzen").click()
    expect(page.locator("[data-status=waiting]")).to_contain_text("Platz 1 der Warteliste")
    assert list(
        Registration.objects.filter(event=workshop).order_by("registered_at").values_list("status", flat=True)
    ) == [
        "confirmed",
        "waiting",
    ]


def test_anonymous_visitor_sees_public_event_and_is_asked_to_sign_in(page, demo):
    page.goto("/veranstaltungen/aufbruch-2015/")
    expect(page.get_by_role("heading", level=1)).to_have_text("AUFBRUCH 2015")
    expect(page.get_by_text("Philips GmbH, Werk Aachen")).to_be_visible()
    expect(page.get_by_role("heading", name="Tagesordnung")).to_be_visible()
    expect(page.get_by_text("Die Veranstaltung hat bereits begonnen")).to_be_visible()
