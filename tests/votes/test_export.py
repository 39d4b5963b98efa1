import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.votes.test_schulze import ranked_elections
from votes.counting import (
    SIMPLE_MAJORITY,
    TWO_THIRDS,
    BallotError,
    Quorum,
    VoteDataError,
    count,
    result_passed,
)
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
from votes.services import result_passed as platform_result_passed

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
        ({"threshold": "simple"}, '"threshold" only applies to a yes_no_abstain vote, this one is schulze'),
        (
            {"quorum": 30, "electorate_size": 10},
            '"quorum" must be a string ("50%" a share of the electorate, "30" a number of voters) '
            "or null, got 30",
        ),
        ({"quorum": "viele", "electorate_size": 10}, '"quorum": a quorum is a share ("50%"'),
        ({"quorum": "0%", "electorate_size": 10}, '"quorum": a quorum share lies in (0, 1], got 0'),
        ({"quorum": "101%", "electorate_size": 10}, '"quorum": a quorum share lies in (0, 1], got 101/100'),
        (
            {"quorum": "50%"},
            '"quorum" \'50%\' is a share of the electorate: the file must state "electorate_size"',
        ),
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


# The vote's rules: threshold and quorum ----------------------------------------------------------


def yes_no(**rules) -> dict:
    """A yes/no/abstain export: 4 yes, 3 no, 1 abstain of an electorate of 10."""
    return build_export(
        title="Jobticket für alle Mitgliedsunternehmen?",
        method="yes_no_abstain",
        options=["Ja", "Nein", "Enthaltung"],
        ballots=[
            {"count": 4, "choices": ["Ja"]},
            {"count": 3, "choices": ["Nein"]},
            {"count": 1, "choices": ["Enthaltung"]},
        ],
        electorate_size=10,
        **rules,
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("two-thirds", "\"threshold\": unknown threshold 'two-thirds' (known: simple, two_thirds)"),
        (None, '"threshold": unknown threshold None'),
        (2 / 3, '"threshold": unknown threshold 0.66'),
    ],
)
def test_bad_threshold_in_the_file_is_refused_with_one_line(value, message):
    data = yes_no()
    data["threshold"] = value

    with pytest.raises(ExportError) as refused:
        parse_export(data)

    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)


def test_build_export_writes_the_rules_next_to_the_options_and_parse_reads_them():
    data = yes_no(threshold="two_thirds", quorum="50%")

    export = parse_export(json.loads(json.dumps(data)))

    assert list(data)[:5] == ["vote", "method", "options", "threshold", "quorum"]
    assert (export.threshold, export.quorum, export.quorum_stated) == (TWO_THIRDS, Quorum.parse("1/2"), True)
    assert parse_export(yes_no(quorum=None)).quorum_stated is True
    assert parse_export(yes_no(quorum="30")).quorum == Quorum(minimum=30)
    assert "threshold" not in yes_no() and "quorum" not in yes_no()


def test_the_recount_uses_the_files_threshold_and_quorum():
    two_thirds = count_export(parse_export(yes_no(threshold="two_thirds", quorum="9")))
    plain = count_export(parse_export(yes_no()))  # no rules stated: simple, no quorum, as before

    assert (two_thirds.result.threshold_met, two_thirds.result.quorum.met) == (False, False)
    assert two_thirds.pass_failures == ["quorum not met", "threshold not met"]
    assert two_thirds.passed is False and two_thirds.overrides == ()
    assert (plain.result.threshold.key, plain.result.quorum, plain.passed) == ("simple", None, True)


def test_given_rules_replace_the_files_and_are_listed_when_they_differ():
    export = parse_export(yes_no(threshold="two_thirds", quorum="50%"))

    same = count_export(export, threshold=TWO_THIRDS, quorum=Quorum.parse("1/2"))
    other = count_export(export, threshold=SIMPLE_MAJORITY, quorum=None)

    assert same.overrides == () and same.passed is False
    assert other.passed is True and other.result.quorum is None
    assert [override.as_dict() for override in other.overrides] == [
        {"rule": "threshold", "file": "two_thirds", "used": "simple"},
        {"rule": "quorum", "file": "1/2 of the electorate", "used": "none"},
    ]
    unstated = count_export(parse_export(yes_no()), threshold=TWO_THIRDS, quorum=Quorum(minimum=3))
    assert [override.file for override in unstated.overrides] == ["none stated, so simple", "none stated"]


def test_a_threshold_for_a_method_without_one_is_refused():
    with pytest.raises(
        ExportError, match="a threshold only applies to a yes_no_abstain vote, this one is schulze"
    ):
        count_export(parse_export(document()), threshold=TWO_THIRDS)


@pytest.mark.parametrize(
    ("method", "ballots", "quorum", "failures"),
    [
        ("single", [{"count": 2, "choices": ["CSR"]}, {"count": 1, "choices": ["Innovation"]}], None, []),
        (
            "single",
            [{"count": 1, "choices": ["CSR"]}, {"count": 1, "choices": ["Innovation"]}],
            None,
            ["no single winner: a tie for first place"],
        ),
        (
            "approval",
            [{"count": 3, "choices": ["CSR", "Innovation"]}, {"count": 1, "choices": ["CSR"]}],
            "4",
            [],
        ),
        ("approval", [{"count": 3, "choices": ["CSR"]}], "4", ["quorum not met"]),
        ("schulze", [{"count": 3, "ranking": [["CSR"]]}], "30%", []),
        (
            "schulze",
            [{"count": 2, "ranking": [["CSR", "Innovation"]]}],
            "30%",
            ["quorum not met", "no single winner: a tie for first place"],
        ),
    ],
)
def test_passed_means_the_quorum_met_and_a_single_winner_for_the_other_methods(
    method, ballots, quorum, failures
):
    built = build_export(
        title="T", method=method, options=OPTIONS, ballots=ballots, quorum=quorum, electorate_size=10
    )

    recount = count_export(parse_export(built))

    assert recount.pass_failures == failures
    assert recount.passed is (not failures) is result_passed(recount.result)
    assert platform_result_passed(recount.result) is recount.passed
