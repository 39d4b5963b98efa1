"""Who may do what with a forum vote; the lists themselves filter in votes.selectors."""

from __future__ import annotations

from django.db.models import Exists, Q, QuerySet

from accounts.models import User
from workgroups.models import Body, Membership
from workgroups.permissions import is_platform_staff

from .models import Elector, Vote

BROAD_BODIES = (Body.Kind.FORUM, Body.Kind.STEERING_TEAM)


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def visible_votes_condition(user: User) -> Q:
    """Votes a person may see: every vote for the forum and steering teams, else those their group raised."""
    memberships = Membership.objects.filter(user=user, left_at__isnull=True)
    return Q(Exists(memberships.filter(body__kind__in=BROAD_BODIES))) | Q(
        origin_body__in=memberships.values("body")
    )


def vote_viewers(vote: Vote) -> QuerySet[User]:
    """Everyone who may see `vote` (for notifications): forum, steering teams, the raising group, admins."""
    bodies = Q(memberships__body__kind__in=BROAD_BODIES)
    if vote.origin_body_id:
        bodies |= Q(memberships__body_id=vote.origin_body_id)
    return User.objects.filter(
        Q(is_superuser=True) | Q(bodies, memberships__left_at__isnull=True), is_active=True
    ).distinct()


def may_create_vote(user: User | None) -> bool:
    """Thematic-direction votes: the steering teams (who bring topics into the forum) and staff."""
    if not _active(user):
        return False
    return (
        is_platform_staff(user)
        or Membership.objects.filter(
            user=user, left_at__isnull=True, body__kind=Body.Kind.STEERING_TEAM
        ).exists()
    )


def electors_of(vote: Vote, user: User | None) -> QuerySet[Elector]:
    """The electorate entries `user` may cast for: their own, or their organisation's (as its
    representative or deputy)."""
    if not _active(user):
        return Elector.objects.none()
    if vote.electorate_kind == Vote.ElectorateKind.MEMBERS:
        return Elector.objects.filter(vote=vote, user=user)
    return Elector.objects.filter(Q(representative=user) | Q(deputy=user), vote=vote).order_by("pk")


def in_electorate(vote: Vote, user: User | None) -> bool:
    return electors_of(vote, user).exists()


def may_see_results(vote: Vote) -> bool:
    """Whoever may see the vote sees its result after the close, or as it stands if the vote shows it live."""
    return vote.is_closed or (vote.is_open and vote.results_live)


def may_download_ballots(vote: Vote, user: User | None) -> bool:
    """The anonymised ballots: after the close, for the electorate, staff and admins."""
    if not vote.is_closed or not _active(user):
        return False
    return user.is_superuser or is_platform_staff(user) or in_electorate(vote, user)
