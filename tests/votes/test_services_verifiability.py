"""Verifiability: the export of a closed vote recounts offline to the stored result, and a voter of
a secret vote finds their own ballot in it by the receipt code."""

import copy
import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.errors import DomainError
from tests.votes.test_services import ABSTAIN, NO, YES, close, electorate, vote_new
from votes.export import ExportError, build_export, parse_export, receipt_sha256
from votes.services import ballot_cast, vote_export

THEMES = ["Fachkräfte", "Innovation", "Kommunikation", "CSR"]


def recount(*args) -> str:
    out = StringIO()
    call_command("vote_recount", *map(str, args), stdout=out)
    return out.getvalue()


def write(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "abstimmung.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


# case: (vote fields, casts from an electorate of 10, the export's threshold and quorum, passed)
CASES = {
    "yes_no_two_thirds_share_quorum": (
        {"method": "yes_no_abstain", "threshold": "two_thirds", "quorum_kind": "share", "quorum_value": 40},
        [{"choices": [c]} for c in (YES, YES, YES, YES, NO, NO, ABSTAIN)],
        ("two_thirds", "40%"),
        True,
    ),
    # 4 yes of 7 passes a simple majority, not two thirds: a recount without the file's
    # threshold used to call this passed.
    "yes_no_two_thirds_missed": (
        {"method": "yes_no_abstain", "threshold": "two_thirds"},
        [{"choices": [c]} for c in (YES, YES, YES, YES, NO, NO, NO)],
        ("two_thirds", None),
        False,
    ),
    "yes_no_simple_number_quorum_missed": (
        {"method": "yes_no_abstain", "quorum_kind": "number", "quorum_value": 6},
        [{"choices": [c]} for c in (YES, YES, YES, NO, ABSTAIN)],
        ("simple", "6"),
        False,
    ),
    "single_secret": (
        {"method": "single", "options": ["Rathaus", "Eurogress", "Super C"], "secret": True},
        [{"choices": [c]} for c in (0, 1, 1, 2, 1, 0)],
        (None, None),
        True,
    ),
    "single_tie": (
        {"method": "single", "options": ["Rathaus", "Eurogress"], "quorum_kind": "share", "quorum_value": 20},
        [{"choices": [c]} for c in (0, 1, 1, 0)],
        (None, "20%"),
        False,
    ),
    "approval_number_quorum_missed": (
        {"method": "approval", "options": THEMES, "quorum_kind": "number", "quorum_value": 8},
        [{"choices": c} for c in ([0, 1], [1], [], [0, 1, 2, 3], [3], [1, 3], [1])],
        (None, "8"),
        False,
    ),
    "schulze_secret_share_quorum": (
        {"method": "schulze", "options": THEMES, "secret": True, "quorum_kind": "share", "quorum_value": 50},
        [
            {"ranking": r}
            for r in (
                [[0], [1], [2], [3]],
                [[1], [0, 2]],
                [[3], [2], [1], [0]],
                [[1], [0]],
                [[2], [0], [3]],
                [[1], [3], [0], [2]],
                [[0], [2]],
            )
        ],
        (None, "50%"),
        True,
    ),
}


def closed_vote(world, case: str):
    fields, casts, _rules, _passed = CASES[case]
    people = electorate(world, 10)
    vote = vote_new(world, **fields)
    for person, cast in zip(people, casts, strict=False):
        ballot_cast(vote=vote, actor=person, **cast)
    return close(vote)


@pytest.mark.parametrize("case", CASES)
def test_the_export_of_a_closed_vote_recounts_offline_to_the_stored_result(world, tmp_path, case):
    _fields, casts, (threshold, quorum), passed = CASES[case]
    vote = closed_vote(world, case)

    path = write(tmp_path, vote_export(vote))
    recounted = json.loads(recount(path, "--json"))  # no --threshold / --quorum: the file's rules

    stored = vote.result
    assert vote.passed is passed
    assert recounted["passed"] is vote.passed
    assert recounted["overrides"] == []
    assert recounted["ballots_sha256_checked"] is True
    assert recounted["ballots_sha256"] == stored["ballots_sha256"] == vote.ballots_sha256
    assert recounted["electorate_size"] == stored["electorate_size"] == 10
    for key in stored.keys() - {"turnout", "electorate_size", "electorate_sha256", "ballots_sha256"}:
        assert recounted[key] == stored[key], key
    assert recounted["ballots"] == stored["turnout"] == len(casts)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document.get("threshold") == threshold
    assert document["quorum"] == quorum
    assert document["electorate_sha256"] == vote.electorate_sha256
    assert ("receipts" in document) is vote.secret
    text = recount(path).splitlines()
    assert text[-1].startswith("Result:  PASSED" if passed else "Result:  NOT PASSED (")
    assert not [line for line in text if line.startswith("Override:")]


# case: (flags, what the recount then says: passed, the override lines)
OVERRIDES = {
    "yes_no_two_thirds_missed": (
        ["--threshold", "simple"],
        True,
        ["Override: --threshold simple (the file: two_thirds)"],
    ),
    "yes_no_two_thirds_share_quorum": (
        ["--quorum", "80%", "--threshold", "two_thirds"],  # the file's threshold again: no override
        False,
        ["Override: --quorum 4/5 of the electorate (the file: 2/5 of the electorate)"],
    ),
    "yes_no_simple_number_quorum_missed": (
        ["--quorum", "none"],
        True,
        ["Override: --quorum none (the file: 6 voters)"],
    ),
    "single_secret": (
        ["--quorum", "7"],
        False,
        ["Override: --quorum 7 voters (the file: none)"],
    ),
    "approval_number_quorum_missed": (
        ["--quorum", "70%"],
        True,
        ["Override: --quorum 7/10 of the electorate (the file: 8 voters)"],
    ),
    "schulze_secret_share_quorum": (
        ["--quorum", "3/4"],
        False,
        ["Override: --quorum 3/4 of the electorate (the file: 1/2 of the electorate)"],
    ),
}


@pytest.mark.parametrize("case", OVERRIDES)
def test_flags_override_the_files_rules_and_say_so(world, tmp_path, case):
    flags, passed, lines = OVERRIDES[case]
    vote = closed_vote(world, case)
    path = write(tmp_path, vote_export(vote))

    text = recount(path, *flags).splitlines()
    as_json = json.loads(recount(path, "--json", *flags))

    assert passed is not vote.passed
    assert as_json["passed"] is passed
    assert [line for line in text if line.startswith("Override:")] == lines
    assert [
        f"Override: --{o['rule']} {o['used']} (the file: {o['file']})" for o in as_json["overrides"]
    ] == lines
    assert (text[-1] == "Result:  PASSED") is passed
    if "--quorum" in flags:
        assert as_json["quorum"] != vote.result["quorum"]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["--threshold", "drei_viertel"],
            "--threshold: unknown threshold 'drei_viertel' (known: simple, two_thirds)",
        ),
        (
            ["--threshold", "simple"],
            "--threshold: only a yes_no_abstain vote has a threshold; {path} is a single vote",
        ),
        (
            ["--quorum", "viele"],
            '--quorum: a quorum is a share ("50%", "1/2", "0.5") or a number of voters ("30"), got \'viele\'',
        ),
        (["--quorum", "150%"], "--quorum: a quorum share lies in (0, 1], got 3/2"),
        (
            ["--quorum", "-3"],
            '--quorum: a quorum is a share ("50%", "1/2", "0.5") or a number of voters ("30"), got \'-3\'',
        ),
    ],
)
def test_bad_flags_are_refused_with_one_line(world, tmp_path, flags, message):
    path = write(tmp_path, vote_export(closed_vote(world, "single_tie")))

    with pytest.raises(CommandError) as refused:
        recount(path, *flags)

    assert str(refused.value) == message.format(path=path)


def test_the_export_is_only_published_after_the_close(world):
    electorate(world, 2)
    with pytest.raises(DomainError, match="erst nach dem Schluss"):
        vote_export(vote_new(world))


@pytest.fixture
def secret_vote(world):
    """A closed secret Schulze vote; `receipts` maps each voter's receipt code to their ranking."""
    people = electorate(world, 4)
    vote = vote_new(world, method="schulze", options=THEMES, secret=True)
    rankings = [[[0], [1], [2], [3]], [[3], [1, 2]], [[2]], [[0], [1], [2], [3]]]
    receipts = {}
    for person, ranking in zip(people, rankings, strict=True):
        receipts[ballot_cast(vote=vote, actor=person, ranking=[[1], [0]]).receipt] = ranking
    for person, (code, ranking) in zip(people, receipts.items(), strict=True):
        ballot_cast(vote=vote, actor=person, ranking=ranking, receipt=code)  # changed with the receipt
    return close(vote), receipts


def test_each_voter_of_a_secret_vote_finds_their_ballot_in_the_export_by_the_receipt(secret_vote):
    vote, receipts = secret_vote
    document = vote_export(vote)

    hashes = [entry["sha256"] for entry in document["receipts"]]
    assert hashes == sorted(hashes) and len(set(hashes)) == 4
    by_hash = {entry["sha256"]: entry["ranking"] for entry in document["receipts"]}
    labels = {i: label for i, label in enumerate(THEMES)}
    for code, ranking in receipts.items():
        digest = hashlib.sha256(code.replace("-", "").upper().encode()).hexdigest()
        listed = [sorted(labels[p] for p in tier) for tier in ranking]
        if sum(map(len, listed)) == len(THEMES):
            listed = listed[:-1]  # canonical: a last tier of exactly the options left says nothing
        assert by_hash[digest] == listed
    assert parse_export(document).receipt_ballot(next(iter(receipts)).lower()) is not None


def test_vote_recount_with_a_receipt_says_the_ballot_is_in_the_file_and_shows_it(secret_vote, tmp_path):
    vote, receipts = secret_vote
    path = write(tmp_path, vote_export(vote))
    code = next(code for code, ranking in receipts.items() if ranking == [[3], [1, 2]])

    lines = recount(path, "--receipt", code).splitlines()
    as_json = json.loads(recount(path, "--receipt", code.lower().replace("-", " "), "--json"))

    start = lines.index(f"Receipt: {code} (sha256 {receipt_sha256(code)})")
    assert lines[start + 1 :] == [
        "  in the file; its ballot:",
        "  1. CSR",
        "  2. Innovation = Kommunikation",
        "  below all of these, ranked equal: Fachkräfte",
    ]
    assert as_json["receipt"]["found"] is True
    assert as_json["receipt"]["ballot"] == {"ranking": [["CSR"], ["Innovation", "Kommunikation"]]}
    assert as_json["receipt"]["sha256"] == receipt_sha256(code)


def test_vote_recount_with_an_unknown_receipt_says_it_is_not_in_the_file(secret_vote, tmp_path):
    vote, _receipts = secret_vote
    path = write(tmp_path, vote_export(vote))
    out = StringIO()

    with pytest.raises(CommandError, match="no ballot with receipt ABCD-EFGH-IJKL-MNOP in this file"):
        call_command("vote_recount", str(path), "--receipt", "ABCD-EFGH-IJKL-MNOP", stdout=out)
    assert "  NOT in the file: no ballot of this file has this receipt." in out.getvalue().splitlines()


def test_vote_recount_with_a_receipt_on_an_open_vote_says_the_file_has_none(world, tmp_path):
    people = electorate(world, 2)
    vote = vote_new(world)
    ballot_cast(vote=vote, actor=people[0], choices=[YES])
    path = write(tmp_path, vote_export(close(vote)))

    with pytest.raises(CommandError, match="the file lists no receipts"):
        recount(path, "--receipt", "ABCD-EFGH-IJKL-MNOP")


def test_a_receipt_of_a_choice_vote_shows_its_choices(world, tmp_path):
    people = electorate(world, 3)
    vote = vote_new(world, method="approval", options=THEMES, secret=True)
    code = ballot_cast(vote=vote, actor=people[0], choices=[3, 0]).receipt
    empty = ballot_cast(vote=vote, actor=people[1], choices=[]).receipt
    path = write(tmp_path, vote_export(close(vote)))

    assert recount(path, "--receipt", code).splitlines()[-1] == "  choices: CSR, Fachkräfte"
    assert recount(path, "--receipt", empty).splitlines()[-1] == "  choices: (none)"


# The receipts key read strictly -------------------------------------------------------------------

A, B = "a" * 64, "b" * 64


def receipts_document(receipts=None, ballots=None) -> dict:
    document = build_export(
        title="Ort",
        method="approval",
        options=["Rathaus", "Eurogress"],
        ballots=[{"count": 1, "choices": ["Rathaus"]}, {"count": 1, "choices": ["Eurogress", "Rathaus"]}],
        receipts=[(B, ["Rathaus", "Eurogress"]), (A, ["Rathaus"])],
    )
    if receipts is not None:
        document["receipts"] = receipts
    if ballots is not None:
        document["ballots"] = ballots
        del document["ballots_sha256"]
    return document


def test_build_export_writes_receipts_sorted_by_hash_in_canonical_form():
    assert receipts_document()["receipts"] == [
        {"sha256": A, "choices": ["Rathaus"]},
        {"sha256": B, "choices": ["Eurogress", "Rathaus"]},
    ]
    assert parse_export(receipts_document()).receipts == ((A, ["Rathaus"]), (B, ["Eurogress", "Rathaus"]))


@pytest.mark.parametrize(
    ("receipts", "message"),
    [
        ({}, '"receipts" must be a list'),
        (
            [{"sha256": A, "choices": ["Rathaus"]}, ["x"]],
            'receipt 2: an entry is an object with exactly the keys "sha256" and "choices"',
        ),
        ([{"sha256": A, "ranking": [["Rathaus"]]}], 'exactly the keys "sha256" and "choices"'),
        ([{"sha256": A, "choices": ["Rathaus"], "voter": 3}], "receipt 1: an entry is an object"),
        (
            [{"sha256": A.upper(), "choices": ["Rathaus"]}],
            'receipt 1: "sha256" must be 64 lowercase hex digits',
        ),
        ([{"sha256": "a" * 63, "choices": ["Rathaus"]}], "must be 64 lowercase hex digits"),
        (
            [{"sha256": B, "choices": ["Eurogress", "Rathaus"]}, {"sha256": A, "choices": ["Rathaus"]}],
            "receipt 2: the receipts must be sorted by sha256, each hash once",
        ),
        (
            [{"sha256": A, "choices": ["Rathaus"]}, {"sha256": A, "choices": ["Eurogress", "Rathaus"]}],
            "each hash once",
        ),
        (
            [{"sha256": A, "choices": ["Rathaus"]}, {"sha256": B, "choices": ["Rathaus", "Eurogress"]}],
            "receipt 2: choices is not in canonical form",
        ),
        ([{"sha256": A, "choices": ["Tivoli"]}], "receipt 1: unknown option 'Tivoli'"),
        ([{"sha256": A, "choices": ["Rathaus"]}], "the receipts' ballots are not the ballot set"),
        (
            [
                {"sha256": A, "choices": ["Rathaus"]},
                {"sha256": B, "choices": ["Eurogress", "Rathaus"]},
                {"sha256": "c" * 64, "choices": ["Rathaus"]},
            ],
            "the receipts' ballots are not the ballot set",
        ),
        (
            [{"sha256": A, "choices": ["Eurogress"]}, {"sha256": B, "choices": ["Eurogress", "Rathaus"]}],
            "the receipts' ballots are not the ballot set",
        ),
    ],
)
def test_receipts_that_are_not_exactly_the_ballot_set_in_canonical_form_are_refused(receipts, message):
    with pytest.raises(ExportError) as refused:
        parse_export(receipts_document(receipts))
    assert message in str(refused.value)


def test_receipts_are_compared_with_the_ballot_set_however_the_ballots_are_grouped():
    regrouped = [
        {"count": 1, "choices": ["Rathaus", "Eurogress"]},
        {"count": 1, "choices": ["Rathaus"]},
    ]
    assert parse_export(receipts_document(ballots=regrouped)).receipts is not None
    doubled = copy.deepcopy(regrouped)
    doubled[1]["count"] = 2
    with pytest.raises(ExportError, match="not the ballot set"):
        parse_export(receipts_document(ballots=doubled))


def test_ranked_receipts_are_checked_in_canonical_form():
    document = build_export(
        title="Themen",
        method="schulze",
        options=["A", "B", "C"],
        ballots=[{"count": 1, "ranking": [["B"], ["C", "A"]]}],
        receipts=[(A, [["B"], ["C", "A"]])],
    )
    assert document["receipts"] == [{"sha256": A, "ranking": [["B"]]}]
    document["receipts"] = [{"sha256": A, "ranking": [["B"], ["A", "C"]]}]
    with pytest.raises(ExportError, match="receipt 1: ranking is not in canonical form"):
        parse_export(document)


def test_receipt_hash_is_of_the_code_in_capitals_without_dashes():
    expected = hashlib.sha256(b"ABCDEFGH23456789").hexdigest()
    assert receipt_sha256("ABCD-EFGH-2345-6789") == expected
    assert receipt_sha256("abcd efgh 2345 6789\n") == expected
