"""Links to pages other apps own, which may not exist on every branch (seals, events)."""

from django.urls import NoReverseMatch, reverse


def url_or_none(name: str, *args, **kwargs) -> str | None:
    """The URL of `name`, or None where no such page is installed."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return None
