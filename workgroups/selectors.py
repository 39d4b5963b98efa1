"""Reads of bodies and memberships for a person, filtered by permission in the database."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.models import User
from core.permissions import filter_by_object_perm

from .models import Body, BodyGroupObjectPermission, Invitation, Membership


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
    return Invitation.objects.filter(invitee=user, status=Invitation.Status.OPEN).select_related(
        "body", "invited_by"
    )


def invitations_open_of(*, body: Body) -> QuerySet[Invitation]:
    return Invitation.objects.filter(body=body, status=Invitation.Status.OPEN).select_related("invitee")


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
