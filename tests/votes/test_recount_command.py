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
