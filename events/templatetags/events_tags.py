from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso(value: datetime | None) -> str:
    """ISO 8601 in local time without microseconds, as <time datetime="..."> wants it."""
    if value is None:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
