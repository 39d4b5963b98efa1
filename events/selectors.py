"""Reading events: lists with their registration figures counted in the database."""

from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Event, Registration

_CONFIRMED = Q(registrations__status=Registration.Status.CONFIRMED)


def with_figures(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate confirmed_count, waiting_count and attended_count."""
    return events.annotate(
        confirmed_count=Count("registrations", filter=_CONFIRMED, distinct=True),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITING), distinct=True
        ),
        attended_count=Count(
            "registrations", filter=_CONFIRMED & Q(registrations__attended=True), distinct=True
        ),
    )


def events_between(*, start: date, end: date) -> QuerySet[Event]:
    """Events (not cancelled) starting from `start` to `end` (both days included, local time)."""
    tz = timezone.get_current_timezone()
    begin = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end, time.max), tz)
    return with_figures(
        Event.objects.filter(starts_at__gte=begin, starts_at__lte=until, cancelled_at__isnull=True)
    ).select_related("host")


def events_upcoming_public(*, limit: int | None = None) -> QuerySet[Event]:
    """Public events that have not ended, soonest first."""
    events = Event.objects.filter(is_public=True, cancelled_at__isnull=True, ends_at__gte=timezone.now())
    events = events.select_related("host").order_by("starts_at", "pk")
    return events[:limit] if limit else events


def events_visible(*, user) -> QuerySet[Event]:
    """Every event for an active signed-in person; the public ones for anybody else."""
    events = Event.objects.select_related("host")
    if user.is_authenticated and user.is_active:
        return events
    return events.filter(is_public=True)


def event_get_for_user(*, user, slug: str) -> Event:
    """The event, with its figures, or Http404 (also for an event the person may not see)."""
    event = with_figures(events_visible(user=user)).filter(slug=slug).first()
    if event is None:
        raise Http404
    return event


def events_upcoming(*, user) -> QuerySet[Event]:
    """Events that have not ended (cancelled ones included, marked), soonest first."""
    return with_figures(events_visible(user=user).filter(ends_at__gte=timezone.now())).order_by(
        "starts_at", "pk"
    )


def events_past(*, user) -> QuerySet[Event]:
    """Events that have ended, latest first."""
    return with_figures(events_visible(user=user).filter(ends_at__lt=timezone.now())).order_by(
        "-starts_at", "-pk"
    )


def registration_of(*, event: Event, user) -> Registration | None:
    """The person's own registration (also a cancelled one), if any."""
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(event=event, user=user).first()


def registrations_of_event(*, event: Event, user) -> QuerySet[Registration]:
    """All registrations of the event in the waiting list's order: staff only (PermissionDenied else)."""
    from .permissions import may_manage_events

    if not may_manage_events(user):
        raise PermissionDenied
    return (
        Registration.objects.filter(event=event)
        .select_related("user", "organisation", "user__organisation")
        .order_by("registered_at", "pk")
    )


def registrations_visible(*, user) -> QuerySet[Registration]:
    """Registrations a person may see: staff all, everyone else their own."""
    from .permissions import may_manage_events

    registrations = Registration.objects.select_related("event", "user", "organisation")
    if may_manage_events(user):
        return registrations
    if not (user.is_authenticated and user.is_active):
        return registrations.none()
    return registrations.filter(user=user)
