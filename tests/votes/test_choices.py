from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.votes.reference import reference_votes
from votes.counting import (
    TWO_THIRDS,
    BallotError,
    Quorum,
    count,
    count_approval,
    count_single,
    count_yes_no_abstain,
)

YES_NO = ["Ja", "Nein", "Enthaltung"]


def choices(*groups: tuple[int, list[str]]) -> list[dict]:
    return [{"count": count, "choices": labels} for count, labels in groups]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 9), st.sampled_from(YES_NO)), max_size=20))
def test_yes_no_abstain_agrees_with_plain_counting(groups):
    ballots = choices(*[(n, [label]) for n, label in groups])
    votes = reference_votes(YES_NO, ballots)

    result = count_yes_no_abstain(YES_NO, ballots)

    assert result.votes == votes
    assert (result.yes, result.no, result.abstain) == (votes["Ja"], votes["Nein"], votes["Enthaltung"])
    assert result.ballots == sum(n for n, _ in groups)
    assert result.passed is (votes["Ja"] > votes["Nein"])


def test_abstentions_count_for_quorum_but_not_for_the_majority():
    ballots = choices((10, ["Ja"]), (9, ["Nein"]), (11, ["Enthaltung"]))

    result = count_yes_no_abstain(YES_NO, ballots, quorum=Quorum(share=Fraction(1, 2)), electorate=60)

    assert result.threshold_met
    assert result.quorum.met  # 30 of 60, exactly at the quorum
    assert result.passed


def test_motion_with_enough_yes_fails_without_quorum():
    ballots = choices((10, ["Ja"]), (2, ["Nein"]))

    result = count_yes_no_abstain(YES_NO, ballots, quorum=Quorum(minimum=13))

    assert result.threshold_met
    assert not result.quorum.met
    assert not result.passed
    assert result.as_dict()["passed"] is False


def test_two_thirds_motion_passes_exactly_at_two_thirds():
    result = count_yes_no_abstain(YES_NO, choices((20, ["Ja"]), (10, ["Nein"])), threshold=TWO_THIRDS)

    assert result.passed
    assert result.as_dict()["threshold"] == {
        "rule": "two_thirds",
        "description": "at least 2/3 of yes + no",
        "met": True,
    }


def test_yes_no_abstain_takes_exactly_three_options_and_one_choice():
    with pytest.raises(BallotError, match="exactly 3 options"):
        count_yes_no_abstain(["Ja", "Nein"], [])
    with pytest.raises(BallotError, match="ballot 1: this method takes exactly one choice"):
        count_yes_no_abstain(YES_NO, choices((1, ["Ja", "Nein"])))


OPTIONS = ["Rathaus", "Eurogress", "Super C", "Tivoli"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 9), st.lists(st.sampled_from(OPTIONS), unique=True)),
        max_size=20,
    )
)
def test_approval_agrees_with_plain_counting(groups):
    ballots = choices(*groups)
    votes = reference_votes(OPTIONS, ballots)

    result = count_approval(OPTIONS, ballots)

    assert result.votes == votes
    assert result.ballots == sum(n for n, _ in groups)
    most = max(votes.values())
    assert set(result.tiers[0]) == {label for label, n in votes.items() if n == most}
    assert [label for tier in result.tiers for label in tier] == sorted(OPTIONS, key=lambda x: -votes[x])


def test_single_choice_orders_by_votes_and_states_ties():
    ballots = choices((4, ["Tivoli"]), (4, ["Rathaus"]), (1, ["Super C"]))

    result = count_single(OPTIONS, ballots)

    assert result.tiers == (("Rathaus", "Tivoli"), ("Super C",), ("Eurogress",))
    assert result.winner is None
    assert result.tied


def test_single_choice_winner():
    result = count("single", OPTIONS, choices((5, ["Tivoli"]), (4, ["Rathaus"])), quorum=Quorum(minimum=9))

    assert result.winner == "Tivoli"
    assert result.as_dict()["counts"] == {"Rathaus": 4, "Eurogress": 0, "Super C": 0, "Tivoli": 5}
    assert result.quorum.met


def test_approval_ballot_may_approve_nothing_and_still_count_as_turnout():
    result = count_approval(OPTIONS, choices((3, []), (1, ["Tivoli"])))

    assert result.ballots == 4
    assert result.winner == "Tivoli"


def test_single_choice_refuses_two_choices_and_approval_refuses_repeats():
    with pytest.raises(BallotError, match="ballot 2: this method takes exactly one choice per ballot, got 2"):
        count_single(OPTIONS, choices((1, ["Tivoli"]), (1, ["Tivoli", "Rathaus"])))
    with pytest.raises(BallotError, match="ballot 1: option 'Tivoli' appears twice"):
        count_approval(OPTIONS, choices((1, ["Tivoli", "Tivoli"])))
