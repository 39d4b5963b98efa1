"""Reading seals and applications. The register and the verification page go by the dates, so a
seal past its end leaves the register even before the expiry task has run."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Seal


def seals_current(*, day: date | None = None) -> QuerySet[Seal]:
    """The public register: seals valid on `day` (today), not revoked, with their organisation."""
    day = day or timezone.localdate()
    return (
        Seal.objects.filter(revoked_at__isnull=True, valid_from__lte=day, valid_until__gte=day)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def seals_awarded_between(*, start: date, end: date) -> QuerySet[Seal]:
    """Seals awarded from `start` to `end` (both days included, local time)."""
    return Seal.objects.filter(awarded_at__date__gte=start, awarded_at__date__lte=end).select_related(
        "organisation"
    )


def seals_expired_between(*, start: date, end: date) -> QuerySet[Seal]:
    """Seals whose validity ended from `start` to `end` (not revoked before)."""
    return (
        Seal.objects.filter(valid_until__gte=start, valid_until__lte=end)
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=end))
        .select_related("organisation")
    )


def seals_revoked_between(*, start: date, end: date) -> QuerySet[Seal]:
    return Seal.objects.filter(revoked_at__date__gte=start, revoked_at__date__lte=end).select_related(
        "organisation"
    )
