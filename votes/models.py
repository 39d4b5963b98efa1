"""Forum votes: the vote, its options, the frozen electorate, who voted, and the ballots.

Who voted (Participation) and what was voted (Ballot) are two tables. For a secret vote a
ballot row carries no voter, no time and a random id, so nothing on the platform links the
two; the voter keeps a receipt code, of which the ballot stores only the hash.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from workgroups.models import Body


class Delegation(models.Model):
    """Who casts an organisation's vote in the forum: its representative, or else its deputy."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("Organisation"), on_delete=models.CASCADE, related_name="delegation"
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Vertretung im Forum"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Stellvertretung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Stimmberechtigung einer Organisation")
        verbose_name_plural = _("Stimmberechtigungen der Organisationen")

    def __str__(self) -> str:
        return str(self.organisation)


class Vote(models.Model):
    class Method(models.TextChoices):
        YES_NO_ABSTAIN = "yes_no_abstain", _("Ja / Nein / Enthaltung")
        SINGLE = "single", _("Eine Option wählen")
        APPROVAL = "approval", _("Zustimmung zu mehreren Optionen")
        SCHULZE = "schulze", _("Rangfolge (Schulze-Methode)")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("geplant")
        OPEN = "open", _("offen")
        CLOSED = "closed", _("geschlossen")

    class ElectorateKind(models.TextChoices):
        MEMBERS = "members", _("eine Stimme je Forumsmitglied")
        ORGANISATIONS = "organisations", _("eine Stimme je Mitgliedsorganisation")

    class QuorumKind(models.TextChoices):
        NONE = "none", _("kein Quorum")
        SHARE = "share", _("Anteil der Stimmberechtigten (Prozent)")
        NUMBER = "number", _("Zahl der Abstimmenden")

    class Threshold(models.TextChoices):
        SIMPLE = "simple", _("einfache Mehrheit")
        TWO_THIRDS = "two_thirds", _("Zwei-Drittel-Mehrheit")

    class CloseReason(models.TextChoices):
        SCHEDULE = "schedule", _("zur geplanten Zeit")
        SWEEP = "sweep", _("durch die Nachkontrolle")
        ON_READ = "on_read", _("beim ersten Aufruf nach Ablauf")

    title = models.CharField(_("Frage"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    method = models.CharField(_("Verfahren"), max_length=20, choices=Method.choices)
    electorate_kind = models.CharField(
        _("Stimmberechtigt"), max_length=20, choices=ElectorateKind.choices, default=ElectorateKind.MEMBERS
    )
    opens_at = models.DateTimeField(_("öffnet"))
    closes_at = models.DateTimeField(_("schließt"))
    quorum_kind = models.CharField(_("Quorum"), max_length=10, choices=QuorumKind.choices, default="none")
    quorum_value = models.PositiveIntegerField(_("Quorum (Wert)"), null=True, blank=True)
    threshold = models.CharField(
        _("Mehrheit"), max_length=12, choices=Threshold.choices, default=Threshold.SIMPLE
    )
    secret = models.BooleanField(_("geheime Abstimmung"), default=False)
    results_live = models.BooleanField(_("Zwischenstand sichtbar"), default=False)
    ballots_changeable = models.BooleanField(_("Stimme bis zum Schluss änderbar"), default=True)
    origin_body = models.ForeignKey(
        Body,
        verbose_name=_("eingebracht von"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("Stand"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    opened_at = models.DateTimeField(null=True, blank=True)
    electorate_size = models.PositiveIntegerField(_("Zahl der Stimmberechtigten"), null=True, blank=True)
    electorate_sha256 = models.CharField(_("Fingerabdruck der Stimmberechtigten"), max_length=64, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=10, choices=CloseReason.choices, blank=True)
    result = models.JSONField(_("Ergebnis"), null=True, blank=True, editable=False)
    ballots_sha256 = models.CharField(_("Prüfsumme der Stimmzettel"), max_length=64, blank=True)
    passed = models.BooleanField(_("angenommen"), null=True, blank=True)

    class Meta:
        ordering = ["-closes_at", "-pk"]
        verbose_name = _("Abstimmung")
        verbose_name_plural = _("Abstimmungen")
        indexes = [models.Index(fields=["status", "closes_at"]), models.Index(fields=["status", "opens_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="vote_closes_after_opening"
            ),
            # The result is written once, by closing, together with the closed status.
            models.CheckConstraint(
                condition=Q(status="closed", result__isnull=False)
                | (~Q(status="closed") & Q(result__isnull=True)),
                name="vote_result_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, **kwargs) -> None:
        # votes.services writes with update(); a closed vote and its result never change.
        if not self._state.adding and Vote.objects.filter(pk=self.pk, status=self.Status.CLOSED).exists():
            raise ValueError(f"vote #{self.pk} is closed: its result never changes")
        super().save(**kwargs)

    def get_absolute_url(self) -> str:
        return reverse("votes:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def ranked(self) -> bool:
        return self.method == self.Method.SCHULZE


class Option(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("Option"), max_length=200)

    class Meta:
        ordering = ["vote", "position"]
        verbose_name = _("Option")
        verbose_name_plural = _("Optionen")
        constraints = [
            models.UniqueConstraint(fields=["vote", "position"], name="vote_option_position_unique"),
            models.UniqueConstraint(fields=["vote", "label"], name="vote_option_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class Elector(models.Model):
    """One entry of the electorate, frozen when the vote opens: a member, or an organisation."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="electors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Stimmberechtigte(r)")
        verbose_name_plural = _("Stimmberechtigte")
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "user"], condition=Q(user__isnull=False), name="vote_elector_user_unique"
            ),
            models.UniqueConstraint(
                fields=["vote", "organisation"],
                condition=Q(organisation__isnull=False),
                name="vote_elector_organisation_unique",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, organisation__isnull=True)
                | Q(user__isnull=True, organisation__isnull=False),
                name="vote_elector_member_or_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["vote", "representative"]),
            models.Index(fields=["vote", "deputy"]),
        ]

    def __str__(self) -> str:
        return str(self.organisation or self.user)

    @property
    def key(self) -> int:
        """The id that the electorate fingerprint lists: the member's or the organisation's."""
        return self.organisation_id or self.user_id


class Participation(models.Model):
    """That an elector has voted (and who cast it, and when), never what: one row per elector."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="participations")
    elector = models.OneToOneField(Elector, on_delete=models.CASCADE, related_name="participation")
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Stimmabgabe")
        verbose_name_plural = _("Stimmabgaben")
        indexes = [models.Index(fields=["vote", "cast_at"])]

    def __str__(self) -> str:
        return f"{self.elector} ({self.vote_id})"


class Ballot(models.Model):
    """What was voted. Secret: random id, no voter, no time; found again only by its receipt's hash.

    `content` holds option positions: for choice methods the chosen positions, for Schulze the
    rank of every option (0 best; equal numbers are ranked equal; options left out get the
    number after the last tier).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    content = models.JSONField()
    # Open votes only: the elector whose ballot this is (one per elector).
    elector = models.OneToOneField(
        Elector, on_delete=models.CASCADE, null=True, blank=True, related_name="open_ballot"
    )
    # Secret votes only: SHA-256 of the receipt code shown once to the voter.
    receipt_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("Stimmzettel")
        verbose_name_plural = _("Stimmzettel")
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "receipt_sha256"],
                condition=~Q(receipt_sha256=""),
                name="vote_ballot_receipt_unique",
            ),
            models.CheckConstraint(
                condition=Q(elector__isnull=True) | Q(receipt_sha256=""), name="vote_ballot_secret_or_open"
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)
