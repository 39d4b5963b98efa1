from django import template

register = template.Library()


@register.inclusion_tag("seals/_nav_item.html", takes_context=True)
def seals_nav_item(context) -> dict:
    """The navigation entry, for people who may apply for the seal or review applications."""
    from seals.views import nav_visible

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"show": user is not None and nav_visible(user)}
