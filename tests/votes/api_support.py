"""The test world plus an organisation voting in the forum, and votes and escalations in each stage."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework.test import APIClient

from escalations.models import Escalation
from escalations.services import escalation_create, escalation_review, escalation_transition
from tests.factories import OrganisationFactory, UserFactory
from tests.world import ROLES, World
from votes.models import Vote
from votes.services import delegation_set, vote_close, vote_create
from workgroups.models import Role
from workgroups.services import membership_add

# The test world's people, plus the representative and the deputy of a member organisation
# (both forum members, so they also vote in votes with one vote per member).
PEOPLE = [*ROLES, "representative", "deputy"]
ELECTORATE = {"forum_member", "representative", "deputy"}


def add_delegates(world: World) -> World:
    """An organisation that votes in the forum through its representative or, else, its deputy."""
    organisation = OrganisationFactory(name="Kaffeerösterei Plum GmbH")
    for role in ("representative", "deputy"):
        person = UserFactory(email=f"{role}@example.org", first_name=role.title(), organisation=organisation)
        membership_add(body=world.forum, user=person, role=Role.MEMBER)
        world.people[role] = person
    delegation_set(
        actor=world.people["staff"],
        organisation=organisation,
        representative=world.people["representative"],
        deputy=world.people["deputy"],
    )
    world.organisation = organisation
    return world


def actor(world: World, role: str):
    return world.people[role] or AnonymousUser()


def api(world: World, role: str) -> APIClient:
    client = APIClient()
    if world.people[role] is not None:
        client.force_authenticate(world.people[role])
    return client


def make_vote(world: World, *, by: str = "staff", **fields) -> Vote:
    """A vote of the forum, open from now for a week (unless `fields` say otherwise)."""
    now = timezone.now()
    settings = {
        "title": "Soll das Forum ein Jobticket fordern?",
        "method": Vote.Method.YES_NO_ABSTAIN,
        "closes_at": now + datetime.timedelta(days=7),
        **fields,
    }
    return vote_create(actor=world.people[by], **settings)


def close(vote: Vote) -> Vote:
    """Let the vote's time run out and close it as the scheduled task would."""
    now = timezone.now()
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=now - datetime.timedelta(hours=2), closes_at=now - datetime.timedelta(seconds=1)
    )
    assert vote_close(vote=vote)
    vote.refresh_from_db()
    return vote


def make_escalation(world: World, **fields) -> Escalation:
    settings = {
        "title": "Jobticket für alle Betriebe",
        "rationale": "Die AG hat den Bedarf erhoben.",
        "decision": "Das Forum möge ein Jobticket fordern.",
        **fields,
    }
    return escalation_create(workgroup=world.group, actor=world.people["chair"], **settings)


def submitted_escalation(world: World, **fields) -> Escalation:
    escalation = make_escalation(world, **fields)
    escalation_transition(escalation=escalation, actor=world.people["chair"], name="submit")
    return escalation


def raised_vote(world: World, **fields) -> Vote:
    """The forum vote an approved escalation of the world's working group opened."""
    escalation = submitted_escalation(world, **fields)
    escalation_review(
        escalation=escalation, actor=world.people["steering"], verdict="approve", reason="Gut begründet."
    )
    escalation.refresh_from_db()
    assert escalation.state == "approved", escalation.state
    return escalation.vote
