"""Reads of the workflow engine: what a person may do next, what happened, the panel for a page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from .diagram import workflow_diagram
from .models import TransitionRecord, WorkflowDefinition, WorkflowSubject
from .roles import subject_roles
from .rules import judge

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class AvailableTransition:
    name: str
    label: str
    to_state: str
    to_label: str
    comment_required: bool
    allowed: bool
    reason: str
    blocked_by: str  # "" when allowed; else "role", "guard" or "state"


@dataclass(frozen=True)
class HistoryEntry:
    sequence: int
    kind: str
    transition: str
    label: str
    from_state: str
    from_label: str
    to_state: str
    to_label: str
    actor: User | None
    comment: str
    created_at: datetime.datetime
    version: int


def workflow_available_transitions(*, subject: WorkflowSubject, user: User) -> list[AvailableTransition]:
    """Every transition out of the subject's current state: allowed, or blocked with the reason.

    Costs the subject's role lookup once plus what its guards ask; load the subject with
    `select_related("workflow")` so the definition costs no query.
    """
    definition = subject.workflow_definition
    if definition is None:
        return []
    roles = subject_roles(subject=subject, user=user)
    available = []
    for transition in definition.transitions_from(subject.state):
        verdict = judge(
            subject=subject,
            definition=definition,
            transition=transition,
            actor=user,
            roles=roles,
            comment=None,
        )
        target = definition.states.get(verdict.target)
        available.append(
            AvailableTransition(
                name=transition.name,
                label=transition.label,
                to_state=verdict.target,
                to_label=target.label if target else "",
                comment_required=transition.comment_required,
                allowed=verdict.allowed,
                reason=verdict.reason,
                blocked_by=verdict.blocked_by,
            )
        )
    return available


def workflow_history(*, subject: WorkflowSubject) -> list[HistoryEntry]:
    """The subject's history, oldest first, labelled by the version each entry was made on.

    One query; a second one only for versions other than the subject's current one (after a migration).
    """
    records = list(
        TransitionRecord.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )
        .select_related("actor")
        .order_by("sequence")
    )
    versions = {subject.workflow_id: subject.workflow} if subject.workflow_id else {}
    others = {r.workflow_id for r in records} - set(versions)
    if others:
        versions.update((v.pk, v) for v in WorkflowDefinition.objects.filter(pk__in=others))
    entries = []
    for record in records:
        version = versions[record.workflow_id]
        definition = version.definition

        def label(name: str, definition=definition) -> str:
            state = definition.states.get(name)
            return state.label if state else name

        if record.kind == TransitionRecord.Kind.START:
            text = _("Ablauf begonnen")
        elif record.kind == TransitionRecord.Kind.MIGRATION:
            text = _("Auf Version %(version)s des Ablaufs umgestellt") % {"version": version.version}
        else:
            step = definition.transitions.get(record.transition)
            text = step.label if step else record.transition
        entries.append(
            HistoryEntry(
                sequence=record.sequence,
                kind=record.kind,
                transition=record.transition,
                label=text,
                from_state=record.from_state,
                from_label=label(record.from_state) if record.from_state else "",
                to_state=record.to_state,
                to_label=label(record.to_state),
                actor=record.actor,
                comment=record.comment,
                created_at=record.created_at,
                version=version.version,
            )
        )
    return entries


def workflow_panel(
    *, subject: WorkflowSubject, user: User, action_url: str, error: str = ""
) -> dict[str, Any]:
    """The context of `workflows/_panel.html` (see workflows/README.md), under the name `workflow`."""
    definition = subject.workflow_definition
    dom_id = f"workflow-{ContentType.objects.get_for_model(subject).pk}-{subject.pk}"
    transitions = workflow_available_transitions(subject=subject, user=user)
    return {
        "workflow": {
            "dom_id": dom_id,
            "subject": subject,
            "definition": definition,
            "state": subject.workflow_state,
            "transitions": transitions,
            "allowed": [t for t in transitions if t.allowed],
            "blocked": [t for t in transitions if not t.allowed],
            "history": workflow_history(subject=subject),
            "diagram": workflow_diagram(
                definition=definition, current=subject.state, dom_id=f"{dom_id}-diagram"
            )
            if definition
            else "",
            "action_url": action_url,
            "error": error,
        }
    }
