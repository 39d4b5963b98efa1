"""Reading escalations: lists filtered by guardian permissions in the database."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from core.permissions import filter_by_object_perm

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
