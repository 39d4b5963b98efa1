"""State deadlines: remind a role after N days in a state, tell the escalation role after M days."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models import DeadlineNotice, WorkflowDefinition, WorkflowSubject, subject_models
from ..notices import deadline_notice_send
from ..roles import role_holders
from ..spec import Deadline, Definition


def workflow_deadlines_check(*, now: datetime.datetime | None = None) -> int:
    """Announce every passed state deadline of every subject, once per state entry and kind.

    Returns how many announcements were made. A unique constraint on the notice log makes two
    runs at once (or a re-run after a crash) announce nothing twice.
    """
    now = now or timezone.now()
    made = 0
    for model in subject_models():
        subject_type = ContentType.objects.get_for_model(model)
        in_use = model._base_manager.values("workflow")
        for version in WorkflowDefinition.objects.filter(pk__in=in_use):
            definition = version.definition
            for deadline in definition.deadlines:
                for kind, days, role in (
                    (DeadlineNotice.Kind.REMINDER, deadline.remind_after_days, deadline.remind_role),
                    (DeadlineNotice.Kind.ESCALATION, deadline.escalate_after_days, deadline.escalate_role),
                ):
                    if days is None:
                        continue
                    announced = DeadlineNotice.objects.filter(
                        subject_type=subject_type,
                        subject_id=OuterRef("pk"),
                        state_entered_at=OuterRef("state_entered_at"),
                        kind=kind,
                    )
                    due = model._base_manager.filter(
                        workflow=version,
                        state=deadline.state,
                        state_entered_at__lte=now - datetime.timedelta(days=days),
                    ).exclude(Exists(announced))
                    for subject in due.order_by("pk"):
                        made += _announce(
                            subject=subject,
                            subject_type=subject_type,
                            definition=definition,
                            deadline=deadline,
                            kind=kind,
                            role=role,
                            now=now,
                        )
    return made


def _announce(
    *,
    subject: WorkflowSubject,
    subject_type: ContentType,
    definition: Definition,
    deadline: Deadline,
    kind: str,
    role: str,
    now: datetime.datetime,
) -> int:
    try:
        with transaction.atomic():
            # Lock and look again: a transition taken since the query started ends this state entry.
            locked = (
                type(subject)
                ._base_manager.select_for_update()
                .filter(pk=subject.pk, state=subject.state, state_entered_at=subject.state_entered_at)
                .first()
            )
            if locked is None:
                return 0
            DeadlineNotice.objects.create(
                subject_type=subject_type,
                subject_id=locked.pk,
                state=locked.state,
                state_entered_at=locked.state_entered_at,
                kind=kind,
                created_at=now,
            )
            deadline_notice_send(
                subject=locked,
                definition=definition,
                deadline=deadline,
                escalation=kind == DeadlineNotice.Kind.ESCALATION,
                recipients=role_holders(subject=locked, roles=[role]),
            )
    except IntegrityError:
        return 0  # announced by a run at the same time
    return 1
