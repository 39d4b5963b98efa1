import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.votes.test_schulze import ranked_elections
from votes.counting import BallotError, VoteDataError, count
from votes.counting.ballots import check_ranked_ballot, rank_matrix
from votes.export import (
    ExportError,
    ballots_sha256,
    build_export,
    canonical_ballots,
    canonical_json,
    count_export,
    load_export,
    parse_export,
)

OPTIONS = ["Fachkräfte", "Innovation", "Kommunikation", "CSR"]


def document(**changes) -> dict:
    base = {
        "vote": "Themenschwerpunkte 2027",
        "method": "schulze",
        "options": OPTIONS,
        "ballots": [
            {"count": 3, "ranking": [["Fachkräfte"], ["CSR", "Innovation"]]},
            {"count": 2, "ranking": [["Kommunikation"]]},
        ],
    }
    base.update(changes)
    return base


def ranked(*rankings, count=1) -> list[dict]:
    return [{"count": count, "ranking": ranking} for ranking in rankings]


@pytest.mark.parametrize(
    ("ballots", "message"),
    [
        (ranked([["Fachkräfte"]], [["Tourismus"]]), "ballot 2: unknown option 'Tourismus'"),
        (ranked([["CSR"], ["Innovation", "CSR"]]), "ballot 1: option 'CSR' appears twice"),
        (ranked([["CSR", "CSR"]]), "ballot 1: option 'CSR' appears twice"),
        (ranked([["CSR"], []]), "ballot 1: a ranking has an empty tier"),
        (ranked(["CSR"]), "ballot 1: a ranking is a list of tiers, each a list of labels"),
        (ranked([[3]]), "ballot 1: 3 is not an option label"),
        (ranked([[["CSR"]]]), "ballot 1: ['CSR'] is not an option label"),
        (ranked([["CSR"]], count=0), "ballot 1: count must be a whole number from 1 to 1000000000, got 0"),
        (ranked([["CSR"]], count=-2), "got -2"),
        (ranked([["CSR"]], count=1.0), "got 1.0"),
        (ranked([["CSR"]], count=True), "got True"),
        (ranked([["CSR"]], count="2"), "got '2'"),
        (ranked([["CSR"]], count=10**9 + 1), "got 1000000001"),
        ([{"count": 1}], 'ballot 1: a ballot has exactly the keys "count" and "ranking" (missing ranking)'),
        ([{"count": 1, "ranking": [], "voter": "anna"}], "(unexpected voter)"),
        ([{"count": 1, "choices": ["CSR"]}], "missing ranking; unexpected choices"),
        ([["CSR"]], 'ballot 1: a ballot is an object {"count": n, "ranking": [...]}'),
        ([{"count": 1, "ranking": "CSR"}], "ballot 1: ranking must be a list"),
    ],
)
def test_bad_ranked_ballot_is_refused_with_a_message_naming_it(ballots, message):
    with pytest.raises(BallotError) as caught:
        count("schulze", OPTIONS, ballots)

    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"method": "borda"}, "unknown method 'borda' (known: yes_no_abstain, single, approval, schulze)"),
        ({"vote": ""}, '"vote" must be the title of the vote'),
        ({"options": ["CSR", "CSR"]}, "option 'CSR' is listed twice"),
        ({"options": ["CSR"]}, "a vote needs at least two options"),
        ({"options": ["CSR", ""]}, "option label '' is not a non-empty string"),
        ({"options": "CSR"}, "options must be a list of labels"),
        ({"ballots": {}}, '"ballots" must be a list'),
        ({"extra": 1}, "unknown key(s): extra"),
        ({"electorate_size": -1}, '"electorate_size" must be a whole number'),
        ({"ballots_sha256": "ABC"}, '"ballots_sha256" must be 64 lowercase hex digits'),
        ({"method": "yes_no_abstain"}, "this method takes exactly 3 options, got 4"),
    ],
)
def test_bad_export_document_is_refused_with_a_clear_message(changes, message):
    with pytest.raises(VoteDataError) as caught:
        parse_export(document(**changes))

    assert message in str(caught.value)


def test_missing_keys_are_named():
    data = document()
    del data["options"], data["method"]

    with pytest.raises(ExportError, match="missing key"):
        parse_export(data)


def test_unreadable_file_and_bad_json_are_export_errors(tmp_path):
    with pytest.raises(ExportError, match="cannot read the file"):
        load_export(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"vote": ', encoding="utf-8")
    with pytest.raises(ExportError, match=r"not valid JSON: .* \(line 1, column 10\)"):
        load_export(broken)


def test_hash_is_the_same_whatever_the_order_grouping_and_tier_order_of_the_file():
    one = [
        {"count": 2, "ranking": [["Fachkräfte"], ["CSR", "Innovation"]]},
        {"count": 1, "ranking": [["Kommunikation"]]},
    ]
    other = [
        {"count": 1, "ranking": [["Kommunikation"]]},
        {"count": 1, "ranking": [["Fachkräfte"], ["Innovation", "CSR"]]},
        # The last tier holds every option not listed before: the same as leaving them out.
        {"count": 1, "ranking": [["Fachkräfte"], ["Innovation", "CSR"], ["Kommunikation"]]},
    ]

    assert ballots_sha256("schulze", OPTIONS, one) == ballots_sha256("schulze", OPTIONS, other)
    assert ballots_sha256("schulze", OPTIONS, one) != ballots_sha256("schulze", OPTIONS, one[:1])


def test_hash_tells_apart_ballots_that_differ_in_meaning():
    tied = ranked([["CSR", "Innovation"]])
    ordered = ranked([["CSR"], ["Innovation"]])

    assert ballots_sha256("schulze", OPTIONS, tied) != ballots_sha256("schulze", OPTIONS, ordered)


def test_canonical_form_is_spelled_out_so_anyone_can_recompute_the_hash():
    ballots = [
        {"count": 1, "choices": ["Innovation", "CSR"]},
        {"count": 2, "choices": ["CSR", "Innovation"]},
        {"count": 1, "choices": []},
    ]

    canonical = canonical_ballots("approval", OPTIONS, ballots)
    text = '[{"choices":["CSR","Innovation"],"count":3},{"choices":[],"count":1}]'

    assert json.dumps(canonical, sort_keys=True, separators=(",", ":")) == text
    assert ballots_sha256("approval", OPTIONS, ballots) == hashlib.sha256(text.encode()).hexdigest()


def test_non_ascii_labels_are_hashed_as_utf8_not_escaped():
    ballots = [{"count": 1, "choices": ["Fachkräfte"]}]
    text = '[{"choices":["Fachkräfte"],"count":1}]'

    assert ballots_sha256("single", OPTIONS, ballots) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_hash_refuses_invalid_ballots():
    with pytest.raises(BallotError, match="unknown option"):
        ballots_sha256("single", OPTIONS, [{"count": 1, "choices": ["Tourismus"]}])


def test_built_export_parses_counts_and_checks_its_own_hash():
    built = build_export(
        title="Themenschwerpunkte 2027",
        method="schulze",
        options=OPTIONS,
        ballots=document()["ballots"],
        electorate_size=12,
    )

    recount = count_export(parse_export(json.loads(json.dumps(built))))

    assert recount.hash_checked
    assert recount.ballots_sha256 == built["ballots_sha256"]
    assert recount.result.tiers[0] == ("Fachkräfte",)


def test_tampered_ballots_do_not_match_the_stated_hash():
    built = build_export(title="T", method="schulze", options=OPTIONS, ballots=document()["ballots"])
    built["ballots"][0]["count"] += 1

    with pytest.raises(ExportError, match="ballots_sha256 does not match the ballots"):
        count_export(parse_export(built))


def test_more_ballots_than_the_electorate_is_refused():
    with pytest.raises(VoteDataError, match="more ballots than voters"):
        count_export(parse_export(document(electorate_size=4)))


LABELS = [*OPTIONS, "Tourismus"]
BAD_COUNTS = [0, -1, 1.5, True, "1", None, 10**9 + 1]


@st.composite
def maybe_bad_ballots(draw):
    """Mostly sound ranked ballots, some with one thing wrong somewhere."""
    ballots = []
    for _ in range(draw(st.integers(0, 6))):
        ranking = draw(
            st.lists(
                st.lists(st.sampled_from(LABELS), max_size=3)
                | st.sampled_from(["CSR", 3, None])
                | st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=1),
                max_size=4,
            )
        )
        count_value = draw(st.integers(1, 4) | st.sampled_from(BAD_COUNTS))
        ballot = {"count": count_value, "ranking": ranking}
        if draw(st.integers(0, 9)) == 0:
            ballot = draw(st.sampled_from([{"count": 1}, ["CSR"], {**ballot, "x": 1}]))
        ballots.append(ballot)
    return ballots


def plain_first_problem(ballots) -> str | None:
    index = {label: i for i, label in enumerate(OPTIONS)}
    for number, ballot in enumerate(ballots, start=1):
        try:
            check_ranked_ballot(ballot, index, number)
        except BallotError as error:
            return str(error)
    return None


@settings(max_examples=300, deadline=None)
@given(maybe_bad_ballots())
def test_fast_ballot_check_names_the_same_first_problem_as_the_plain_check(ballots):
    expected = plain_first_problem(ballots)

    if expected is None:
        rank_matrix(OPTIONS, ballots)
    else:
        with pytest.raises(BallotError) as caught:
            rank_matrix(OPTIONS, ballots)
        assert str(caught.value) == expected


@settings(max_examples=100, deadline=None)
@given(ranked_elections(), st.randoms(use_true_random=False))
def test_hash_is_sha256_of_the_canonical_json_and_ignores_order_and_grouping(election, rnd):
    options, ballots = election
    one_by_one = [
        {"count": 1, "ranking": [list(reversed(tier)) for tier in ballot["ranking"]]}
        for ballot in ballots
        for _ in range(ballot["count"])
    ]
    rnd.shuffle(one_by_one)
    text = canonical_json(canonical_ballots("schulze", options, ballots))

    assert ballots_sha256("schulze", options, ballots) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert ballots_sha256("schulze", options, one_by_one) == ballots_sha256("schulze", options, ballots)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.lists(st.sampled_from(OPTIONS), unique=True)), max_size=12))
def test_choice_hash_is_sha256_of_the_canonical_json(groups):
    ballots = [{"count": n, "choices": labels} for n, labels in groups]
    text = canonical_json(canonical_ballots("approval", OPTIONS, ballots))

    assert ballots_sha256("approval", OPTIONS, ballots) == hashlib.sha256(text.encode("utf-8")).hexdigest()
