"""The demo's events: AUFBRUCH 2015 at Philips with attendance taken, the June follow-up at the VUV,
upcoming events in the feed."""

from datetime import date

import pytest
from django.utils import timezone
from icalendar import Calendar

from events.models import Event, Registration
from events.selectors import events_between
from portal.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_events(client):
    seed_demo(with_password=False)
    seed_demo(with_password=False)  # again: nothing doubles
    (aufbruch,) = events_between(start=date(2015, 3, 24), end=date(2015, 3, 24))
    assert aufbruch.title == "AUFBRUCH 2015" and aufbruch.host.name == "Philips GmbH"
    assert 50 <= aufbruch.confirmed_count <= 70 and 45 <= aufbruch.attended_count < aufbruch.confirmed_count
    (follow_up,) = events_between(start=date(2015, 6, 24), end=date(2015, 6, 24))
    assert follow_up.host.name.startswith("VUV") and follow_up.attended_count > 0
    assert not Registration.objects.filter(
        event__starts_at__year=2015, status="confirmed", attended__isnull=True
    )
    feed = Calendar.from_ical(client.get("/veranstaltungen/feed.ics").content)
    upcoming = Event.objects.filter(is_public=True, cancelled_at=None, ends_at__gte=timezone.now())
    assert sorted(str(c["summary"]) for c in feed.walk("VEVENT")) == sorted(e.title for e in upcoming)
    assert Event.objects.count() == 4
