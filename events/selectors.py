"""Reading events: lists with their registration figures counted in the database."""

from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
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
