from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notifications_bell(context) -> dict:
    """The bell in the header: a link to the inbox with the unread count, refreshed by htmx."""
    request = context["request"]
    match = getattr(request, "resolver_match", None)
    return {
        "count": unread_count(user=request.user),
        "current": bool(match and match.view_name == "notifications:inbox"),
    }
