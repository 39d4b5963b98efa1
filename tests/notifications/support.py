"""Real parts the notification tests need beyond tests/support.py: an SMTP server whose answers
a test scripts, a private Redis server a test may stop, and pointing Celery at it."""

import asyncio
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from aiosmtpd.controller import Controller
from kombu import pools as kombu_pools

from tests.support import SmtpServer, _Collector, free_port, set_celery_conf, wait_for


class _ScriptedCollector(_Collector):
    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay
        self.replies: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            reply = self.replies.pop(0) if self.replies else None
        if reply:
            return reply
        return await super().handle_DATA(server, session, envelope)


class ScriptedSmtpServer(SmtpServer):
    """The real SMTP server of tests/support.py that can be slow, or refuse the next messages."""

    def __init__(self, *, delay: float = 0.0):
        self._collector = _ScriptedCollector(delay)
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=free_port())

    def refuse_next(self, *replies: str) -> None:
        """Answer the next messages with these SMTP replies (e.g. '451 4.3.0 try later')."""
        with self._collector.lock:
            self._collector.replies.extend(replies)

    def notification_ids(self) -> Counter:
        """How often each notification arrived (by the X-Notification-Id header)."""
        return Counter(int(m["X-Notification-Id"]) for m in self.messages if m["X-Notification-Id"])


class RedisServer:
    """A redis-server of this test alone, on a free port: it may be stopped without harming others."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_for(answers, timeout=15, message=f"redis-server on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def queue_length(self, queue: str = "celery") -> int:
        return redis.Redis(port=self.port).llen(queue)


def _reset_pools(app) -> None:
    # kombu keeps connection pools in a process-wide registry; emptying it makes the next
    # publish connect to the broker now configured.
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_on_broker(url: str) -> Iterator[object]:
    """This test process publishes to `url` (tasks no longer run eagerly) until the block ends."""
    from config.celery import app

    previous = app.conf.broker_url
    set_celery_conf(app, broker_url=url, task_always_eager=False)
    _reset_pools(app)
    try:
        yield app
    finally:
        set_celery_conf(app, broker_url=previous, task_always_eager=True)
        _reset_pools(app)


def wait_for_idle_workers(app, *, timeout: float = 60) -> None:
    """Until no worker has a task running or reserved."""

    def idle() -> bool:
        inspect = app.control.inspect(timeout=1.0)
        active, reserved = inspect.active() or {}, inspect.reserved() or {}
        return bool(active) and not any(active.values()) and not any(reserved.values())

    wait_for(idle, timeout=timeout, interval=0.5, message="the workers to finish their tasks")


def settle(seconds: float = 1.5) -> None:
    """Give a late duplicate the chance to arrive before counting."""
    time.sleep(seconds)
