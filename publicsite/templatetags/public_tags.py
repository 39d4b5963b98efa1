from django import template

from publicsite.links import url_or_none

register = template.Library()


@register.simple_tag
def optional_url(name: str, *args, **kwargs) -> str | None:
    """`{% optional_url "seals:register" as url %}`: the URL, or None where the page is not installed."""
    return url_or_none(name, *args, **kwargs)
