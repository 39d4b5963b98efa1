"""Judging one transition for one person: the same rules for listing it and for taking it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from .registry import HookContext, registry
from .roles import role_labels
from .spec import Definition, HookCall, Transition

if TYPE_CHECKING:
    from accounts.models import User

    from .models import TransitionRecord, WorkflowSubject

BLOCKED_BY_ROLE = "role"
BLOCKED_BY_STATE = "state"
BLOCKED_BY_COMMENT = "comment"
BLOCKED_BY_GUARD = "guard"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    target: str
    reasons: tuple[str, ...] = ()
    blocked_by: str = ""

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


def target_of(*, subject: WorkflowSubject, transition: Transition) -> str:
    return subject.previous_state if transition.to_previous else transition.to


def judge(
    *,
    subject: WorkflowSubject,
    definition: Definition,
    transition: Transition,
    actor: User | None,
    roles: set[str],
    comment: str | None,
) -> Verdict:
    """Whether `actor` (holding `roles`) may take `transition` now, and if not, why.

    The role is judged first: someone who may not take the step learns that, not the state of
    the guards. `comment` None means "not written yet" (listing), so it is not judged.
    """
    target = target_of(subject=subject, transition=transition)
    if not roles & transition.roles:
        reason = _("Nur für: %(roles)s.") % {"roles": role_labels(transition.roles)}
        return Verdict(False, target, (reason,), BLOCKED_BY_ROLE)
    if target not in definition.states:
        reason = _("Es gibt keinen vorherigen Stand, zu dem der Ablauf zurückkehren könnte.")
        return Verdict(False, target, (reason,), BLOCKED_BY_STATE)
    if comment is not None and transition.comment_required and not comment.strip():
        return Verdict(False, target, (_("Für diesen Schritt ist ein Kommentar nötig."),), BLOCKED_BY_COMMENT)
    ctx = HookContext(
        subject=subject,
        actor=actor,
        definition=definition,
        transition=transition,
        from_state=subject.state,
        to_state=target,
        comment=comment,
    )
    reasons = tuple(str(r) for call in transition.guards if (r := _guard(call)(ctx, **call.params)))
    if reasons:
        return Verdict(False, target, reasons, BLOCKED_BY_GUARD)
    return Verdict(True, target)


def effects_run(
    *,
    calls: tuple[HookCall, ...],
    subject: WorkflowSubject,
    definition: Definition,
    transition: Transition | None,
    actor: User | None,
    record: TransitionRecord,
) -> None:
    ctx = HookContext(
        subject=subject,
        actor=actor,
        definition=definition,
        transition=transition,
        from_state=record.from_state,
        to_state=record.to_state,
        comment=record.comment,
        record=record,
    )
    for call in calls:
        effect = registry.effects.get(call.name)
        if effect is None:
            raise ImproperlyConfigured(f"workflow effect {call.name!r} is not registered")
        effect(ctx, **call.params)


def _guard(call: HookCall):
    guard = registry.guards.get(call.name)
    if guard is None:
        raise ImproperlyConfigured(f"workflow guard {call.name!r} is not registered")
    return guard
