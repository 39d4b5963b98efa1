"""`make soak` (and the last part of `make bench` in services mode): members at work while things break.

Starts a stack of its own on 127.0.0.1 — a private redis-server (append-only, like the compose
file's), gunicorn with the compose file's worker count in production mode, Celery workers with
the compose file's concurrency and beat, an SMTP sink that records every message by its
X-Notification-Id — on a fresh PostgreSQL database loaded with `seed_load`. Then SOAK_USERS
simulated members (locust, headless) work for SOAK_SECONDS: boards, new and moved tasks,
comments, workflow steps, the notification bell. Meanwhile one Celery worker is SIGKILLed (a
third of the way in) and Redis is stopped for SOAK_REDIS_DOWN_SECONDS (from half-way); a
supervisor restarts whatever exits, as docker-compose's restart policy would.

At the end it waits (at most SOAK_DRAIN_SECONDS) for the outbox to drain and checks: every write
acknowledged to a client is in the database exactly once (by the marker it carries), every email
delivery arrived at the sink exactly once, and the worker count is back to normal. Prints a table
and writes bench/results/soak-<timestamp>.json and bench/results/soak.json. Exits 1 when a check fails.

Knobs: SOAK_SECONDS (300), SOAK_USERS (50), SOAK_SCALE (0.25, the seed_load scale),
SOAK_REDIS_DOWN_SECONDS (30), SOAK_CELERY_WORKERS (2 worker nodes), SOAK_DRAIN_SECONDS (420),
SOAK_SPAWN_RATE (1 new member a second: signing in hashes a password), SOAK_WAIT_MIN and
SOAK_WAIT_MAX (2 and 10 s between a member's actions),
SOAK_DB_NAME (<DATABASE_URL's name>_soak), SOAK_KEEP_LOGS=1 keeps the processes' logs.
"""

import datetime
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from soak_db import (
    ROOT,
    VAR_DIR,
    SoakError,
    collect,
    collect_static,
    drain,
    manage,
    pick_people,
    setup_django,
    soak_database,
)
from soak_faults import Faults, Monitor, fault_report
from soak_report import summarise, table, verdict, verify_deliveries, verify_moves, verify_writes
from soak_stack import (
    Managed,
    Redis,
    Sink,
    Supervisor,
    compose_settings,
    free_port,
    log,
    python_command,
    wait_for,
)

RESULTS = ROOT / "bench" / "results"


def knob(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        sys.exit(f"{name} must be a number; got {raw!r}.")


SECONDS = knob("SOAK_SECONDS", 300)
USERS = int(knob("SOAK_USERS", 50))
SCALE = knob("SOAK_SCALE", 0.25)
REDIS_DOWN = knob("SOAK_REDIS_DOWN_SECONDS", 30)
CELERY_WORKERS = int(knob("SOAK_CELERY_WORKERS", 2))
DRAIN = knob("SOAK_DRAIN_SECONDS", 420)
SPAWN_RATE = knob("SOAK_SPAWN_RATE", 1)
KEEP_LOGS = os.environ.get("SOAK_KEEP_LOGS", "") in {"1", "true", "yes"}


def start_gunicorn(env: dict, port: int, workers: int, workdir: Path) -> Managed:
    # As the compose file's web service runs it, on loopback.
    gunicorn = Managed(
        "gunicorn",
        python_command(
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ),
        env,
        workdir,
        workdir / "gunicorn.log",
    )
    gunicorn.start()

    def answers() -> bool:
        if not gunicorn.alive():
            raise SoakError(f"gunicorn exited at start (log: {gunicorn.logfile})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as reply:
                return reply.status == 200
        except OSError:
            return False

    wait_for(answers, timeout=90, what="gunicorn")
    return gunicorn


def run_locust(env: dict, port: int, people_file: Path, request_log: Path, workdir: Path) -> int:
    command = python_command(
        "locust",
        "-f",
        str(ROOT / "bench" / "soak_locustfile.py"),
        "--headless",
        "--users",
        str(USERS),
        "--spawn-rate",
        f"{SPAWN_RATE:g}",
        "--run-time",
        f"{int(SECONDS)}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--stop-timeout",
        "30",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    )
    locust_env = {**env, "SOAK_PEOPLE": str(people_file), "SOAK_REQUEST_LOG": str(request_log)}
    with open(workdir / "locust.log", "w") as out:
        process = subprocess.Popen(
            command, cwd=workdir, env=locust_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            return process.wait(timeout=SECONDS + 120)
        except subprocess.TimeoutExpired:
            log("locust overran its time: stopping it")
            return -1
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server_url = os.environ.get("DATABASE_URL", "").strip()
    if not server_url:
        log("services mode only: set DATABASE_URL (PostgreSQL); the soak starts its own Redis")
        return 2
    if not shutil.which("redis-server"):
        log("needs redis-server on PATH (it runs a private one, which it stops on purpose)")
        return 2
    if SECONDS < 20 or not 1 <= USERS <= 500 or REDIS_DOWN <= 0 or CELERY_WORKERS < 2:
        sys.exit(
            "SOAK_SECONDS at least 20, SOAK_USERS 1-500, SOAK_REDIS_DOWN_SECONDS above 0, "
            "SOAK_CELERY_WORKERS at least 2 (one is killed)."
        )
    started_at = datetime.datetime.now(datetime.UTC)
    run = secrets.token_hex(4)
    workdir = Path(tempfile.mkdtemp(prefix="aachen-soak-"))
    compose = compose_settings(ROOT / "docker-compose.yml")
    redis, sink, supervisor, monitor, faults = None, None, None, None, None
    managed: list[Managed] = []
    ok = False
    try:
        database_url = soak_database(server_url)
        redis = Redis(workdir)
        redis.start()
        sink = Sink()
        sink.start()
        port = free_port()
        base = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_VAR_DIR": str(VAR_DIR),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "0",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        dev = {**base, "DJANGO_DEBUG": "1"}
        prod = {
            **base,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback; a TLS proxy would sit in front in production.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
        }
        manage(dev, "migrate", "--noinput")
        seed_output = manage(dev, "seed_load", "--scale", f"{SCALE:g}")
        collect_static(prod)
        setup_django(prod)
        people = pick_people(run, USERS)
        people_file = workdir / "people.json"
        people_file.write_text(json.dumps(people))

        managed.append(start_gunicorn(prod, port, compose["gunicorn_workers"], workdir))
        workers = [
            Managed(
                f"worker{i}",
                python_command(
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--loglevel=INFO",
                    f"--concurrency={compose['celery_concurrency']}",
                    f"--hostname=soak{i}@%h",
                ),
                prod,
                workdir,
                workdir / f"worker{i}.log",
            )
            for i in range(CELERY_WORKERS)
        ]
        beat = Managed(
            "beat",
            python_command("celery", "-A", "config", "beat", "--loglevel=INFO"),
            prod,
            workdir,
            workdir / "beat.log",
        )
        for process in [*workers, beat]:
            process.start()
            managed.append(process)
        supervisor = Supervisor(managed)
        supervisor.start()
        monitor = Monitor(redis)
        wait_for(
            lambda: monitor.workers_answering() == CELERY_WORKERS,
            timeout=120,
            what="Celery workers",
            interval=1,
        )
        log(
            f"stack up: gunicorn ({compose['gunicorn_workers']} workers) on 127.0.0.1:{port}, "
            f"{CELERY_WORKERS} Celery workers x {compose['celery_concurrency']}, beat, Redis :{redis.port}, "
            f"SMTP sink :{sink.port}"
        )
        monitor.start()

        request_log = workdir / "requests.jsonl"
        faults = Faults(
            workers=workers, redis=redis, supervisor=supervisor, seconds=SECONDS, redis_down=REDIS_DOWN
        )
        log(
            f"{USERS} members for {SECONDS:g} s (locust); worker kill at {faults.kill_at:.0f} s, "
            f"Redis down at {faults.redis_at:.0f} s for {REDIS_DOWN:g} s"
        )
        t0 = time.time()
        faults.start(t0)
        locust_code = run_locust(prod, port, people_file, request_log, workdir)
        faults.stop()
        load_seconds = time.time() - t0
        log(f"load finished after {load_seconds:.0f} s (locust exit {locust_code}); waiting for the outbox")
        drained = drain(sink, bound=DRAIN)
        at_end = monitor.workers_answering()
        monitor.stop()
        supervisor.stop()

        records = [json.loads(line) for line in request_log.read_text().splitlines() if line.strip()]
        found = collect(run, records, sink)
        received = sink.snapshot()
        ev = faults.events
        # Signing in hashes each member's password (form, later the API token): the ramp-up is its own window.
        phases = [{"name": "ramp-up", "start": t0, "end": t0 + USERS / SPAWN_RATE}]
        if "worker_killed" in ev:
            back = (
                monitor.first_normal_after(ev["worker_killed"] + 0.5, CELERY_WORKERS)
                or ev["worker_killed"] + 30
            )
            phases.append({"name": "worker killed", "start": ev["worker_killed"], "end": back})
        if "redis_stopped" in ev and "redis_started" in ev:
            phases.append({"name": "redis down", "start": ev["redis_stopped"], "end": ev["redis_started"]})
            phases.append(
                {
                    "name": "redis back, first 30 s",
                    "start": ev["redis_started"],
                    "end": ev["redis_started"] + 30,
                }
            )
        # A window ends where the next one begins, so each request is counted once, in the latest.
        for current, following in zip(phases, phases[1:], strict=False):
            current["end"] = min(current["end"], following["start"])
        exits = [e for m in managed for e in m.exits]
        report = {
            "load": summarise(records, phases),
            "writes": verify_writes(records, found["stored"]),
            "moves": verify_moves(records, found["tasks"]),
            "deliveries": verify_deliveries(found["deliveries"], received, found["caused"]),
            "workers": {
                "expected": CELERY_WORKERS,
                "at_end": at_end,
                "back_to_normal": at_end == CELERY_WORKERS,
                "exits": exits,
                "restarts": sum(m.restarts for m in managed),
            },
            "faults": fault_report(faults, monitor, supervisor, CELERY_WORKERS),
        }
        problems = verdict(report)
        ok = not problems
        print()
        print(table(report))
        result = {
            "started_at": started_at.isoformat(timespec="seconds"),
            "finished_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "run": run,
            "passed": ok,
            "problems": problems,
            "config": {
                "seconds": SECONDS,
                "load_seconds": round(load_seconds, 1),
                "users": USERS,
                "scale": SCALE,
                "spawn_rate": SPAWN_RATE,
                "redis_down_seconds": REDIS_DOWN,
                "gunicorn_workers": compose["gunicorn_workers"],
                "celery_workers": CELERY_WORKERS,
                "celery_concurrency": compose["celery_concurrency"],
                "cpus": os.cpu_count(),
                "load_average_at_end": os.getloadavg(),
                "python": sys.version.split()[0],
                "note": "a shared 2-core machine: latencies are noisy",
            },
            "seed_load": seed_output,
            "drain": drained,
            "notifications_written": found["notifications"],
            "sink_messages_without_id": sink.without_id,
            "worker_samples": monitor.samples,
            "fault_times": {k: round(v - t0, 1) for k, v in ev.items()},
            "windows": [
                {**w, "start": round(w["start"] - t0, 1), "end": round(w["end"] - t0, 1)} for w in phases
            ],
            **report,
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
        text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
        (RESULTS / f"soak-{stamp}.json").write_text(text)
        (RESULTS / "soak.json").write_text(text)
        log(f"written bench/results/soak-{stamp}.json and bench/results/soak.json")
    except (SoakError, TimeoutError) as exc:
        log(f"failed: {exc}")
        return 1
    finally:
        for part in (faults, monitor, supervisor):
            if part is not None:
                part.stop()
        for process in reversed(managed):
            process.stop()
        if sink is not None:
            sink.stop()
        if redis is not None:
            redis.stop()
        if KEEP_LOGS or not ok:
            log(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
