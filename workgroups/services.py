"""Every write to bodies, memberships and invitations."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from notifications.services import notify

from .models import ROLES_BY_KIND, Body, Invitation, Membership, Role, Theme
from .permissions import body_grant_permissions, role_group


@transaction.atomic
def body_create(
    *,
    kind: str,
    name: str,
    slug: str,
    parent: Body | None = None,
    theme: Theme | None = None,
    description: str = "",
) -> Body:
    """Create a body and grant its role groups their permissions."""
    body = Body(kind=kind, name=name, slug=slug, parent=parent, theme=theme, description=description)
    body.full_clean()
    body.save()
    body_grant_permissions(body)
    return body


@transaction.atomic
def membership_add(*, body: Body, user: User, role: str = Role.MEMBER) -> Membership:
    """Make `user` a member of `body` with `role` (one membership row, one auth-group row)."""
    if role not in ROLES_BY_KIND[body.kind]:
        raise DomainError(_("Diese Rolle gibt es in diesem Gremium nicht."))
    if Membership.objects.filter(body=body, user=user, left_at__isnull=True).exists():
        raise DomainError(_("Diese Person ist bereits Mitglied."))
    membership = Membership.objects.create(body=body, user=user, role=role)
    user.groups.add(role_group(body, role))
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, actor: User) -> Membership:
    """A member leaves, or someone who manages members removes them; the row stays as history."""
    membership = Membership.objects.select_for_update().select_related("body", "user").get(pk=membership.pk)
    if membership.left_at is not None:
        raise DomainError(_("Diese Mitgliedschaft ist bereits beendet."))
    if actor.pk != membership.user_id and not actor.has_perm("workgroups.manage_members", membership.body):
        raise PermissionDenied
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    membership.user.groups.remove(role_group(membership.body, membership.role))
    return membership


@transaction.atomic
def invitation_create(*, body: Body, invitee_email: str, role: str, actor: User) -> Invitation:
    """Invite a registered person into `body`; they are notified and accept or decline."""
    if not actor.has_perm("workgroups.manage_members", body):
        raise PermissionDenied
    if role not in ROLES_BY_KIND[body.kind]:
        raise DomainError(_("Diese Rolle gibt es in diesem Gremium nicht."))
    invitee = User.objects.filter(email__iexact=invitee_email.strip(), is_active=True).first()
    if invitee is None:
        raise DomainError(_("Unter dieser E-Mail-Adresse ist niemand registriert."))
    if Membership.objects.filter(body=body, user=invitee, left_at__isnull=True).exists():
        raise DomainError(_("Diese Person ist bereits Mitglied."))
    if Invitation.objects.filter(body=body, invitee=invitee, status=Invitation.Status.OPEN).exists():
        raise DomainError(_("Diese Person ist bereits eingeladen."))
    invitation = Invitation.objects.create(body=body, invitee=invitee, role=role, invited_by=actor)
    notify(
        kind="membership_invitation",
        recipients=[invitee],
        subject=invitation,
        actor=actor,
        data={
            "title": body.name,
            "url": body.get_absolute_url(),
            "group": body.name,
            "role": role,
            "inviter": str(actor),
        },
    )
    return invitation


@transaction.atomic
def invitation_answer(*, invitation: Invitation, actor: User, accept: bool) -> Invitation:
    """The invitee accepts (and becomes a member) or declines."""
    invitation = Invitation.objects.select_for_update().select_related("body").get(pk=invitation.pk)
    if invitation.invitee_id != actor.pk:
        raise PermissionDenied
    if invitation.status != Invitation.Status.OPEN:
        raise DomainError(_("Diese Einladung ist nicht mehr offen."))
    invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    if accept:
        membership_add(body=invitation.body, user=actor, role=invitation.role)
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: User) -> Invitation:
    """Whoever manages the body's members withdraws an open invitation."""
    invitation = Invitation.objects.select_for_update().select_related("body").get(pk=invitation.pk)
    if not actor.has_perm("workgroups.manage_members", invitation.body):
        raise PermissionDenied
    if invitation.status != Invitation.Status.OPEN:
        raise DomainError(_("Diese Einladung ist nicht mehr offen."))
    invitation.status = Invitation.Status.WITHDRAWN
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    return invitation
