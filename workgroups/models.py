from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Theme(models.Model):
    """A thematic field (Themenfeld); themes are data, the forum can add more."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("Name"), max_length=100)
    name_en = models.CharField(_("Name (englisch)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Themenfeld")
        verbose_name_plural = _("Themenfelder")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Body(models.Model):
    """The forum, a steering team or a working group; each sits under the one above it."""

    class Kind(models.TextChoices):
        FORUM = "forum", _("Forum")
        STEERING_TEAM = "steering_team", _("Steuerteam")
        WORKING_GROUP = "working_group", _("Arbeitsgruppe")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnetes Gremium"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("Themenfeld"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("Gremium")
        verbose_name_plural = _("Gremien")
        permissions = [
            ("manage_members", _("Mitglieder verwalten")),
            ("create_project", _("Projekte anlegen")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="forum"), name="one_forum"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workgroups:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        expected_parent = {
            self.Kind.FORUM: None,
            self.Kind.STEERING_TEAM: self.Kind.FORUM,
            self.Kind.WORKING_GROUP: self.Kind.STEERING_TEAM,
        }[self.kind]
        parent_kind = self.parent.kind if self.parent_id else None
        if parent_kind != expected_parent:
            raise ValidationError(
                {
                    "parent": _(
                        "Ein Forum steht über allem, ein Steuerteam unter dem Forum, "
                        "eine Arbeitsgruppe unter einem Steuerteam."
                    )
                }
            )

    @property
    def steering_team(self) -> "Body | None":
        return self.parent if self.kind == self.Kind.WORKING_GROUP else None


class Role(models.TextChoices):
    MEMBER = "member", _("Mitglied")
    CHAIR = "chair", _("Vorsitz")
    STAFF = "staff", _("Wirtschaftsförderung")


# Which roles each kind of body has (staff is a role in the forum: it supports every group).
ROLES_BY_KIND = {
    Body.Kind.FORUM: {Role.MEMBER, Role.STAFF},
    Body.Kind.STEERING_TEAM: {Role.MEMBER},
    Body.Kind.WORKING_GROUP: {Role.MEMBER, Role.CHAIR},
}


class Membership(models.Model):
    """A person in a body with a role; leaving sets `left_at`, so the history stays."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Rolle"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("beigetreten"), default=timezone.now)
    left_at = models.DateTimeField(_("ausgetreten"), null=True, blank=True)

    class Meta:
        ordering = ["body", "-role", "user__last_name"]
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "user"], condition=Q(left_at__isnull=True), name="one_active_membership"
            ),
        ]
        indexes = [models.Index(fields=["user", "left_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.body} · {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class Invitation(models.Model):
    """A chair's invitation by email: of a registered person (accepts on the dashboard) or of an
    address without an account (registers through a signed, expiring, single-use link)."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        ACCEPTED = "accepted", _("angenommen")
        DECLINED = "declined", _("abgelehnt")
        WITHDRAWN = "withdrawn", _("zurückgezogen")
        EXPIRED = "expired", _("abgelaufen")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="invitations")
    # Empty until someone registers through the link when the address had no account.
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    role = models.CharField(_("Rolle"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("gültig bis"), null=True, blank=True)
    # Part of the signed link: a new value on re-sending makes every older link dead.
    link_nonce = models.CharField(max_length=32, blank=True)
    sent_count = models.PositiveSmallIntegerField(_("verschickt"), default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "invitee"], condition=Q(status="open"), name="one_open_invitation"
            ),
            models.UniqueConstraint(
                fields=["body", "email"],
                condition=Q(status="open", invitee__isnull=True),
                name="one_open_email_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitee or self.email} → {self.body}"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.OPEN
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        )

    @property
    def shown_status(self) -> str:
        """The status as the chair should read it: an open invitation past its date is expired."""
        return self.Status.EXPIRED.label if self.is_expired else self.get_status_display()


class InvitationMail(models.Model):
    """Outbox row for the email to an address without an account (notify() needs a person).

    Written in the transaction that creates or re-sends the invitation, sent after commit by a
    Celery task that claims it under a row lock; a periodic sweep sends what that task missed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        SKIPPED = "skipped", _("entfallen")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="mails")
    # The link version this mail carries; a mail for a replaced link is skipped, not sent.
    link_nonce = models.CharField(max_length=32)
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), default=timezone.now)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Einladungs-E-Mail")
        verbose_name_plural = _("Einladungs-E-Mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="pending"), name="invitation_mail_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitation} ({self.status})"


class BodyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Body, on_delete=models.CASCADE)


class BodyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Body, on_delete=models.CASCADE)
