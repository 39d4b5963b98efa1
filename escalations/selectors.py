"""Reading escalations: lists filtered by guardian permissions in the database."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from core.permissions import filter_by_object_perm
from workgroups.models import Body, Role

from .models import Escalation, EscalationGroupObjectPermission, Review


def escalations_visible(*, user: User) -> QuerySet[Escalation]:
    return filter_by_object_perm(
        Escalation.objects.select_related("workgroup", "vote", "workflow"),
        user=user,
        codename="view_escalation",
        perm_model=EscalationGroupObjectPermission,
    ).defer("workflow__data", "workflow__source")


def escalation_get_for_user(*, user: User, pk: int) -> Escalation:
    escalation = escalations_visible(user=user).filter(pk=pk).first()
    if escalation is None:
        raise Http404
    return escalation


def escalations_of_group(*, user: User, body) -> QuerySet[Escalation]:
    return escalations_visible(user=user).filter(workgroup=body)


def reviews_of(escalation: Escalation, *, round: int | None = None) -> QuerySet[Review]:
    reviews = Review.objects.filter(escalation=escalation).select_related("reviewer")
    return reviews.filter(round=round) if round is not None else reviews


def approvals_count(escalation: Escalation) -> int:
    """Approvals given to the current submission."""
    return Review.objects.filter(
        escalation=escalation, round=escalation.round, verdict=Review.Verdict.APPROVE
    ).count()


def workgroups_chaired(*, user: User) -> QuerySet[Body]:
    """The working groups whose chair the person is: where they may raise a topic."""
    if not user.is_authenticated or not user.is_active:
        return Body.objects.none()
    return Body.objects.filter(
        kind=Body.Kind.WORKING_GROUP,
        memberships__user=user,
        memberships__role=Role.CHAIR,
        memberships__left_at__isnull=True,
    ).order_by("name")


def escalations_of_steering_team(*, user: User, body: Body) -> QuerySet[Escalation]:
    return escalations_visible(user=user).filter(workgroup__parent=body)


def review_of(*, escalation: Escalation, user: User) -> Review | None:
    """The person's own approval or objection to the current submission, if any."""
    return Review.objects.filter(escalation=escalation, round=escalation.round, reviewer=user).first()
