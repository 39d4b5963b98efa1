"""Reading votes: every list is filtered in the database by who may see it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, DateTimeField, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.models import User

from .models import Ballot, Elector, Participation, Vote
from .permissions import electors_of, visible_votes_condition


def votes_visible(*, user: User) -> QuerySet[Vote]:
    if not user.is_authenticated or not user.is_active:
        return Vote.objects.none()
    if user.is_superuser:
        return Vote.objects.all()
    return Vote.objects.filter(visible_votes_condition(user))


def visible_vote_ids(user: User) -> QuerySet | None:
    """For notifications.subjects: the ids of the votes `user` may see (None: all)."""
    if user.is_superuser:
        return None
    return votes_visible(user=user).values("pk")


def vote_get_for_user(*, user: User, pk: int) -> Vote:
    """The vote, or 404 for one that does not exist or that the person may not see."""
    vote = votes_visible(user=user).select_related("origin_body").filter(pk=pk).first()
    if vote is None:
        raise Http404
    return vote


def votes_list(*, user: User, status: str | None = None) -> QuerySet[Vote]:
    """Open and scheduled first (closing soonest first), then past votes, newest first."""
    votes = votes_visible(user=user).select_related("origin_body").annotate(turnout=Count("participations"))
    if status:
        votes = votes.filter(status=status)
    # The status names do not sort in this order, and open votes sort by the nearest close.
    stage = Case(
        When(status=Vote.Status.OPEN, then=Value(0)),
        When(status=Vote.Status.SCHEDULED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return votes.order_by(
        stage,
        Case(
            When(status__in=[Vote.Status.OPEN, Vote.Status.SCHEDULED], then=F("closes_at")),
            output_field=DateTimeField(),
        ).asc(nulls_last=True),
        F("closes_at").desc(),
        "-pk",
    )


def vote_turnout(vote: Vote) -> int:
    return Participation.objects.filter(vote=vote).count()


@dataclass(frozen=True)
class Standing:
    """One electorate entry a person may cast for, and whether it has voted (never what, if secret)."""

    elector: Elector
    capacity: str  # "member", "representative" or "deputy"
    participation: Participation | None
    content: list[int] | None  # open votes only: the stored ballot; secret votes: always None


def vote_standing(*, vote: Vote, user: User) -> list[Standing]:
    """The electorate entries `user` may cast for in `vote`, each with its participation (two queries).

    For a secret vote nothing links a ballot to its elector, so `content` stays None.
    """
    electors = electors_for(vote=vote, user=user)
    if not electors:
        return []
    contents = {}
    if not vote.secret:
        ids = [elector.pk for elector in electors]
        contents = dict(Ballot.objects.filter(elector_id__in=ids).values_list("elector_id", "content"))
    return [
        Standing(
            elector=elector,
            capacity=_capacity(elector, user),
            participation=elector.voted,
            content=contents.get(elector.pk),
        )
        for elector in electors
    ]


def _capacity(elector: Elector, user: User) -> str:
    if elector.organisation_id is None:
        return "member"
    return "representative" if elector.representative_id == user.pk else "deputy"


def votes_due(*, user: User) -> QuerySet[Vote]:
    """Visible votes whose opening or closing time has passed without the task having come by."""
    now = timezone.now()
    return votes_visible(user=user).filter(
        Q(status__in=[Vote.Status.OPEN, Vote.Status.SCHEDULED], closes_at__lte=now)
        | Q(status=Vote.Status.SCHEDULED, opens_at__lte=now)
    )


def electors_for(*, vote: Vote, user: User) -> list[Elector]:
    """The electorate entries the person casts for, each with `voted` (its Participation or None)."""
    electors = list(
        electors_of(vote, user).select_related("organisation", "participation__cast_by").order_by("pk")
    )
    for elector in electors:
        try:
            elector.voted = elector.participation
        except Participation.DoesNotExist:
            elector.voted = None
    return electors


def open_ballot_content(*, vote: Vote, elector: Elector) -> list[int] | None:
    """What an elector voted in an open (not secret) vote; a secret ballot cannot be found this way."""
    if vote.secret:
        return None
    return Ballot.objects.filter(vote=vote, elector=elector).values_list("content", flat=True).first()
