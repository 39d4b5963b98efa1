"""The calendar files parse with a real RFC 5545 parser: start in Europe/Berlin, stable UID, venue."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from events import services

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def vevents(calendar):
    return [c for c in calendar.walk() if c.name == "VEVENT"]


@pytest.fixture
def summit(staff):
    return services.event_create(
        actor=staff,
        title="Sommerforum 2027",
        summary="Die Arbeitsgruppen stellen Ergebnisse vor.",
        starts_at=datetime(2027, 6, 24, 17, 0, tzinfo=BERLIN),
        ends_at=datetime(2027, 6, 24, 20, 0, tzinfo=BERLIN),
        venue="VUV, Haus der Wirtschaft",
        address="Kapellenstraße 1, 52066 Aachen",
    )


def test_event_file_has_berlin_start_stable_uid_and_venue(client, summit, staff):
    first = parse(client.get(f"/veranstaltungen/{summit.slug}/kalender.ics"))
    (event,) = vevents(first)
    start = event.decoded("dtstart")
    assert start == datetime(2027, 6, 24, 17, 0, tzinfo=BERLIN)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert str(start.tzinfo) == "Europe/Berlin"
    assert [c["tzid"] for c in first.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert "VUV, Haus der Wirtschaft" in str(event["location"])
    assert "Kapellenstraße 1" in str(event["location"])
    assert str(event["url"]).endswith(f"/veranstaltungen/{summit.slug}/")
    assert str(event["description"]).startswith("Die Arbeitsgruppen")
    assert event["sequence"] == 0
    assert "last-modified" in event

    services.event_update(event=summit, actor=staff, venue="Rathaus Aachen")
    (again,) = vevents(parse(client.get(f"/veranstaltungen/{summit.slug}/kalender.ics")))
    assert str(again["uid"]) == str(event["uid"]) == f"{summit.uid}@aachen-industriedialog"
    assert again["sequence"] == 1
    assert "Rathaus Aachen" in str(again["location"])


def test_summer_and_winter_times_keep_their_local_hour(client, staff):
    winter = services.event_create(
        actor=staff,
        title="AUFBRUCH",
        starts_at=datetime(2027, 3, 24, 10, 0, tzinfo=BERLIN),
        ends_at=datetime(2027, 3, 24, 16, 0, tzinfo=BERLIN),
        venue="Philips",
    )
    (event,) = vevents(parse(client.get(f"/veranstaltungen/{winter.slug}/kalender.ics")))
    assert event.decoded("dtstart").hour == 10
    assert event.decoded("dtstart").utcoffset().total_seconds() == 3600


def test_feed_lists_upcoming_public_events_only(client, summit, make_event, staff):
    internal = make_event(title="Internes Treffen", is_public=False)
    past = make_event(title="Vergangen", days=-10)
    cancelled = make_event(title="Abgesagt")
    services.event_cancel(event=cancelled, actor=staff)
    first = parse(client.get("/veranstaltungen/feed.ics"))
    titles = sorted(str(e["summary"]) for e in vevents(first))
    assert titles == ["Sommerforum 2027"]
    assert internal.title not in client.get("/veranstaltungen/feed.ics").content.decode()
    assert past.title not in titles
    second = parse(client.get("/veranstaltungen/feed.ics"))
    assert [str(e["uid"]) for e in vevents(second)] == [str(e["uid"]) for e in vevents(first)]


def test_cancelled_event_file_says_cancelled(client, summit, staff):
    services.event_cancel(event=summit, actor=staff)
    (event,) = vevents(parse(client.get(f"/veranstaltungen/{summit.slug}/kalender.ics")))
    assert event["status"] == "CANCELLED"
    assert event["sequence"] == 1


def test_internal_event_file_is_404_for_anonymous(client, make_event, world):
    internal = make_event(is_public=False)
    assert client.get(f"/veranstaltungen/{internal.slug}/kalender.ics").status_code == 404
    client.force_login(world.people["outsider"])
    assert client.get(f"/veranstaltungen/{internal.slug}/kalender.ics").status_code == 200
