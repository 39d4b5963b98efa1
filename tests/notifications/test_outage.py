"""A broker outage under load: Redis goes away while a real worker is busy delivering.

The worker (and beat) must ride it out in the same process, and what was written while Redis was
away must go out soon after it is back, each message once. Counted at a real SMTP server by the
X-Notification-Id header.
"""

import subprocess
import sys
import time

import pytest
from django.db import transaction

from accounts.models import User
from notifications.models import Delivery
from notifications.services import notify
from tests.notifications.support import RedisServer, ScriptedSmtpServer, celery_on_broker, settle
from tests.support import ROOT, WorkerProcess, wait_for, worker_env

pytestmark = pytest.mark.services

OUTAGE_SECONDS = 20
# Redis back → every message written meanwhile has arrived (the aim: about a minute).
RECOVERY_LIMIT = 90


@pytest.fixture
def slow_smtp():
    server = ScriptedSmtpServer(delay=0.05).start()
    yield server
    server.stop()


@pytest.fixture
def private_redis():
    server = RedisServer().start()
    yield server
    server.stop()


def _people(count: int, prefix: str) -> list[User]:
    return User.objects.bulk_create(
        [User(email=f"{prefix}{i}@example.org", first_name=f"{prefix} {i}") for i in range(count)]
    )


class _Beat:
    """`celery beat` in its own process (the database scheduler), logging to a file."""

    def __init__(self, env: dict[str, str], log_path):
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


def test_worker_and_beat_ride_out_a_redis_outage_and_send_what_waited_soon_after(
    transactional_db, slow_smtp, private_redis, tmp_path, record_property, report_line
):
    before, during = _people(300, "vorher"), _people(100, "waehrend")
    env = worker_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(slow_smtp.port), REDIS_URL=private_redis.url)
    with celery_on_broker(private_redis.url) as app:
        # As deployed (gossip, mingle), with four pool processes for three batches: the worker has
        # tasks running and unacknowledged while it also waits for more, which is when celery 5.7
        # with kombu 5.7 lost the worker.
        worker = WorkerProcess(
            name="outage", concurrency=4, env=env, log_path=tmp_path / "worker.log", options=()
        )
        worker.start()
        beat = _Beat(env, tmp_path / "beat.log")
        try:
            pid = worker.process.pid
            with transaction.atomic():
                sent_first = notify(kind="test_comment", recipients=before, data={"title": "Vorher"})
            wait_for(lambda: len(slow_smtp.messages) >= 10, timeout=60, message="the deliveries under way")
            assert beat.process.poll() is None, beat.log_path.read_text()[-3000:]

            private_redis.stop()
            in_flight = 300 - len(slow_smtp.messages)
            with transaction.atomic():
                written_meanwhile = notify(
                    kind="test_comment", recipients=during, data={"title": "Währenddessen"}
                )
            time.sleep(OUTAGE_SECONDS)
            private_redis.start()  # empty: the queued batches are gone with it
            back = time.monotonic()

            expected = {note.pk for note in sent_first + written_meanwhile}
            meanwhile = {note.pk for note in written_meanwhile}
            wait_for(
                lambda: meanwhile <= set(slow_smtp.notification_ids()),
                timeout=RECOVERY_LIMIT,
                interval=0.2,
                message=f"the {len(meanwhile)} messages written during the outage",
            )
            recovery = time.monotonic() - back
            wait_for(
                lambda: set(slow_smtp.notification_ids()) == expected,
                timeout=60,
                message="every message, including those in flight when Redis went away",
            )
            wait_for(
                lambda: Delivery.objects.filter(status="sent").count() == 400,
                timeout=30,
                message="every delivery marked sent",
            )
            settle()

            worker_alive = worker.process.poll() is None and worker.process.pid == pid
            beat_alive = beat.process.poll() is None
            assert worker_alive, f"the worker exited:\n{worker.log_path.read_text()[-4000:]}"
            assert beat_alive, f"beat exited:\n{beat.log_path.read_text()[-4000:]}"
            replies = app.control.inspect(timeout=2).ping() or {}
            assert any(name.startswith("outage@") for name in replies), "the worker does not answer"
        finally:
            beat.stop()
            worker.stop()

    received = slow_smtp.notification_ids()
    duplicates = [pk for pk, count in received.items() if count > 1]
    record_property("recovery_seconds", round(recovery, 1))
    report_line(
        f"notifications: Redis away {OUTAGE_SECONDS}s with {in_flight} of 300 deliveries in flight; "
        f"the {len(meanwhile)} written meanwhile arrived {recovery:.1f}s after it was back; "
        f"worker pid {pid} and beat survived; {len(duplicates)} sent twice"
    )
    assert set(received) == expected
    assert duplicates == []
