"""Reads of bodies and memberships for a person, filtered by permission in the database."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from audit.selectors import audit_entries_for_scope
from core.permissions import filter_by_object_perm

from .models import Body, BodyGroupObjectPermission, Invitation, Membership
from .permissions import may_view_audit


def bodies_visible(*, user: User) -> QuerySet[Body]:
    """The bodies `user` may open."""
    return filter_by_object_perm(
        Body.objects.select_related("parent", "theme"),
        user=user,
        codename="view_body",
        perm_model=BodyGroupObjectPermission,
    )


def body_get_for_user(*, user: User, slug: str) -> Body:
    """One body, or 404 when it does not exist or `user` may not see it."""
    body = bodies_visible(user=user).filter(slug=slug).first()
    if body is None:
        raise Http404
    return body


def memberships_active(*, body: Body) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(body=body, left_at__isnull=True)
        .select_related("user__organisation")
        .order_by("-role", "user__last_name", "user__first_name")
    )


def memberships_history(*, body: Body) -> QuerySet[Membership]:
    return Membership.objects.filter(body=body).select_related("user").order_by("-joined_at")


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """The person's current memberships, bodies included."""
    return (
        Membership.objects.filter(user=user, left_at__isnull=True)
        .select_related("body__parent", "body__theme")
        .order_by("body__kind", "body__name")
    )


def membership_active_get(*, user: User, body: Body) -> Membership | None:
    return Membership.objects.filter(user=user, body=body, left_at__isnull=True).first()


def invitations_open_for(*, user: User) -> QuerySet[Invitation]:
    """The invitations a person may still answer (past their date they are no longer offered)."""
    return (
        Invitation.objects.filter(invitee=user, status=Invitation.Status.OPEN)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .select_related("body", "invited_by")
    )


def invitations_open_of(*, body: Body) -> QuerySet[Invitation]:
    return Invitation.objects.filter(body=body, status=Invitation.Status.OPEN).select_related("invitee")


def invitations_of(*, body: Body, limit: int = 50) -> QuerySet[Invitation]:
    """The body's latest invitations in every state, for the chair's status column."""
    return (
        Invitation.objects.filter(body=body)
        .select_related("invitee", "invited_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def invitations_visible(*, user: User) -> QuerySet[Invitation]:
    """Invitations addressed to `user`, and those of the bodies whose members `user` manages."""
    managed = filter_by_object_perm(
        Body.objects.all(), user=user, codename="manage_members", perm_model=BodyGroupObjectPermission
    )
    return Invitation.objects.filter(Q(invitee=user) | Q(body__in=managed.values("pk"))).select_related(
        "body", "invitee"
    )


def body_audit_get_for_user(*, user: User, slug: str) -> Body:
    """A body whose audit log `user` may read (staff: every body; a chair: their own), else 404."""
    body = body_get_for_user(user=user, slug=slug)
    if not may_view_audit(user, body):
        raise Http404
    return body


def audit_entries_of(*, body: Body) -> QuerySet:
    return audit_entries_for_scope(scope=body).order_by("-at", "-pk")


def working_groups_with_counts(*, user: User) -> QuerySet[Body]:
    """The working groups `user` may see, with member and project counts."""
    return (
        bodies_visible(user=user)
        .filter(kind=Body.Kind.WORKING_GROUP)
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__left_at__isnull=True), distinct=True)
        )
    )


def forum_get() -> Body | None:
    return Body.objects.filter(kind=Body.Kind.FORUM).first()
