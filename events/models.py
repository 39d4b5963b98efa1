"""Events of the initiative: who hosts them, who registers, who is on the waiting list, who came."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class Event(models.Model):
    # Stable across downloads and edits: the iCalendar UID is built from it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("Kurzname"), max_length=100, unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.TextField(_("Kurzbeschreibung (öffentlich)"), max_length=1000, blank=True)
    agenda = models.TextField(_("Tagesordnung (Markdown)"), blank=True)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("Gastgeber"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
    )
    venue = models.CharField(_("Ort"), max_length=200)
    address = models.CharField(_("Adresse"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("Plätze"), null=True, blank=True, help_text=_("leer: unbegrenzt")
    )
    is_public = models.BooleanField(_("öffentlich angekündigt"), default=True)
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True)
    # iCalendar SEQUENCE: counts the changes calendars must take over (time, place, cancellation).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class Registration(models.Model):
    """One person's place at an event: a member (user) or an invited guest (email)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("angemeldet")
        WAITING = "waiting", _("Warteliste")
        CANCELLED = "cancelled", _("abgemeldet")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    guest_email = models.EmailField(_("E-Mail (Gast)"), blank=True)
    guest_name = models.CharField(_("Name (Gast)"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="event_registrations"
    )
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices)
    # The waiting list's order: the moment of registering, ties broken by id.
    registered_at = models.DateTimeField(_("angemeldet am"))
    confirmed_at = models.DateTimeField(_("Platz bestätigt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)
    attended = models.BooleanField(_("teilgenommen"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A guest's personal link carries it (signed); a new value kills every older link.
    link_nonce = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        ordering = ["event", "registered_at", "pk"]
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(guest_email=""))
                | (Q(user__isnull=True) & ~Q(guest_email="")),
                name="registration_member_or_guest",
            ),
            models.UniqueConstraint(fields=["event", "user"], name="registration_once_per_member"),
            models.UniqueConstraint(
                fields=["event", "guest_email"],
                condition=~Q(guest_email=""),
                name="registration_once_per_guest",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "registered_at"], name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.user or self.guest_email} @ {self.event}"

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def display_name(self) -> str:
        if self.user_id is not None:
            return str(self.user)
        return self.guest_name or self.guest_email


class GuestMail(models.Model):
    """Outbox row for an email to a guest (who has no account, so notify() cannot reach them).

    Written in the transaction that invites, moves up or changes; sent after commit by a Celery
    task that claims it under a row lock; a periodic sweep sends what that task missed.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Einladung")
        MOVED_UP = "moved_up", _("von der Warteliste nachgerückt")
        CHANGED = "changed", _("Veranstaltung geändert")
        CANCELLED = "cancelled", _("Veranstaltung abgesagt")

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        SKIPPED = "skipped", _("entfallen")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="mails")
    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), default=timezone.now)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Gast-E-Mail")
        verbose_name_plural = _("Gast-E-Mails")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="guest_mail_pending")
        ]

    def __str__(self) -> str:
        return f"{self.registration} ({self.kind}, {self.status})"
