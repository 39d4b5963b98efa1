"""What a notification says, in the language that is active when it is rendered (see kinds)."""

import logging
from dataclasses import dataclass

from django.utils.functional import Promise

from .kinds import Kind, TextOrRenderer, find_kind
from .models import Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    label: str
    headline: str
    body: str
    url: str


class _Params(dict):
    """Format parameters: a key the data lacks renders empty instead of breaking the message."""

    def __missing__(self, key: str) -> str:
        return ""


def _params(notification: Notification) -> _Params:
    params = _Params(notification.data)
    params["actor"] = str(notification.actor) if notification.actor_id else ""
    return params


def _apply(text: TextOrRenderer, notification: Notification) -> str:
    if callable(text) and not isinstance(text, Promise):
        return str(text(notification))
    return str(text).format_map(_params(notification))


def _headline(kind: Kind | None, notification: Notification, label: str) -> str:
    title = str(notification.data.get("title") or "")
    if kind is not None and kind.title is not None:
        try:
            return _apply(kind.title, notification)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            logger.exception("title of notification kind %r does not render", notification.kind)
    return f"{label}: {title}" if title and label else (title or label)


def _body(kind: Kind | None, notification: Notification) -> str:
    if kind is not None and kind.body is not None:
        try:
            return _apply(kind.body, notification)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            logger.exception("body of notification kind %r does not render", notification.kind)
    return str(notification.data.get("body") or "")


def message_render(notification: Notification) -> Message:
    """The label, headline, body and link of a notification in the active language."""
    kind = find_kind(notification.kind)
    label = str(kind.label) if kind is not None else notification.kind
    return Message(
        label=label,
        headline=" ".join(_headline(kind, notification, label).split()),
        body=_body(kind, notification),
        url=safe_relative_url(notification.data.get("url")),
    )


def safe_relative_url(url: object) -> str:
    """The url if it is a path on this site, else ''."""
    if isinstance(url, str) and url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    return ""
