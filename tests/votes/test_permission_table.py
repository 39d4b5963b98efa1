"""The permission table of escalations and forum votes: each role × each action, API and services.

Who may raise a topic, review it (approve or object), return or refuse it, open a vote, cast a
ballot, see the turnout, see results (before the close, live, after it) and download the ballots.
Allowed exactly where the table says. Refused: through the API 403 for someone who sees the
thing, 404 for someone who does not (400 for a working group they do not see when raising: the
same answer as a group that does not exist), 401/403 for anonymous callers; through the
services PermissionDenied (Http404 from the selector for a vote the person may not see).
Each layer acts on its own freshly staged object, so an allowed action in one does not change
the starting point of the other.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from escalations.models import Escalation, Review
from escalations.services import escalation_create, escalation_review, escalation_transition
from tests.votes.api_support import (
    ELECTORATE,
    PEOPLE,
    actor,
    add_delegates,
    api,
    close,
    make_vote,
    raised_vote,
    submitted_escalation,
)
from votes.models import Participation, Vote
from votes.permissions import may_download_ballots, may_see_results
from votes.selectors import vote_get_for_user, vote_turnout
from votes.services import ballot_cast, vote_create, vote_export
from workflows.errors import TransitionForbidden


@pytest.fixture
def world(shared_world):
    """One world for the whole table (tests.conftest.shared_world)."""
    return shared_world


AUTHENTICATED = set(PEOPLE) - {"anonymous"}
SEES_GROUP = {"member", "chair", "steering", "staff", "admin"}
SEES_ESCALATION = SEES_GROUP
# The forum's own votes: every member of the forum and of a steering team, and admins.
SEES_VOTE = {"steering", "other_steering", "forum_member", "staff", "admin"} | ELECTORATE
# A vote an escalation opened: also the working group that raised it.
SEES_RAISED_VOTE = SEES_VOTE | {"member", "chair"}
DOWNLOADS = ELECTORATE | {"staff", "admin"}

ESCALATION = {
    "title": "Jobticket für alle Betriebe",
    "rationale": "Die AG hat den Bedarf erhoben.",
    "decision": "Das Forum möge ein Jobticket fordern.",
}


@dataclass(frozen=True)
class Case:
    allowed: set[str]
    sees: set[str]  # refused with 403; everyone else gets `hidden`
    stage: Callable[[Any], Any]  # world -> the object acted on
    via_api: Callable[[Any, Any, Any], Any]  # (client, obj, world) -> response
    via_service: Callable[[Any, Any, Any], Any]  # (user, obj, world) -> raises when refused
    effect: Callable[[Any, Any], Any] | None = None  # (obj, world) -> what a write changes
    ok: int = 200
    hidden: int = 404


def _escalation_post(client, obj, world):
    return client.post("/api/v1/escalations/", {"workgroup": world.group.pk, **ESCALATION}, format="json")


def _review(verdict):
    def via_api(client, escalation, world):
        return client.post(
            f"/api/v1/escalations/{escalation.pk}/reviews/",
            {"verdict": verdict, "reason": "Begründung."},
            format="json",
        )

    def via_service(user, escalation, world):
        escalation_review(escalation=escalation, actor=user, verdict=verdict, reason="Begründung.")

    return via_api, via_service


def _transition(name):
    def via_api(client, escalation, world):
        return client.post(
            f"/api/v1/escalations/{escalation.pk}/transition/",
            {"transition": name, "comment": "Begründung des Steuerteams."},
            format="json",
        )

    def via_service(user, escalation, world):
        escalation_transition(escalation=escalation, actor=user, name=name, comment="Begründung.")

    return via_api, via_service


def _vote_post(client, obj, world):
    return client.post("/api/v1/votes/", {"title": "Neue Frage", "method": "yes_no_abstain"}, format="json")


def _vote_create(user, obj, world):
    closes_at = timezone.now() + datetime.timedelta(days=3)
    vote_create(actor=user, title="Neue Frage", method="yes_no_abstain", closes_at=closes_at)


def _cast_api(client, vote, world):
    return client.post(f"/api/v1/votes/{vote.pk}/ballot/", {"choices": [0]}, format="json")


def _cast_service(user, vote, world):
    ballot_cast(vote=vote, actor=user, choices=[0])


def _get(path):
    def via_api(client, vote, world):
        return client.get(f"/api/v1/votes/{vote.pk}/{path}")

    return via_api


def _turnout_service(user, vote, world):
    vote_turnout(vote_get_for_user(user=user, pk=vote.pk))


def _results_service(user, vote, world):
    if not may_see_results(vote_get_for_user(user=user, pk=vote.pk)):
        raise PermissionDenied


def _download_service(user, vote, world):
    vote = vote_get_for_user(user=user, pk=vote.pk)
    if not may_download_ballots(vote, user):
        raise PermissionDenied
    vote_export(vote)


def _closed(stage):
    def staged(world):
        vote = stage(world)
        ballot_cast(vote=vote, actor=world.people["forum_member"], choices=[0])
        return close(vote)

    return staged


def _escalation_state(escalation, world):
    escalation.refresh_from_db()
    return escalation.state, Review.objects.filter(escalation=escalation).count()


def _participations(vote, world):
    return Participation.objects.filter(vote=vote).count()


_approve, _object = _review("approve"), _review("object")
_return, _refuse = _transition("return"), _transition("refuse")

CASES: dict[str, Case] = {
    "escalation.raise": Case(
        allowed={"chair"},
        sees=SEES_GROUP,
        stage=lambda world: None,
        via_api=_escalation_post,
        via_service=lambda user, obj, world: escalation_create(
            workgroup=world.group, actor=user, **ESCALATION
        ),
        effect=lambda obj, world: Escalation.objects.count(),
        ok=201,
        hidden=400,
    ),
    "escalation.approve": Case(
        allowed={"steering"},
        sees=SEES_ESCALATION,
        stage=submitted_escalation,
        via_api=_approve[0],
        via_service=_approve[1],
        effect=_escalation_state,
        ok=201,
    ),
    "escalation.object": Case(
        allowed={"steering"},
        sees=SEES_ESCALATION,
        stage=submitted_escalation,
        via_api=_object[0],
        via_service=_object[1],
        effect=_escalation_state,
        ok=201,
    ),
    "escalation.return": Case(
        allowed={"steering"},
        sees=SEES_ESCALATION,
        stage=submitted_escalation,
        via_api=_return[0],
        via_service=_return[1],
        effect=_escalation_state,
    ),
    "escalation.refuse": Case(
        allowed={"steering"},
        sees=SEES_ESCALATION,
        stage=submitted_escalation,
        via_api=_refuse[0],
        via_service=_refuse[1],
        effect=_escalation_state,
    ),
    "vote.open": Case(
        allowed={"steering", "other_steering", "staff", "admin"},
        sees=AUTHENTICATED,
        stage=lambda world: None,
        via_api=_vote_post,
        via_service=_vote_create,
        effect=lambda obj, world: Vote.objects.count(),
        ok=201,
    ),
    "vote.cast": Case(
        allowed=ELECTORATE,
        sees=SEES_VOTE,
        stage=make_vote,
        via_api=_cast_api,
        via_service=_cast_service,
        effect=_participations,
        ok=201,
    ),
    "vote.cast_per_organisation": Case(
        allowed={"representative", "deputy"},
        sees=SEES_VOTE,
        stage=lambda world: make_vote(world, electorate_kind="organisations"),
        via_api=_cast_api,
        via_service=_cast_service,
        effect=_participations,
        ok=201,
    ),
    "raised_vote.cast": Case(
        allowed=ELECTORATE,
        sees=SEES_RAISED_VOTE,
        stage=raised_vote,
        via_api=_cast_api,
        via_service=_cast_service,
        effect=_participations,
        ok=201,
    ),
    "vote.turnout": Case(
        allowed=SEES_VOTE,
        sees=SEES_VOTE,
        stage=make_vote,
        via_api=_get("turnout/"),
        via_service=_turnout_service,
    ),
    "raised_vote.turnout": Case(
        allowed=SEES_RAISED_VOTE,
        sees=SEES_RAISED_VOTE,
        stage=raised_vote,
        via_api=_get("turnout/"),
        via_service=_turnout_service,
    ),
    "results.before_close": Case(
        allowed=set(), sees=SEES_VOTE, stage=make_vote, via_api=_get("results/"), via_service=_results_service
    ),
    "results.live": Case(
        allowed=SEES_VOTE,
        sees=SEES_VOTE,
        stage=lambda world: make_vote(world, results_live=True),
        via_api=_get("results/"),
        via_service=_results_service,
    ),
    "results.after_close": Case(
        allowed=SEES_VOTE,
        sees=SEES_VOTE,
        stage=_closed(make_vote),
        via_api=_get("results/"),
        via_service=_results_service,
    ),
    "raised_vote.results.after_close": Case(
        allowed=SEES_RAISED_VOTE,
        sees=SEES_RAISED_VOTE,
        stage=_closed(raised_vote),
        via_api=_get("results/"),
        via_service=_results_service,
    ),
    "ballots.before_close": Case(
        allowed=set(), sees=SEES_VOTE, stage=make_vote, via_api=_get("export/"), via_service=_download_service
    ),
    "ballots.after_close": Case(
        allowed=DOWNLOADS,
        sees=SEES_VOTE,
        stage=_closed(make_vote),
        via_api=_get("export/"),
        via_service=_download_service,
    ),
    "raised_vote.ballots.after_close": Case(
        allowed=DOWNLOADS,
        sees=SEES_RAISED_VOTE,
        stage=_closed(raised_vote),
        via_api=_get("export/"),
        via_service=_download_service,
    ),
}


@pytest.fixture
def forum(world):
    return add_delegates(world)


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("name", CASES)
def test_permission_table_api(forum, name, role):
    case = CASES[name]
    obj = case.stage(forum)
    before = case.effect(obj, forum) if case.effect else None
    response = case.via_api(api(forum, role), obj, forum)
    if role == "anonymous":
        assert response.status_code in (401, 403), response.status_code
    elif role in case.allowed:
        assert response.status_code == case.ok, (response.status_code, response.content[:300])
    else:
        expected = 403 if role in case.sees else case.hidden
        assert response.status_code == expected, (response.status_code, response.content[:300])
    if case.effect:
        assert (case.effect(obj, forum) != before) == (role in case.allowed)


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("name", CASES)
def test_permission_table_services(forum, name, role):
    case = CASES[name]
    obj = case.stage(forum)
    before = case.effect(obj, forum) if case.effect else None
    user = actor(forum, role)
    if role in case.allowed:
        case.via_service(user, obj, forum)
    elif isinstance(obj, Vote) and case.effect is None and role not in case.sees:
        with pytest.raises(Http404):  # reads go through the selector: a hidden vote does not exist
            case.via_service(user, obj, forum)
    else:
        # TransitionForbidden: the engine's refusal of a role (403 through the API).
        with pytest.raises((PermissionDenied, TransitionForbidden)):
            case.via_service(user, obj, forum)
    if case.effect:
        assert (case.effect(obj, forum) != before) == (role in case.allowed)


def test_the_table_covers_every_action_of_the_issue():
    actions = {name.split(".")[-1] if "." in name else name for name in CASES}
    assert {"raise", "approve", "object", "return", "refuse", "open", "cast", "turnout"} <= actions
    assert {"before_close", "live", "after_close"} <= actions
