import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.votes.test_schulze import EXAMPLE_45, EXAMPLE_45_D, EXAMPLE_45_P, EXAMPLE_TIE
from votes.export import build_export

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def schulze_file(tmp_path) -> Path:
    data = build_export(
        title="Themenschwerpunkte 2027",
        method="schulze",
        options=list("ABCDE"),
        ballots=EXAMPLE_45,
        electorate_size=60,
    )
    return write(tmp_path / "themen.json", data)


def recount(*args) -> str:
    out = StringIO()
    call_command("vote_recount", *map(str, args), stdout=out)
    return out.getvalue()


def test_text_output_shows_order_winner_and_both_matrices(schulze_file):
    text = recount(schulze_file, "--quorum", "50%")

    lines = text.splitlines()
    assert "Vote:    Themenschwerpunkte 2027" in lines
    assert "Ballots: 45 of an electorate of 60" in lines
    assert "Quorum:  1/2 of the electorate = 30 voters; turnout 45: met" in lines
    order = [line.split(". ", 1)[1] for line in lines if line.startswith("    ") and ". " in line]
    assert order[:5] == ["E", "A", "C", "B", "D"]
    assert "Winner:  E" in lines
    assert "(matches the file)" in text
    d_start = lines.index("Pairwise preferences d[row][column]: voters ranking row above column")
    assert lines[d_start + 2].split() == ["1.", "A", "-", "20", "26", "30", "22"]
    assert lines[d_start + 6].split() == ["5.", "E", "23", "27", "21", "31", "-"]
    p_start = lines.index("Strongest paths p[row][column]")
    assert lines[p_start + 4].split() == ["3.", "C", "25", "29", "-", "29", "24"]


def test_json_output_carries_order_counts_and_matrices(schulze_file):
    result = json.loads(recount(schulze_file, "--json"))

    assert result["vote"] == "Themenschwerpunkte 2027"
    assert result["order"] == [["E"], ["A"], ["C"], ["B"], ["D"]]
    assert result["winner"] == "E"
    assert result["tied"] is False
    assert result["pairwise"] == EXAMPLE_45_D
    assert result["strongest_paths"] == EXAMPLE_45_P
    assert result["ballots"] == 45
    assert result["ballots_sha256_checked"] is True


def test_tie_is_stated_not_broken(tmp_path):
    path = write(
        tmp_path / "tie.json",
        {"vote": "T", "method": "schulze", "options": list("ABCD"), "ballots": EXAMPLE_TIE},
    )

    text = recount(path)

    assert "Winner:  none, tie between B, D (not broken)" in text
    assert "    1. B  (tie)" in text and "    1. D  (tie)" in text
    assert "    3. A  (tie)" in text
    assert "(the file states none)" in text
    assert json.loads(recount(path, "--json"))["order"] == [["B", "D"], ["A", "C"]]


def test_yes_no_abstain_file_reports_threshold_quorum_and_outcome(tmp_path):
    path = write(
        tmp_path / "jobticket.json",
        {
            "vote": "Jobticket einführen?",
            "method": "yes_no_abstain",
            "options": ["Ja", "Nein", "Enthaltung"],
            "ballots": [
                {"count": 20, "choices": ["Ja"]},
                {"count": 11, "choices": ["Nein"]},
                {"count": 4, "choices": ["Enthaltung"]},
            ],
            "electorate_size": 50,
        },
    )

    simple = recount(path, "--quorum", "30")
    two_thirds = json.loads(recount(path, "--threshold", "two_thirds", "--json"))

    assert "Threshold: simple (more than 1/2 of yes + no): met (20 yes of 31 yes + no)" in simple
    assert "Quorum:  30 voters = 30 voters; turnout 35: met" in simple
    assert "Override: --quorum 30 voters (the file: none stated)" in simple
    assert "Result:  PASSED" in simple
    assert two_thirds["counts"] == {"Ja": 20, "Nein": 11, "Enthaltung": 4}
    assert two_thirds["threshold"]["met"] is False
    assert two_thirds["passed"] is False


def test_approval_file_lists_votes_per_option(tmp_path):
    path = write(
        tmp_path / "ort.json",
        {
            "vote": "Ort des Forums",
            "method": "approval",
            "options": ["Rathaus", "Eurogress", "Super C"],
            "ballots": [
                {"count": 4, "choices": ["Eurogress", "Super C"]},
                {"count": 1, "choices": ["Rathaus"]},
            ],
        },
    )

    lines = recount(path).splitlines()

    assert [line.split() for line in lines if line.startswith("    ")] == [
        ["1.", "Eurogress", "4", "(tie)"],
        ["1.", "Super", "C", "4", "(tie)"],
        ["3.", "Rathaus", "1"],
    ]
    assert "Quorum:  none" in lines
    assert lines[-1] == "Result:  NOT PASSED (no single winner: a tie for first place)"


def test_bad_file_raises_a_one_line_command_error(tmp_path):
    path = write(
        tmp_path / "bad.json",
        {
            "vote": "T",
            "method": "schulze",
            "options": ["A", "B"],
            "ballots": [{"count": 1, "ranking": [["C"]]}],
        },
    )

    with pytest.raises(CommandError) as caught:
        recount(path)

    assert str(caught.value) == f"{path}: ballot 1: unknown option 'C'"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"vote": "T", "method": "borda", "options": ["A", "B"], "ballots": []}', "unknown method 'borda'"),
        (
            '{"vote": "T", "method": "single", "options": ["A", "B"], '
            '"ballots": [{"count": 0, "choices": ["A"]}]}',
            "ballot 1: count must be a whole number",
        ),
        ("[1, 2", "not valid JSON"),
    ],
)
def test_bad_input_is_named_in_the_command_error(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        recount(path)


def test_command_exits_non_zero_with_one_line_and_no_traceback(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        '{"vote": "T", "method": "schulze", "options": ["A", "B"], "ballots": [{"count": 1, '
        '"ranking": [["A"], ["A"]]}]}',
        encoding="utf-8",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "vote_recount", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "DJANGO_VAR_DIR": str(tmp_path / "var")},
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == f"CommandError: {path}: ballot 1: option 'A' appears twice"


# The file's threshold and quorum ----------------------------------------------------------------


def jobticket(tmp_path, **rules) -> Path:
    """20 yes, 11 no, 4 abstain of an electorate of 50: a simple majority, not two thirds."""
    data = build_export(
        title="Jobticket einführen?",
        method="yes_no_abstain",
        options=["Ja", "Nein", "Enthaltung"],
        ballots=[
            {"count": 20, "choices": ["Ja"]},
            {"count": 11, "choices": ["Nein"]},
            {"count": 4, "choices": ["Enthaltung"]},
        ],
        electorate_size=50,
        **rules,
    )
    return write(tmp_path / "jobticket.json", data)


def test_without_flags_the_files_threshold_and_quorum_decide(tmp_path):
    path = jobticket(tmp_path, threshold="two_thirds", quorum="60%")

    lines = recount(path).splitlines()
    as_json = json.loads(recount(path, "--json"))

    assert "Quorum:  3/5 of the electorate = 30 voters; turnout 35: met" in lines
    assert "Threshold: two_thirds (at least 2/3 of yes + no): NOT met (20 yes of 31 yes + no)" in lines
    assert lines[-1] == "Result:  NOT PASSED (threshold not met)"
    assert not [line for line in lines if line.startswith("Override")]
    assert (as_json["threshold"]["rule"], as_json["quorum"]["required"]) == ("two_thirds", "30")
    assert (as_json["passed"], as_json["not_passed_because"], as_json["overrides"]) == (
        False,
        ["threshold not met"],
        [],
    )


def test_flags_override_the_files_rules_and_the_output_says_so(tmp_path):
    path = jobticket(tmp_path, threshold="two_thirds", quorum="60%")

    lines = recount(path, "--threshold", "simple", "--quorum", "36").splitlines()
    no_quorum = json.loads(recount(path, "--json", "--threshold", "simple", "--quorum", "none"))
    same = recount(path, "--threshold", "two_thirds", "--quorum", "3/5")

    assert "Override: --threshold simple (the file: two_thirds)" in lines
    assert "Override: --quorum 36 voters (the file: 3/5 of the electorate)" in lines
    assert "Quorum:  36 voters = 36 voters; turnout 35: NOT met" in lines
    assert lines[-1] == "Result:  NOT PASSED (quorum not met)"
    assert (no_quorum["quorum"], no_quorum["passed"]) == (None, True)
    assert "Override" not in same and "Result:  NOT PASSED (threshold not met)" in same


def test_schulze_file_states_its_quorum_and_passed(tmp_path):
    data = build_export(
        title="Themenschwerpunkte 2027",
        method="schulze",
        options=list("ABCDE"),
        ballots=EXAMPLE_45,
        electorate_size=60,
        quorum="80%",
    )
    path = write(tmp_path / "themen.json", data)

    lines = recount(path).splitlines()
    overridden = json.loads(recount(path, "--json", "--quorum", "45"))

    assert "Quorum:  4/5 of the electorate = 48 voters; turnout 45: NOT met" in lines
    assert "Winner:  E" in lines
    assert lines[-1] == "Result:  NOT PASSED (quorum not met)"
    assert (overridden["quorum"]["met"], overridden["passed"], overridden["winner"]) == (True, True, "E")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"threshold": "absolute"},
            "\"threshold\": unknown threshold 'absolute' (known: simple, two_thirds)",
        ),
        (
            {"quorum": 30},
            '"quorum" must be a string ("50%" a share of the electorate, "30" a number of voters)',
        ),
        ({"quorum": "dreißig"}, '"quorum": a quorum is a share ("50%", "1/2", "0.5") or a number of voters'),
        ({"quorum": "0/2"}, '"quorum": a quorum share lies in (0, 1], got 0'),
    ],
)
def test_bad_rules_in_the_file_are_named_in_one_line(tmp_path, changes, message):
    path = jobticket(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    write(path, {**data, **changes})

    with pytest.raises(CommandError) as refused:
        recount(path)

    assert str(refused.value).startswith(f"{path}: {message}")
    assert "\n" not in str(refused.value)


def test_a_quorum_share_needs_the_electorate_size(tmp_path, schulze_file):
    data = json.loads(schulze_file.read_text(encoding="utf-8"))
    del data["electorate_size"]
    sized_by_nobody = write(tmp_path / "ohne-zahl.json", data)
    share_without_size = write(tmp_path / "anteil.json", {**data, "quorum": "50%"})

    with pytest.raises(CommandError, match='"quorum" \'50%\' is a share .* must state "electorate_size"'):
        recount(share_without_size)
    with pytest.raises(CommandError, match="a quorum share needs the size of the electorate"):
        recount(sized_by_nobody, "--quorum", "50%")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["--threshold", "Zweidrittel"],
            "--threshold: unknown threshold 'Zweidrittel' (known: simple, two_thirds)",
        ),
        (["--quorum", "50 Prozent"], "--quorum: a quorum is a share"),
    ],
)
def test_bad_flag_exits_non_zero_with_one_line_not_the_usage(tmp_path, flags, message):
    path = jobticket(tmp_path)

    result = subprocess.run(
        [sys.executable, "manage.py", "vote_recount", str(path), *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "DJANGO_VAR_DIR": str(tmp_path / "var")},
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"CommandError: {message}")
