from django import template

from reports.presentation import format_date
from workgroups.permissions import is_platform_staff

register = template.Library()


@register.filter
def writes_reports(user) -> bool:
    """Whether the navigation shows the committee reports (staff and admins)."""
    return is_platform_staff(user)


@register.filter
def snapshot_date(value: str | None) -> str:
    """An ISO date or date-time of a report's snapshot as a short local date."""
    return format_date(value)
