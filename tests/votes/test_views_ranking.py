"""The ranked ballot's keyboard moves and rank numbers (votes/forms.py; static/js/ballot.js mirrors them).

Ranks map option positions to 1 (best), 2, … or None (left out).
"""

import pytest

from votes.forms import content_from_ranks, ranking_from_ranks, ranks_from_content, ranks_move, ranks_order

A, B, C, D = range(4)


def ranks(**named):
    result = {A: None, B: None, C: None, D: None}
    result.update({"ABCD".index(name): rank for name, rank in named.items()})
    return result


def test_rank_numbers_become_tiers_equal_numbers_tied_gaps_ignored():
    assert ranking_from_ranks(ranks(A=3, B=None, C=1, D=3)) == [[C], [A, D]]
    assert content_from_ranks(ranks(A=3, B=None, C=1, D=3)) == [1, 2, 0, 1]


def test_a_stored_ballot_comes_back_with_its_last_tier_as_left_out():
    assert ranks_from_content([1, 2, 0, 1]) == ranks(A=2, C=1, D=2)
    assert ranks_from_content([0, 0, 0, 0]) == ranks(A=1, B=1, C=1, D=1)


def test_the_ballot_shows_options_by_rank_then_those_left_out():
    assert ranks_order(ranks(B=2, D=1)) == [D, B, A, C]


@pytest.mark.parametrize(
    ("before", "position", "direction", "after"),
    [
        # An option left out joins the ranking at its end.
        (ranks(), C, "up", ranks(C=1)),
        (ranks(C=1), A, "up", ranks(C=1, A=2)),
        # Otherwise "up" swaps with the option above …
        (ranks(C=1, A=2), A, "up", ranks(A=1, C=2)),
        (ranks(A=1, C=2), A, "up", ranks(A=1, C=2)),
        # … and an option ranked equal with others leaves the tier upwards.
        (ranks(A=1, B=1, C=2), B, "up", ranks(B=1, A=2, C=3)),
        (ranks(A=1, B=1, C=2), A, "up", ranks(A=1, B=2, C=3)),
        # Down mirrors it; the last ranked option is left out when options without a rank follow.
        (ranks(A=1, B=2), A, "down", ranks(B=1, A=2)),
        (ranks(A=1, B=1, C=2), A, "down", ranks(B=1, A=2, C=3)),
        (ranks(A=1, B=2), B, "down", ranks(A=1)),
        (ranks(A=1, B=2, C=3, D=4), D, "down", ranks(A=1, B=2, C=3, D=4)),
        (ranks(A=1), C, "down", ranks(A=1)),
        # Ties elsewhere stay as they were.
        (ranks(A=1, B=1, C=2, D=2), D, "up", ranks(A=1, B=1, D=2, C=3)),
    ],
)
def test_keyboard_moves(before, position, direction, after):
    assert ranks_move(before, position, direction) == after


def test_an_unknown_move_changes_nothing():
    assert ranks_move(ranks(A=1), 9, "up") == ranks(A=1)
    assert ranks_move(ranks(A=1), A, "sideways") == ranks(A=1)
