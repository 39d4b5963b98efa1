"""The soak run's own stack on 127.0.0.1: Redis, gunicorn, Celery workers and beat, an SMTP sink,
and a supervisor that restarts what exits (standing in for docker-compose's restart policy)."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HEADER = re.compile(rb"^X-Notification-Id: (\d+)\r?$", re.MULTILINE)
# Lines of a process's log worth reporting when it exits.
NOTABLE = re.compile(r"Unrecoverable error|Traceback|Error:|CRITICAL|WorkerLostError|Killed")


def log(message: str) -> None:
    print(f"[soak] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


class Sink:
    """An SMTP server that records each message by its X-Notification-Id header."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.lock = threading.Lock()
        self.received: Counter = Counter()
        self.without_id = 0
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        match = HEADER.search(envelope.content)
        with self.lock:
            if match:
                self.received[int(match.group(1))] += 1
            else:
                self.without_id += 1
        return "250 OK"

    def snapshot(self) -> Counter:
        with self.lock:
            return Counter(self.received)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@dataclass
class Managed:
    """One long-running process of the stack, in a session of its own so a signal reaches its children."""

    name: str
    command: list[str]
    env: dict
    cwd: Path
    logfile: Path
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    # Held: stopped on purpose (a fault being injected); the supervisor leaves it alone.
    held: bool = False
    exits: list[dict] = field(default_factory=list)
    restarts: int = 0
    log_offset: int = 0

    def start(self) -> None:
        self.log_offset = self.logfile.stat().st_size if self.logfile.exists() else 0
        with open(self.logfile, "a") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started_at = time.time()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)

    def stop(self, timeout: float = 20) -> None:
        if self.process is None:
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.process.wait(timeout=10)
        # Pool children left behind by a killed parent are in the same group: end them too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def notable_lines(self, limit: int = 8) -> list[str]:
        """Lines of the log written since the last start that explain an exit."""
        try:
            with open(self.logfile, "rb") as handle:
                handle.seek(self.log_offset)
                text = handle.read().decode(errors="replace")
        except OSError:
            return []
        lines = [line.strip()[:300] for line in text.splitlines() if NOTABLE.search(line)]
        return lines[-limit:]


class Supervisor:
    """Restarts any managed process that exits while not held, like `restart: unless-stopped`."""

    def __init__(self, processes: list[Managed], *, delay: float = 1.0):
        self.processes = processes
        self.delay = delay
        self.events: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="supervisor", daemon=True)
        self.lock = threading.Lock()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            for managed in self.processes:
                with self.lock:
                    if managed.held or managed.process is None or managed.alive():
                        continue
                    code = managed.process.returncode
                    exit_at = time.time()
                    event = {
                        "process": managed.name,
                        "exited_at": exit_at,
                        "returncode": code,
                        "ran_seconds": round(exit_at - managed.started_at, 1),
                        "log": managed.notable_lines(),
                    }
                    managed.exits.append(event)
                    log(f"{managed.name} exited with {code}; restarting")
                    time.sleep(self.delay)
                    # Whatever its pool children still hold, a fresh container would not have them.
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(managed.process.pid, signal.SIGKILL)
                    managed.start()
                    managed.restarts += 1
                    event["restarted_at"] = managed.started_at
                    self.events.append(event)


class Redis:
    """A private redis-server with an append-only file, so a stop and start loses no queued task."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with open(self.workdir / "redis.log", "a") as out:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    str(self.workdir),
                    "--appendonly",
                    "yes",
                    "--save",
                    "",
                    "--protected-mode",
                    "yes",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self.answers, timeout=20, what="redis-server")

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def python_command(*args: str) -> list[str]:
    return [sys.executable, "-m", *args]


def compose_settings(compose_file: Path) -> dict:
    """The worker counts of docker-compose.yml: gunicorn's --workers and Celery's --concurrency."""
    import yaml

    services = yaml.safe_load(compose_file.read_text())["services"]

    def option(command: list[str], name: str, default: int) -> int:
        for index, part in enumerate(command):
            if part == name and index + 1 < len(command):
                return int(command[index + 1])
            if part.startswith(name + "="):
                return int(part.split("=", 1)[1])
        return default

    return {
        "gunicorn_workers": option(services["web"]["command"], "--workers", 1),
        "celery_concurrency": option(services["worker"]["command"], "--concurrency", os.cpu_count() or 1),
    }
