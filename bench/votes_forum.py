"""`make bench`, forum votes of 10,000 voters: ballots cast over HTTP, a ranked vote closed, its recount.

In a database of its own (PostgreSQL `<DATABASE_URL's name>_votes` on the server of DATABASE_URL,
created and dropped again, else a temporary SQLite file) it writes BENCH_VOTERS (10,000) forum
members, each with an API key, and measures:

1. Casting: a secret ranked-choice vote over BENCH_VOTE_OPTIONS (20) options opens for them
   (`vote_create` freezes the electorate); gunicorn (BENCH_WORKERS sync workers, production
   settings) serves it on 127.0.0.1, and BENCH_CLIENTS threads cast one ballot per voter, each
   request signed with that voter's API key: ballots per second and the p95 latency of a ballot
   (aim: p95 under 50 ms), and the CPU time gunicorn spent per ballot (steadier than latency on
   a shared machine; the database server's is not in it). Afterwards exactly one ballot per
   voter must be stored and the live tally must equal the count of the acknowledged ballots.
2. Closing: BENCH_CLOSE_RUNS (3) more votes of the same shape, but with open ballots (so that
   the export holds the ballots alone, no receipts), each with a ballot from every voter
   written in bulk (Participation and Ballot rows as `ballot_cast` writes them), each closed
   once by `votes.services.vote_close` in this process, timed from the call to the commit of
   the stored result, notifying the 10,000 included (aim: under 1 s). The time is split into
   reading the ballots, counting, hashing and notifying.
3. Recounting: the last closed vote's export (`vote_export`) is written to a file and counted
   with bench/votes_count.py's `measure` (the count, `count_export`, `load_export` +
   `count_export`, start-up left out; aim 35 ms); its order and ballots_sha256 must equal the
   stored result's.

The ballots are bench/votes_count.py's random ballots (seeded), so the closed votes hold the same
ballot set as its synthetic export. Emails are left out: the outbox rows (notifications and
their deliveries) are written as always, but the deliveries are not published after commit
(bench/notifications.py measures delivery). Redis plays no part (casting uses neither broker
nor cache); tasks started in this process run eagerly.

Where a ballot goes is `ballot_request` below and BENCH_BALLOT_URL: the votes API,
"/api/v1/votes/{vote}/ballot/", as members' programs would use it.

Prints a table; writes bench/results/votes_forum-<sqlite|postgresql>.json. Exits 1 when a
request fails or a check does not hold (a missed aim is reported, not an error). Knobs:
BENCH_VOTERS, BENCH_VOTE_OPTIONS, BENCH_CLOSE_RUNS, BENCH_COUNT_RUNS (21 runs of each count
timing), BENCH_CLIENTS (3), BENCH_WORKERS (2), BENCH_BALLOT_URL.
"""

import datetime
import json
import os
import random
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from run import (
    ROOT,
    BenchError,
    Reply,
    Sample,
    env_float,
    fetch,
    free_port,
    log,
    manage,
    scratch_drop,
    scratch_env,
    setup_django,
    start_gunicorn,
    stop_gunicorn,
)
from votes_count import measure as count_measure
from votes_count import option_labels, random_ballots
from votes_count import verdicts as count_verdicts

RESULTS = ROOT / "bench" / "results"
VOTERS = int(env_float("BENCH_VOTERS", 10_000))
OPTIONS = int(env_float("BENCH_VOTE_OPTIONS", 20))
CLOSE_RUNS = int(env_float("BENCH_CLOSE_RUNS", 3))
COUNT_RUNS = int(env_float("BENCH_COUNT_RUNS", 21))
CLIENTS = int(env_float("BENCH_CLIENTS", 3))
WORKERS = int(env_float("BENCH_WORKERS", 2))
BALLOT_URL = os.environ.get("BENCH_BALLOT_URL", "/api/v1/votes/{vote}/ballot/")
CAST_AIM_MS = 50.0
CLOSE_AIM_S = 1.0
WARMUP = 20  # ballots cast before the clock starts: each worker's first requests fill its caches
SEED = 2015  # bench/votes_count.py's
BATCH = 2000
EMAIL_DOMAIN = "votes.bench.example.org"


# Setting up (in this process, after django.setup) ---------------------------------------------


def voters_create(count: int):
    """A forum with `count` new members, each with an API key, and a staff member who creates the
    votes; returns (staff, keys in the voters' order). Written in bulk, with the rows that
    `membership_add` and `api_token_create` write one by one."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import ApiToken, User
    from accounts.tokens import PREFIX_LENGTH, key_digest, new_key
    from workgroups.models import Body, Membership, Role
    from workgroups.permissions import role_group
    from workgroups.selectors import forum_get
    from workgroups.services import body_create, membership_add

    forum = forum_get() or body_create(
        kind=Body.Kind.FORUM, slug="forum", name="Forum Aachener Industrie-Dialog"
    )
    staff = User.objects.create_user(email=f"staff@{EMAIL_DOMAIN}")
    membership_add(body=forum, user=staff, role=Role.STAFF)
    password = make_password(None)  # unusable: the voters sign in with their API keys only
    users = User.objects.bulk_create(
        [User(email=f"voter{index:05d}@{EMAIL_DOMAIN}", password=password) for index in range(count)],
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        [Membership(body=forum, user=user, role=Role.MEMBER) for user in users], batch_size=BATCH
    )
    group = role_group(forum, Role.MEMBER)
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=user.pk, group_id=group.pk) for user in users], batch_size=BATCH
    )
    keys = [new_key() for _ in users]
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=user, name="bench", prefix=key[:PREFIX_LENGTH], digest=key_digest(key))
            for user, key in zip(users, keys, strict=True)
        ],
        batch_size=BATCH,
    )
    return staff, keys


def vote_new(staff, title: str, *, secret: bool):
    """An open ranked-choice vote of the whole forum (the electorate frozen as it opens)."""
    from django.utils import timezone

    from votes.services import vote_create

    return vote_create(
        actor=staff,
        title=title,
        method="schulze",
        options=option_labels(OPTIONS),
        closes_at=timezone.now() + datetime.timedelta(hours=6),
        secret=secret,
    )


def position_rankings(ballots: list[dict], labels: list[str]) -> list[list[list[int]]]:
    """Label rankings as option positions, the form a ballot is cast in."""
    index = {label: position for position, label in enumerate(labels)}
    return [[[index[label] for label in tier] for tier in ballot["ranking"]] for ballot in ballots]


def ballots_fill(vote) -> list[dict]:
    """Every elector has voted: Participation and Ballot rows as `ballot_cast` writes them, in
    bulk; returns the ballots (with labels) in the order they were written."""
    from votes.models import Ballot, Elector, Participation
    from votes.services import ballot_content, receipt_new, receipt_sha256

    labels = option_labels(OPTIONS)
    electors = list(Elector.objects.filter(vote=vote).order_by("pk").values_list("pk", "user_id"))
    ballots = random_ballots(len(electors), labels, random.Random(SEED))
    Participation.objects.bulk_create(
        [Participation(vote=vote, elector_id=elector, cast_by_id=user) for elector, user in electors],
        batch_size=BATCH,
    )
    Ballot.objects.bulk_create(
        [
            Ballot(
                vote=vote,
                content=ballot_content(vote, option_count=len(labels), ranking=ranking),
                elector_id=None if vote.secret else elector,
                receipt_sha256=receipt_sha256(receipt_new()) if vote.secret else "",
            )
            for ranking, (elector, _user) in zip(position_rankings(ballots, labels), electors, strict=True)
        ],
        batch_size=BATCH,
    )
    return ballots


@contextmanager
def deliveries_unpublished(published: list[int]) -> Iterator[None]:
    """Email deliveries are written but not published after commit (their count goes to `published`)."""
    from notifications import services as outbox

    original = outbox.email_deliveries_queue
    outbox.email_deliveries_queue = lambda *, ids, countdown=None: published.append(len(ids))
    try:
        yield
    finally:
        outbox.email_deliveries_queue = original


# Casting ------------------------------------------------------------------------------------------


def ballot_request(vote_id: int, ranking: list[list[int]]) -> tuple[str, bytes]:
    """Where a ballot goes and what it says: the one place that knows the ballot endpoint."""
    return BALLOT_URL.format(vote=vote_id), json.dumps({"ranking": ranking}).encode()


Send = Callable[[str, str, dict, bytes], Reply]


@dataclass
class Casting:
    sample: Sample = field(default_factory=Sample)
    acknowledged: list[int] = field(default_factory=list)  # indices of the ballots answered 200/201


def cast(send: Send, vote_id: int, jobs: list[tuple[int, str, list]], *, clients: int) -> Casting:
    """Cast each (index, API key, ranking) once, from `clients` threads (this one among them)."""
    casting = Casting()
    sample = casting.sample
    lock = threading.Lock()
    pending = iter(jobs)

    def client() -> None:
        while True:
            with lock:
                job = next(pending, None)
            if job is None:
                return
            index, key, ranking = job
            path, body = ballot_request(vote_id, ranking)
            headers = {
                "Authorization": f"Token {key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            }
            started = time.perf_counter()
            try:
                reply = send("POST", path, headers, body)
            except OSError as exc:
                with lock:
                    sample.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if reply.status not in (200, 201):
                    sample.errors.append(f"HTTP {reply.status}: {reply.body[:160].decode(errors='replace')}")
                    continue
                casting.acknowledged.append(index)
                sample.latencies.append(elapsed)
                sample.sizes[len(reply.body)] += 1
                sample.queries[int(reply.header("X-Query-Count") or -1)] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients - 1)]
    for thread in threads:
        thread.start()
    client()
    for thread in threads:
        thread.join()
    sample.seconds = time.perf_counter() - started
    return casting


def children_cpu() -> float:
    """CPU seconds of ended child processes: gunicorn, and the workers it reaped."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cast_checks(vote, ballots: list[dict], acknowledged: list[int]) -> dict:
    """One stored ballot per acknowledged cast, and the live tally equal to those ballots' count."""
    from votes.counting import count
    from votes.models import Ballot, Participation, Vote
    from votes.services import vote_count

    vote = Vote.objects.get(pk=vote.pk)
    expected = count("schulze", option_labels(OPTIONS), [ballots[index] for index in acknowledged])
    live = vote_count(vote)
    checks = {
        "acknowledged": len(acknowledged),
        "participations": Participation.objects.filter(vote=vote).count(),
        "ballots": Ballot.objects.filter(vote=vote).count(),
        "tally_equals_acknowledged_ballots": live.pairwise == expected.pairwise
        and live.tiers == expected.tiers,
    }
    checks["one_ballot_per_voter"] = checks["participations"] == checks["ballots"] == len(acknowledged)
    return checks


def casting_summary(casting: Casting, electorate: int) -> dict:
    summary = casting.sample.summary()
    summary["ballots_per_second"] = summary.pop("rps", 0)
    summary["electorate"] = electorate
    summary["aim_p95_ms"] = CAST_AIM_MS
    summary["meets_aim"] = bool(casting.sample.latencies) and summary["p95_ms"] < CAST_AIM_MS
    return summary


# Closing ------------------------------------------------------------------------------------------

# What vote_close spends its time on: the functions its module calls, by name.
PHASES = [
    ("read_ballots", "votes.services.closing", "vote_ballots"),
    ("count", "votes.counting", "count"),
    ("hash", "votes.services.closing", "ballots_sha256"),
    ("notify", "votes.services.closing", "notify"),
]


@contextmanager
def phases_timed(spent: Counter) -> Iterator[None]:
    """Adds the seconds spent in each of PHASES to `spent` while active (a phase whose function
    is gone is left out)."""
    import importlib

    patched = []
    for name, module_name, attribute in PHASES:
        module = importlib.import_module(module_name)
        original = getattr(module, attribute, None)
        if original is None:
            continue

        def timed(*args, _original=original, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] += time.perf_counter() - started

        setattr(module, attribute, timed)
        patched.append((module, attribute, original))
    try:
        yield
    finally:
        for module, attribute, original in patched:
            setattr(module, attribute, original)


def close_timed(vote) -> dict:
    """Close `vote` once (as the scheduled task would at its closing time); seconds to the commit."""
    from django.db import connection

    from votes.services import vote_close

    spent: Counter = Counter()
    queries = 0

    def counter(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    published: list[int] = []
    with deliveries_unpublished(published), phases_timed(spent), connection.execute_wrapper(counter):
        started = time.perf_counter()
        closed = vote_close(vote=vote, now=vote.closes_at)
        seconds = time.perf_counter() - started
    if not closed:
        raise BenchError(f"vote #{vote.pk} did not close")
    return {
        "seconds": round(seconds, 4),
        "queries": queries,
        "phases_s": {name: round(spent[name], 4) for name, _, _ in PHASES if name in spent},
        "other_s": round(seconds - sum(spent.values()), 4),
        "emails_left_unpublished": sum(published),
    }


def closing_summary(runs: list[dict], ballots: int) -> dict:
    seconds = [run["seconds"] for run in runs]
    median = statistics.median(seconds)
    notify = statistics.median(run["phases_s"].get("notify", 0.0) for run in runs)
    return {
        "ballots": ballots,
        "options": OPTIONS,
        "runs": runs,
        "median_s": round(median, 4),
        "fastest_s": round(min(seconds), 4),
        "median_without_notify_s": round(
            statistics.median(r["seconds"] - r["phases_s"].get("notify", 0.0) for r in runs), 4
        ),
        "median_notify_s": round(notify, 4),
        "aim_s": CLOSE_AIM_S,
        "meets_aim": median < CLOSE_AIM_S,
    }


def recount_checks(vote, path: Path) -> dict:
    """The export, recounted from its file, gives the stored order, matrix and ballots_sha256."""
    from votes.export import count_export, load_export
    from votes.models import Vote

    stored = Vote.objects.get(pk=vote.pk).result
    recount = count_export(load_export(path)).result.as_dict()
    document = json.loads(path.read_text(encoding="utf-8"))
    return {
        "ballots_sha256_equals_stored": document["ballots_sha256"] == stored["ballots_sha256"],
        "order_equals_stored": recount["order"] == stored["order"],
        "pairwise_equals_stored": recount["pairwise"] == stored["pairwise"],
    }


# The run ----------------------------------------------------------------------------------------


def measure_all(env: dict, workdir: Path, database: str) -> dict:
    from votes.models import Elector

    started = time.perf_counter()
    published: list[int] = []
    with deliveries_unpublished(published):
        staff, keys = voters_create(VOTERS)
        vote = vote_new(staff, "Benchmark: Stimmabgabe", secret=True)
    electorate = Elector.objects.filter(vote=vote).count()
    seconds = time.perf_counter() - started
    log(f"{VOTERS} voters with API keys, an open vote for {electorate} of them: {seconds:.1f} s")

    labels = option_labels(OPTIONS)
    ballots = random_ballots(len(keys), labels, random.Random(SEED))
    jobs = list(zip(range(len(keys)), keys, position_rankings(ballots, labels), strict=True))
    port = free_port()
    gunicorn = None
    warm = casting = Casting()
    server_cpu, client_cpu = children_cpu(), time.process_time()
    try:
        with open(workdir / "gunicorn.log", "w") as logfile:
            gunicorn = start_gunicorn(env, port, logfile, ready_path="/bench/bare/?size=10")
            log(f"gunicorn ({WORKERS} workers) on http://127.0.0.1:{port}/, {database}")
            send = partial(fetch, port)
            warm = cast(send, vote.pk, jobs[:WARMUP], clients=CLIENTS)
            if warm.sample.errors:
                raise BenchError(f"casting failed while warming up: {warm.sample.errors[:3]}")
            casting = cast(send, vote.pk, jobs[WARMUP:], clients=CLIENTS)
            client_cpu = time.process_time() - client_cpu
    finally:
        stop_gunicorn(gunicorn)
        if gunicorn is not None and (gunicorn.returncode or warm.sample.errors or casting.sample.errors):
            print((workdir / "gunicorn.log").read_text()[-4000:], file=sys.stderr)
    server_cpu = children_cpu() - server_cpu
    casting_result = casting_summary(casting, electorate)
    requests = len(warm.sample.latencies) + len(casting.sample.latencies)
    # CPU per ballot does not depend on what else the machine runs; the database server's is not in it.
    casting_result["server_cpu_ms_per_ballot"] = round(server_cpu * 1000 / max(requests, 1), 2)
    casting_result["client_cpu_ms_per_ballot"] = round(client_cpu * 1000 / max(requests, 1), 2)
    casting_result["checks"] = cast_checks(vote, ballots, warm.acknowledged + casting.acknowledged)
    log(
        f"cast {casting_result['requests']} ballots: {casting_result['ballots_per_second']} per second, "
        f"p95 {casting_result.get('p95_ms', '-')} ms, {casting_result['errors']} errors "
        f"{casting_result['error_samples'][:3]}"
    )

    runs, closed = [], None
    for number in range(1, CLOSE_RUNS + 1):
        with deliveries_unpublished(published):
            closed = vote_new(staff, f"Benchmark: Schließen {number}", secret=False)
        ballots_closed = ballots_fill(closed)
        runs.append(close_timed(closed))
        log(f"closed vote {number} of {CLOSE_RUNS}: {runs[-1]['seconds']:.3f} s")
    closing_result = closing_summary(runs, len(ballots_closed))

    from votes.services import vote_export

    closed.refresh_from_db()
    path = workdir / "export.json"
    path.write_text(json.dumps(vote_export(closed), ensure_ascii=False), encoding="utf-8")
    recount = count_measure(path, runs=COUNT_RUNS, process_runs=3)
    recount["checks"] = recount_checks(closed, path)
    return {"casting": casting_result, "closing": closing_result, "recount": recount}


def failures(result: dict) -> list[str]:
    problems = []
    casting = result["casting"]
    if casting["errors"]:
        problems.append(f"{casting['errors']} ballots failed: {casting['error_samples']}")
    problems += [f"casting: {name} does not hold" for name, ok in casting["checks"].items() if ok is False]
    problems += [
        f"recount: {name} does not hold" for name, ok in result["recount"]["checks"].items() if not ok
    ]
    if not result["recount"]["agrees_with_plain_reference"]:
        problems.append("recount: the count disagrees with the plain reference")
    return problems


def table(result: dict) -> str:
    casting, closing, recount = result["casting"], result["closing"], result["recount"]
    config = result["config"]
    reached = {True: "reached", False: "MISSED"}
    lines = [
        f"Forum votes ({result['database']}, {VOTERS} voters, {OPTIONS} options; {WORKERS} gunicorn "
        f"workers, {CLIENTS} client threads; load average {config['load_average_at_end'][0]:.1f} "
        f"on {config['cpus']} cores)",
        f"Casting over HTTP ({BALLOT_URL}): {casting['requests']} ballots, "
        f"{casting['ballots_per_second']} per second, median {casting.get('median_ms', '-')} ms, "
        f"p95 {casting.get('p95_ms', '-')} ms ({casting.get('queries', '-')} queries each); "
        f"aim p95 < {CAST_AIM_MS:.0f} ms {reached[casting['meets_aim']]}",
        f"  CPU per ballot: gunicorn {casting.get('server_cpu_ms_per_ballot', '-')} ms (start-up included), "
        f"client {casting.get('client_cpu_ms_per_ballot', '-')} ms",
        f"  checks: {', '.join(f'{k} {v}' for k, v in casting['checks'].items())}",
        f"Closing ({closing['ballots']} ballots, {len(closing['runs'])} votes) to the commit: "
        f"median {closing['median_s']:.3f} s, fastest {closing['fastest_s']:.3f} s; "
        f"aim < {CLOSE_AIM_S:.0f} s {reached[closing['meets_aim']]}",
    ]
    for number, run in enumerate(closing["runs"], start=1):
        phases = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in run["phases_s"].items())
        lines.append(
            f"  vote {number}: {run['seconds'] * 1000:.0f} ms = {phases}, other {run['other_s'] * 1000:.0f} "
            f"(ms); {run['queries']} queries"
        )
    lines.append(f"  without notifying the electorate: median {closing['median_without_notify_s']:.3f} s")
    lines.append(f"Recount of the closed vote's export ({recount['file_bytes'] / 1e6:.1f} MB):")
    lines += [f"  {line}" for line in count_verdicts(recount)]
    lines.append(f"  checks: {', '.join(f'{k} {v}' for k, v in recount['checks'].items())}")
    return "\n".join(lines)


def run_config() -> dict:
    return {
        "voters": VOTERS,
        "options": OPTIONS,
        "gunicorn_workers": WORKERS,
        "client_threads": CLIENTS,
        "warm_up_ballots": WARMUP,
        "ballot_url": BALLOT_URL,
        "close_runs": CLOSE_RUNS,
        "count_runs": COUNT_RUNS,
        "load_average_at_end": os.getloadavg(),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if (
        VOTERS < WARMUP + 1
        or not 2 <= OPTIONS <= 30
        or CLOSE_RUNS < 1
        or COUNT_RUNS < 1
        or not 1 <= CLIENTS <= 16
    ):
        sys.exit(
            f"BENCH_VOTERS must be above {WARMUP}, BENCH_VOTE_OPTIONS 2-30, BENCH_CLOSE_RUNS and "
            "BENCH_COUNT_RUNS at least 1, BENCH_CLIENTS 1-16."
        )
    started_at = datetime.datetime.now(datetime.UTC)
    workdir = Path(tempfile.mkdtemp(prefix="aachen-bench-votes-"))
    server_url = os.environ.get("DATABASE_URL", "").strip()
    scratch = None
    try:
        env, database, scratch = scratch_env(workdir, server_url, "votes", DJANGO_BENCH_VIEWS="1")
        manage(env, "migrate", "--noinput")
        setup_django({**env, "DJANGO_LOG_LEVEL": "WARNING"})
        result = {
            "started_at": started_at.isoformat(timespec="seconds"),
            "database": database,
            **measure_all(env, workdir, database),
        }
        from django.db import connections

        connections.close_all()
    except BenchError as exc:
        log(f"failed: {exc}")
        return 1
    finally:
        if scratch:
            scratch_drop(server_url, scratch)
        shutil.rmtree(workdir, ignore_errors=True)

    result["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    result["config"] = run_config()
    print()
    print(table(result))
    problems = failures(result)
    for problem in problems:
        log(f"check failed: {problem}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"votes_forum-{result['database']}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    log(f"written bench/results/{name}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
