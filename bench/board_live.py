"""`make bench`, the live board and the light board: what open boards cost while nothing happens,
and a board of 50 cards beside one of 500.

In a database of its own (PostgreSQL `<DATABASE_URL's name>_board` on the server of DATABASE_URL,
created and dropped again, else a temporary SQLite file) it writes a working group with a member
and two projects: one board of 50 cards (8 open, 4 in progress, 38 done) and one of 500 (8, 4,
488 done: what years of finished work leave behind). Then, with the production settings:

1. In process (Django's test Client, the whole middleware stack, a real session; the fastest of
   BENCH_LIVE_REPEATS requests after a warm-up, its queries, and the least CPU time of all):
   - the question an open board asks every few seconds (`projects:board_live` with the board's
     ETag) while nothing changed: "304 Not Modified";
   - the same question after a change: the new board fragment (every open board asks it once);
   - the board page of 50 and of 500 cards: HTML bytes, server and CPU time, queries.
2. Over HTTP against gunicorn (BENCH_WORKERS sync workers, 2), signed in as the member:
   - BENCH_LIVE_BOARDS (100) idle open boards, each asking at the board's interval
     (projects.views.BOARD_POLL_MS) with its own phase, for BENCH_LIVE_SECONDS (30): the
     answers' latency and the CPU time the gunicorn workers spent meanwhile, as a fraction of
     one worker (one process's core time per second); the database server's own CPU is not in
     it (SQLite runs inside the workers, so there it is);
   - how many of those 304 answers the workers give per second flat out (BENCH_CLIENTS threads),
     and so how many open boards one worker could carry at the interval;
   - a worker's resident memory: what each open connection would hold if the boards listened to
     server-sent events from sync workers (one worker per connection) instead.

Prints a table; writes bench/results/board_live-<sqlite|postgresql>.json. Exits 1 when a request
fails or an answer is not what it should be (a missed aim is reported, not an error).
"""

import datetime
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from run import (
    RESULTS,
    BenchError,
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

BOARDS = int(env_float("BENCH_LIVE_BOARDS", 100))
SECONDS = env_float("BENCH_LIVE_SECONDS", 30.0)
REPEATS = int(env_float("BENCH_LIVE_REPEATS", 200))
PAGE_REPEATS = int(env_float("BENCH_SERVER_REPEATS", 30))
WORKERS = int(env_float("BENCH_WORKERS", 2))
CLIENTS = int(env_float("BENCH_CLIENTS", 3))
WARMUP = 5
PASSWORD = "aachen2015"
# Open, in progress, done: the open columns about the same, done piled up.
BOARD_SHAPES = {"50 cards": (8, 4, 38), "500 cards": (8, 4, 488)}
AIM_FRACTION = 0.20  # "100 open boards must cost a small fraction of one worker": at most a fifth
AIM_SIZE = 1.5  # a board of 500 cards within 1.5 times the HTML and time of one of 50


# The dataset ------------------------------------------------------------------------------------


def dataset() -> dict:
    """A working group with a chair and a member, and one project for each board shape."""
    import notifications.services
    from accounts.models import User
    from projects.models import Project, Task
    from projects.services import board_changed, project_create
    from workgroups.models import Body, Role
    from workgroups.services import body_create, membership_add

    # The e-mails are the worker's business after commit; nothing is queued here.
    notifications.services.email_deliveries_queue = lambda **kwargs: None
    notifications.services.digest_queue = lambda **kwargs: None
    forum = body_create(kind=Body.Kind.FORUM, name="Forum", slug="forum")
    steering = body_create(kind=Body.Kind.STEERING_TEAM, name="Steuerteam", slug="st", parent=forum)
    group = body_create(kind=Body.Kind.WORKING_GROUP, name="AG Board", slug="ag-board", parent=steering)
    people = {}
    for role in (Role.CHAIR, Role.MEMBER):
        people[role] = User.objects.create_user(
            email=f"{role}@board.example.org", password=PASSWORD, first_name=role.title(), last_name="Board"
        )
        membership_add(body=group, user=people[role], role=role)
    boards = {}
    for name, shape in BOARD_SHAPES.items():
        project = project_create(
            workgroup=group, actor=people[Role.CHAIR], title=f"Board {name}", summary="Benchmark"
        )
        Task.objects.filter(project=project).delete()  # the workflow's first tasks: the shape decides
        tasks = []
        for status, count in zip(Task.Status.values, shape, strict=True):
            tasks += [
                Task(
                    project=project,
                    title=f"{Task.Status(status).label}: Aufgabe {i} mit einem Titel mittlerer Länge",
                    description="Protokoll der Sitzung",
                    status=status,
                    position=i,
                    assignee=people[Role.MEMBER] if i % 2 else people[Role.CHAIR],
                    due_date=datetime.date(2026, 6, 24) if i % 3 else None,
                )
                for i in range(1, count + 1)
            ]
        Task.objects.bulk_create(tasks)
        board_changed(project.pk)
        boards[name] = Project.objects.get(pk=project.pk).pk
    return {"member": people[Role.MEMBER].email, "boards": boards}


# In process -------------------------------------------------------------------------------------


def _timed(client, path: str, headers: dict) -> tuple[float, float, int, int, bytes]:
    """(seconds, CPU seconds, statements, status, body) of one request through the test Client."""
    from django.db import connection

    count = 0

    def counted(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path, **headers)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu, count, response.status_code, response.content


def best_of(client, path: str, headers: dict, repeats: int, status: int) -> dict:
    runs = [_timed(client, path, headers) for _ in range(WARMUP + repeats)][WARMUP:]
    statuses = sorted({run[3] for run in runs})
    if statuses != [status]:
        raise BenchError(f"GET {path} answered {statuses}, expected {status}")
    best = min(runs, key=lambda run: run[0])
    return {
        "server_ms": round(best[0] * 1000, 3),
        "median_server_ms": round(statistics.median(run[0] for run in runs) * 1000, 3),
        "cpu_ms": round(min(run[1] for run in runs) * 1000, 3),
        "queries": best[2],
        "queries_constant": len({run[2] for run in runs}) == 1,
        "bytes": len(best[4]),
        "repeats": repeats,
    }


def in_process(targets: dict) -> tuple[dict, dict]:
    """The figures in process, and the session cookie and ETags the HTTP part asks with."""
    import re

    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    host = (settings.ALLOWED_HOSTS or ["127.0.0.1"])[0]
    client = Client(SERVER_NAME=host, HTTP_HOST=host)
    client.force_login(User.objects.get(email=targets["member"]))
    results, etags = {}, {}
    for name, pk in targets["boards"].items():
        page = best_of(client, f"/projects/{pk}/board/", {}, PAGE_REPEATS, 200)
        html = client.get(f"/projects/{pk}/board/").content.decode()
        etags[name] = re.search(r'data-board-etag="([^"]+)"', html).group(1).replace("&quot;", '"')
        live = f"/projects/{pk}/board/live/"
        unchanged = best_of(client, live, {"HTTP_IF_NONE_MATCH": etags[name]}, REPEATS, 304)
        changed = best_of(client, live, {"HTTP_IF_NONE_MATCH": '"an-older-board"'}, PAGE_REPEATS, 200)
        results[name] = {"board page": page, "304 unchanged": unchanged, "200 changed": changed}
        log(
            f"in process, board of {name}: page {page['server_ms']:.1f} ms / {page['bytes']} bytes / "
            f"{page['queries']} queries; 304 {unchanged['server_ms']:.2f} ms, "
            f"{unchanged['queries']} queries; "
            f"new fragment {changed['server_ms']:.1f} ms"
        )
    return results, {"cookie": f"sessionid={client.cookies['sessionid'].value}", "etags": etags}


# Over HTTP --------------------------------------------------------------------------------------


def _worker_processes(master_pid: int):
    import psutil

    return psutil.Process(master_pid).children()


def _cpu_seconds(processes) -> float:
    total = 0.0
    for process in processes:
        times = process.cpu_times()
        total += times.user + times.system
    return total


def _asked(master_pid: int, asker, *, threads: int, timeout: float) -> tuple[float, float]:
    """Run `asker` in `threads` threads until they end; the wall time and the CPU seconds the
    gunicorn workers spent meanwhile."""
    workers = _worker_processes(master_pid)
    cpu_before = _cpu_seconds(workers)
    wall = time.perf_counter()
    running = [threading.Thread(target=asker, daemon=True) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(timeout=timeout)
    return time.perf_counter() - wall, _cpu_seconds(workers) - cpu_before


def idle_boards(port: int, master_pid: int, path: str, headers: dict, interval: float) -> dict:
    """BOARDS boards asking every `interval` seconds, each with its own phase, for SECONDS."""
    rng = random.Random(13)
    start = time.monotonic() + 0.5
    schedule = sorted(
        start + phase + k * interval
        for phase in (rng.uniform(0, interval) for _ in range(BOARDS))
        for k in range(int(SECONDS / interval) + 1)
        if phase + k * interval < SECONDS
    )
    lock = threading.Lock()
    latencies, errors = [], []
    position = 0

    def asker() -> None:
        nonlocal position
        while True:
            with lock:
                if position >= len(schedule) or len(errors) > 20:
                    return
                due = schedule[position]
                position += 1
            time.sleep(max(0.0, due - time.monotonic()))
            started = time.perf_counter()
            try:
                reply = fetch(port, "GET", path, headers)
            except OSError as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if reply.status != 304 or reply.body:
                    errors.append(f"HTTP {reply.status}")
                else:
                    latencies.append(elapsed)

    wall, cpu = _asked(master_pid, asker, threads=8, timeout=SECONDS + 120)
    if errors:
        raise BenchError(f"idle boards: {len(errors)} failed answers, e.g. {errors[:3]}")
    ordered = sorted(latencies)
    return {
        "boards": BOARDS,
        "interval_s": interval,
        "seconds": round(wall, 1),
        "requests": len(ordered),
        "rps": round(len(ordered) / wall, 1),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 2),
        "worker_cpu_s": round(cpu, 3),
        "worker_cpu_ms_per_answer": round(cpu * 1000 / max(len(ordered), 1), 3),
        # One worker is one process: its whole capacity is one second of CPU each second.
        "fraction_of_one_worker": round(cpu / wall, 4),
        # A sync worker is taken for the whole request, waits for the database included: at most
        # the time the clients waited (their own scheduling on a busy machine is in it too).
        "occupancy_upper_bound": round(sum(ordered) / wall, 4),
    }


def flat_out(port: int, master_pid: int, path: str, headers: dict, seconds: float, status: int = 304) -> dict:
    """Answers per second from CLIENTS threads asking without pause."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    done, errors = [0], []

    def asker() -> None:
        while time.monotonic() < deadline and len(errors) <= 20:
            try:
                reply = fetch(port, "GET", path, headers)
            except OSError as exc:
                errors.append(str(exc))
                continue
            with lock:
                if reply.status == status:
                    done[0] += 1
                else:
                    errors.append(f"HTTP {reply.status}")

    wall, cpu = _asked(master_pid, asker, threads=CLIENTS, timeout=seconds + 60)
    if errors:
        raise BenchError(f"flat out: {len(errors)} failed answers, e.g. {errors[:3]}")
    return {
        "workers": WORKERS,
        "clients": CLIENTS,
        "rps": round(done[0] / wall, 1),
        "worker_cpu_ms_per_answer": round(cpu * 1000 / max(done[0], 1), 3),
    }


def over_http(env: dict, workdir: Path, targets: dict, auth: dict, interval: float) -> dict:
    port = free_port()
    gunicorn = None
    pk = targets["boards"]["500 cards"]
    path = f"/projects/{pk}/board/live/?open=8&in_progress=4&done=20"
    headers = {"Cookie": auth["cookie"], "If-None-Match": auth["etags"]["500 cards"], "HX-Request": "true"}
    try:
        with open(workdir / "gunicorn.log", "w") as logfile:
            gunicorn = start_gunicorn(env, port, logfile, ready_path="/bench/bare/?size=10")
            log(f"gunicorn ({WORKERS} workers) on http://127.0.0.1:{port}/")
            for _ in range(WARMUP * WORKERS * 4):
                reply = fetch(port, "GET", path, headers)
                if reply.status != 304:
                    raise BenchError(
                        f"GET {path} answered {reply.status}, expected 304: {reply.body[:300]!r}"
                    )
            idle = idle_boards(port, gunicorn.pid, path, headers, interval)
            log(
                f"{idle['boards']} idle boards every {interval:g} s: {idle['rps']} answers/s, median "
                f"{idle['median_ms']} ms, workers' CPU {idle['fraction_of_one_worker']:.1%} of one worker"
            )
            flat = flat_out(port, gunicorn.pid, path, headers, min(SECONDS, 15.0))
            flat["boards_per_worker"] = int(flat["rps"] / WORKERS * interval)
            # The same flat out against a Django view without database, session or template.
            bare = flat_out(port, gunicorn.pid, "/bench/bare/?size=10", {}, min(SECONDS, 15.0), status=200)
            flat["bare_rps"] = bare["rps"]
            flat["bare_worker_cpu_ms_per_answer"] = bare["worker_cpu_ms_per_answer"]
            log(
                f"flat out: {flat['rps']} answers/s from {WORKERS} workers, "
                f"{flat['boards_per_worker']} boards a worker"
            )
            rss = [process.memory_info().rss for process in _worker_processes(gunicorn.pid)]
    finally:
        stop_gunicorn(gunicorn)
        if gunicorn is not None and gunicorn.returncode:
            print((workdir / "gunicorn.log").read_text()[-4000:], file=sys.stderr)
    worker_mb = round(statistics.median(rss) / 2**20, 1)
    return {
        "idle_boards": idle,
        "flat_out": flat,
        "worker_rss_mb": worker_mb,
        # Server-sent events from sync workers: each open board holds a worker for as long as it is open.
        "sse_sync_workers_for_100_boards_mb": round(100 * worker_mb),
    }


# The run ----------------------------------------------------------------------------------------


def table(result: dict) -> str:
    inproc, http = result["in_process"], result["http"]
    small, large = inproc["50 cards"], inproc["500 cards"]
    idle, flat = http["idle_boards"], http["flat_out"]
    size = large["board page"]["bytes"] / small["board page"]["bytes"]
    time_ratio = large["board page"]["server_ms"] / small["board page"]["server_ms"]
    lines = [
        f"Live board and light board ({result['database']})",
        f"{'':<44} {'50 cards':>12} {'500 cards':>12}",
        f"{'board page: bytes':<44} {small['board page']['bytes']:>12} {large['board page']['bytes']:>12}"
        f"  ratio {size:.2f} (aim ≤ {AIM_SIZE})",
        f"{'board page: server / CPU ms (fastest, least)':<44} "
        f"{small['board page']['server_ms']:>5.1f} / {small['board page']['cpu_ms']:<4.1f} "
        f"{large['board page']['server_ms']:>5.1f} / {large['board page']['cpu_ms']:<4.1f}"
        f"  ratio {time_ratio:.2f} (aim ≤ {AIM_SIZE})",
        f"{'board page: queries':<44} {small['board page']['queries']:>12} "
        f"{large['board page']['queries']:>12}",
        f"{'304 (nothing changed): server / CPU ms':<44} "
        f"{small['304 unchanged']['server_ms']:>5.2f} / {small['304 unchanged']['cpu_ms']:<4.2f} "
        f"{large['304 unchanged']['server_ms']:>5.2f} / {large['304 unchanged']['cpu_ms']:<4.2f}",
        f"{'304: queries':<44} {small['304 unchanged']['queries']:>12} "
        f"{large['304 unchanged']['queries']:>12}",
        f"{'200 (changed): new board fragment, server ms':<44} "
        f"{small['200 changed']['server_ms']:>12.1f} {large['200 changed']['server_ms']:>12.1f}",
        "",
        f"Over HTTP, gunicorn {flat['workers']} sync workers:",
        f"  {idle['boards']} idle boards asking every {idle['interval_s']:g} s: {idle['rps']} answers/s, "
        f"median {idle['median_ms']} ms, p95 {idle['p95_ms']} ms",
        f"  workers' CPU: {idle['worker_cpu_ms_per_answer']} ms an answer, "
        f"{idle['fraction_of_one_worker']:.1%} of one worker (aim ≤ {AIM_FRACTION:.0%}); "
        f"taken at most {idle['occupancy_upper_bound']:.1%} of one worker's time",
        f"  flat out: {flat['rps']} answers/s ({flat['worker_cpu_ms_per_answer']} ms CPU each): "
        f"one worker carries about {flat['boards_per_worker']} open boards",
        f"  the bare Django view flat out: {flat['bare_rps']} answers/s "
        f"({flat['bare_worker_cpu_ms_per_answer']} ms CPU each)",
        f"  a worker's memory: {http['worker_rss_mb']} MB; server-sent events from sync workers would "
        f"hold 100 workers for 100 boards (about {http['sse_sync_workers_for_100_boards_mb']} MB)",
    ]
    return "\n".join(lines)


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if BOARDS < 1 or SECONDS < 5 or REPEATS < 1 or not 1 <= CLIENTS <= 16:
        sys.exit(
            "BENCH_LIVE_BOARDS and BENCH_LIVE_REPEATS at least 1, BENCH_LIVE_SECONDS at least 5, "
            "BENCH_CLIENTS 1-16."
        )
    started_at = datetime.datetime.now(datetime.UTC)
    workdir = Path(tempfile.mkdtemp(prefix="aachen-bench-board-"))
    server_url = os.environ.get("DATABASE_URL", "").strip()
    scratch = None
    try:
        env, database, scratch = scratch_env(workdir, server_url, "board", DJANGO_BENCH_VIEWS="1")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        setup_django({**env, "DJANGO_LOG_LEVEL": "WARNING"})
        from django.db import connections

        from projects.views import BOARD_POLL_MS

        targets = dataset()
        log(f"boards of {', '.join(BOARD_SHAPES)} for {targets['member']}")
        inproc, auth = in_process(targets)
        connections.close_all()
        result = {
            "started_at": started_at.isoformat(timespec="seconds"),
            "database": database,
            "in_process": inproc,
            "http": over_http(env, workdir, targets, auth, BOARD_POLL_MS / 1000),
        }
    except BenchError as exc:
        log(f"failed: {exc}")
        return 1
    finally:
        if scratch:
            scratch_drop(server_url, scratch)
        shutil.rmtree(workdir, ignore_errors=True)
    result["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    result["config"] = {
        "boards": BOARDS,
        "seconds": SECONDS,
        "repeats": REPEATS,
        "page_repeats": PAGE_REPEATS,
        "workers": WORKERS,
        "clients": CLIENTS,
        "load_average": os.getloadavg(),
    }
    print()
    print(table(result))
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"board_live-{database}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    log(f"written bench/results/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
