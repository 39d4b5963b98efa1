"""Benchmark of the Schulze count (not part of `make test`).

Generates 10,000 random ranked ballots over 20 options (seeded; most rank all 20, some leave
options out, about one neighbour in eight is ranked equal), writes them as a vote export and
times, start-up left out:

- the count: `votes.counting.count("schulze", options, ballots)` on the parsed file: checking
  every ballot, the pairwise matrix, the strongest paths and the order (the issue's aim: 35 ms);
- the parts around it: reading the JSON, and the canonical ballots_sha256 the recount checks;
- `manage.py vote_recount FILE --json` end to end as a fresh process, next to
  `manage.py vote_recount --help` (Python and Django starting, nothing counted).

Prints medians of wall-clock and of CPU time (the machine is shared, so CPU time is the steadier
figure), the plain-Python reference count from the tests for scale (the issue quotes about
0.5 s for plain Python), and the load average; writes bench/results/votes_count.json.

    .venv/bin/python bench/votes_count.py [--ballots 10000] [--options 20] [--runs 21]
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
from votes.export import ballots_sha256, build_export, count_export, parse_export  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "votes_count.json"
AIM_MS = 35.0


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--options", type=int, default=20)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--process-runs", type=int, default=5)
    args = parser.parse_args()

    rng = random.Random(2015)
    options = [f"Thema {number:02d}" for number in range(1, args.options + 1)]
    ballots = random_ballots(args.ballots, options, rng)
    document = build_export(
        title="Benchmark: Themenschwerpunkte", method="schulze", options=options, ballots=ballots
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "votes_count.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        groups = len(data["ballots"])

        count_t = timed(lambda: count("schulze", data["options"], data["ballots"]), args.runs)
        check_t = timed(lambda: rank_matrix(data["options"], data["ballots"]), args.runs)
        ranks, counts = rank_matrix(data["options"], data["ballots"])
        core_t = timed(lambda: schulze_tiers(strongest_paths(pairwise_matrix(ranks, counts))), args.runs)
        parse_t = timed(lambda: json.loads(text), args.runs)
        hash_t = timed(lambda: ballots_sha256("schulze", data["options"], data["ballots"]), args.runs)
        export_t = timed(lambda: count_export(parse_export(json.loads(text))), args.runs)
        reference_t = timed(lambda: reference_schulze(data["options"], data["ballots"]), 1)
        recount_ms = process_ms(["vote_recount", str(path), "--json"], args.process_runs)
        startup_ms = process_ms(["vote_recount", "--help"], args.process_runs)
        size = path.stat().st_size

    load = os.getloadavg()[0]
    print(
        f"{args.ballots} ranked ballots ({groups} distinct) over {args.options} options, "
        f"export file {size / 1e6:.1f} MB; medians of {args.runs} runs; "
        f"load average {load:.1f} on {os.cpu_count()} cores"
    )
    print(f"  {'':<46} {'wall':>9} {'CPU':>9} {'fastest':>9}")
    for label, timing in [
        ("Schulze count (check ballots, d, p, order)", count_t),
        ("  of which: labels checked → rank vectors", check_t),
        ("  of which: d, p and order from rank vectors", core_t),
        ("  reading the JSON file (json.loads)", parse_t),
        ("  canonical ballots_sha256", hash_t),
        ("  count_export: JSON + count + hash check", export_t),
        ("plain-Python reference count (tests), 1 run", reference_t),
    ]:
        print(f"  {label:<46} {timing.wall:>6.1f} ms {timing.cpu:>6.1f} ms {timing.fastest:>6.1f} ms")
    print(f"  {'vote_recount FILE --json, fresh process':<46} {recount_ms:>6.0f} ms")
    print(f"  {'  of which start-up (vote_recount --help)':<46} {startup_ms:>6.0f} ms")
    verdict = "within" if count_t.cpu < AIM_MS else "OVER"
    print(
        f"Schulze count: {count_t.cpu:.1f} ms CPU ({count_t.wall:.1f} ms wall), {verdict} the "
        f"{AIM_MS:.0f} ms aim; {reference_t.cpu / count_t.cpu:.0f}x the plain reference"
    )

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "ballots": args.ballots,
                "distinct_ballots": groups,
                "options": args.options,
                "runs": args.runs,
                "load_average": load,
                "aim_ms": AIM_MS,
                "count": vars(count_t),
                "check_to_rank_vectors": vars(check_t),
                "numeric_core": vars(core_t),
                "json_load": vars(parse_t),
                "ballots_sha256": vars(hash_t),
                "count_export": vars(export_t),
                "plain_reference": vars(reference_t),
                "vote_recount_process_ms": recount_ms,
                "process_startup_ms": startup_ms,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
