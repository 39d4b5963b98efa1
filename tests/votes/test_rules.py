from fractions import Fraction

import pytest

from votes.counting import SIMPLE_MAJORITY, TWO_THIRDS, Quorum, VoteDataError, quorum_check, threshold_met


@pytest.mark.parametrize(
    ("yes", "no", "passes"),
    [
        (6, 5, True),
        (5, 5, False),  # a tie at simple majority does not pass
        (5, 6, False),
        (1, 0, True),
        (0, 0, False),  # nobody decided: nothing passes
        (0, 1, False),
    ],
)
def test_simple_majority_needs_more_yes_than_no(yes, no, passes):
    assert threshold_met(yes=yes, no=no, threshold=SIMPLE_MAJORITY) is passes


@pytest.mark.parametrize(
    ("yes", "no", "passes"),
    [
        (20, 10, True),  # exactly two thirds passes
        (19, 10, False),
        (21, 10, True),
        (2, 1, True),
        (3, 2, False),
        (200_000_000_000_000_002, 100_000_000_000_000_001, True),  # no float rounding on big counts
        (200_000_000_000_000_001, 100_000_000_000_000_001, False),
        (0, 0, False),
    ],
)
def test_two_thirds_needs_at_least_two_thirds_of_yes_and_no(yes, no, passes):
    assert threshold_met(yes=yes, no=no, threshold=TWO_THIRDS) is passes


def test_negative_counts_are_refused():
    with pytest.raises(VoteDataError):
        threshold_met(yes=-1, no=0)


@pytest.mark.parametrize(
    ("quorum", "turnout", "electorate", "met"),
    [
        (Quorum(share=Fraction(1, 2)), 30, 60, True),  # exactly at the quorum is met
        (Quorum(share=Fraction(1, 2)), 29, 60, False),
        (Quorum(share=Fraction(1, 2)), 26, 51, True),  # 25.5 needed
        (Quorum(share=Fraction(1, 2)), 25, 51, False),
        (Quorum(share=Fraction(1, 3)), 17, 51, True),  # exactly 17
        (Quorum(share=Fraction(1, 3)), 16, 51, False),
        (Quorum(share=Fraction(1)), 51, 51, True),
        (Quorum(minimum=30), 30, 100, True),
        (Quorum(minimum=30), 29, 100, False),
        (Quorum(minimum=30), 30, None, True),  # a number needs no electorate
        (Quorum(minimum=0), 0, 10, True),
    ],
)
def test_quorum_is_met_from_exactly_the_required_turnout(quorum, turnout, electorate, met):
    check = quorum_check(quorum=quorum, turnout=turnout, electorate=electorate)

    assert check.met is met


def test_quorum_share_without_electorate_is_an_error():
    with pytest.raises(VoteDataError, match="electorate"):
        quorum_check(quorum=Quorum(share=Fraction(1, 2)), turnout=3, electorate=None)


def test_more_ballots_than_voters_is_an_error_even_without_quorum():
    with pytest.raises(VoteDataError, match="more ballots than voters"):
        quorum_check(quorum=None, turnout=11, electorate=10)
    assert quorum_check(quorum=None, turnout=10, electorate=10) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50%", Quorum(share=Fraction(1, 2))),
        ("33.5%", Quorum(share=Fraction(67, 200))),
        ("1/2", Quorum(share=Fraction(1, 2))),
        ("0.25", Quorum(share=Fraction(1, 4))),
        ("30", Quorum(minimum=30)),
        (" 7 ", Quorum(minimum=7)),
    ],
)
def test_quorum_parses_shares_and_numbers(text, expected):
    assert Quorum.parse(text) == expected


@pytest.mark.parametrize("text", ["", "half", "150%", "3/2", "1/0", "-5", "0%", "1.5"])
def test_quorum_refuses_what_is_neither_a_share_nor_a_number(text):
    with pytest.raises(VoteDataError, match="quorum"):
        Quorum.parse(text)


def test_quorum_is_a_share_or_a_number_not_both():
    with pytest.raises(VoteDataError):
        Quorum(share=Fraction(1, 2), minimum=3)
    with pytest.raises(VoteDataError):
        Quorum()
