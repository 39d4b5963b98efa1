"""Events of the initiative: who hosts them, who registers, who is on the waiting list, who came."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
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
