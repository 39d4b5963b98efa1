"""A secret ballot cannot be linked to its voter through any page, API answer or admin view.

Ten forum members cast ranked ballots in a secret vote through the API. Nothing the platform
shows afterwards, to the voters, to the steering team or to a superuser in the admin, names a
ballot next to a voter: ballot rows carry no voter and no time, their ids are random, the
export lists the ballots merged and sorted canonically, a voter's own view says only that they
voted, and changing a ballot needs the receipt code shown once at the first cast.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from audit.models import AuditEntry
from notifications.models import Notification
from tests.factories import UserFactory
from tests.votes.api_support import add_delegates, api, close, make_vote
from votes.export import canonical_json
from votes.models import Ballot, Participation, Vote
from votes.services import receipt_sha256
from workgroups.models import Role
from workgroups.services import membership_add

OPTIONS = ["Fachkräfte", "Mobilität", "Energie", "Digitalisierung"]
# Rankings as option positions, cast in this order (one voter each); identical ones recur
# apart from each other so that merging them is not the order of casting.
RANKINGS = [
    [[0], [1]],
    [[2], [0, 1]],
    [[3]],
    [[0], [1]],
    [[1, 2, 3], [0]],
    [[2], [0, 1]],
    [[0], [1]],
    [[3]],
    [[2], [0, 1]],
    [[0], [1]],
]


def canonical(ranking: list[list[int]]) -> list[list[str]]:
    """Labels in each tier sorted; a last tier holding exactly the options left over is dropped."""
    tiers = [sorted(OPTIONS[p] for p in tier) for tier in ranking]
    if tiers and len(tiers[-1]) == len(OPTIONS) - sum(map(len, tiers[:-1])):
        tiers.pop()
    return tiers


@pytest.fixture
def secret(world):
    """The secret vote, its voters in casting order, and the receipt code each was shown."""
    add_delegates(world)
    voters = [world.people[r] for r in ("forum_member", "representative", "deputy")]
    for n in range(len(RANKINGS) - len(voters)):
        person = UserFactory(email=f"forum{n}@example.org", first_name="Forum", last_name=f"Mitglied{n}")
        membership_add(body=world.forum, user=person, role=Role.MEMBER)
        voters.append(person)
    vote = make_vote(world, title="Welche Themen zuerst?", method="schulze", options=OPTIONS, secret=True)
    receipts = []
    for person, ranking in zip(voters, RANKINGS, strict=True):
        client = api(world, "anonymous")
        client.force_authenticate(person)
        response = client.post(f"/api/v1/votes/{vote.pk}/ballot/", {"ranking": ranking}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["changed"] is False
        receipts.append(response.json()["receipt"])
    world.vote, world.voters, world.receipts = vote, voters, receipts
    return world


def as_person(world, person):
    client = api(world, "anonymous")
    client.force_authenticate(person)
    return client


def identifying_strings(world) -> list[str]:
    """What would single out one ballot: its ids, receipt codes and their hashes."""
    ballots = Ballot.objects.filter(vote=world.vote)
    return [
        *(str(b.pk) for b in ballots),
        *(b.pk.hex for b in ballots),
        *(b.receipt_sha256 for b in ballots),
        *world.receipts,
    ]


def assert_nothing_identifies_a_ballot(text: str, world, where: str) -> None:
    for needle in identifying_strings(world):
        assert needle not in text, (where, needle)


def test_ballot_rows_carry_no_voter_no_time_and_random_ids(secret):
    fields = {f.name: f for f in Ballot._meta.concrete_fields}
    assert set(fields) == {"id", "vote", "content", "elector", "receipt_sha256"}
    assert not any(isinstance(f, models.DateField | models.AutoField) for f in fields.values())
    assert isinstance(fields["id"], models.UUIDField)
    ballots = list(Ballot.objects.filter(vote=secret.vote))
    assert len(ballots) == len(RANKINGS)
    assert all(b.elector_id is None for b in ballots)
    assert all(uuid.UUID(str(b.pk)).version == 4 for b in ballots)
    # Nothing on a ballot row points to who voted; the record of who voted points to no ballot.
    assert not any(f.related_model is Ballot for f in Participation._meta.get_fields())
    # Only the voter's receipt finds their ballot: ordered by id, the ballots are not in the
    # order they were cast, so the ids cannot be matched with the times in the record of voters.
    cast_order = [Ballot.objects.get(receipt_sha256=receipt_sha256(code)).pk for code in secret.receipts]
    by_id = list(Ballot.objects.filter(vote=secret.vote).order_by("pk").values_list("pk", flat=True))
    assert sorted(cast_order) == by_id
    assert by_id != cast_order


def test_voter_sees_that_they_voted_but_not_what(secret):
    for person, receipt in zip(secret.voters, secret.receipts, strict=True):
        response = as_person(secret, person).get(f"/api/v1/votes/{secret.vote.pk}/")
        body = response.json()
        assert body["has_voted"] is True and body["may_vote"] is True
        assert [e["ballot"] for e in body["electors"]] == [None]
        assert receipt not in response.content.decode()
        assert_nothing_identifies_a_ballot(response.content.decode(), secret, "vote detail")


def test_no_api_answer_links_a_ballot_to_a_voter(secret):
    vote = secret.vote
    paths = ["/api/v1/votes/", f"/api/v1/votes/{vote.pk}/", f"/api/v1/votes/{vote.pk}/turnout/"]
    readers = [*secret.voters[:3], secret.people["steering"], secret.people["staff"], secret.people["admin"]]
    for reader in readers:
        for path in paths:
            response = as_person(secret, reader).get(path)
            assert response.status_code == 200, path
            assert_nothing_identifies_a_ballot(response.content.decode(), secret, path)
    close(vote)
    for reader in readers:
        for path in [*paths, f"/api/v1/votes/{vote.pk}/results/"]:
            response = as_person(secret, reader).get(path)
            assert response.status_code == 200, path
            assert_nothing_identifies_a_ballot(response.content.decode(), secret, path)
    result = as_person(secret, secret.people["forum_member"]).get(f"/api/v1/votes/{vote.pk}/results/").json()
    text = json.dumps(result, ensure_ascii=False)
    for person in secret.voters:
        assert person.email not in text and str(person) not in text


def test_no_page_links_a_ballot_to_a_voter(secret, client):
    vote = secret.vote
    for person in secret.voters[:3]:
        client.force_login(person)
        for url in (reverse("votes:list"), vote.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == 200, url
            assert_nothing_identifies_a_ballot(response.content.decode(), secret, url)
    close(vote)
    client.force_login(secret.voters[0])
    page = client.get(vote.get_absolute_url()).content.decode()
    assert_nothing_identifies_a_ballot(page, secret, "closed vote page")


def test_admin_shows_no_ballot_and_no_ballot_next_to_a_voter(secret, client):
    close(secret.vote)
    superuser = secret.people["admin"]
    client.force_login(superuser)
    vote_admins = [m for m in admin.site._registry if m._meta.app_label == "votes"]
    assert Vote in vote_admins and Participation in vote_admins
    # Ballots have no admin at all: a superuser cannot list them, let alone beside the record of voters.
    assert Ballot not in admin.site._registry
    opened = 0
    for model in vote_admins:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        changelist = client.get(reverse(f"admin:{info}_changelist"))
        assert changelist.status_code == 200, info
        assert_nothing_identifies_a_ballot(changelist.content.decode(), secret, f"{info} list")
        for pk in model.objects.values_list("pk", flat=True):
            page = client.get(reverse(f"admin:{info}_change", args=[pk]))
            assert page.status_code == 200, (info, pk)
            assert_nothing_identifies_a_ballot(page.content.decode(), secret, f"{info} {pk}")
            opened += 1
    assert opened >= len(RANKINGS)  # at least every participation was looked at
    # The record of who voted says who and when, never what.
    page = client.get(reverse("admin:votes_participation_changelist")).content.decode()
    assert secret.voters[0].email in page or str(secret.voters[0]) in page
    for label in OPTIONS:
        assert label not in page
    # Neither the audit trail nor any notification keeps something that singles out a ballot.
    trail = json.dumps(
        list(AuditEntry.objects.values("action", "before", "after", "subject_label")), default=str
    )
    assert_nothing_identifies_a_ballot(trail, secret, "audit trail")
    notes = json.dumps(list(Notification.objects.values("data")), default=str)
    assert_nothing_identifies_a_ballot(notes, secret, "notifications")


def test_export_lists_ballots_merged_and_sorted_canonically(secret):
    close(secret.vote)
    response = as_person(secret, secret.people["forum_member"]).get(f"/api/v1/votes/{secret.vote.pk}/export/")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert set(document) == {
        "vote",
        "method",
        "options",
        "quorum",
        "ballots",
        "electorate_size",
        "electorate_sha256",
        "ballots_sha256",
        "receipts",
    }
    expected: dict[str, int] = {}
    for ranking in RANKINGS:
        key = canonical_json(canonical(ranking))
        expected[key] = expected.get(key, 0) + 1
    assert document["ballots"] == [
        {"count": expected[key], "ranking": json.loads(key)} for key in sorted(expected)
    ]
    assert all(set(ballot) == {"count", "ranking"} for ballot in document["ballots"])
    # Each voter finds the hash of their own receipt in the published list, which is sorted.
    assert [entry["sha256"] for entry in document["receipts"]] == sorted(
        receipt_sha256(code) for code in secret.receipts
    )
    assert_nothing_identifies_a_ballot(
        json.dumps({k: v for k, v in document.items() if k != "receipts"}), secret, "export"
    )
    for person in secret.voters:
        assert person.email not in response.content.decode()


def test_changing_a_secret_ballot_needs_the_receipt(secret):
    vote, voter, receipt = secret.vote, secret.voters[0], secret.receipts[0]
    client = as_person(secret, voter)
    path = f"/api/v1/votes/{vote.pk}/ballot/"
    before = sorted(Ballot.objects.filter(vote=vote).values_list("content", flat=True))
    missing = client.post(path, {"ranking": [[3]]}, format="json")
    assert missing.status_code == 409
    assert "Beleg-Code" in missing.json()["detail"]
    wrong = client.post(path, {"ranking": [[3]], "receipt": "AAAA-BBBB-CCCC-DDDD"}, format="json")
    assert wrong.status_code == 400
    assert "passt zu keinem Stimmzettel" in wrong.json()["receipt"][0]
    assert sorted(Ballot.objects.filter(vote=vote).values_list("content", flat=True)) == before
    # Lower case and without dashes is the same code.
    changed = client.post(
        path, {"ranking": [[3]], "receipt": receipt.lower().replace("-", "")}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json() == {"changed": True, "receipt": None, "organisation": None}  # shown only once
    mine = Ballot.objects.get(vote=vote, receipt_sha256=receipt_sha256(receipt))
    assert mine.content == [1, 1, 1, 0]
    assert Ballot.objects.filter(vote=vote).count() == Participation.objects.filter(vote=vote).count() == 10
