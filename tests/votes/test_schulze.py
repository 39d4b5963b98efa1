import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.votes.reference import reference_schulze
from votes.counting import count_schulze, pairwise_matrix, strongest_paths
from votes.counting.ballots import rank_matrix


def strict(groups: list[tuple[int, str]]) -> list[dict]:
    """'5 ACBED' style groups as export ballots, one option per tier."""
    return [{"count": count, "ranking": [[letter] for letter in order]} for count, order in groups]


# Schulze, "A new monotonic, clone-independent, reversal symmetric, and Condorcet-consistent
# single-winner election method", Social Choice and Welfare 36 (2011), section 3.1, example 1;
# the same example opens the Wikipedia and electowiki "Schulze method" pages.
EXAMPLE_45 = strict(
    [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
)
EXAMPLE_45_D = [
    [0, 20, 26, 30, 22],
    [25, 0, 16, 33, 18],
    [19, 29, 0, 17, 24],
    [15, 12, 28, 0, 14],
    [23, 27, 21, 31, 0],
]
EXAMPLE_45_P = [
    [0, 28, 28, 30, 24],
    [25, 0, 28, 33, 24],
    [25, 29, 0, 29, 24],
    [25, 28, 28, 0, 24],
    [25, 28, 28, 31, 0],
]

# electowiki, "Schulze method", path heuristic, example 4 (9 voters, 4 candidates): B and D are
# both potential winners. d and p worked by hand from the ballots: p[B][D] = p[D][B] = 5, and
# A, C tie with each other below them (D beats A 6 to 5, B beats C 7 to 5).
EXAMPLE_TIE = strict([(3, "ABCD"), (2, "DABC"), (2, "DBCA"), (2, "CBDA")])
EXAMPLE_TIE_D = [
    [0, 5, 5, 3],
    [4, 0, 7, 5],
    [4, 2, 0, 5],
    [6, 4, 4, 0],
]
EXAMPLE_TIE_P = [
    [0, 5, 5, 5],
    [5, 0, 7, 5],
    [5, 5, 0, 5],
    [6, 5, 5, 0],
]


def as_lists(matrix) -> list[list[int]]:
    return [list(row) for row in matrix]


def test_classic_45_voter_example_ranks_e_a_c_b_d_with_the_published_matrices():
    result = count_schulze(list("ABCDE"), EXAMPLE_45)

    assert result.tiers == (("E",), ("A",), ("C",), ("B",), ("D",))
    assert result.winner == "E"
    assert not result.tied
    assert as_lists(result.pairwise) == EXAMPLE_45_D
    assert as_lists(result.strongest_paths) == EXAMPLE_45_P
    assert result.ballots == 45


def test_option_order_of_the_vote_does_not_change_the_outcome():
    result = count_schulze(list("DBECA"), EXAMPLE_45)

    assert result.tiers == (("E",), ("A",), ("C",), ("B",), ("D",))


def test_tie_example_states_b_and_d_as_tied_winners_and_a_and_c_tied_below():
    result = count_schulze(list("ABCD"), EXAMPLE_TIE)

    assert as_lists(result.pairwise) == EXAMPLE_TIE_D
    assert as_lists(result.strongest_paths) == EXAMPLE_TIE_P
    assert result.tiers == (("B", "D"), ("A", "C"))
    assert result.winner is None
    assert result.tied
    assert result.as_dict()["tie_break"].startswith("none")


@pytest.mark.parametrize(
    ("groups", "order"),
    [
        # electowiki, "Schulze method", path heuristic, examples 2 and 3 (30 voters each).
        (
            [(5, "ACBD"), (2, "ACDB"), (3, "ADCB"), (4, "BACD"), (3, "CBDA")]
            + [(3, "CDBA"), (1, "DACB"), (5, "DBAC"), (4, "DCBA")],
            "DACB",
        ),
        (
            [(3, "ABDEC"), (5, "ADEBC"), (1, "ADECB"), (2, "BADEC"), (2, "BDECA")]
            + [(4, "CABDE"), (6, "CBADE"), (2, "DBECA"), (5, "DECAB")],
            "BADEC",
        ),
    ],
)
def test_further_published_examples_come_out_in_their_published_order(groups, order):
    result = count_schulze(sorted(order), strict(groups))

    assert result.tiers == tuple((letter,) for letter in order)


def test_left_out_options_rank_below_listed_ones_and_equal_among_themselves():
    ballots = [{"count": 3, "ranking": [["B"]]}, {"count": 1, "ranking": [["A", "C"]]}]

    result = count_schulze(["A", "B", "C"], ballots)

    # The voter who lists only A and C puts both above B; nobody separates A from C.
    assert as_lists(result.pairwise) == [[0, 1, 0], [3, 0, 3], [0, 1, 0]]
    assert result.tiers == (("B",), ("A", "C"))


def test_ballot_ranking_everything_equal_counts_for_turnout_but_not_for_any_preference():
    ballots = [{"count": 4, "ranking": []}, {"count": 2, "ranking": [["A", "B"]]}]

    result = count_schulze(["A", "B"], ballots)

    assert result.ballots == 6
    assert as_lists(result.pairwise) == [[0, 0], [0, 0]]
    assert result.tiers == (("A", "B"),)
    assert result.first_preferences == {"A": 0, "B": 0}


def test_no_ballots_at_all_leaves_every_option_tied():
    result = count_schulze(["A", "B", "C"], [])

    assert result.tiers == (("A", "B", "C"),)
    assert result.winner is None
    assert result.ballots == 0


def test_first_preferences_count_the_first_tier_of_each_ballot():
    result = count_schulze(list("ABCDE"), EXAMPLE_45)

    assert result.first_preferences == {"A": 10, "B": 8, "C": 12, "D": 7, "E": 8}


def test_grouped_ballots_count_like_the_same_ballots_one_by_one():
    one_by_one = [
        {"count": 1, "ranking": ballot["ranking"]} for ballot in EXAMPLE_45 for _ in range(ballot["count"])
    ]

    assert count_schulze(list("ABCDE"), one_by_one) == count_schulze(list("ABCDE"), EXAMPLE_45)


def test_strongest_paths_only_follow_defeats():
    # A beats B 2:1, B beats C 2:1, C beats A 2:1: a cycle of equal strength ties all three.
    d = np.array([[0, 2, 1], [1, 0, 2], [2, 1, 0]])

    assert strongest_paths(d).tolist() == [[0, 2, 2], [2, 0, 2], [2, 2, 0]]
    assert strongest_paths(np.array([[0, 1], [1, 0]])).tolist() == [[0, 0], [0, 0]]


LETTERS = "ABCDEFG"


@st.composite
def ranked_elections(draw):
    size = draw(st.integers(min_value=2, max_value=len(LETTERS)))
    options = list(LETTERS[:size])
    ballots = []
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        order = draw(st.permutations(options))
        listed = order[: draw(st.integers(min_value=0, max_value=size))]
        ranking: list[list[str]] = []
        for label in listed:
            if ranking and draw(st.booleans()):
                ranking[-1].append(label)  # ranked equal with the option before it
            else:
                ranking.append([label])
        ballots.append({"count": draw(st.integers(min_value=1, max_value=5)), "ranking": ranking})
    # The vote may list its options in any order.
    return draw(st.permutations(options)), ballots


@settings(max_examples=150, deadline=None)
@given(ranked_elections())
def test_fast_count_agrees_with_plain_reference_on_random_ballots(election):
    options, ballots = election
    d, p, tiers = reference_schulze(list(options), ballots)

    result = count_schulze(options, ballots)

    assert as_lists(result.pairwise) == d
    assert as_lists(result.strongest_paths) == p
    assert [list(tier) for tier in result.tiers] == tiers


@settings(max_examples=50, deadline=None)
@given(ranked_elections())
def test_every_better_option_stands_in_an_earlier_tier(election):
    options, ballots = election
    result = count_schulze(options, ballots)
    place = {label: number for number, tier in enumerate(result.tiers) for label in tier}
    p = result.strongest_paths

    for i, a in enumerate(result.options):
        for j, b in enumerate(result.options):
            if p[i][j] > p[j][i]:
                assert place[a] < place[b]


def test_rank_matrix_puts_left_out_options_one_level_below_the_last_tier():
    ranks, counts = rank_matrix(["A", "B", "C", "D"], [{"count": 2, "ranking": [["C"], ["A", "D"]]}])

    assert ranks[:, 0].tolist() == [1, 2, 0, 1]
    assert counts.tolist() == [2]
    assert pairwise_matrix(ranks, counts).tolist() == [[0, 2, 0, 0], [0, 0, 0, 0], [2, 2, 0, 2], [0, 2, 0, 0]]
