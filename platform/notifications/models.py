from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .kinds import Preference


class Notification(models.Model):
    """One thing that happened, for one recipient; also the in-app inbox entry."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("Empfänger"),
    )
    kind = models.CharField(_("Art"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ausgelöst von"),
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("gelesen"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """The sending of one notification by email, now or in the digest; claimed under a lock, sent once."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-Mail")
        DIGEST = "digest", _("Tägliche Zusammenfassung")

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        SKIPPED = "skipped", _("entfallen")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("Benachrichtigung")
    )
    channel = models.CharField(_("Kanal"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    # When the delivery is due: its creation, or the next try after a temporary error.
    next_attempt_at = models.DateTimeField(_("nächster Versuch"))
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gesendet"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel")
        ]
        indexes = [
            # Sent rows pile up; the sweep and the digest only ever look at pending ones.
            models.Index(
                fields=["channel", "next_attempt_at"],
                condition=Q(status="pending"),
                name="notif_delivery_pending",
            ),
            models.Index(fields=["-created_at"], condition=Q(status="failed"), name="notif_delivery_failed"),
        ]
        verbose_name = _("Zustellung")
        verbose_name_plural = _("Zustellungen")

    def __str__(self) -> str:
        return f"{self.channel} {self.status} #{self.notification_id}"


class KindPreference(models.Model):
    """A person's choice for one kind; without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("Art"), max_length=64)
    value = models.CharField(_("Zustellung"), max_length=16, choices=Preference.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}={self.value}"


class ReminderSent(models.Model):
    """That a reminder went out: at most one per recipient, kind, subject and day."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    subject_id = models.PositiveBigIntegerField()
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_type", "subject_id", "day"], name="one_reminder_per_day"
            )
        ]
        indexes = [models.Index(fields=["day", "kind"])]
        verbose_name = _("gesendete Erinnerung")
        verbose_name_plural = _("gesendete Erinnerungen")

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type_id}:{self.subject_id} → {self.recipient_id} ({self.day})"
