"""Moving running subjects from one version of a definition to another, with a state mapping."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record

from ..errors import WorkflowMigrationRefused
from ..models import TransitionRecord, WorkflowDefinition, subject_models
from .records import record_append, subject_lock, subject_move

if TYPE_CHECKING:
    from accounts.models import User

    from ..spec import Definition


@dataclass(frozen=True)
class Move:
    label: str  # "projects.Project #7"
    from_state: str
    to_state: str


def _version(key: str, number: int) -> WorkflowDefinition:
    try:
        return WorkflowDefinition.objects.get(key=key, version=number)
    except WorkflowDefinition.DoesNotExist:
        raise WorkflowMigrationRefused([f"workflow '{key}' has no version {number}"]) from None


def _mapping_problems(mapping: dict[str, str], old: Definition, new: Definition, versions: str) -> list[str]:
    problems = []
    for source, target in mapping.items():
        if source not in old.states:
            problems.append(f"--map {source}={target}: the old version has no state '{source}' ({versions})")
        if target not in new.states:
            problems.append(f"--map {source}={target}: the new version has no state '{target}' ({versions})")
    return problems


def workflow_subjects_migrate(
    *,
    key: str,
    from_version: int,
    to_version: int,
    mapping: dict[str, str],
    actor: User | None = None,
    dry_run: bool = False,
) -> list[Move]:
    """Move every subject on `from_version` of `key` to `to_version`; a state keeps its name unless mapped.

    Refuses, changing nothing, when a subject would be left in (or could resume to) a state the
    new version does not have. Each moved subject gets a history entry of kind "migration" and
    an audit row ("workflow.migrated", scoped by the subject's `workflow_audit_scope()`).
    """
    old, new = _version(key, from_version), _version(key, to_version)
    if old.pk == new.pk:
        raise WorkflowMigrationRefused(["--from-version and --to-version are the same"])
    versions = f"v{from_version} → v{to_version}"
    problems = _mapping_problems(mapping, old.definition, new.definition, versions)
    if problems:
        raise WorkflowMigrationRefused(problems)

    def mapped(state: str) -> str:
        return mapping.get(state, state)

    plan, stranded = [], defaultdict(list)
    for model in subject_models():
        for subject in model._base_manager.filter(workflow=old).order_by("pk"):
            label = f"{model._meta.label} #{subject.pk}"
            for state in {subject.state, subject.previous_state} - {""}:
                if mapped(state) not in new.definition.states:
                    stranded[state].append(label)
            plan.append(
                (subject, Move(label=label, from_state=subject.state, to_state=mapped(subject.state)))
            )
    for state, labels in stranded.items():
        problems.append(
            f"state '{state}' is not in version {to_version}, but {len(labels)} subject(s) are in it "
            f"or would resume to it ({', '.join(labels[:5])}{', …' if len(labels) > 5 else ''}): "
            f"add --map {state}=<a state of version {to_version}>"
        )
    if problems:
        raise WorkflowMigrationRefused(problems)
    if dry_run:
        return [move for _, move in plan]
    with transaction.atomic():
        now = timezone.now()
        for subject, move in plan:
            locked = subject_lock(subject)
            if locked.workflow_id != old.pk:
                continue  # migrated by a run at the same time
            if mapped(locked.state) not in new.definition.states:
                raise WorkflowMigrationRefused(
                    [f"{move.label} moved to '{locked.state}' meanwhile; run again"]
                )
            values = {
                "workflow_id": new.pk,
                "state": mapped(locked.state),
                "previous_state": mapped(locked.previous_state) if locked.previous_state else "",
                "workflow_sequence": locked.workflow_sequence + 1,
            }
            if values["state"] != locked.state:
                values["state_entered_at"] = now
            before = {
                "workflow": key,
                "version": from_version,
                "state": locked.state,
                "previous_state": locked.previous_state,
            }
            subject_move(locked=locked, values=values)
            record_append(
                subject=locked,
                kind=TransitionRecord.Kind.MIGRATION,
                workflow=new,
                transition="",
                from_state=before["state"],
                to_state=values["state"],
                actor=actor,
                comment=versions,
                at=now,
            )
            audit_record(
                actor=actor,
                action="workflow.migrated",
                subject=locked,
                scope=locked.workflow_audit_scope(),
                before=before,
                after={
                    "workflow": key,
                    "version": to_version,
                    "state": locked.state,
                    "previous_state": locked.previous_state,
                },
            )
    return [move for _, move in plan]
