"""Escalations: a working group's chair raises a topic, its steering team approves it, the forum votes."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from projects.models import Project
from votes.models import Vote
from workflows.models import WorkflowSubject
from workgroups.models import Body

WORKFLOW_KEY = "escalation"


class Escalation(WorkflowSubject):
    workgroup = models.ForeignKey(
        Body,
        verbose_name=_("Arbeitsgruppe"),
        on_delete=models.PROTECT,
        related_name="escalations",
        limit_choices_to={"kind": Body.Kind.WORKING_GROUP},
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("zugehöriges Projekt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalations",
    )
    title = models.CharField(_("Thema"), max_length=200)
    rationale = models.TextField(_("Begründung"), max_length=5000)
    decision = models.TextField(_("Erbetene Entscheidung"), max_length=2000)
    method = models.CharField(
        _("Abstimmungsverfahren"),
        max_length=20,
        choices=Vote.Method.choices,
        default=Vote.Method.YES_NO_ABSTAIN,
    )
    options = models.JSONField(_("Optionen"), default=list, blank=True)
    vote_days = models.PositiveSmallIntegerField(_("Dauer der Abstimmung (Tage)"), default=14)
    vote_secret = models.BooleanField(_("geheime Abstimmung"), default=False)
    round = models.PositiveSmallIntegerField(_("Vorlage Nr."), default=0, editable=False)
    approvals_required = models.PositiveSmallIntegerField(
        _("nötige Zustimmungen"), null=True, blank=True, editable=False
    )
    vote = models.OneToOneField(
        Vote,
        verbose_name=_("Abstimmung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalation",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Eskalation")
        verbose_name_plural = _("Eskalationen")
        permissions = [("review_escalation", _("Eskalation prüfen (Steuerteam)"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("escalations:detail", kwargs={"pk": self.pk})

    def workflow_roles(self, user) -> set[str]:
        from projects.workflow import project_workflow_roles

        return project_workflow_roles(self, user)

    def workflow_role_holders(self, role: str):
        from projects.workflow import project_workflow_role_holders

        return project_workflow_role_holders(self, role)

    def workflow_audit_scope(self) -> Body:
        return self.workgroup

    def workflow_notification_data(self) -> dict[str, str]:
        return {"title": self.title, "url": self.get_absolute_url(), "group": self.workgroup.name}


class Review(models.Model):
    """One steering team member's approval or objection to one submission, with the reason."""

    class Verdict(models.TextChoices):
        APPROVE = "approve", _("Zustimmung")
        OBJECT = "object", _("Einwand")

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("Votum"), max_length=10, choices=Verdict.choices)
    reason = models.TextField(_("Begründung"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["escalation", "round", "created_at"]
        verbose_name = _("Votum des Steuerteams")
        verbose_name_plural = _("Voten des Steuerteams")
        constraints = [
            models.UniqueConstraint(
                fields=["escalation", "round", "reviewer"], name="escalation_review_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} ({self.reviewer})"


class ReviewPolicy(models.Model):
    """How many approvals a steering team needs to pass an escalation (empty: a majority of the team)."""

    steering_team = models.OneToOneField(
        Body,
        verbose_name=_("Steuerteam"),
        on_delete=models.CASCADE,
        related_name="review_policy",
        limit_choices_to={"kind": Body.Kind.STEERING_TEAM},
    )
    approvals_required = models.PositiveSmallIntegerField(_("nötige Zustimmungen"), null=True, blank=True)

    class Meta:
        verbose_name = _("Regel für Eskalationen")
        verbose_name_plural = _("Regeln für Eskalationen")

    def __str__(self) -> str:
        return str(self.steering_team)


class EscalationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Escalation, on_delete=models.CASCADE)
