"""Benchmark of the Schulze count (not part of `make test`).

Generates 10,000 random ranked ballots over 20 options (seeded; most rank all 20, some leave
options out, about one neighbour in eight is ranked equal), writes them as a vote export and
times, start-up left out:

- the count: `votes.counting.count("schulze", options, ballots)` on the parsed file: checking
  every ballot, the pairwise matrix, the strongest paths and the order (the issue's aim: 35 ms);
- the parts around it: reading the JSON, and the canonical ballots_sha256 the recount checks;
- what `manage.py vote_recount FILE` runs, in this process: `count_export` (the count and the
  hash check) and `load_export` + `count_export` (reading the file too);
- `manage.py vote_recount FILE --json` end to end as a fresh process, next to
  `manage.py vote_recount --help` (Python and Django starting, nothing counted).

The count is checked against the plain-Python reference count of the tests (pairwise matrix,
strongest paths and order all equal), whose time is shown for scale (the issue quotes about
0.5 s for plain Python). Prints medians of wall-clock and of CPU time (the machine is shared, so
CPU time is the steadier figure) and the fastest run, and the load average; writes
bench/results/votes_count.json.

    .venv/bin/python bench/votes_count.py [--ballots 10000] [--options 20] [--runs 21]
    .venv/bin/python bench/votes_count.py --file EXPORT.json   # a vote's published export instead

bench/votes_forum.py counts the export of the vote it closed with `measure` from here.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from tests.votes.reference import reference_schulze  # noqa: E402
from votes.counting import count, pairwise_matrix, schulze_tiers, strongest_paths  # noqa: E402
from votes.counting.ballots import rank_matrix  # noqa: E402
from votes.export import ballots_sha256, build_export, count_export, load_export, parse_export  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "votes_count.json"
AIM_MS = 35.0


def option_labels(number: int) -> list[str]:
    return [f"Thema {index:02d}" for index in range(1, number + 1)]


def random_ballots(number: int, options: list[str], rng: random.Random) -> list[dict]:
    ballots = []
    for _ in range(number):
        order = options[:]
        rng.shuffle(order)
        if rng.random() < 0.2:
            order = order[: rng.randint(1, len(order) - 1)]
        ranking: list[list[str]] = []
        for label in order:
            if ranking and rng.random() < 0.125:
                ranking[-1].append(label)
            else:
                ranking.append([label])
        ballots.append({"count": 1, "ranking": ranking})
    return ballots


@dataclass
class Timing:
    wall: float  # median wall-clock ms
    cpu: float  # median CPU ms of this process: what the count costs when the cores are busy
    fastest: float  # fastest wall-clock ms


def timed(action, runs: int) -> Timing:
    action()  # warm-up: imports, numpy's first calls, caches
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return Timing(statistics.median(walls), statistics.median(cpus), min(walls))


def process_ms(arguments: list[str], runs: int) -> float:
    environment = {**os.environ, "DJANGO_DEBUG": "1"}
    command = [sys.executable, "manage.py", *arguments]
    subprocess.run(command, cwd=ROOT, env=environment, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=environment, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def agrees_with_reference(data: dict) -> bool:
    """The fast count and the plain reference give the same d, p and order."""
    d, p, tiers = reference_schulze(data["options"], data["ballots"])
    result = count("schulze", data["options"], data["ballots"])
    return (
        [list(row) for row in result.pairwise] == d
        and [list(row) for row in result.strongest_paths] == p
        and [list(tier) for tier in result.tiers] == tiers
    )


ROWS = [
    ("count", "Schulze count (check ballots, d, p, order)"),
    ("check_to_rank_vectors", "  of which: labels checked → rank vectors"),
    ("numeric_core", "  of which: d, p and order from rank vectors"),
    ("json_load", "reading the JSON text (json.loads)"),
    ("ballots_sha256", "canonical ballots_sha256"),
    ("count_export", "count_export: count + hash check"),
    ("recount_in_process", "load_export + count_export (recount, no start-up)"),
    ("plain_reference", "plain-Python reference count (tests), 1 run"),
]
AIMED = [
    ("count", "Schulze count"),
    ("count_export", "count_export (count + hash check)"),
    ("recount_in_process", "vote_recount without start-up (load_export + count_export)"),
]


def measure(path: Path, *, runs: int, process_runs: int) -> dict:
    """Every timing of the module docstring for the Schulze export at `path`, as a JSON-ready dict."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    if data["method"] != "schulze":
        raise SystemExit(f"{path}: a Schulze export is needed, got {data['method']!r}")
    options, ballots = data["options"], data["ballots"]
    ranks, counts = rank_matrix(options, ballots)
    timings = {
        "count": timed(lambda: count("schulze", options, ballots), runs),
        "check_to_rank_vectors": timed(lambda: rank_matrix(options, ballots), runs),
        "numeric_core": timed(lambda: schulze_tiers(strongest_paths(pairwise_matrix(ranks, counts))), runs),
        "json_load": timed(lambda: json.loads(text), runs),
        "ballots_sha256": timed(lambda: ballots_sha256("schulze", options, ballots), runs),
        "count_export": timed(lambda: count_export(parse_export(data)), runs),
        "recount_in_process": timed(lambda: count_export(load_export(path)), runs),
        "plain_reference": timed(lambda: reference_schulze(options, ballots), 1),
    }
    result = {
        "file": str(path),
        "file_bytes": path.stat().st_size,
        "ballots": int(counts.sum()),
        "distinct_ballots": len(ballots),
        "options": len(options),
        "runs": runs,
        "aim_ms": AIM_MS,
        "agrees_with_plain_reference": agrees_with_reference(data),
        **{name: vars(timing) for name, timing in timings.items()},
    }
    if process_runs:
        result["vote_recount_process_ms"] = process_ms(["vote_recount", str(path), "--json"], process_runs)
        result["process_startup_ms"] = process_ms(["vote_recount", "--help"], process_runs)
    result["load_average"] = os.getloadavg()[0]
    return result


def verdicts(result: dict) -> list[str]:
    """One line per aimed figure: median CPU, median and fastest wall-clock, beside the aim."""
    lines = []
    for name, label in AIMED:
        timing = result[name]
        reached = "reached" if timing["cpu"] < AIM_MS else "MISSED"
        lines.append(
            f"{label}: {timing['cpu']:.1f} ms CPU median, {timing['wall']:.1f} ms wall median, "
            f"{timing['fastest']:.1f} ms best of {result['runs']}; aim {AIM_MS:.0f} ms {reached}"
        )
    return lines


def report(result: dict) -> str:
    lines = [
        f"{result['ballots']} ranked ballots ({result['distinct_ballots']} distinct) over "
        f"{result['options']} options, export file {result['file_bytes'] / 1e6:.1f} MB; medians of "
        f"{result['runs']} runs; load average {result['load_average']:.1f} on {os.cpu_count()} cores",
        f"  {'':<52} {'wall':>9} {'CPU':>9} {'fastest':>9}",
    ]
    for name, label in ROWS:
        timing = result[name]
        lines.append(
            f"  {label:<52} {timing['wall']:>6.1f} ms {timing['cpu']:>6.1f} ms {timing['fastest']:>6.1f} ms"
        )
    if "vote_recount_process_ms" in result:
        lines.append(
            f"  {'vote_recount FILE --json, fresh process':<52} {result['vote_recount_process_ms']:>6.0f} ms"
        )
        lines.append(
            f"  {'  of which start-up (vote_recount --help)':<52} {result['process_startup_ms']:>6.0f} ms"
        )
    agrees = "agrees" if result["agrees_with_plain_reference"] else "DISAGREES"
    speedup = result["plain_reference"]["cpu"] / result["count"]["cpu"]
    lines.append(f"The count {agrees} with the plain reference (d, p, order) and is {speedup:.0f}x as fast.")
    return "\n".join([*lines, *verdicts(result)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--options", type=int, default=20)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--process-runs", type=int, default=5)
    parser.add_argument("--file", type=Path, help="count this Schulze export instead of random ballots")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = args.file
        if path is None:
            options = option_labels(args.options)
            ballots = random_ballots(args.ballots, options, random.Random(2015))
            document = build_export(
                title="Benchmark: Themenschwerpunkte", method="schulze", options=options, ballots=ballots
            )
            path = Path(folder) / "votes_count.json"
            path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        result = measure(path, runs=args.runs, process_runs=args.process_runs)
    print(report(result))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["agrees_with_plain_reference"] else 1


if __name__ == "__main__":
    sys.exit(main())
