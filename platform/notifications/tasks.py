"""Celery tasks: thin wrappers that call the services and queue what they say to retry.

Beat runs `sweep` every minute, `digests_send` daily and `reminders_send` several times a day
(CELERY_BEAT_SCHEDULE in config/settings.py); every worker also queues a `sweep` each time it
connects to the broker (config/celery.py), so what waited out a broker outage goes at once.
"""

from datetime import datetime

from celery import shared_task

from . import delivery, reminders, services


@shared_task(name="notifications.deliver", acks_late=True)
def deliver(ids: list[int]) -> int:
    """Send these email deliveries (idempotent: a second run of the same ids sends nothing)."""
    report = delivery.email_deliveries_send(ids=ids)
    for delay, ids in report.retry.items():
        services.email_deliveries_queue(ids=ids, countdown=delay)
    return report.sent


@shared_task(name="notifications.digest_send", acks_late=True)
def digest_send(user_id: int) -> int:
    """Send one person's digest (idempotent)."""
    report = delivery.digest_send(user_id=user_id)
    for delay, user_ids in report.retry.items():
        services.digest_queue(user_ids=user_ids, countdown=delay)
    return report.sent


@shared_task(name="notifications.digests_send", acks_late=True)
def digests_send() -> int:
    """Queue a digest for everyone with entries waiting."""
    user_ids = delivery.digest_recipients_due()
    services.digest_queue(user_ids=user_ids)
    return len(user_ids)


@shared_task(name="notifications.sweep", acks_late=True)
def sweep(due_before: str | None = None) -> int:
    """Queue again what stayed pending too long (a lost task, the broker down, a killed worker).

    `due_before` (ISO time): queue what was due before then, however recent: a worker passes the
    moment it (re)connected to the broker, since tasks published before may be gone.
    """
    cutoff = datetime.fromisoformat(due_before) if due_before else None
    found = delivery.deliveries_sweep(due_before=cutoff)
    services.email_deliveries_queue(ids=found.email_ids)
    services.digest_queue(user_ids=found.digest_user_ids)
    return len(found.email_ids) + len(found.digest_user_ids)


@shared_task(name="notifications.reminders_send", acks_late=True)
def reminders_send() -> int:
    """Send today's reminders that are not sent yet."""
    return reminders.reminders_send()
