"""`{% load datetimes %}` … `<time datetime="{{ value|iso }}">`: the machine-readable form HTML wants."""

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso(value: datetime | date | None) -> str:
    """A datetime as ISO 8601 in local time without microseconds (2026-05-04T18:30:00+02:00),
    a date as 2026-05-04; nothing for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
