"""Starting a subject's workflow and taking a transition: the only writes of a subject's state."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import TransitionConflict, TransitionForbidden, TransitionNotAllowed, WorkflowNotFound
from ..models import TransitionRecord, WorkflowDefinition, WorkflowSubject
from ..notices import transition_notice_send
from ..roles import role_holders, subject_roles
from ..rules import BLOCKED_BY_ROLE, effects_run, judge
from .records import (
    left_state,
    moved_on,
    record_append,
    subject_is_read_locked,
    subject_lock,
    subject_move,
)

if TYPE_CHECKING:
    from accounts.models import User

COMMENT_MAX_LENGTH = 4000


def workflow_definition_latest(*, key: str) -> WorkflowDefinition:
    version = WorkflowDefinition.objects.filter(key=key).order_by("-version").first()
    if version is None:
        raise WorkflowNotFound(_("Der Ablauf „%(key)s“ ist nicht eingerichtet.") % {"key": key})
    return version


@transaction.atomic
def workflow_start(*, subject: WorkflowSubject, key: str, actor: User | None = None) -> TransitionRecord:
    """Put the subject on the newest version of workflow `key`, in its initial state.

    Writes the first history entry and runs the definition's start effects (e.g. the initial
    state's standard tasks). The subject keeps this version until it is migrated.
    """
    version = workflow_definition_latest(key=key)
    locked = subject_lock(subject)
    if locked.workflow_id is not None:
        raise TransitionConflict(_("Der Ablauf von %(subject)s läuft bereits.") % {"subject": locked})
    definition = version.definition
    now = timezone.now()
    initial = definition.initial.name
    values = {
        "workflow_id": version.pk,
        "state": initial,
        "previous_state": "",
        "state_entered_at": now,
        "workflow_sequence": locked.workflow_sequence + 1,
    }
    subject._workflow_written = True  # from here on a failure must not leave half a change behind
    subject_move(locked=locked, values=values)
    record = record_append(
        subject=locked,
        kind=TransitionRecord.Kind.START,
        workflow=version,
        transition="",
        from_state="",
        to_state=initial,
        actor=actor,
        comment="",
        at=now,
    )
    effects_run(
        calls=definition.start_effects,
        subject=locked,
        definition=definition,
        transition=None,
        actor=actor,
        record=record,
    )
    subject._workflow_apply(values)
    return record


def _state_seen(
    *, subject: WorkflowSubject, locked: WorkflowSubject, expected_state: str | None
) -> str | None:
    """The state the caller acted on, if the locked row shows that the subject has moved on since."""
    if locked.workflow_sequence != subject.workflow_sequence:
        return expected_state if expected_state is not None else subject.state
    if expected_state is not None and locked.state != expected_state:
        return expected_state
    return None


def workflow_transition(
    *,
    subject: WorkflowSubject,
    name: str,
    actor: User,
    comment: str = "",
    expected_state: str | None = None,
) -> TransitionRecord:
    """Take transition `name` of the subject's workflow as `actor`.

    Locks the subject row; refuses with TransitionConflict (409) if the subject moved on since
    the caller read it (or is no longer in `expected_state`, the state a submitted page showed)
    and the step was open in the state the caller saw, or when the step is closed now but was
    open in the state the subject left in its latest change (see workflows/README.md);
    checks the actor's roles and the guards (TransitionForbidden / TransitionNotAllowed with the
    reason); writes the state and a history entry; runs the effects; notifies the watchers
    (outbox rows in this transaction, delivered after commit). `subject` is updated in place.

    Where the caller read `subject` locked in its open transaction (subject_read_locked), that
    copy is taken and no savepoint is made; a failure after the first write then marks the
    caller's transaction for rollback (transaction.get_rollback()), so nothing half-done commits.
    """
    take = partial(_transition, subject=subject, name=name, actor=actor, comment=comment)
    if not subject_is_read_locked(subject):
        with transaction.atomic():
            return take(expected_state=expected_state)
    subject._workflow_written = False
    try:
        return take(expected_state=expected_state)
    except BaseException:
        if getattr(subject, "_workflow_written", False):
            transaction.set_rollback(True)
        raise


def _transition(
    *, subject: WorkflowSubject, name: str, actor: User, comment: str, expected_state: str | None
) -> TransitionRecord:
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise TransitionNotAllowed(
            _("Der Kommentar ist zu lang (höchstens %(max)d Zeichen).") % {"max": COMMENT_MAX_LENGTH}
        )
    # Lock first: two people acting at once queue here, and the second sees the first's result.
    locked = subject_lock(subject)
    if locked.workflow_id is None:
        raise TransitionNotAllowed(_("Für %(subject)s läuft kein Ablauf.") % {"subject": locked})
    definition = locked.workflow.definition
    step = definition.transitions.get(name)
    seen = _state_seen(subject=subject, locked=locked, expected_state=expected_state)
    if seen is not None and step is not None and {seen, locked.state} & set(step.sources):
        raise moved_on(locked)
    if step is None:
        raise TransitionNotAllowed(_("Diesen Schritt gibt es im Ablauf nicht: %(name)s") % {"name": name})
    if locked.state not in step.sources:
        # The caller read the subject after it moved on, so neither check above could tell. If
        # the step was open in the state the subject has just left, they most likely saw that
        # state and lost a race: the same 409 as with expected_state.
        if seen is None and left_state(locked) in step.sources:
            raise moved_on(locked)
        raise TransitionNotAllowed(
            _("„%(transition)s“ ist im Stand „%(state)s“ nicht möglich.")
            % {"transition": step.label, "state": locked.state_label}
        )
    verdict = judge(
        subject=locked,
        definition=definition,
        transition=step,
        actor=actor,
        roles=subject_roles(subject=locked, user=actor),
        comment=comment,
    )
    if not verdict.allowed:
        error = TransitionForbidden if verdict.blocked_by == BLOCKED_BY_ROLE else TransitionNotAllowed
        raise error(verdict.reason)
    now = timezone.now()
    from_state = locked.state
    values = {
        "state": verdict.target,
        "previous_state": from_state,
        "state_entered_at": now,
        "workflow_sequence": locked.workflow_sequence + 1,
    }
    subject._workflow_written = True  # from here on a failure must not leave half a change behind
    subject_move(locked=locked, values=values)
    record = record_append(
        subject=locked,
        kind=TransitionRecord.Kind.TRANSITION,
        workflow=locked.workflow,
        transition=step.name,
        from_state=from_state,
        to_state=verdict.target,
        actor=actor,
        comment=comment,
        at=now,
    )
    effects_run(
        calls=step.effects, subject=locked, definition=definition, transition=step, actor=actor, record=record
    )
    transition_notice_send(
        subject=locked,
        record=record,
        definition=definition,
        recipients=role_holders(subject=locked, roles=definition.watchers),
    )
    subject._workflow_apply(values)
    return record
