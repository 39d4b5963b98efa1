"""Sending over a real SMTP server on localhost, in this process: retries, failure, sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Delivery
from notifications.services import deliveries_retry, notify
from notifications.tasks import deliver, sweep
from tests.support import free_port


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = timezone.now()

        def advance(self, **delta) -> None:
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def _notify(callbacks, people, title="Flyer drucken"):
    with callbacks(execute=True):
        return notify(kind="test_comment", recipients=people, data={"title": title})


def _email_deliveries():
    return Delivery.objects.filter(channel="email").order_by("notification__recipient__email")


def test_temporary_smtp_error_is_retried_after_a_pause_and_then_sent(
    ben, real_smtp, clock, django_capture_on_commit_callbacks
):
    real_smtp.refuse_next("451 4.3.0 Bitte später noch einmal")
    _notify(django_capture_on_commit_callbacks, [ben])
    delivery = _email_deliveries().get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "451" in delivery.last_error
    assert delivery.next_attempt_at == clock.now + timedelta(seconds=60)
    assert real_smtp.messages == []

    deliver(ids=[delivery.pk])  # early: the pause is kept
    assert real_smtp.messages == []

    clock.advance(seconds=61)
    deliver(ids=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [m["To"] for m in real_smtp.messages] == ["ben.schmitz@example.org"]


def test_delivery_fails_after_its_last_attempt_and_staff_retry_sends_it(
    ben, real_smtp, clock, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_RETRY_DELAYS = (60, 120)
    real_smtp.refuse_next(*["452 4.2.2 Postfach voll"] * 3)
    _notify(django_capture_on_commit_callbacks, [ben])
    delivery = _email_deliveries().get()
    for pause in (61, 121):
        clock.advance(seconds=pause)
        deliver(ids=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    clock.advance(days=1)
    sweep()  # failed stays failed: no endless retrying
    assert real_smtp.messages == []

    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_retry(ids=[delivery.pk]) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(real_smtp.messages) == 1


def test_permanent_refusal_fails_at_once(ben, real_smtp, django_capture_on_commit_callbacks):
    real_smtp.refuse_next("550 5.1.1 Unbekannter Empfänger")
    _notify(django_capture_on_commit_callbacks, [ben])
    delivery = _email_deliveries().get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "550" in delivery.last_error


def test_smtp_server_down_holds_the_batch_back_without_using_up_attempts(
    anna, ben, carla, real_smtp, clock, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_PORT = free_port()  # nobody listens there
    _notify(django_capture_on_commit_callbacks, [anna, ben, carla])
    first, *rest = _email_deliveries()
    assert all(d.status == "pending" for d in [first, *rest])
    assert [d.attempts for d in [first, *rest]].count(1) == 1  # only one was tried
    assert all(d.next_attempt_at == clock.now + timedelta(seconds=60) for d in [first, *rest])

    settings.EMAIL_PORT = real_smtp.port
    clock.advance(minutes=5)
    sweep()
    assert sorted(m["To"] for m in real_smtp.messages) == [
        "anna.becker@example.org",
        "ben.schmitz@example.org",
        "carla.hoffmann@example.org",
    ]
    assert set(_email_deliveries().values_list("status", flat=True)) == {"sent"}


def test_the_same_deliveries_queued_again_are_not_sent_again(
    ben, carla, real_smtp, django_capture_on_commit_callbacks
):
    _notify(django_capture_on_commit_callbacks, [ben, carla])
    ids = list(_email_deliveries().values_list("pk", flat=True))
    deliver(ids=ids)
    deliver(ids=list(reversed(ids)))
    assert len(real_smtp.messages) == 2


def test_sweep_sends_what_was_never_queued_once_it_is_overdue(ben, real_smtp, clock):
    # No on-commit here: as if the broker had been down when the change was committed.
    notify(kind="test_comment", recipients=[ben], data={"title": "Verloren geglaubt"})
    sweep()
    assert real_smtp.messages == []  # young deliveries belong to their own task

    clock.advance(minutes=4)
    sweep()
    sweep()
    assert [m["Subject"] for m in real_smtp.messages] == ["Kommentar zu einer Aufgabe: Verloren geglaubt"]
