"""Notifications the engine writes to the outbox: a transition was taken, a state deadline passed.

`notify()` stores plain values (names, and the definition's labels in every language); the
sentences below are rendered when a notification is shown or sent, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from notifications.services import notify

from .spec import Deadline, Definition, localized

if TYPE_CHECKING:
    from accounts.models import User
    from notifications.models import Notification

    from .models import TransitionRecord, WorkflowSubject

KIND_TRANSITION = "workflow_transition"
KIND_DEADLINE = "workflow_deadline"


def _labels(definition: Definition, state: str) -> dict[str, str]:
    known = definition.states.get(state)
    return dict(known.labels) if known else {"de": state}


def transition_notice_send(
    *, subject: WorkflowSubject, record: TransitionRecord, definition: Definition, recipients: Iterable[User]
) -> int:
    """Tell `recipients` that `record` happened (never the actor, who knows)."""
    step = definition.transitions.get(record.transition)
    data = {
        **subject.workflow_notification_data(),
        "workflow": definition.key,
        "transition": record.transition,
        "transition_labels": dict(step.labels) if step else {"de": record.transition},
        "from_labels": _labels(definition, record.from_state),
        "to_labels": _labels(definition, record.to_state),
        "comment": record.comment,
    }
    notes = notify(
        kind=KIND_TRANSITION, recipients=recipients, subject=subject, actor=record.actor, data=data
    )
    return len(notes)


def deadline_notice_send(
    *,
    subject: WorkflowSubject,
    definition: Definition,
    deadline: Deadline,
    escalation: bool,
    recipients: Iterable[User],
) -> int:
    """Remind the responsible role, or tell the escalation role, that a state takes too long."""
    data = {
        **subject.workflow_notification_data(),
        "workflow": definition.key,
        "state": deadline.state,
        "state_labels": _labels(definition, deadline.state),
        "days": deadline.escalate_after_days if escalation else deadline.remind_after_days,
        "escalation": escalation,
    }
    return len(notify(kind=KIND_DEADLINE, recipients=recipients, subject=subject, data=data))


def _text(data: dict[str, Any], key: str) -> str:
    return localized(data.get(key) or {}) or ""


def transition_title(note: Notification) -> str:
    return _("%(subject)s: %(state)s") % {
        "subject": note.data.get("title", ""),
        "state": _text(note.data, "to_labels"),
    }


def transition_body(note: Notification) -> str:
    body = _("%(actor)s hat „%(transition)s“ ausgeführt: %(from)s → %(to)s.") % {
        "actor": note.actor if note.actor_id else _("Die Plattform"),
        "transition": _text(note.data, "transition_labels"),
        "from": _text(note.data, "from_labels"),
        "to": _text(note.data, "to_labels"),
    }
    if note.data.get("comment"):
        body += "\n\n" + _("Kommentar: %(comment)s") % {"comment": note.data["comment"]}
    return body


def deadline_title(note: Notification) -> str:
    values = {
        "subject": note.data.get("title", ""),
        "state": _text(note.data, "state_labels"),
        "days": note.data.get("days", ""),
    }
    return _("Frist: %(subject)s ist seit %(days)s Tagen in „%(state)s“") % values


def deadline_body(note: Notification) -> str:
    values = {
        "subject": note.data.get("title", ""),
        "state": _text(note.data, "state_labels"),
        "days": note.data.get("days", ""),
    }
    if note.data.get("escalation"):
        return (
            _(
                "%(subject)s steht seit %(days)s Tagen in „%(state)s“, länger als vorgesehen. "
                "Bitte klären Sie mit der Gruppe, was fehlt."
            )
            % values
        )
    return (
        _(
            "%(subject)s steht seit %(days)s Tagen in „%(state)s“. "
            "Bitte prüfen Sie, was für den nächsten Schritt noch fehlt."
        )
        % values
    )
