"""Delivery by real Celery workers over real Redis into a real SMTP server, with PostgreSQL locks.

Each test notifies from this process, as a domain service would, and counts what the SMTP
server receives by the X-Notification-Id header.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F

from accounts.models import User
from notifications.models import Delivery
from notifications.services import email_deliveries_queue, notify
from notifications.tasks import sweep
from tests.notifications.support import (
    RedisServer,
    ScriptedSmtpServer,
    celery_on_broker,
    settle,
    wait_for_idle_workers,
)
from tests.support import WorkerProcess, running_worker, wait_for, worker_env

pytestmark = pytest.mark.services


@pytest.fixture
def smtp():
    server = ScriptedSmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def slow_smtp():
    server = ScriptedSmtpServer(delay=0.01).start()
    yield server
    server.stop()


@pytest.fixture
def private_redis():
    server = RedisServer().start()
    yield server
    server.stop()


def _people(count: int) -> list[User]:
    return User.objects.bulk_create(
        [User(email=f"mitglied{i}@example.org", first_name=f"Mitglied {i}") for i in range(count)]
    )


def _env(smtp_server, **extra) -> dict[str, str]:
    return worker_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_server.port), **extra)


def _overdue() -> None:
    """A few minutes pass: what is still pending is now due for the sweep."""
    pending = Delivery.objects.filter(status="pending")
    pending.update(next_attempt_at=F("next_attempt_at") - timedelta(minutes=10))


def _all_sent(count: int):
    return lambda: Delivery.objects.filter(status="sent").count() == count


def test_500_notifications_are_each_delivered_exactly_once_by_competing_workers(
    transactional_db, smtp, purged_broker
):
    people = _people(500)
    env = _env(smtp)
    with (
        running_worker(name="once-a", concurrency=2, env=env),
        running_worker(name="once-b", concurrency=2, env=env),
    ):
        with transaction.atomic():
            created = notify(kind="test_comment", recipients=people, data={"title": "Forum am 24. Juni"})
        # Every delivery queued a second time, in reverse: workers compete for the same rows.
        ids = list(Delivery.objects.order_by("-pk").values_list("pk", flat=True))
        email_deliveries_queue(ids=ids)

        wait_for(lambda: len(smtp.notification_ids()) == 500, timeout=120, message="500 distinct messages")
        wait_for(_all_sent(500), timeout=30, message="every delivery marked sent")
        wait_for_idle_workers(purged_broker)
        settle()

    received = smtp.notification_ids()
    assert set(received) == {note.pk for note in created}
    assert max(received.values()) == 1, f"sent twice: {[pk for pk, n in received.items() if n > 1]}"
    assert len(smtp.messages) == 500


def test_rolled_back_transaction_sends_nothing(transactional_db, smtp, purged_broker):
    ben, carla = _people(2)
    with running_worker(name="rollback", env=_env(smtp)):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(kind="test_comment", recipients=[ben], data={"title": "Verworfen"})
            raise RuntimeError("the change fails")
        (marker,) = notify(kind="test_comment", recipients=[carla], data={"title": "Gilt"})
        wait_for(lambda: smtp.messages, timeout=30, message="the marker mail")
        wait_for_idle_workers(purged_broker)
        settle()
    assert list(smtp.notification_ids()) == [marker.pk]
    assert Delivery.objects.count() == 1


def test_redis_stopped_while_notifying_loses_nothing_and_sends_nothing_twice(
    transactional_db, smtp, private_redis
):
    people = _people(60)
    with (
        celery_on_broker(private_redis.url) as app,
        running_worker(name="outage", concurrency=2, env=_env(smtp, REDIS_URL=private_redis.url)),
    ):
        private_redis.stop()
        for start in range(0, 60, 20):  # three changes, each committed while the broker is away
            with transaction.atomic():
                notify(
                    kind="test_comment",
                    recipients=people[start : start + 20],
                    data={"title": f"Teil {start}"},
                )
        assert Delivery.objects.filter(status="pending").count() == 60

        private_redis.start()  # empty: whatever was in it is gone
        # Nothing was queued: the sweep the worker queues when it reconnects sends them, without beat.
        wait_for(
            lambda: len(smtp.notification_ids()) == 60,
            timeout=60,
            message="60 messages after the worker reconnected",
        )
        wait_for(_all_sent(60), timeout=30, message="every delivery marked sent")
        wait_for_idle_workers(app)
        _overdue()
        sweep.delay()  # a later sweep, as beat's, finds nothing left
        wait_for_idle_workers(app)
        settle()

    received = smtp.notification_ids()
    assert len(received) == 60
    assert max(received.values()) == 1


def test_worker_killed_mid_batch_loses_nothing_and_resends_at_most_once(
    transactional_db, slow_smtp, private_redis, record_property, report_line
):
    people = _people(500)
    env = _env(slow_smtp, REDIS_URL=private_redis.url)
    with celery_on_broker(private_redis.url) as app:
        first = WorkerProcess(name="doomed", concurrency=2, env=env).start()
        try:
            with transaction.atomic():
                created = notify(kind="test_comment", recipients=people, data={"title": "Einladung"})
            wait_for(lambda: len(slow_smtp.messages) >= 100, timeout=60, message="the batch under way")
            first.kill()
        finally:
            first.stop()
        sent_before_kill = len(slow_smtp.messages)
        assert sent_before_kill < 500, "the worker finished before it could be killed mid-batch"

        with running_worker(name="successor", concurrency=2, env=env):
            _overdue()  # the killed worker's claims were rolled back by PostgreSQL; a few minutes pass
            sweep.delay()
            wait_for(
                lambda: len(slow_smtp.notification_ids()) == 500,
                timeout=120,
                message="all 500 notifications after the new worker started",
            )
            wait_for(_all_sent(500), timeout=30, message="every delivery marked sent")
            wait_for_idle_workers(app)
            settle()

    received = slow_smtp.notification_ids()
    duplicates = sum(count - 1 for count in received.values())
    record_property("sent_before_kill", sent_before_kill)
    record_property("duplicates_after_sigkill", duplicates)
    report_line(
        f"notifications: worker SIGKILLed after {sent_before_kill} of 500 messages; after a new "
        f"worker and the sweep all 500 arrived, {duplicates} of them twice"
    )
    assert set(received) == {note.pk for note in created}
    assert max(received.values()) <= 2
    assert duplicates <= 2  # at most what the two pool processes had in flight
