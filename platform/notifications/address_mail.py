"""The outbox for mails to addresses without an account (workgroups' invitations, events' guests).

notify() reaches people; an address that has no account gets a row of its app's own mail model
instead (fields: status PENDING/SENT/FAILED/SKIPPED, attempts, next_attempt_at, last_error,
sent_at), written in the transaction that decides to write. The same discipline as
notifications.delivery: a task sends the row after commit, claiming it under a lock
(skip_locked), sending and marking it in one short transaction, so two workers never both send
it and a killed worker causes at most one resend; temporary errors back off
(NOTIFICATIONS_RETRY_DELAYS); the sweep re-queues what a lost task missed.
"""

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from . import conf

logger = logging.getLogger(__name__)

SWEEP_AFTER = timedelta(minutes=3)
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


def address_mails_queue(task, *, ids: Sequence[int], countdown: float | None = None) -> None:
    """Publish `task` for these mails; never raises (the sweep catches up)."""
    if not ids:
        return
    try:
        task.apply_async(args=[list(ids)], countdown=countdown, retry=True, retry_policy=RETRY_POLICY)
    except OperationalError:
        logger.warning("broker unavailable: %d %s wait for the sweep", len(ids), task.name, exc_info=True)


def address_mails_send(
    model: type[models.Model],
    *,
    ids: Sequence[int],
    related: Sequence[str],
    obsolete: Callable[[models.Model], bool],
    message: Callable[[models.Model], EmailMessage],
) -> dict[int, list[int]]:
    """Send the due mails among `ids`, each at most once; returns {seconds: ids} to retry.

    `obsolete(row)` says a mail has nothing left to tell (marked skipped, not sent);
    `message(row)` builds the email."""
    retry: dict[int, list[int]] = {}
    status = model.Status
    connection = None
    try:
        for pk in ids:
            with transaction.atomic():
                now = timezone.now()
                mail = (
                    model.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related(*related)
                    .filter(pk=pk, status=status.PENDING, next_attempt_at__lte=now)
                    .first()
                )
                if mail is None:  # sent already, being sent right now, or not yet due
                    continue
                if obsolete(mail):
                    model.objects.filter(pk=pk).update(status=status.SKIPPED)
                    continue
                try:
                    if connection is None:
                        connection = get_connection()
                        connection.open()
                    connection.send_messages([message(mail)])
                except Exception as exc:
                    logger.warning("%s %s not sent", model._meta.label, pk, exc_info=True)
                    attempts = mail.attempts + 1
                    changes = {"attempts": attempts, "last_error": f"{type(exc).__name__}: {exc}"[:2000]}
                    if attempts >= conf.max_attempts():
                        changes["status"] = status.FAILED
                    else:
                        delay = conf.retry_delay(attempts)
                        changes["next_attempt_at"] = now + timedelta(seconds=delay)
                        retry.setdefault(delay, []).append(pk)
                    model.objects.filter(pk=pk).update(**changes)
                    if isinstance(exc, OSError):
                        connection = None
                    continue
                model.objects.filter(pk=pk).update(
                    status=status.SENT, sent_at=timezone.now(), attempts=mail.attempts + 1
                )
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # the server may be gone; nothing left to send
                logger.debug("closing the SMTP connection failed", exc_info=True)
    return retry


@transaction.atomic
def address_mails_sweep(model: type[models.Model], *, now=None) -> list[int]:
    """The mails still pending past their time (lost task, broker down), made due now to be queued again."""
    now = now or timezone.now()
    ids = list(
        model.objects.select_for_update(skip_locked=True)
        .filter(status=model.Status.PENDING, next_attempt_at__lte=now - SWEEP_AFTER)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:5000]
    )
    model.objects.filter(pk__in=ids).update(next_attempt_at=now)
    return ids
