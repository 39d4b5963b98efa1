"""iCalendar (RFC 5545) for events: one file per event and a feed of the upcoming public ones.

Times are written with TZID Europe/Berlin and the VTIMEZONE that defines it, so a calendar shows
the local time the event was announced with. The UID comes from `Event.uid` and never changes;
SEQUENCE counts the changes that matter to a calendar (time, place, cancellation).
"""

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event

TIMEZONE = ZoneInfo("Europe/Berlin")
UID_DOMAIN = "aachen-industriedialog"
PRODID = "-//Aachener Industrie-Dialog//Veranstaltungen//DE"


def event_uid(event: Event) -> str:
    return f"{event.uid}@{UID_DOMAIN}"


def _vevent(event: Event) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", event.starts_at.astimezone(TIMEZONE))
    vevent.add("dtend", event.ends_at.astimezone(TIMEZONE))
    vevent.add("summary", event.title)
    description = event.summary
    if event.host is not None:
        host = _("Gastgeber: %(host)s") % {"host": event.host.name}
        description = f"{description}\n\n{host}".strip()
    if description:
        vevent.add("description", description)
    vevent.add("location", ", ".join(part for part in (event.venue, event.address) if part))
    vevent.add("url", f"{settings.SITE_URL}{event.get_absolute_url()}")
    vevent.add("sequence", event.sequence)
    vevent.add("last-modified", event.updated_at)
    vevent.add("created", event.created_at)
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return vevent


def calendar_of(events: Iterable[Event], *, name: str) -> bytes:
    """A VCALENDAR holding the events, with the VTIMEZONE of every TZID it uses."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Berlin")
    for event in events:
        calendar.add_component(_vevent(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()
