"""Report periods: quarters to offer, and the time slices the state chart draws."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

# Beyond this a report would mean little and take long: a year and a bit.
MAX_PERIOD_DAYS = 400
# Up to this length the state chart has a bar per week, above it one per month.
WEEKLY_UP_TO_DAYS = 120


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def begin_at(self) -> datetime:
        """The first moment of the period, local time."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_before(self) -> datetime:
        """The first moment after the period (its last day included), local time."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def quarter_of(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    next_start = date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return Period(start, next_start - timedelta(days=1))


def quarter_label(period: Period) -> str:
    return _("%(quarter)s. Quartal %(year)s") % {
        "quarter": (period.start.month - 1) // 3 + 1,
        "year": period.start.year,
    }


def recent_quarters(*, today: date | None = None, count: int = 8) -> list[Period]:
    """The current quarter and the ones before it, newest first."""
    quarter = quarter_of(today or timezone.localdate())
    quarters = []
    for _i in range(count):
        quarters.append(quarter)
        quarter = quarter_of(quarter.start - timedelta(days=1))
    return quarters


def buckets(period: Period) -> list[tuple[str, date]]:
    """The chart's slices as (label, last day): weeks for a quarter or less, else calendar months."""
    slices = []
    if period.days <= WEEKLY_UP_TO_DAYS:
        first = period.start
        while first <= period.end:
            last = min(first + timedelta(days=6 - first.weekday()), period.end)
            slices.append((first.strftime("%d.%m."), last))
            first = last + timedelta(days=1)
        return slices
    first = period.start
    while first <= period.end:
        following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        last = min(following - timedelta(days=1), period.end)
        slices.append((first.strftime("%m/%Y"), last))
        first = following
    return slices
