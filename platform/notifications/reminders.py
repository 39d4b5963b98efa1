"""Reminders: sources that domain apps register, asked by a scheduled task, sent once per day.

A source is a callable `(now) -> Iterable[Reminder]` registered in AppConfig.ready()::

    from notifications.reminders import Reminder, register_reminder_source

    def tasks_due(now):
        tomorrow = timezone.localdate(now) + timedelta(days=1)
        for task in Task.objects.filter(due_date__lte=tomorrow, done=False, assignee__isnull=False):
            yield Reminder(recipient=task.assignee, kind="task_due", subject=task,
                           data={"title": task.title, "url": task.get_absolute_url(), ...})

    register_reminder_source("projects.tasks_due", tasks_due)

The task runs several times a day (CELERY_BEAT_SCHEDULE); a source simply yields everything
that deserves a reminder right now. Each (recipient, kind, subject) is notified at most once
per local day — a unique constraint on ReminderSent holds this even when two runs overlap.
The reminder is an ordinary notification of its kind, so preferences and digests apply, and
it reaches only someone who may still see its subject (notifications.subjects): a source need
not check permissions, though leaving out who may not see the subject saves work.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts.models import User

from .kinds import get_kind
from .models import ReminderSent
from .services import notify

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    recipient: User
    kind: str
    subject: models.Model
    data: dict = field(default_factory=dict)


ReminderSource = Callable[[datetime], Iterable[Reminder]]

_SOURCES: dict[str, ReminderSource] = {}


def register_reminder_source(name: str, source: ReminderSource) -> None:
    """Add a source of reminders under a unique name (registering the same one again is harmless)."""
    if _SOURCES.get(name, source) is not source:
        raise ValueError(f"reminder source {name!r} is registered twice")
    _SOURCES[name] = source


def reminder_sources() -> dict[str, ReminderSource]:
    return dict(_SOURCES)


def _key(reminder: Reminder) -> tuple:
    subject_type = ContentType.objects.get_for_model(reminder.subject)
    return (reminder.recipient.pk, reminder.kind, subject_type.pk, reminder.subject.pk)


def _send_once(reminder: Reminder, key: tuple, day) -> bool:
    recipient_id, kind, subject_type_id, subject_id = key
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                recipient_id=recipient_id,
                kind=kind,
                subject_type_id=subject_type_id,
                subject_id=subject_id,
                day=day,
            )
            if not notify(
                kind=kind, recipients=[reminder.recipient], subject=reminder.subject, data=reminder.data
            ):
                # They may not see the subject (any more): nothing was sent, so nothing is recorded.
                transaction.set_rollback(True)
                return False
    except IntegrityError:  # an overlapping run sent it a moment ago
        return False
    return True


def reminders_send(*, now: datetime | None = None) -> int:
    """Ask every source and notify what was not yet reminded today; returns how many were sent."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    sent = 0
    for name, source in reminder_sources().items():
        try:
            reminders = list(source(now))
            for reminder in reminders:
                get_kind(reminder.kind)
        except Exception:  # one broken source must not keep the others' reminders back
            logger.exception("reminder source %r failed", name)
            continue
        keyed = {_key(reminder): reminder for reminder in reminders}
        done = set(
            ReminderSent.objects.filter(
                day=day, kind__in={key[1] for key in keyed}, recipient_id__in={key[0] for key in keyed}
            ).values_list("recipient_id", "kind", "subject_type_id", "subject_id")
        )
        for key, reminder in keyed.items():
            if key not in done and _send_once(reminder, key, day):
                sent += 1
    return sent
