"""What the soak run concludes from what it saw: pure functions over plain data, so they can be tested.

A request record (one line of the load tool's log) is a dict with at least `t` (seconds since the
epoch when it was sent), `action`, `status` (0 when no HTTP answer came), `ms` and `ack` (whether
the client was told the write was done); writes also carry `marker`, `kind` and, for moves,
`task`, `to` (the status asked for) and `description`.
"""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

MARKER = re.compile(r"soak-[0-9a-f]{8}-u\d+-\d+")
WRITE_KINDS = ("task", "comment", "transition")


def percentile(ordered: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an ascending list (None when it is empty)."""
    if not ordered:
        return None
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def status_label(status: int) -> str:
    return "no answer" if status == 0 else str(status)


def is_error(record: dict) -> bool:
    """A server-side failure: no answer at all or a 5xx (a refused 4xx is the app speaking)."""
    return record["status"] == 0 or record["status"] >= 500


def phase_of(t: float, phases: list[dict]) -> str:
    """The name of the first window `t` falls in ("steady" outside all of them)."""
    for phase in phases:
        if phase["start"] <= t < phase["end"]:
            return phase["name"]
    return "steady"


def summarise(records: list[dict], phases: list[dict] | None = None) -> dict:
    """Requests, status counts, error rate, and latency percentiles per action and per fault window."""
    phases = phases or []
    by_action: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_action[record["action"]].append(record)
    actions = {}
    for action, rows in sorted(by_action.items()):
        ordered = sorted(r["ms"] for r in rows)
        actions[action] = {
            "requests": len(rows),
            "errors": sum(1 for r in rows if is_error(r)),
            "statuses": dict(sorted(Counter(status_label(r["status"]) for r in rows).items())),
            "p50_ms": _round(percentile(ordered, 0.50)),
            "p95_ms": _round(percentile(ordered, 0.95)),
            "p99_ms": _round(percentile(ordered, 0.99)),
        }
    windows: dict[str, Counter] = defaultdict(Counter)
    latencies: dict[str, list[float]] = defaultdict(list)
    for record in records:
        # By the time the answer came (a request queued behind others is answered in a later window);
        # one that got no answer by the time it was sent (its time-out says nothing about that window).
        when = record["t"] if record["status"] == 0 else record["t"] + record["ms"] / 1000
        name = phase_of(when, phases)
        windows[name]["requests"] += 1
        windows[name][status_label(record["status"])] += 1
        windows[name]["errors"] += is_error(record)
        latencies[name].append(record["ms"])
    errors = sum(1 for r in records if is_error(r))
    return {
        "requests": len(records),
        "errors": errors,
        "error_rate": round(errors / len(records), 4) if records else 0.0,
        "statuses": dict(sorted(Counter(status_label(r["status"]) for r in records).items())),
        "actions": actions,
        # In the order things happened: steady first, then each fault window as it came.
        "by_window": {
            name: {
                **dict(sorted(windows[name].items())),
                "p50_ms": _round(percentile(sorted(latencies[name]), 0.50)),
                "p95_ms": _round(percentile(sorted(latencies[name]), 0.95)),
            }
            for name in ["steady", *(p["name"] for p in phases)]
            if name in windows
        },
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def verify_writes(records: list[dict], stored: dict[str, Counter]) -> dict:
    """Each write the client was told succeeded is stored exactly once, found by its marker.

    `stored` maps a write kind to how often each marker occurs in the database. Writes that got
    no acknowledgement (refused, 5xx, no answer) may or may not be stored: they are counted, not judged.
    """
    result = {}
    for kind in WRITE_KINDS:
        writes = [r for r in records if r.get("kind") == kind and r.get("marker")]
        acked = {r["marker"] for r in writes if r["ack"]}
        unacked = {r["marker"] for r in writes if not r["ack"]} - acked
        counts = stored.get(kind, Counter())
        lost = sorted(m for m in acked if counts.get(m, 0) == 0)
        doubled = sorted(m for m in acked | unacked if counts.get(m, 0) > 1)
        sent = acked | unacked
        result[kind] = {
            "acknowledged": len(acked),
            "stored_once": sum(1 for m in acked if counts.get(m, 0) == 1),
            "lost": lost[:20],
            "lost_count": len(lost),
            "duplicated": doubled[:20],
            "duplicated_count": len(doubled),
            "not_acknowledged": len(unacked),
            "not_acknowledged_but_stored": sum(1 for m in unacked if counts.get(m, 0) >= 1),
            "stored_without_request": sum(1 for m in counts if m not in sent),
        }
    return result


def verify_moves(records: list[dict], tasks: dict[int, tuple[str, str]]) -> dict:
    """Each task's last move, when the client was told it succeeded, is the task's state now.

    Only the simulated person who created a task moves it, one request at a time, so the last
    acknowledged move must win. `tasks` maps task id to (status, description) in the database; a
    move through the API also writes its marker into the description, a move on the board does not.
    """
    last: dict[int, dict] = {}
    for record in sorted((r for r in records if r.get("kind") == "move"), key=lambda r: r["t"]):
        last[record["task"]] = record
    checked, wrong, undecided = 0, [], 0
    for task_id, record in last.items():
        if not record["ack"]:
            undecided += 1  # the last word was not acknowledged: either outcome is right
            continue
        checked += 1
        status, description = tasks.get(task_id, (None, None))
        expected_description = record.get("description")
        if status != record["to"] or (expected_description and description != expected_description):
            wrong.append({"task": task_id, "expected": record["to"], "found": status})
    return {
        "tasks_moved": len(last),
        "checked": checked,
        "as_last_acknowledged": checked - len(wrong),
        "wrong": wrong[:20],
        "wrong_count": len(wrong),
        "last_move_not_acknowledged": undecided,
    }


def verify_deliveries(deliveries: dict[int, str], received: Counter, caused: Iterable[int] = ()) -> dict:
    """Every email delivery row arrived at the SMTP sink exactly once, by X-Notification-Id.

    `deliveries` maps notification id to the status of its email delivery; `received` counts the
    messages per notification id; `caused` are the notifications the soak's own writes caused
    (their data carries a marker), checked on their own as well.
    """

    def judge(ids: Iterable[int]) -> dict:
        ids = list(ids)
        missing = [pk for pk in ids if received.get(pk, 0) == 0]
        doubled = [pk for pk in ids if received.get(pk, 0) > 1]
        pending = [pk for pk in ids if deliveries.get(pk) == "pending"]
        return {
            "email_deliveries": len(ids),
            "delivered_once": sum(1 for pk in ids if received.get(pk, 0) == 1),
            "missing": len(missing),
            "missing_ids": sorted(missing)[:20],
            "duplicated": len(doubled),
            "duplicated_ids": sorted(doubled)[:20],
            "extra_copies": sum(received[pk] - 1 for pk in doubled),
            "still_pending": len(pending),
            "statuses": dict(sorted(Counter(deliveries.get(pk, "none") for pk in ids).items())),
        }

    caused_email = [pk for pk in caused if pk in deliveries]
    return {
        "all": judge(deliveries),
        "caused_by_soak_writes": judge(caused_email),
        "messages_received": sum(received.values()),
        "messages_without_delivery_row": sum(n for pk, n in received.items() if pk not in deliveries),
    }


def verdict(report: dict) -> list[str]:
    """What failed, in sentences; empty when the run met every check."""
    problems = []
    for kind, result in report["writes"].items():
        if result["lost_count"]:
            problems.append(f"{result['lost_count']} acknowledged {kind} writes are not in the database")
        if result["duplicated_count"]:
            problems.append(f"{result['duplicated_count']} {kind} writes are stored more than once")
    if report["moves"]["wrong_count"]:
        problems.append(
            f"{report['moves']['wrong_count']} tasks are not where their last acknowledged move put them"
        )
    mail = report["deliveries"]["all"]
    if mail["missing"]:
        problems.append(
            f"{mail['missing']} email deliveries never arrived ({mail['still_pending']} still pending)"
        )
    if mail["duplicated"]:
        problems.append(f"{mail['duplicated']} notifications arrived more than once")
    if report["deliveries"]["messages_without_delivery_row"]:
        problems.append("messages arrived for notifications that have no email delivery row")
    workers = report["workers"]
    if not workers["back_to_normal"]:
        problems.append(f"{workers['at_end']} of {workers['expected']} Celery workers answer at the end")
    return problems


def table(report: dict) -> str:
    """The printed summary: one line per action, then the checks."""
    load = report["load"]
    header = (
        f"{'action':<26} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses"
    )
    lines = [header, "-" * len(header)]
    for name, row in load["actions"].items():
        statuses = " ".join(f"{k}:{v}" for k, v in row["statuses"].items())
        lines.append(
            f"{name:<26} {row['requests']:>8} {row['errors']:>6} {_fmt(row['p50_ms'])} "
            f"{_fmt(row['p95_ms'])} {_fmt(row['p99_ms'])}  {statuses}"
        )
    lines.append("-" * len(header))
    lines.append(
        f"{'all':<26} {load['requests']:>8} {load['errors']:>6}  error rate {load['error_rate']:.2%}  "
        + " ".join(f"{k}:{v}" for k, v in load["statuses"].items())
    )
    for name, counts in load["by_window"].items():
        rest = " ".join(f"{k}:{v}" for k, v in counts.items() if k[0].isdigit() or k == "no answer")
        lines.append(
            f"  {name:<24} {counts['requests']:>8} {counts['errors']:>6} {_fmt(counts['p50_ms'])} "
            f"{_fmt(counts['p95_ms'])} {'':>8}  {rest}"
        )
    lines.append("")
    for kind, result in report["writes"].items():
        lines.append(
            f"{kind + ' writes':<26} acknowledged {result['acknowledged']}, "
            f"stored once {result['stored_once']}, lost {result['lost_count']}, "
            f"duplicated {result['duplicated_count']}, not acknowledged "
            f"{result['not_acknowledged']} (stored anyway {result['not_acknowledged_but_stored']})"
        )
    moves = report["moves"]
    lines.append(
        f"{'task moves':<26} {moves['tasks_moved']} tasks, {moves['as_last_acknowledged']} of "
        f"{moves['checked']} as last acknowledged, wrong {moves['wrong_count']}"
    )
    for scope in ("all", "caused_by_soak_writes"):
        mail = report["deliveries"][scope]
        label = "emails (all)" if scope == "all" else "emails (soak's writes)"
        lines.append(
            f"{label:<26} {mail['email_deliveries']} deliveries, "
            f"once {mail['delivered_once']}, missing {mail['missing']}, duplicated {mail['duplicated']}, "
            f"pending {mail['still_pending']}"
        )
    workers = report["workers"]
    lines.append(
        f"{'celery workers':<26} {workers['at_end']} of {workers['expected']} answer at the end; "
        f"exits {len(workers['exits'])}, restarts {workers['restarts']}"
    )
    for fault in report["faults"]:
        lines.append(f"  {fault['name']:<24} {fault['summary']}")
    problems = verdict(report)
    lines.append("")
    lines.append("verdict: " + ("all checks passed" if not problems else "; ".join(problems)))
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return f"{'-':>8}" if value is None else f"{value:>8.1f}"
