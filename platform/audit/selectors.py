"""Reads of the audit trail; who may read a scope's log is decided by the app that owns the scope."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries_for_scope(*, scope: models.Model) -> QuerySet[AuditEntry]:
    """The audit rows of one scope (e.g. a working group), newest first, actor fetched up front."""
    return AuditEntry.objects.filter(
        scope_type=ContentType.objects.get_for_model(scope), scope_id=scope.pk
    ).select_related("actor", "subject_type")


def audit_entries_for_subject(*, subject: models.Model) -> QuerySet[AuditEntry]:
    """The audit rows about one object, newest first."""
    return AuditEntry.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    ).select_related("actor", "subject_type")
