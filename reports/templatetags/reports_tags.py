from django import template

from workgroups.permissions import is_platform_staff

register = template.Library()


@register.filter
def writes_reports(user) -> bool:
    """Whether the navigation shows the committee reports (staff and admins)."""
    return is_platform_staff(user)
