"""The audit trail: one append-only row per change that matters (who, when, what, before/after).

Rows are written by the services, in the transaction of the change, and never updated or
deleted: the model refuses it, and on PostgreSQL a trigger refuses it too (migration 0001), so
not even a raw query through the ORM can rewrite history.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An audit row was to be changed or removed."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit rows are append-only")

    def delete(self):
        raise AppendOnlyError("audit rows are append-only")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, editable=False)
    # PROTECT: an account with a history is deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("durch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("durch (Name)"), max_length=300, blank=True)
    action = models.CharField(_("Aktion"), max_length=64)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_label = models.CharField(_("Gegenstand"), max_length=300, blank=True)
    # The body (or other container) the change belongs to: whose audit log shows it.
    scope_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_id = models.PositiveBigIntegerField(null=True, blank=True)
    before = models.JSONField(_("vorher"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("nachher"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["scope_type", "scope_id", "-at"], name="audit_scope_at"),
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit rows are append-only")
