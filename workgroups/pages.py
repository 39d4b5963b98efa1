"""What the apps above workgroups add to a body's page, registered in their AppConfig.ready().

workgroups may not import projects; projects registers a provider that puts the group's
projects into the page's context (`register_body_page_context`).
"""

from collections.abc import Callable

_PROVIDERS: list[Callable] = []


def register_body_page_context(provider: Callable) -> Callable:
    """Register `provider(*, user, body) -> dict`; registering the same function twice is harmless."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def body_page_context(*, user, body) -> dict:
    """The context every registered provider adds to `body`'s page for `user`."""
    context: dict = {}
    for provider in _PROVIDERS:
        context.update(provider(user=user, body=body))
    return context
