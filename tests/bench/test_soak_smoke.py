"""The soak run's conclusions (bench/soak_report.py) on made-up request logs and database counts."""

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

_path = Path(__file__).resolve().parents[2] / "bench" / "soak_report.py"
_spec = importlib.util.spec_from_file_location("soak_report", _path)
report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report)


def request(action="board", status=200, ms=10.0, t=100.0, ack=False, **write):
    return {"t": t, "action": action, "status": status, "ms": ms, "ack": ack, **write}


def full_report(records, stored, tasks=None, deliveries=None, received=None, workers_at_end=2):
    return {
        "load": report.summarise(records),
        "writes": report.verify_writes(records, stored),
        "moves": report.verify_moves(records, tasks or {}),
        "deliveries": report.verify_deliveries(deliveries or {}, received or Counter()),
        "workers": {
            "expected": 2,
            "at_end": workers_at_end,
            "back_to_normal": workers_at_end == 2,
            "exits": [],
            "restarts": 0,
        },
        "faults": [],
    }


def test_percentiles_per_action_use_the_nearest_rank():
    records = [request(ms=float(ms)) for ms in range(1, 101)]

    row = report.summarise(records)["actions"]["board"]

    assert (row["p50_ms"], row["p95_ms"], row["p99_ms"]) == (50.0, 95.0, 99.0)


def test_error_rate_counts_5xx_and_no_answer_but_not_refusals():
    records = [request(status=200), request(status=409), request(status=500), request(status=0)]

    load = report.summarise(records)

    assert load["errors"] == 2
    assert load["error_rate"] == 0.5
    assert load["statuses"] == {"200": 1, "409": 1, "500": 1, "no answer": 1}


def test_requests_are_counted_in_the_fault_window_their_answer_came_in():
    queued = request(t=8.0, ms=4000.0, status=500)  # sent before Redis stopped, answered while it was down
    records = [request(t=5.0), queued, request(t=25.0)]
    phases = [{"name": "redis down", "start": 10.0, "end": 20.0}]

    windows = report.summarise(records, phases)["by_window"]

    assert windows["redis down"]["requests"] == 1
    assert windows["redis down"]["500"] == 1
    assert windows["steady"]["requests"] == 2
    assert windows["steady"]["errors"] == 0


def test_a_request_that_got_no_answer_counts_in_the_window_it_was_sent_in():
    timed_out = request(t=5.0, ms=30000.0, status=0)
    phases = [{"name": "worker killed", "start": 20.0, "end": 40.0}]

    windows = report.summarise([timed_out], phases)["by_window"]

    assert windows == {
        "steady": {"errors": 1, "no answer": 1, "requests": 1, "p50_ms": 30000.0, "p95_ms": 30000.0}
    }


def test_an_acknowledged_write_missing_from_the_database_is_lost():
    records = [
        request("create task (API)", 201, ack=True, kind="task", marker="soak-0000abcd-u01-0001"),
        request("create task (API)", 201, ack=True, kind="task", marker="soak-0000abcd-u01-0002"),
    ]
    stored = {"task": Counter({"soak-0000abcd-u01-0001": 1})}

    result = report.verify_writes(records, stored)["task"]

    assert result["stored_once"] == 1
    assert result["lost"] == ["soak-0000abcd-u01-0002"]


def test_a_write_stored_twice_is_duplicated_even_without_acknowledgement():
    records = [request("comment (API)", 500, kind="comment", marker="soak-0000abcd-u02-0001")]
    stored = {"comment": Counter({"soak-0000abcd-u02-0001": 2})}

    result = report.verify_writes(records, stored)["comment"]

    assert result["duplicated_count"] == 1
    assert result["lost_count"] == 0
    assert result["not_acknowledged_but_stored"] == 1


def test_the_last_acknowledged_move_must_be_the_state_in_the_database():
    records = [
        request("move task (board)", 200, t=1.0, ack=True, kind="move", task=7, to="done"),
        request("move task (board)", 200, t=2.0, ack=True, kind="move", task=7, to="open"),
        request("move task (API)", 502, t=3.0, kind="move", task=8, to="done"),
    ]

    result = report.verify_moves(records, {7: ("done", ""), 8: ("open", "")})

    assert result["wrong"] == [{"task": 7, "expected": "open", "found": "done"}]
    assert result["last_move_not_acknowledged"] == 1


def test_deliveries_are_judged_by_the_count_of_messages_per_notification():
    deliveries = {1: "sent", 2: "sent", 3: "pending"}
    received = Counter({1: 1, 2: 2, 9: 1})

    result = report.verify_deliveries(deliveries, received, caused=[1, 3])

    assert result["all"]["delivered_once"] == 1
    assert result["all"]["duplicated_ids"] == [2]
    assert result["all"]["missing_ids"] == [3]
    assert result["all"]["still_pending"] == 1
    assert result["caused_by_soak_writes"]["email_deliveries"] == 2
    assert result["messages_without_delivery_row"] == 1


def test_a_clean_run_passes_and_the_table_says_so():
    records = [request("create task (API)", 201, ack=True, kind="task", marker="soak-0000abcd-u01-0001")]
    clean = full_report(
        records,
        {"task": Counter({"soak-0000abcd-u01-0001": 1})},
        deliveries={1: "sent"},
        received=Counter({1: 1}),
    )

    assert report.verdict(clean) == []
    assert "verdict: all checks passed" in report.table(clean)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"workers_at_end": 1}, "1 of 2 Celery workers answer at the end"),
        ({"received": Counter({1: 2})}, "1 notifications arrived more than once"),
        ({"received": Counter()}, "1 email deliveries never arrived"),
    ],
)
def test_each_failed_check_is_named_in_the_verdict(change, expected):
    arguments = {"deliveries": {1: "sent"}, "received": Counter({1: 1}), **change}

    problems = report.verdict(full_report([], {}, **arguments))

    assert any(expected in problem for problem in problems)
