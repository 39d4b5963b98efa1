"""Forum votes through their services: who is in the electorate, quorum and threshold, ties, casting.

The helpers at the top are shared by the other service tests of votes and escalations.
"""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Organisation, User
from core.errors import Conflict
from tests.factories import OrganisationFactory, UserFactory
from votes.models import Ballot, Elector, Participation, Vote
from votes.permissions import in_electorate
from votes.services import ballot_cast, delegation_set, vote_close, vote_create
from workgroups.models import Membership
from workgroups.services import membership_add, membership_end

YES, NO, ABSTAIN = 0, 1, 2


# Helpers ------------------------------------------------------------------------------------------


def forum_members(world, count: int, *, prefix: str = "stimme", organisation=None) -> list[User]:
    """`count` new members of the forum (each one vote in a members vote)."""
    people = []
    for i in range(count):
        extra = {"organisation": organisation} if organisation is not None else {}
        person = UserFactory(email=f"{prefix}{i}@example.org", first_name=f"{prefix.title()} {i}", **extra)
        membership_add(body=world.forum, user=person)
        people.append(person)
    return people


def electorate(world, size: int) -> list[User]:
    """The forum's members, `size` in all: the world's forum member and `size - 1` new ones."""
    return [world.people["forum_member"], *forum_members(world, size - 1)]


def vote_new(world, *, method: str = "yes_no_abstain", options=None, days: float = 7, **fields) -> Vote:
    """A vote created by the steering team member, open from now (unless `opens_at` says later)."""
    now = timezone.now()
    fields.setdefault("opens_at", now)
    fields.setdefault("closes_at", fields["opens_at"] + datetime.timedelta(days=days))
    return vote_create(
        actor=world.people["steering"],
        title=fields.pop("title", "Jobticket für alle Mitgliedsunternehmen?"),
        method=method,
        options=options,
        **fields,
    )


def cast_all(vote: Vote, people: list[User], choices: list[int]) -> None:
    for person in people:
        ballot_cast(vote=vote, actor=person, choices=choices)


def close(vote: Vote) -> Vote:
    """Close the vote as the scheduled task does at its time, and read it back."""
    assert vote_close(vote=vote, now=vote.closes_at)
    vote.refresh_from_db()
    return vote


def fingerprint(ids) -> str:
    """The electorate fingerprint, computed here independently of votes.services."""
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode("ascii")).hexdigest()


def yes_no_vote(world, people, yes: int, no: int, abstain: int, **fields) -> Vote:
    vote = vote_new(world, **fields)
    cast_all(vote, people[:yes], [YES])
    cast_all(vote, people[yes : yes + no], [NO])
    cast_all(vote, people[yes + no : yes + no + abstain], [ABSTAIN])
    return close(vote)


# Quorum and threshold -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quorum_kind", "quorum_value", "voting", "met"),
    [
        ("share", 50, 5, True),  # 50 % of 10 is 5: exactly at the quorum
        ("share", 50, 4, False),  # one below
        ("share", 35, 4, True),  # 35 % of 10 is 3.5: four meet it
        ("share", 35, 3, False),  # three do not (no rounding down)
        ("number", 6, 6, True),
        ("number", 6, 5, False),
    ],
)
def test_quorum_exactly_at_it_is_met_and_one_below_is_not(world, quorum_kind, quorum_value, voting, met):
    people = electorate(world, 10)
    vote = yes_no_vote(
        world, people, yes=voting, no=0, abstain=0, quorum_kind=quorum_kind, quorum_value=quorum_value
    )

    assert vote.result["quorum"]["met"] is met
    assert vote.result["quorum"]["turnout"] == voting
    assert vote.result["turnout"] == voting
    assert vote.result["threshold"]["met"] is True  # everyone said yes
    assert vote.passed is met


def test_abstentions_count_for_the_quorum_but_not_for_the_threshold(world):
    people = electorate(world, 10)
    vote = yes_no_vote(world, people, yes=1, no=0, abstain=4, quorum_kind="share", quorum_value=50)

    assert vote.result["counts"] == {"Ja": 1, "Nein": 0, "Enthaltung": 4}
    assert vote.result["quorum"]["met"] is True  # five took part
    assert vote.result["threshold"]["met"] is True  # one yes of one yes + no
    assert vote.passed is True


def test_a_tie_at_the_simple_majority_does_not_pass(world):
    people = electorate(world, 10)
    vote = yes_no_vote(world, people, yes=3, no=3, abstain=2)

    assert vote.result["threshold"] == {
        "rule": "simple",
        "description": "more than 1/2 of yes + no",
        "met": False,
    }
    assert vote.passed is False


def test_one_yes_more_than_no_passes_the_simple_majority(world):
    people = electorate(world, 10)
    assert yes_no_vote(world, people, yes=4, no=3, abstain=2).passed is True


@pytest.mark.parametrize(("yes", "no", "passed"), [(4, 2, True), (2, 1, True), (3, 2, False), (5, 3, False)])
def test_exactly_two_thirds_passes_and_less_does_not(world, yes, no, passed):
    people = electorate(world, 10)
    vote = yes_no_vote(world, people, yes=yes, no=no, abstain=2, threshold="two_thirds")

    assert vote.result["threshold"]["rule"] == "two_thirds"
    assert vote.result["threshold"]["met"] is passed
    assert vote.passed is passed


def test_nobody_voting_yes_or_no_passes_nothing(world):
    people = electorate(world, 4)
    vote = yes_no_vote(world, people, yes=0, no=0, abstain=3)

    assert vote.result["turnout"] == 3
    assert vote.passed is False


@pytest.mark.parametrize(
    ("method", "ballots", "top"),
    [
        ("single", [[0], [1], [2]], ["Rathaus", "Eurogress", "Super C"]),
        ("single", [[0], [1], [0], [1], [2]], ["Rathaus", "Eurogress"]),
        ("approval", [[0, 1], [1, 2], [0, 2]], ["Rathaus", "Eurogress", "Super C"]),
        ("approval", [[0, 1], [0, 1], [2]], ["Rathaus", "Eurogress"]),
    ],
)
def test_a_tie_at_the_top_of_a_choice_vote_is_reported_and_does_not_pass(world, method, ballots, top):
    people = electorate(world, len(ballots))
    vote = vote_new(world, method=method, options=["Rathaus", "Eurogress", "Super C"])
    for person, choices in zip(people, ballots, strict=True):
        ballot_cast(vote=vote, actor=person, choices=choices)
    vote = close(vote)

    assert vote.result["order"][0] == top
    assert vote.result["winner"] is None
    assert vote.result["tied"] is True
    assert vote.passed is False


def test_a_tie_at_the_top_of_a_schulze_vote_is_reported_and_does_not_pass(world):
    people = electorate(world, 4)
    vote = vote_new(world, method="schulze", options=["Fachkräfte", "Innovation", "CSR"])
    for person, ranking in zip(
        people, [[[0], [1], [2]], [[1], [0], [2]], [[0, 1], [2]], [[2], [0, 1]]], strict=True
    ):
        ballot_cast(vote=vote, actor=person, ranking=ranking)
    vote = close(vote)

    assert vote.result["order"] == [["Fachkräfte", "Innovation"], ["CSR"]]
    assert vote.result["pairwise"][0][1] == vote.result["pairwise"][1][0] == 1
    assert (vote.result["winner"], vote.result["tied"]) == (None, True)
    assert vote.result["tie_break"] == "none: tied options share a tier"
    assert vote.passed is False


def test_a_clear_winner_passes_a_choice_vote_only_with_its_quorum(world):
    people = electorate(world, 10)
    met = vote_new(world, method="single", options=["A", "B"], quorum_kind="number", quorum_value=3)
    missed = vote_new(world, method="single", options=["A", "B"], quorum_kind="number", quorum_value=4)
    for vote in (met, missed):
        cast_all(vote, people[:2], [0])
        cast_all(vote, people[2:3], [1])

    assert (close(met).result["winner"], met.passed) == ("A", True)
    assert (close(missed).result["winner"], missed.passed) == ("A", False)


# The electorate --------------------------------------------------------------------------------


def test_members_vote_electorate_is_the_forums_members_frozen_with_an_independent_fingerprint(world):
    people = electorate(world, 5)
    vote = vote_new(world)

    assert vote.status == "open"
    assert vote.electorate_size == 5
    assert vote.electorate_sha256 == fingerprint(person.pk for person in people)
    # Neither the forum's staff nor a steering team member (who created it) is a member voter.
    for role in ("staff", "steering", "member", "chair", "outsider"):
        assert not in_electorate(vote, world.people[role])
        with pytest.raises(PermissionDenied, match="nicht stimmberechtigt"):
            ballot_cast(vote=vote, actor=world.people[role], choices=[YES])


def test_fingerprint_format_is_sorted_decimal_ids_joined_by_commas(world):
    people = electorate(world, 3)
    vote = vote_new(world)
    ids = sorted(person.pk for person in people)
    text = ",".join(str(pk) for pk in ids)

    assert vote.electorate_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert sorted(Elector.objects.filter(vote=vote).values_list("user_id", flat=True)) == ids


def test_electorate_is_frozen_when_the_vote_opens(world):
    people = electorate(world, 4)
    vote = vote_new(world)
    size, digest = vote.electorate_size, vote.electorate_sha256

    (late,) = forum_members(world, 1, prefix="spät")
    with pytest.raises(PermissionDenied, match="nicht stimmberechtigt"):
        ballot_cast(vote=vote, actor=late, choices=[YES])
    leaving = people[1]
    membership_end(membership=Membership.objects.get(user=leaving, body=world.forum), actor=leaving)
    ballot_cast(vote=vote, actor=people[0], choices=[YES])
    vote = close(vote)

    assert (vote.electorate_size, vote.electorate_sha256) == (size, digest)
    assert vote.result["electorate_size"] == 4
    assert vote.result["electorate_sha256"] == fingerprint(person.pk for person in people)
    assert Elector.objects.filter(vote=vote).count() == 4
    assert vote.result["turnout"] == 1


def test_a_deactivated_elector_cannot_vote(world):
    people = electorate(world, 2)
    vote = vote_new(world)
    User.objects.filter(pk=people[1].pk).update(is_active=False)
    people[1].refresh_from_db()

    with pytest.raises(PermissionDenied):
        ballot_cast(vote=vote, actor=people[1], choices=[YES])


# One vote per organisation --------------------------------------------------------------------


@pytest.fixture
def organisations(world):
    """Three companies with a say in the forum and one without a delegation."""
    staff = world.people["staff"]
    made = {}
    for key, name in [("mahr", "Theod. Mahr Söhne"), ("win", "3Win Maschinenbau"), ("philips", "Philips")]:
        organisation = OrganisationFactory(name=name)
        representative, deputy = forum_members(world, 2, prefix=f"{key}-", organisation=organisation)
        delegation_set(actor=staff, organisation=organisation, representative=representative, deputy=deputy)
        made[key] = (organisation, representative, deputy)
    none = OrganisationFactory(name="Brammertz Schreinerei")
    (member,) = forum_members(world, 1, prefix="brammertz-", organisation=none)
    made["none"] = (none, member, None)
    return made


def organisations_vote(world, **fields) -> Vote:
    return vote_new(world, electorate_kind="organisations", **fields)


def test_organisation_electorate_is_the_organisations_with_a_delegation(world, organisations):
    vote = organisations_vote(world)
    with_say = [organisations[key][0] for key in ("mahr", "win", "philips")]

    assert vote.electorate_size == 3
    assert vote.electorate_sha256 == fingerprint(o.pk for o in with_say)
    _none, member, _ = organisations["none"]
    assert not in_electorate(vote, member)
    with pytest.raises(PermissionDenied, match="nicht stimmberechtigt"):
        ballot_cast(vote=vote, actor=member, choices=[YES])
    # A member of a company with a say, but neither its representative nor its deputy.
    (colleague,) = forum_members(world, 1, prefix="kollege", organisation=organisations["mahr"][0])
    with pytest.raises(PermissionDenied):
        ballot_cast(vote=vote, actor=colleague, choices=[YES])


def test_representative_votes_and_then_the_deputy_is_told_who_voted(world, organisations):
    organisation, representative, deputy = organisations["mahr"]
    vote = organisations_vote(world)

    first = ballot_cast(vote=vote, actor=representative, choices=[YES])
    with pytest.raises(Conflict) as refused:
        ballot_cast(vote=vote, actor=deputy, choices=[NO])

    assert first.elector.organisation == organisation
    assert refused.value.reason == (
        f"Für {organisation} hat {representative} bereits abgestimmt; "
        "nur diese Person kann die Stimme ändern."
    )
    assert list(Ballot.objects.filter(vote=vote).values_list("content", flat=True)) == [[YES]]
    # The representative may change their own ballot.
    assert ballot_cast(vote=vote, actor=representative, choices=[ABSTAIN]).changed is True
    assert close(vote).result["counts"] == {"Ja": 0, "Nein": 0, "Enthaltung": 1}


def test_deputy_votes_when_the_representative_has_not_and_the_representative_is_then_told(
    world, organisations
):
    organisation, representative, deputy = organisations["win"]
    vote = organisations_vote(world, secret=True)

    cast = ballot_cast(vote=vote, actor=deputy, choices=[NO])
    with pytest.raises(Conflict, match=f"hat {deputy} bereits abgestimmt"):
        ballot_cast(vote=vote, actor=representative, choices=[YES])
    # Even with the deputy's receipt: the organisation's vote is the deputy's to change.
    with pytest.raises(Conflict, match=f"hat {deputy} bereits abgestimmt"):
        ballot_cast(vote=vote, actor=representative, choices=[YES], receipt=cast.receipt)

    participation = Participation.objects.get(vote=vote)
    assert (participation.elector.organisation, participation.cast_by) == (organisation, deputy)
    ballot_cast(vote=vote, actor=deputy, choices=[YES], receipt=cast.receipt)
    assert close(vote).result["counts"] == {"Ja": 1, "Nein": 0, "Enthaltung": 0}


def test_each_organisation_votes_once_whoever_of_its_two_casts(world, organisations):
    vote = organisations_vote(world, quorum_kind="share", quorum_value=100)
    ballot_cast(vote=vote, actor=organisations["mahr"][1], choices=[YES])
    ballot_cast(vote=vote, actor=organisations["win"][2], choices=[YES])
    ballot_cast(vote=vote, actor=organisations["philips"][1], choices=[NO])

    vote = close(vote)
    assert vote.result["turnout"] == 3
    assert vote.result["quorum"]["met"] is True
    assert Participation.objects.filter(vote=vote).count() == 3


def test_a_delegate_who_is_not_in_the_forum_gives_the_organisation_no_say_through_them(world, organisations):
    organisation, representative, deputy = organisations["philips"]
    membership_end(
        membership=Membership.objects.get(user=representative, body=world.forum), actor=representative
    )
    vote = organisations_vote(world)

    elector = Elector.objects.get(vote=vote, organisation=organisation)
    assert (elector.representative, elector.deputy) == (None, deputy)
    with pytest.raises(PermissionDenied):
        ballot_cast(vote=vote, actor=representative, choices=[YES])
    assert ballot_cast(vote=vote, actor=deputy, choices=[YES]).changed is False


def test_delegation_is_set_by_staff_only_and_for_people_of_the_organisation(world, organisations):
    organisation, representative, deputy = organisations["mahr"]
    stranger = UserFactory(email="fremd@example.org", organisation=Organisation.objects.get(name="Philips"))

    with pytest.raises(PermissionDenied):
        delegation_set(
            actor=world.people["steering"], organisation=organisation, representative=deputy, deputy=None
        )
    with pytest.raises(ValidationError) as refused:
        delegation_set(
            actor=world.people["staff"], organisation=organisation, representative=stranger, deputy=deputy
        )
    assert "gehört nicht zu Theod. Mahr Söhne" in refused.value.message_dict["representative"][0]
    with pytest.raises(ValidationError, match="verschiedene Personen"):
        delegation_set(
            actor=world.people["staff"], organisation=organisation, representative=deputy, deputy=deputy
        )


# Casting ----------------------------------------------------------------------------------------


def test_an_open_ballot_can_be_changed_until_the_close_and_the_last_one_counts(world):
    people = electorate(world, 2)
    vote = vote_new(world)

    assert ballot_cast(vote=vote, actor=people[0], choices=[YES]).changed is False
    assert ballot_cast(vote=vote, actor=people[0], choices=[NO]).changed is True
    ballot_cast(vote=vote, actor=people[1], choices=[NO])

    assert Ballot.objects.filter(vote=vote).count() == Participation.objects.filter(vote=vote).count() == 2
    assert close(vote).result["counts"] == {"Ja": 0, "Nein": 2, "Enthaltung": 0}


def test_a_ballot_that_may_not_be_changed_says_so(world):
    people = electorate(world, 1)
    vote = vote_new(world, ballots_changeable=False)
    ballot_cast(vote=vote, actor=people[0], choices=[YES])

    with pytest.raises(Conflict, match="kann sie nicht geändert werden"):
        ballot_cast(vote=vote, actor=people[0], choices=[NO])
    assert close(vote).result["counts"]["Ja"] == 1


def test_a_secret_ballot_keeps_no_voter_and_changes_only_with_its_receipt(world):
    people = electorate(world, 2)
    vote = vote_new(world, secret=True)

    first = ballot_cast(vote=vote, actor=people[0], choices=[YES])
    with pytest.raises(Conflict, match="Beleg-Code"):
        ballot_cast(vote=vote, actor=people[0], choices=[NO])
    with pytest.raises(ValidationError, match="passt zu keinem Stimmzettel"):
        ballot_cast(vote=vote, actor=people[0], choices=[NO], receipt="AAAA-BBBB-CCCC-DDDD")
    changed = ballot_cast(vote=vote, actor=people[0], choices=[NO], receipt=first.receipt.lower())

    assert first.receipt and changed.changed and changed.receipt is None
    (ballot,) = Ballot.objects.filter(vote=vote)
    assert ballot.elector_id is None and ballot.content == [NO]
    assert ballot.receipt_sha256 == hashlib.sha256(first.receipt.replace("-", "").encode()).hexdigest()


@pytest.mark.parametrize(
    ("method", "kwargs", "field", "message"),
    [
        ("yes_no_abstain", {"choices": [0, 1]}, "choices", "genau eine Option"),
        ("yes_no_abstain", {"choices": [3]}, "choices", "gehört nicht zu dieser Abstimmung"),
        ("yes_no_abstain", {"choices": [True]}, "choices", "gehört nicht zu dieser Abstimmung"),
        ("yes_no_abstain", {"choices": "0"}, "choices", "Bitte eine Auswahl treffen"),
        ("approval", {"choices": [1, 1]}, "choices", "nur einmal"),
        ("schulze", {"ranking": [[0], []]}, "ranking", "darf nicht leer sein"),
        ("schulze", {"ranking": [[0], [0]]}, "ranking", "nur einmal"),
        ("schulze", {"ranking": [0, 1]}, "ranking", "Bitte eine Rangfolge angeben"),
        ("schulze", {"choices": [0]}, "ranking", "Bitte eine Rangfolge angeben"),
    ],
)
def test_a_bad_ballot_is_refused_with_a_message_and_records_nothing(world, method, kwargs, field, message):
    people = electorate(world, 1)
    options = None if method == "yes_no_abstain" else ["A", "B", "C"]
    vote = vote_new(world, method=method, options=options)

    with pytest.raises(ValidationError) as refused:
        ballot_cast(vote=vote, actor=people[0], **kwargs)

    assert message in refused.value.message_dict[field][0]
    assert not Participation.objects.filter(vote=vote).exists()
    assert not Ballot.objects.filter(vote=vote).exists()


def test_a_ranking_may_leave_options_out_and_they_rank_below_the_listed_ones(world):
    people = electorate(world, 1)
    vote = vote_new(world, method="schulze", options=["A", "B", "C", "D"])
    ballot_cast(vote=vote, actor=people[0], ranking=[[2], [0, 3]])

    assert Ballot.objects.get(vote=vote).content == [1, 2, 0, 1]
    vote = close(vote)
    assert vote.result["order"] == [["C"], ["A", "D"], ["B"]]


def test_creating_a_vote_is_for_steering_teams_and_staff_with_clear_messages(world):
    now = timezone.now()
    fields = {
        "title": "Ort",
        "method": "single",
        "options": ["A", "B"],
        "closes_at": now + datetime.timedelta(days=1),
    }
    for role in ("member", "chair", "forum_member", "outsider"):
        with pytest.raises(PermissionDenied):
            vote_create(actor=world.people[role], **fields)
    with pytest.raises(ValidationError) as refused:
        vote_create(actor=world.people["staff"], **{**fields, "options": ["A", "A"]})
    assert "nur einmal" in refused.value.message_dict["options"][0]
    with pytest.raises(ValidationError) as refused:
        vote_create(actor=world.people["staff"], **{**fields, "closes_at": now - datetime.timedelta(hours=1)})
    assert "closes_at" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        vote_create(actor=world.people["staff"], **fields, threshold="two_thirds")
    assert "Zwei-Drittel" in refused.value.message_dict["threshold"][0]
    with pytest.raises(ValidationError) as refused:
        vote_create(actor=world.people["staff"], **fields, quorum_kind="share", quorum_value=120)
    assert "zwischen 1 und 100" in refused.value.message_dict["quorum_value"][0]
    assert vote_create(actor=world.people["staff"], **fields).status == "open"
