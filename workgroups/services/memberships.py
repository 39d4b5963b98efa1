"""Joining, changing role and leaving: each one service, each audited with the body as scope.

Every way of leaving (the member, a chair, staff, the admin, deactivating the account) ends in
`_membership_close`, which revokes in one transaction what the membership gave: the role's auth
group, the person's open invitations to the body, and through the hooks of
`workgroups.lifecycle` what other apps hold for them (follows, task assignments).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError

from ..lifecycle import membership_end_hooks_run
from ..models import ROLES_BY_KIND, Body, Invitation, Membership, Role
from ..permissions import may_manage_members, may_remove_members, role_group


def _audit_membership(membership: Membership, *, actor: User | None, action: str, before=None, after=None):
    audit_record(
        actor=actor,
        action=action,
        subject=membership,
        scope=membership.body,
        before=before,
        after={
            "user": membership.user_id,
            "person": str(membership.user),
            "role": membership.role,
            **(after or {}),
        },
    )


@transaction.atomic
def membership_add(
    *, body: Body, user: User, role: str = Role.MEMBER, actor: User | None = None
) -> Membership:
    """Make `user` a member of `body` with `role` (one membership row, one auth-group row, one audit row)."""
    if role not in ROLES_BY_KIND[body.kind]:
        raise DomainError(_("Diese Rolle gibt es in diesem Gremium nicht."))
    if Membership.objects.filter(body=body, user=user, left_at__isnull=True).exists():
        raise DomainError(_("Diese Person ist bereits Mitglied."))
    membership = Membership.objects.create(body=body, user=user, role=role)
    user.groups.add(role_group(body, role))
    _audit_membership(membership, actor=actor, action="membership.joined")
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: User) -> Membership:
    """Change a member's role (member ↔ chair): the auth group is swapped, the change audited."""
    membership = Membership.objects.select_for_update().select_related("body", "user").get(pk=membership.pk)
    if not may_manage_members(actor, membership.body):
        raise PermissionDenied
    if membership.left_at is not None:
        raise DomainError(_("Diese Mitgliedschaft ist bereits beendet."))
    if role not in ROLES_BY_KIND[membership.body.kind]:
        raise DomainError(_("Diese Rolle gibt es in diesem Gremium nicht."))
    if role == membership.role:
        raise DomainError(_("Die Person hat diese Rolle bereits."))
    old = membership.role
    membership.user.groups.remove(role_group(membership.body, old))
    membership.user.groups.add(role_group(membership.body, role))
    membership.role = role
    membership.save(update_fields=["role"])
    _audit_membership(membership, actor=actor, action="membership.role_changed", before={"role": old})
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, actor: User) -> Membership:
    """A member leaves, or a chair or staff remove them; everything the membership gave is revoked."""
    membership = Membership.objects.select_for_update().select_related("body", "user").get(pk=membership.pk)
    if membership.left_at is not None:
        raise DomainError(_("Diese Mitgliedschaft ist bereits beendet."))
    leaving = actor.pk == membership.user_id
    if not leaving and not may_remove_members(actor, membership.body):
        raise PermissionDenied
    return _membership_close(
        membership, actor=actor, action="membership.left" if leaving else "membership.removed"
    )


@transaction.atomic
def memberships_end_for_user(*, user: User, actor: User) -> int:
    """End every membership of an account being deactivated (the account's own hook); returns how many."""
    memberships = list(
        Membership.objects.select_for_update()
        .select_related("body", "user")
        .filter(user=user, left_at__isnull=True)
        .order_by("pk")
    )
    for membership in memberships:
        _membership_close(membership, actor=actor, action="membership.ended_account_deactivated")
    _withdraw_open_invitations(Invitation.objects.filter(invitee=user), actor=actor)
    _withdraw_open_invitations(
        Invitation.objects.filter(invitee__isnull=True, email__iexact=user.email), actor=actor
    )
    return len(memberships)


def _membership_close(membership: Membership, *, actor: User, action: str) -> Membership:
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    membership.user.groups.remove(role_group(membership.body, membership.role))
    _withdraw_open_invitations(
        Invitation.objects.filter(body=membership.body, invitee=membership.user), actor=actor
    )
    membership_end_hooks_run(membership=membership, actor=actor)
    _audit_membership(membership, actor=actor, action=action, after={"left_at": membership.left_at})
    return membership


def _withdraw_open_invitations(invitations, *, actor: User) -> None:
    now = timezone.now()
    for invitation in (
        invitations.select_for_update().select_related("body").filter(status=Invitation.Status.OPEN)
    ):
        invitation.status = Invitation.Status.WITHDRAWN
        invitation.answered_at = now
        invitation.link_nonce = ""
        invitation.save(update_fields=["status", "answered_at", "link_nonce"])
        audit_record(
            actor=actor,
            action="invitation.withdrawn",
            subject=invitation,
            scope=invitation.body,
            after={"reason": "member_left"},
        )
