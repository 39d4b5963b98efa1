"""Every write to events and registrations.

Registering and cancelling lock the event row first (`select_for_update`): the count of confirmed
places, the decision confirmed / waiting and the waiting list's order are read and written under
that one lock, so 40 people registering at once for 25 places leave exactly 25 confirmed and 15
waiting in the order they got the lock, and a cancellation moves up exactly the first in line.
Guests have no account: they are told through the `GuestMail` outbox, never by mail from here.
"""

import secrets
from datetime import datetime
from functools import partial

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organisation, User
from audit.services import audit_record
from core.errors import DomainError
from notifications.services import notify

from .models import Event, GuestMail, Registration
from .permissions import may_cancel_registration, may_manage_events, may_register

KIND_CONFIRMED = "event_registration_confirmed"
KIND_WAITING = "event_registration_waiting"
KIND_MOVED_UP = "event_registration_moved_up"
KIND_CHANGED = "event_changed"
KIND_CANCELLED = "event_cancelled"

GUEST_LINK_SALT = "events.guest"
ACTIVE = (Registration.Status.CONFIRMED, Registration.Status.WAITING)
# A change of these fields is news to everyone registered (and a new SEQUENCE for calendars).
NEWS_FIELDS = ("starts_at", "ends_at", "venue", "address", "title")
EDITABLE_FIELDS = (
    "title",
    "slug",
    "summary",
    "agenda",
    "starts_at",
    "ends_at",
    "host",
    "venue",
    "address",
    "capacity",
    "is_public",
)


def guest_link_token(registration: Registration) -> str:
    """The signed token of a guest's personal link."""
    return signing.dumps({"r": registration.pk, "n": registration.link_nonce}, salt=GUEST_LINK_SALT)


def registration_from_guest_link(token: str) -> Registration:
    """The guest registration a personal link names, or DomainError saying the link does not work."""
    try:
        data = signing.loads(token, salt=GUEST_LINK_SALT)
    except signing.BadSignature:
        raise DomainError(_("Dieser Link ist ungültig.")) from None
    registration = (
        Registration.objects.select_related("event", "event__host").filter(pk=data.get("r")).first()
        if isinstance(data, dict)
        else None
    )
    if registration is None or not registration.is_guest:
        raise DomainError(_("Dieser Link ist ungültig."))
    if not registration.link_nonce or data.get("n") != registration.link_nonce:
        raise DomainError(
            _("Dieser Link wurde durch eine neuere Einladung ersetzt. Bitte nutzen Sie die neueste.")
        )
    return registration


def _when(event: Event) -> str:
    return formats.date_format(timezone.localtime(event.starts_at), "d.m.Y, H:i")


def _data(event: Event, **more) -> dict:
    return {
        "title": event.title,
        "url": event.get_absolute_url(),
        "date": _when(event),
        "venue": event.venue,
        **more,
    }


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _require_staff(actor: User) -> None:
    if not may_manage_events(actor):
        raise PermissionDenied(_("Nur die Geschäftsstelle kann Veranstaltungen verwalten."))


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at < starts_at:
        raise ValidationError({"ends_at": _("Das Ende liegt vor dem Beginn.")})


def _unique_slug(title: str) -> str:
    base = slugify(title)[:90] or "veranstaltung"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _queue_guest_mail(registration: Registration, kind: str) -> GuestMail:
    from .mail import guest_mails_queue

    mail = GuestMail.objects.create(registration=registration, kind=kind)
    # robust: the registration is committed whatever the broker does; the sweep catches up.
    transaction.on_commit(partial(guest_mails_queue, ids=[mail.pk]), robust=True)
    return mail


def confirmed_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()


def _free_places(event: Event) -> int | None:
    """Places left (None: unlimited); read under the event's lock."""
    if event.capacity is None:
        return None
    return max(event.capacity - confirmed_count(event), 0)


def _members_registered(event: Event, statuses=ACTIVE) -> QuerySet[User]:
    return User.objects.filter(
        event_registrations__event=event, event_registrations__status__in=statuses, is_active=True
    )


@transaction.atomic
def event_create(
    *,
    actor: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    slug: str = "",
    summary: str = "",
    agenda: str = "",
    host: Organisation | None = None,
    address: str = "",
    capacity: int | None = None,
    is_public: bool = True,
) -> Event:
    """Create an event (staff); audited."""
    _require_staff(actor)
    _check_times(starts_at, ends_at)
    if slug and Event.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Dieser Kurzname ist schon vergeben.")})
    event = Event(
        slug=slug or _unique_slug(title),
        title=title,
        summary=summary,
        agenda=agenda,
        starts_at=starts_at,
        ends_at=ends_at,
        host=host,
        venue=venue,
        address=address,
        capacity=capacity,
        is_public=is_public,
        created_by=actor,
    )
    event.full_clean()
    event.save()
    audit_record(
        actor=actor, action="event.created", subject=event, after={"title": title, "slug": event.slug}
    )
    return event


@transaction.atomic
def event_update(*, event: Event, actor: User, **changes) -> Event:
    """Change an event (staff). More places move people up from the waiting list; a new time or
    place notifies everyone registered and raises the iCalendar SEQUENCE."""
    _require_staff(actor)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"event_update() cannot change {sorted(unknown)}")
    event = _lock(event)
    if event.is_cancelled:
        raise DomainError(_("Die Veranstaltung ist abgesagt und kann nicht mehr geändert werden."))
    changed = {name for name, value in changes.items() if getattr(event, name) != value}
    if not changed:
        return event
    if "slug" in changed and Event.objects.filter(slug=changes["slug"]).exclude(pk=event.pk).exists():
        raise ValidationError({"slug": _("Dieser Kurzname ist schon vergeben.")})
    capacity = changes.get("capacity", event.capacity)
    if "capacity" in changed and capacity is not None:
        taken = confirmed_count(event)
        if capacity < taken:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "Es ist bereits %(taken)d Person fest angemeldet; die Zahl der Plätze "
                        "kann nicht darunter sinken.",
                        "Es sind bereits %(taken)d Personen fest angemeldet; die Zahl der Plätze "
                        "kann nicht darunter sinken.",
                        taken,
                    )
                    % {"taken": taken}
                }
            )
    for name in changed:
        setattr(event, name, changes[name])
    _check_times(event.starts_at, event.ends_at)
    news = changed & set(NEWS_FIELDS)
    if news:
        event.sequence += 1
    event.full_clean()
    event.save()
    if "capacity" in changed:
        _promote(event, actor=actor)
    if news:
        notify(
            kind=KIND_CHANGED,
            recipients=_members_registered(event),
            subject=event,
            actor=actor,
            data=_data(event),
        )
        for registration in event.registrations.filter(user__isnull=True, status__in=ACTIVE):
            _queue_guest_mail(registration, GuestMail.Kind.CHANGED)
    audit_record(actor=actor, action="event.changed", subject=event, after={"fields": sorted(changed)})
    return event


@transaction.atomic
def event_cancel(*, event: Event, actor: User) -> Event:
    """Call the event off (staff): everyone registered or waiting is told; calendars see it cancelled."""
    _require_staff(actor)
    event = _lock(event)
    if event.is_cancelled:
        raise DomainError(_("Die Veranstaltung ist bereits abgesagt."))
    event.cancelled_at = timezone.now()
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    notify(
        kind=KIND_CANCELLED,
        recipients=_members_registered(event),
        subject=event,
        actor=actor,
        data=_data(event),
    )
    for registration in event.registrations.filter(user__isnull=True, status__in=ACTIVE):
        _queue_guest_mail(registration, GuestMail.Kind.CANCELLED)
    audit_record(actor=actor, action="event.cancelled", subject=event)
    return event


def _refuse_if_closed(event: Event, *, now: datetime) -> None:
    if event.is_cancelled:
        raise DomainError(_("Die Veranstaltung ist abgesagt; eine Anmeldung ist nicht möglich."))
    if event.starts_at <= now:
        raise DomainError(_("Die Veranstaltung hat bereits begonnen; eine Anmeldung ist nicht mehr möglich."))


def _place(event: Event, registration: Registration, *, now: datetime) -> None:
    """Confirm or put on the waiting list, under the event's lock; anyone already waiting goes first."""
    free = _free_places(event)
    waiting = Registration.objects.filter(event=event, status=Registration.Status.WAITING).exists()
    registration.registered_at = now
    registration.cancelled_at = None
    if free is None or (free > 0 and not waiting):
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = Registration.Status.WAITING
        registration.confirmed_at = None


def waiting_position(registration: Registration) -> int | None:
    """1 for the first on the waiting list; None when not waiting."""
    if registration.status != Registration.Status.WAITING:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        status=Registration.Status.WAITING,
        registered_at__lt=registration.registered_at,
    ).count()
    ties = Registration.objects.filter(
        event_id=registration.event_id,
        status=Registration.Status.WAITING,
        registered_at=registration.registered_at,
        pk__lt=registration.pk,
    ).count()
    return ahead + ties + 1


@transaction.atomic
def registration_create(*, event: Event, actor: User, recorded_at: datetime | None = None) -> Registration:
    """Register the signed-in person: a place if one is free, else the end of the waiting list;
    they are notified either way. `recorded_at` records a registration made back then (the demo's
    history): it is checked against that moment, and nobody is notified of the past."""
    if not may_register(actor):
        raise PermissionDenied
    # The lock that orders all registrations and cancellations of this event.
    event = _lock(event)
    now = recorded_at or timezone.now()
    _refuse_if_closed(event, now=now)
    registration = Registration.objects.filter(event=event, user=actor).first()
    if registration is not None and registration.status == Registration.Status.CONFIRMED:
        raise DomainError(_("Sie sind für diese Veranstaltung bereits angemeldet."))
    if registration is not None and registration.status == Registration.Status.WAITING:
        raise DomainError(_("Sie stehen für diese Veranstaltung bereits auf der Warteliste."))
    if registration is None:
        registration = Registration(event=event, user=actor)
    registration.organisation = actor.organisation
    _place(event, registration, now=now)
    registration.save()
    if recorded_at is not None:
        return registration
    if registration.status == Registration.Status.CONFIRMED:
        notify(kind=KIND_CONFIRMED, recipients=[actor], subject=event, data=_data(event))
    else:
        position = waiting_position(registration)
        notify(kind=KIND_WAITING, recipients=[actor], subject=event, data=_data(event, position=position))
    return registration


@transaction.atomic
def guest_invite(
    *, event: Event, actor: User, email: str, name: str = "", organisation: Organisation | None = None
) -> Registration:
    """Staff invite a guest by email: a place (or the waiting list) and a mail with a personal link,
    sent from the outbox after commit."""
    _require_staff(actor)
    email = email.strip().lower()
    if not email:
        raise ValidationError({"email": _("Bitte eine E-Mail-Adresse angeben.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _(
                    "Zu dieser Adresse gibt es ein Konto; die Person meldet sich selbst auf der Plattform an."
                )
            }
        )
    event = _lock(event)
    now = timezone.now()
    _refuse_if_closed(event, now=now)
    registration = Registration.objects.filter(event=event, guest_email=email).first()
    if registration is not None and registration.status in ACTIVE:
        raise ValidationError({"email": _("Dieser Gast ist bereits eingeladen.")})
    if registration is None:
        registration = Registration(event=event, guest_email=email)
    registration.guest_name = name.strip()
    registration.organisation = organisation
    registration.invited_by = actor
    registration.link_nonce = secrets.token_hex(16)
    _place(event, registration, now=now)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise ValidationError({"email": _("Dieser Gast ist bereits eingeladen.")}) from None
    _queue_guest_mail(registration, GuestMail.Kind.INVITATION)
    audit_record(actor=actor, action="event.guest_invited", subject=event, after={"email": email})
    return registration


def _promote(event: Event, *, actor: User | None) -> list[Registration]:
    """Move the first on the waiting list up into the free places, in order; under the event's lock."""
    if event.is_cancelled or event.has_started:
        return []
    free = _free_places(event)
    waiting = Registration.objects.filter(event=event, status=Registration.Status.WAITING).order_by(
        "registered_at", "pk"
    )
    moved = list(waiting if free is None else waiting[:free])
    if not moved:
        return []
    now = timezone.now()
    Registration.objects.filter(pk__in=[r.pk for r in moved]).update(
        status=Registration.Status.CONFIRMED, confirmed_at=now
    )
    members = [r.user for r in moved if r.user_id is not None]
    notify(kind=KIND_MOVED_UP, recipients=members, subject=event, actor=actor, data=_data(event))
    for registration in moved:
        registration.status, registration.confirmed_at = Registration.Status.CONFIRMED, now
        if registration.is_guest:
            _queue_guest_mail(registration, GuestMail.Kind.MOVED_UP)
    return moved


def _cancel(registration: Registration, *, actor: User | None, by_staff: bool) -> Registration:
    # Event first, then the registration: the same order as registering, so no deadlock.
    event = _lock(registration.event)
    registration = (
        Registration.objects.select_for_update(of=("self",)).select_related("user").get(pk=registration.pk)
    )
    registration.event = event
    if registration.status == Registration.Status.CANCELLED:
        raise DomainError(_("Diese Anmeldung ist bereits storniert."))
    if event.has_started and not by_staff:
        raise DomainError(_("Die Veranstaltung hat bereits begonnen; eine Abmeldung ist nicht mehr möglich."))
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.attended = None
    registration.save(update_fields=["status", "cancelled_at", "attended"])
    if was_confirmed:
        _promote(event, actor=actor)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: User) -> Registration:
    """Cancel a registration (the person themself or staff); the first waiting moves up and is told."""
    if not may_cancel_registration(actor, registration):
        raise PermissionDenied
    by_staff = may_manage_events(actor)
    return _cancel(registration, actor=actor, by_staff=by_staff)


@transaction.atomic
def guest_cancel(*, token: str) -> Registration:
    """A guest cancels through their personal link."""
    registration = registration_from_guest_link(token)
    return _cancel(registration, actor=None, by_staff=False)


@transaction.atomic
def attendance_set(*, registration: Registration, actor: User, attended: bool | None) -> Registration:
    """Record whether a confirmed person came (staff; from the event's start on)."""
    _require_staff(actor)
    registration = (
        Registration.objects.select_for_update(of=("self",)).select_related("event").get(pk=registration.pk)
    )
    if registration.status != Registration.Status.CONFIRMED:
        raise DomainError(_("Anwesenheit wird nur für fest angemeldete Personen erfasst."))
    if not registration.event.has_started:
        raise DomainError(_("Die Anwesenheit kann erst ab Beginn der Veranstaltung erfasst werden."))
    registration.attended = attended
    registration.save(update_fields=["attended"])
    return registration


@transaction.atomic
def attendance_take(*, event: Event, actor: User, present_ids: set[int]) -> int:
    """Take the attendance list at once: the confirmed registrations in `present_ids` came, the
    others did not. Returns how many came."""
    _require_staff(actor)
    event = _lock(event)
    if not event.has_started:
        raise DomainError(_("Die Anwesenheit kann erst ab Beginn der Veranstaltung erfasst werden."))
    confirmed = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
    came = confirmed.filter(pk__in=present_ids).update(attended=True)
    confirmed.exclude(pk__in=present_ids).update(attended=False)
    audit_record(actor=actor, action="event.attendance_taken", subject=event, after={"attended": came})
    return came
