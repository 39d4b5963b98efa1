"""Real parts for tests: an SMTP server on localhost, a Celery worker process, waiting, races."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[1]


def wait_for(
    condition: Callable[[], object], *, timeout: float = 30, interval: float = 0.1, message: str = "condition"
) -> object:
    """Poll until `condition()` is truthy; fail with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def set_celery_conf(app, **values) -> None:
    """Change Celery settings at run time under both names: with the Django namespace, celery 5.6
    reads CELERY_<NAME> before <name>, so setting only `app.conf.<name>` does nothing there."""
    for name, value in values.items():
        setattr(app.conf, name, value)
        setattr(app.conf, f"CELERY_{name.upper()}", value)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Collector:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self):
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=free_port())

    def start(self) -> "SmtpServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        with self._collector.lock:
            return list(self._collector.messages)


def test_database_url() -> str:
    """A URL for the database this test session uses, for processes started by the test."""
    s = connection.settings_dict
    auth = s["USER"] or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": test_database_url(),
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


class WorkerProcess:
    """`celery worker` in its own process, against the test database and the real broker.

    `options=()` runs it as `make worker` and docker-compose do, with gossip and mingle."""

    def __init__(
        self,
        *,
        name: str,
        concurrency: int = 1,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
        options: tuple[str, ...] = ("--without-gossip", "--without-mingle"),
    ):
        self.name = name
        self.options = options
        self.concurrency = concurrency
        self.env = env or worker_env()
        self.log_path = log_path or Path(os.environ.get("TMPDIR", "/tmp")) / f"worker-{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 60) -> "WorkerProcess":
        from config.celery import app

        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                f"--hostname={self.name}@%h",
                f"--concurrency={self.concurrency}",
                "--pool=prefork",
                *self.options,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def answers():
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited early:\n{self.log_path.read_text()[-3000:]}")
            replies = app.control.inspect(timeout=0.5).ping() or {}
            return any(key.startswith(f"{self.name}@") for key in replies)

        wait_for(answers, timeout=timeout, message=f"worker {self.name} to answer ping")
        return self

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and its pool children)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 9)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_log", None):
            self._log.close()


@contextmanager
def running_worker(**kwargs) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(**kwargs).start()
    try:
        yield worker
    finally:
        worker.stop()


def at_once(jobs):
    """Run each job in its own thread (its own database connection), all released together; returns
    what each job returned, or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=60)
            outcomes[i] = job()
        except Exception as exc:  # reported, so the test shows it instead of hanging
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes
