"""The reminder mechanism with sources defined here, as a domain app would register them."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organisation
from notifications import reminders
from notifications.kinds import register_kind
from notifications.models import Notification, ReminderSent
from notifications.reminders import Reminder, register_reminder_source
from notifications.tasks import reminders_send


@pytest.fixture(autouse=True)
def sources(monkeypatch):
    monkeypatch.setattr(reminders, "_SOURCES", {})
    register_kind("test_due", "Aufgabe fällig", title="„{title}“ ist morgen fällig")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One beat run of the reminder task, committed."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send()

    return run


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = timezone.now().replace(hour=9, minute=15)

        def advance(self, **delta) -> None:
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def test_a_reminder_goes_out_once_per_day_however_often_beat_runs(ben, carla, clock, run):
    subject = Organisation.objects.create(name="Jobticket-Projekt")
    asked = []

    def due_tomorrow(now):
        asked.append(now)
        for person in (ben, carla):
            yield Reminder(
                recipient=person,
                kind="test_due",
                subject=subject,
                data={"title": "Angebot einholen", "url": "/tasks/3/"},
            )

    register_reminder_source("tests.due_tomorrow", due_tomorrow)

    assert run() == 2
    clock.advance(hours=1)
    assert run() == 0
    clock.advance(hours=9)  # 19:15, the last run of the day
    assert run() == 0
    assert len(asked) == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["ben.schmitz@example.org", "carla.hoffmann@example.org"]
    assert mail.outbox[0].subject == "„Angebot einholen“ ist morgen fällig"

    clock.advance(hours=14)  # the next morning
    assert run() == 2
    assert run() == 0
    assert Notification.objects.filter(kind="test_due", recipient=ben).count() == 2
    assert len(mail.outbox) == 4


def test_the_database_refuses_a_second_reminder_on_the_same_day(ben):
    subject_type = ContentType.objects.get_for_model(Organisation)
    row = {
        "recipient": ben,
        "kind": "test_due",
        "subject_type": subject_type,
        "subject_id": 1,
        "day": timezone.localdate(),
    }
    ReminderSent.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(**row)


def test_one_broken_source_does_not_hold_back_the_others(ben, clock, run):
    subject = Organisation.objects.create(name="Innovationscluster")

    def broken(now):
        raise RuntimeError("a bug in another app")

    def votes_closing(now):
        yield Reminder(recipient=ben, kind="test_due", subject=subject, data={"title": "Abstimmung"})

    register_reminder_source("tests.broken", broken)
    register_reminder_source("tests.votes_closing", votes_closing)
    assert run() == 1
    assert [m.to for m in mail.outbox] == [["ben.schmitz@example.org"]]


def test_reminders_follow_the_persons_preferences(ben, clock, run):
    from notifications.services import preferences_update

    preferences_update(user=ben, values={"test_due": "off"})
    subject = Organisation.objects.create(name="Lehrerpraktika")
    reminder = Reminder(recipient=ben, kind="test_due", subject=subject, data={"title": "Bericht"})
    register_reminder_source("tests.due", lambda now: [reminder])
    assert run() == 1
    assert mail.outbox == []
    assert Notification.objects.get(kind="test_due").recipient == ben  # in the inbox all the same
