"""Demo events: AUFBRUCH 2015 at Philips and the June follow-up at the VUV (both with attendance
taken), and two upcoming events in 2027 so the calendar feed is not empty. Everything goes through
events.services; running it again changes nothing that is already there."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from accounts.models import Organisation, User
from events.models import Event
from events.services import attendance_take, event_create, registration_create

BERLIN = ZoneInfo("Europe/Berlin")

AUFBRUCH_AGENDA = """\
## Programm

- 09:30 Ankommen und Kaffee
- 10:00 Begrüßung durch den Gastgeber Philips GmbH und die Stadt Aachen
- 10:30 Warum ein Industrie-Dialog? Impulse aus Unternehmen der Region
- 11:30 Werkstätten: Fachkräfte, Innovation, Kommunikation, CSR
- 13:00 Mittagessen und Werksführung
- 14:30 Ergebnisse der Werkstätten, Gründung der Arbeitsgruppen
- 16:00 Ende
"""

FOLLOW_UP_AGENDA = """\
## Programm

- 17:00 Begrüßung durch die VUV
- 17:15 Die Arbeitsgruppen stellen ihre Zwischenergebnisse vor
- 18:30 Diskussion: Was braucht die Region als Nächstes?
- 19:30 Ausklang
"""


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def _event(actor: User, *, slug: str, **fields) -> tuple[Event, bool]:
    existing = Event.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    return event_create(actor=actor, slug=slug, **fields), True


def _registered_and_attended(event: Event, people: list[User], *, absent_every: int) -> None:
    """Register `people` in the weeks before the event; every `absent_every`-th did not come."""
    present = set()
    for i, person in enumerate(people):
        registration = registration_create(
            event=event,
            actor=person,
            recorded_at=event.starts_at - timedelta(days=21) + timedelta(minutes=37 * i),
        )
        if (i + 1) % absent_every:
            present.add(registration.pk)
    attendance_take(event=event, actor=_staff(), present_ids=present)


def _staff() -> User:
    return User.objects.get(email="eva.klein@example.org")


def seed_events(*, organisations: dict[str, Organisation]) -> dict[str, Event]:
    staff = _staff()
    philips = organisations["Philips GmbH"]
    vuv = organisations["VUV Aachen (Vereinigte Unternehmerverbände)"]
    city = organisations["Stadt Aachen, Fachbereich Wirtschaftsförderung / Europäische Angelegenheiten"]
    everyone = list(User.objects.filter(is_active=True, is_superuser=False).order_by("pk"))

    aufbruch, new = _event(
        staff,
        slug="aufbruch-2015",
        title="AUFBRUCH 2015",
        summary="Auftakt des Aachener Industrie-Dialogs: Unternehmen, Stadt und Verbände treffen sich "
        "bei Philips und gründen die Arbeitsgruppen.",
        agenda=AUFBRUCH_AGENDA,
        starts_at=_at(2015, 3, 24, 10),
        ends_at=_at(2015, 3, 24, 16),
        host=philips,
        venue="Philips GmbH, Werk Aachen",
        address="Philipsstraße 8, 52068 Aachen",
        capacity=80,
    )
    if new:
        _registered_and_attended(aufbruch, everyone, absent_every=9)

    follow_up, new = _event(
        staff,
        slug="industrie-dialog-juni-2015",
        title="Industrie-Dialog: Zwischenergebnisse der Arbeitsgruppen",
        summary="Drei Monate nach AUFBRUCH 2015 stellen die Arbeitsgruppen bei der VUV ihre "
        "Zwischenergebnisse vor.",
        agenda=FOLLOW_UP_AGENDA,
        starts_at=_at(2015, 6, 24, 17),
        ends_at=_at(2015, 6, 24, 20),
        host=vuv,
        venue="VUV, Haus der Wirtschaft",
        address="Grüner Weg 4, 52070 Aachen",
        capacity=50,
    )
    if new:
        _registered_and_attended(follow_up, everyone[:45], absent_every=7)

    forum_2027, _ = _event(
        staff,
        slug="industrie-dialog-forum-2027",
        title="Industrie-Dialog Forum 2027",
        summary="Das jährliche Forum: Berichte der Arbeitsgruppen, Verleihung des Siegels „Made in Aachen“.",
        agenda="## Programm\n\n- 16:00 Begrüßung\n- 16:30 Berichte der Arbeitsgruppen\n"
        "- 18:00 Siegelverleihung\n",
        starts_at=_at(2027, 3, 24, 16),
        ends_at=_at(2027, 3, 24, 19),
        host=city,
        venue="Rathaus Aachen, Krönungssaal",
        address="Markt, 52062 Aachen",
        capacity=120,
    )
    workshop_2027, _ = _event(
        staff,
        slug="werkstatt-fachkraefte-2027",
        title="Werkstatt Fachkräfte: Ausbildung gemeinsam gestalten",
        summary="Ausbildungsbetriebe der Region tauschen sich über gemeinsame Ausbildungsangebote aus.",
        starts_at=_at(2027, 6, 23, 14),
        ends_at=_at(2027, 6, 23, 17),
        host=philips,
        venue="Philips GmbH, Ausbildungszentrum",
        address="Philipsstraße 8, 52068 Aachen",
        capacity=25,
    )
    return {
        "aufbruch": aufbruch,
        "follow_up": follow_up,
        "forum_2027": forum_2027,
        "workshop_2027": workshop_2027,
    }
