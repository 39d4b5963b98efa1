"""The registry of notification kinds; domain apps register theirs in AppConfig.ready().

A kind names one sort of event ("task_assigned") and says how its message reads::

    from django.utils.translation import gettext_lazy as _
    from notifications.kinds import Preference, register_kind

    register_kind(
        "task_assigned",
        _("Aufgabe zugewiesen"),                          # label: preferences page, inbox, digest
        default=Preference.IMMEDIATE,                     # until the person chooses otherwise
        title=_("{actor} hat Ihnen „{title}“ zugewiesen"),  # optional, see below
    )

Messages are rendered when they are shown or sent, in the language of the person who reads
them, so everything a domain app passes in `notify(data=...)` is a plain value (a task's
title, a group's name), never a translated sentence. The kind supplies the sentence:

- `title` / `body` may be a lazy German format string whose `{names}` are filled from the
  notification's `data` plus `actor` (the acting person's name), or a callable
  `(notification) -> str` that runs with the reader's language active.
- Without `title` the headline is "<label>: <data['title']>" (or just the label).
- Without `body` the body is `data.get("body", "")`, shown as it is.
- `email_template` names templates `<name>.txt` and optionally `<name>.html` that replace
  the generic email body for this kind (context: see notifications.emails).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Notification

Text = str | Promise
TextOrRenderer = Text | Callable[["Notification"], str]


class Preference(models.TextChoices):
    """How a person wants a kind delivered by email; the inbox always shows it."""

    IMMEDIATE = "immediate", _("sofort per E-Mail")
    DIGEST = "digest", _("in der täglichen Zusammenfassung")
    OFF = "off", _("keine E-Mail")


@dataclass(frozen=True)
class Kind:
    key: str
    label: Text
    default: str = Preference.IMMEDIATE
    title: TextOrRenderer | None = None
    body: TextOrRenderer | None = None
    email_template: str | None = None


_KINDS: dict[str, Kind] = {}


def register_kind(
    key: str,
    label: Text,
    *,
    default: str = Preference.IMMEDIATE,
    title: TextOrRenderer | None = None,
    body: TextOrRenderer | None = None,
    email_template: str | None = None,
) -> Kind:
    """Make a kind known; registering the same definition twice is harmless, a different one is not."""
    if default not in Preference.values:
        raise ImproperlyConfigured(f"unknown default preference {default!r} for notification kind {key!r}")
    kind = Kind(
        key=key,
        label=label,
        default=Preference(default),
        title=title,
        body=body,
        email_template=email_template,
    )
    existing = _KINDS.get(key)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"notification kind {key!r} is registered twice with different settings")
    _KINDS[key] = kind
    return kind


def get_kind(key: str) -> Kind:
    """The registered kind; LookupError for a key no app registered."""
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"notification kind {key!r} is not registered") from None


def find_kind(key: str) -> Kind | None:
    """The registered kind or None: rows of a kind that was since removed still render."""
    return _KINDS.get(key)


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: str(kind.label))
