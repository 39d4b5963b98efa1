"""Benchmark of the notification outbox (services mode).

One event notifies 10,000 people; two Celery worker processes deliver the emails to a local
SMTP sink (aiosmtpd). Prints the time to the last delivery, deliveries per second and the
queries one notify() call costs for 1 and for 1,000 recipients; writes
bench/results/notifications.json.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aachen REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/notifications.py [--count 10000] [--workers 2]

It works in a scratch database (<name>_bench_notifications, created and dropped again) and,
when `redis-server` is on PATH, on a private Redis of its own, so it disturbs nothing else.
"""

import argparse
import json
import os
import platform as stdlib_platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "notifications.json"
HEADER = re.compile(rb"^X-Notification-Id: (\d+)\r?$", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise SystemExit(f"timed out after {timeout}s waiting for {what}")


class Sink:
    """An SMTP server that only counts: which notification arrived how often, and when the last did."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.lock = threading.Lock()
        self.received: Counter = Counter()
        self.last_at = 0.0
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        match = HEADER.search(envelope.content)
        with self.lock:
            self.received[int(match.group(1)) if match else 0] += 1
            self.last_at = time.perf_counter()
        return "250 OK"

    def distinct(self) -> int:
        with self.lock:
            return len(self.received)


def scratch_database(url: str) -> tuple[str, str]:
    """(maintenance URL, scratch URL) for a fresh database next to the one in `url`."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "postgres"
    scratch = f"{name}_bench_notifications"
    return urlunsplit(parts._replace(path="/postgres")), urlunsplit(parts._replace(path=f"/{scratch}"))


def recreate(maintenance_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def start_redis() -> tuple[subprocess.Popen | None, str]:
    if not shutil.which("redis-server"):
        return None, os.environ["REDIS_URL"]
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port, socket_connect_timeout=0.5)

    def answers():
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    wait_for(answers, timeout=15, what="redis-server")
    return process, f"redis://127.0.0.1:{port}/0"


def start_workers(count: int, env: dict) -> list[subprocess.Popen]:
    workers = []
    for index in range(count):
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--loglevel=WARNING",
                    "--concurrency=1",
                    "--pool=prefork",
                    f"--hostname=bench{index}@%h",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
    return workers


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def queries_per_notify(notify, users, subject) -> dict[str, int]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for size in (1, 1000):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                notify(
                    kind="bench_announcement",
                    recipients=users[:size],
                    subject=subject,
                    data={"title": "Probe"},
                )
            counts[str(size)] = len(captured.captured_queries)
            transaction.set_rollback(True)  # a measurement only: nothing is committed or sent
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        raise SystemExit("services mode only: set DATABASE_URL (PostgreSQL) and REDIS_URL")

    maintenance_url, scratch_url = scratch_database(os.environ["DATABASE_URL"])
    scratch_name = urlsplit(scratch_url).path.lstrip("/")
    recreate(maintenance_url, scratch_name)
    redis_process, redis_url = start_redis()
    sink = Sink()
    sink.controller.start()
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": scratch_url,
            "REDIS_URL": redis_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.controller.port),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        }
    )
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    workers: list[subprocess.Popen] = []
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from accounts.models import User
        from config.celery import app
        from notifications.kinds import register_kind
        from notifications.models import Delivery
        from notifications.services import notify

        call_command("migrate", verbosity=0)
        register_kind("bench_announcement", "Ankündigung")
        users = User.objects.bulk_create(
            [User(email=f"bench{i}@example.org", first_name=f"Person {i}") for i in range(args.count)]
        )
        # An announcement about nothing in particular: a subject would have to be a domain model
        # whose app registers who may see it, in the workers as much as here.
        subject = None
        notify(kind="bench_announcement", recipients=[users[1]], subject=subject, data={"title": "warm"})
        Delivery.objects.all().delete()  # the warm-up row must not count
        queries = queries_per_notify(notify, users, subject)

        workers = start_workers(args.workers, env)
        wait_for(
            lambda: len(app.control.inspect(timeout=1).ping() or {}) >= args.workers,
            timeout=60,
            what=f"{args.workers} workers",
            interval=0.5,
        )
        baseline = sink.distinct()

        started = time.perf_counter()
        with transaction.atomic():
            created = notify(
                kind="bench_announcement",
                recipients=users,
                subject=subject,
                data={"title": "Forum am 24. Juni bei der VUV", "url": "/forum/"},
            )
        committed = time.perf_counter()
        wait_for(
            lambda: sink.distinct() - baseline >= len(created),
            timeout=args.timeout,
            what=f"{len(created)} deliveries",
            interval=0.02,
        )
        last = sink.last_at
        time.sleep(1)
        ids = {note.pk for note in created}
        received = {pk: n for pk, n in sink.received.items() if pk in ids}
        unsent = Delivery.objects.filter(notification_id__in=ids).exclude(status="sent").count()
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]
    finally:
        stop(workers)
        sink.controller.stop()
        if redis_process:
            redis_process.terminate()
            redis_process.wait(timeout=10)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not have been set up
            pass
        recreate(maintenance_url, scratch_name, drop_only=True)

    total = last - started
    result = {
        "notifications": len(created),
        "workers": args.workers,
        "worker_concurrency": 1,
        "notify_seconds": round(committed - started, 3),
        "time_to_last_delivery_seconds": round(total, 3),
        "deliveries_per_second": round(len(created) / total, 1),
        "deliveries_per_second_after_commit": round(len(created) / (last - committed), 1),
        "delivered": len(received),
        "duplicates": sum(n - 1 for n in received.values()),
        "not_marked_sent": unsent,
        "queries_per_notify": queries,
        "environment": {
            "python": stdlib_platform.python_version(),
            "postgres": postgres,
            "cpus": os.cpu_count(),
            "private_redis": redis_process is not None,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{result['notifications']} notifications from one event, {args.workers} workers:")
    print(f"  notify() with {len(created)} recipients: {result['notify_seconds']} s")
    print(f"  time to the last delivery: {result['time_to_last_delivery_seconds']} s")
    print(
        f"  deliveries per second: {result['deliveries_per_second']} "
        f"({result['deliveries_per_second_after_commit']} after commit)"
    )
    print(
        f"  delivered {result['delivered']}, duplicates {result['duplicates']}, "
        f"not marked sent {result['not_marked_sent']}"
    )
    print(f"  queries per notify(): {queries['1']} for 1 recipient, {queries['1000']} for 1,000")
    print(f"  written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
