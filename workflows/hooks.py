"""The engine's own guards and effects, usable by every subject (imported in AppConfig.ready)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .notices import transition_notice_send
from .registry import HookContext, register_effect, register_guard, registry
from .roles import role_holders


def _whole_number(name: str) -> Any:
    def check(params: dict[str, Any]) -> str | None:
        value = params.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            return f"{name} must be a whole number, at least 1"
        return None

    return check


def _known_role(params: dict[str, Any]) -> str | None:
    if params.get("role") not in registry.roles:
        return f"unknown role {params.get('role')!r}"
    return None


@register_guard("comment_min_length", check=_whole_number("min"))
def comment_min_length(ctx: HookContext, *, min: int) -> str | None:
    """The comment has at least `min` characters (judged when the transition is taken)."""
    if ctx.comment is None or len(ctx.comment.strip()) >= min:
        return None
    return _("Der Kommentar muss mindestens %(min)d Zeichen lang sein.") % {"min": min}


@register_guard("min_days_in_state", check=_whole_number("days"))
def min_days_in_state(ctx: HookContext, *, days: int) -> str | None:
    """The subject has been in its current state for at least `days` days."""
    entered = ctx.subject.state_entered_at
    if entered is None:
        return None
    earliest = entered + datetime.timedelta(days=days)
    if timezone.now() >= earliest:
        return None
    return ngettext(
        "Erst %(days)d Tag nach Beginn dieses Abschnitts möglich, ab %(date)s.",
        "Erst %(days)d Tage nach Beginn dieses Abschnitts möglich, ab %(date)s.",
        days,
    ) % {"days": days, "date": formats.date_format(timezone.localtime(earliest), "SHORT_DATE_FORMAT")}


@register_effect("notify", check=_known_role)
def notify_role(ctx: HookContext, *, role: str) -> None:
    """Tell the holders of `role` about the transition; the definition's watchers hear of it anyway."""
    watchers = role_holders(subject=ctx.subject, roles=ctx.definition.watchers)
    recipients = role_holders(subject=ctx.subject, roles=[role]).exclude(pk__in=watchers.values("pk"))
    transition_notice_send(
        subject=ctx.subject, record=ctx.record, definition=ctx.definition, recipients=recipients
    )
