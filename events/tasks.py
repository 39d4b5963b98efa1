"""Celery tasks of events: thin wrappers around the guest mail outbox."""

from celery import shared_task

from . import mail


@shared_task(name="events.guest_mails_send", acks_late=True)
def guest_mails_send(ids: list[int]) -> int:
    """Send these guest mails (idempotent: a second run of the same ids sends nothing)."""
    retry = mail.guest_mails_send(ids=ids)
    for delay, again in retry.items():
        mail.guest_mails_queue(ids=again, countdown=delay)
    return len(ids)


@shared_task(name="events.guest_mails_sweep", acks_late=True)
def guest_mails_sweep() -> int:
    """Queue again the guest mails that stayed pending too long."""
    ids = mail.guest_mails_sweep()
    mail.guest_mails_queue(ids=ids)
    return len(ids)
