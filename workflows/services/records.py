"""The three writes every workflow change is made of: lock the subject, move it, append to its history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import router, transaction
from django.utils.translation import gettext as _

from ..errors import TransitionConflict
from ..models import TransitionRecord, WorkflowDefinition, WorkflowSubject

if TYPE_CHECKING:
    import datetime

    from accounts.models import User


def subject_read_locked(subject: WorkflowSubject) -> WorkflowSubject:
    """Say that the caller read `subject` with its row locked (`select_for_update(of=("self",))`)
    in the transaction now open: the transition takes that copy instead of reading it again."""
    connection = transaction.get_connection(router.db_for_write(type(subject)))
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("a locked read needs the transaction it was made in")
    subject._workflow_locked_by = connection.atomic_blocks[0]
    return subject


def subject_is_read_locked(subject: WorkflowSubject) -> bool:
    """Whether the caller read `subject` locked in the transaction still open (subject_read_locked)."""
    connection = transaction.get_connection(router.db_for_write(type(subject)))
    marker = getattr(subject, "_workflow_locked_by", None)
    return marker is not None and connection.in_atomic_block and connection.atomic_blocks[0] is marker


def subject_lock(subject: WorkflowSubject) -> WorkflowSubject:
    """A fresh copy of the subject's row, locked until the transaction ends; the subject itself
    where the caller read it locked in this transaction (subject_read_locked).

    Only the subject's own row is locked (`of=self`), not the shared definition row joined to it.
    """
    if subject_is_read_locked(subject):
        return subject
    manager = type(subject)._base_manager
    locked = manager.select_for_update(of=("self",)).select_related("workflow").get(pk=subject.pk)
    # Other rows the caller has read with the subject (e.g. its group) are not locked by this
    # either way: where the locked row points at the same one, the copy serves without a query.
    for field in subject._meta.concrete_fields:
        if (
            field.is_relation
            and field.name != "workflow"
            and field.is_cached(subject)
            and getattr(locked, field.attname) == getattr(subject, field.attname)
        ):
            field.set_cached_value(locked, field.get_cached_value(subject))
    return locked


def moved_on(subject: WorkflowSubject) -> TransitionConflict:
    return TransitionConflict(
        _(
            "Jemand war schneller: %(subject)s steht inzwischen auf „%(state)s“. "
            "Bitte prüfen Sie den neuen Stand."
        )
        % {"subject": subject, "state": subject.state_label}
    )


def left_state(subject: WorkflowSubject) -> str:
    """The state the subject left in its latest history entry ("" after the start)."""
    latest = (
        TransitionRecord.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            sequence=subject.workflow_sequence,
        )
        .exclude(kind=TransitionRecord.Kind.START)
        .values_list("from_state", flat=True)
        .first()
    )
    return latest or ""


def subject_move(*, locked: WorkflowSubject, values: dict[str, Any]) -> None:
    """Write the workflow fields of the locked subject, only if nobody wrote them since it was read."""
    manager = type(locked)._base_manager
    updated = manager.filter(pk=locked.pk, workflow_sequence=locked.workflow_sequence).update(**values)
    if updated != 1:
        # Only reachable where the database has no row locks (SQLite): the sequence check catches it.
        raise moved_on(locked)
    locked._workflow_apply(values)


def record_append(
    *,
    subject: WorkflowSubject,
    kind: str,
    workflow: WorkflowDefinition,
    transition: str,
    from_state: str,
    to_state: str,
    actor: User | None,
    comment: str,
    at: datetime.datetime,
) -> TransitionRecord:
    """Append the entry numbered `subject.workflow_sequence` (the subject has just been moved)."""
    return TransitionRecord.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        sequence=subject.workflow_sequence,
        kind=kind,
        workflow=workflow,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        comment=comment,
        created_at=at,
    )
