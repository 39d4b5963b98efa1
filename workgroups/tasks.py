"""Celery tasks of workgroups: thin wrappers around the invitation mail outbox and expiry."""

from celery import shared_task

from . import mail, services


@shared_task(name="workgroups.invitation_mails_send", acks_late=True)
def invitation_mails_send(ids: list[int]) -> int:
    """Send these invitation mails (idempotent: a second run of the same ids sends nothing)."""
    retry = mail.invitation_mails_send(ids=ids)
    for delay, again in retry.items():
        mail.invitation_mails_queue(ids=again, countdown=delay)
    return len(ids)


@shared_task(name="workgroups.invitation_mails_sweep", acks_late=True)
def invitation_mails_sweep() -> int:
    """Queue again the invitation mails that stayed pending too long."""
    ids = mail.invitation_mails_sweep()
    mail.invitation_mails_queue(ids=ids)
    return len(ids)


@shared_task(name="workgroups.invitations_expire", acks_late=True)
def invitations_expire() -> int:
    """Mark invitations past their date expired (audited; their links die)."""
    return services.invitations_expire()
