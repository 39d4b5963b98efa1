"""The quality seal „Made in Aachen": applications (a workflow subject), their evidence and review, seals."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.storage import private_storage
from workflows.models import WorkflowSubject

WORKFLOW_KEY = "seal_application"


class Criterion(models.TextChoices):
    """The four criteria of the council paper; an application states and evidences each."""

    PRODUCTION = "production", _("Produktionsstandort in Aachen")
    TRAINING = "training", _("Anerkannter Ausbildungsbetrieb")
    COOPERATION = "cooperation", _("Beteiligung an regionalen Kooperationen oder Projekten")
    DIALOGUE = "dialogue", _("Aktives Engagement im Industriedialog")


class Decision(models.TextChoices):
    AWARD = "award", _("Verleihen")
    REFUSE = "refuse", _("Ablehnen")


class Application(WorkflowSubject):
    """A company's application for the seal (or for its renewal)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="seal_applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Antragsteller:in"),
        on_delete=models.PROTECT,
        related_name="seal_applications",
    )
    renews = models.ForeignKey(
        "Seal",
        verbose_name=_("verlängert Siegel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
    )
    # The reviewer's proposal, which a second member of staff confirms (award / refuse).
    proposed_decision = models.CharField(
        _("vorgeschlagene Entscheidung"), max_length=10, choices=Decision.choices, blank=True, editable=False
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vorgeschlagen von"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("vorgeschlagen am"), null=True, blank=True, editable=False)
    proposal_comment = models.TextField(
        _("Begründung des Vorschlags"), max_length=2000, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Antrag auf das Siegel")
        verbose_name_plural = _("Anträge auf das Siegel")

    def __str__(self) -> str:
        return (
            f"{self.organisation} ({self.created_at:%Y-%m-%d})" if self.created_at else str(self.organisation)
        )

    def get_absolute_url(self) -> str:
        return reverse("seals:application", kwargs={"pk": self.pk})

    def workflow_roles(self, user) -> set[str]:
        from .workflow import application_workflow_roles

        return application_workflow_roles(self, user)

    def workflow_role_holders(self, role: str):
        from .workflow import application_workflow_role_holders

        return application_workflow_role_holders(self, role)

    def workflow_notification_data(self) -> dict[str, str]:
        return {"title": str(self.organisation), "url": self.get_absolute_url()}


class Statement(models.Model):
    """The applicant's statement on one criterion."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="statements")
    criterion = models.CharField(_("Kriterium"), max_length=20, choices=Criterion.choices)
    text = models.TextField(_("Darlegung"), max_length=5000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application", "criterion"]
        verbose_name = _("Darlegung")
        verbose_name_plural = _("Darlegungen")
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="seal_statement_once")
        ]

    def __str__(self) -> str:
        return self.get_criterion_display()


class Evidence(models.Model):
    """A file that supports one criterion; stored outside the web root (the 'private' storage)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.CharField(_("Kriterium"), max_length=20, choices=Criterion.choices)
    file = models.FileField(_("Datei"), storage=private_storage, upload_to="seals/evidence/%Y/")
    name = models.CharField(_("Dateiname"), max_length=200)
    content_type = models.CharField(_("Dateiart"), max_length=50)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "criterion", "uploaded_at"]
        verbose_name = _("Nachweis")
        verbose_name_plural = _("Nachweise")

    def __str__(self) -> str:
        return self.name


class CriterionReview(models.Model):
    """A member of staff's finding on one criterion of one application: met or not, with a comment."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="criterion_reviews")
    criterion = models.CharField(_("Kriterium"), max_length=20, choices=Criterion.choices)
    met = models.BooleanField(_("erfüllt"))
    comment = models.TextField(_("Kommentar"), max_length=2000, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application", "criterion"]
        verbose_name = _("Prüfung eines Kriteriums")
        verbose_name_plural = _("Prüfungen der Kriterien")
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="seal_criterion_review_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.met}"


class Seal(models.Model):
    """An awarded seal: valid from–until, unless revoked. Its public id makes the verification URL."""

    public_id = models.UUIDField(_("öffentliche Kennung"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Organisation"), on_delete=models.PROTECT, related_name="seals"
    )
    application = models.OneToOneField(
        Application, verbose_name=_("Antrag"), on_delete=models.PROTECT, related_name="seal"
    )
    awarded_at = models.DateTimeField(_("verliehen am"), default=timezone.now)
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis"))
    # Set by the scheduled expiry task (which also tells the holder); the register and the
    # verification page read valid_until, so a missed run never shows an expired seal as valid.
    expired_at = models.DateTimeField(_("als abgelaufen gemeldet"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("entzogen am"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(_("Grund des Entzugs"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("Siegel")
        verbose_name_plural = _("Siegel")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="seal_valid_period"
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoke_reason=""),
                name="seal_revoked_with_reason",
            ),
        ]

    class Status(models.TextChoices):
        VALID = "valid", _("gültig")
        EXPIRED = "expired", _("abgelaufen")
        REVOKED = "revoked", _("entzogen")
        PENDING = "pending", _("noch nicht gültig")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.valid_from}–{self.valid_until})"

    def get_absolute_url(self) -> str:
        return reverse("seals:verify", kwargs={"public_id": self.public_id})

    def status_on(self, day=None) -> str:
        day = day or timezone.localdate()
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if day > self.valid_until:
            return self.Status.EXPIRED
        if day < self.valid_from:
            return self.Status.PENDING
        return self.Status.VALID

    @property
    def status(self) -> str:
        return self.status_on()
