"""The one write of the audit app: `audit_record()`, called by the services of the other apps."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from accounts.models import User

from .models import AuditEntry


def audit_record(
    *,
    actor: User | None,
    action: str,
    subject: models.Model | None = None,
    scope: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one audit row in the caller's transaction (`action` like "membership.left").

    `scope` is what the row belongs to (a working group for a membership, a project's group for a
    task): whose audit log shows it. `before`/`after` hold plain values (ids, strings, dates).
    """
    # The caller's change and its audit row commit or roll back together.
    with transaction.atomic(savepoint=False):
        return AuditEntry.objects.create(
            actor=actor if actor is not None and actor.pk else None,
            actor_label=str(actor)[:300] if actor is not None else "",
            action=action,
            subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
            subject_id=subject.pk if subject is not None else None,
            subject_label=str(subject)[:300] if subject is not None else "",
            scope_type=ContentType.objects.get_for_model(scope) if scope is not None else None,
            scope_id=scope.pk if scope is not None else None,
            before=before or {},
            after=after or {},
        )
