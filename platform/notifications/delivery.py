"""Sending: claim a delivery under a row lock, send, mark — in one short transaction per delivery.

The row lock is held while the message goes out. Two workers given the same ids never both
send (the second skips the locked row, then finds it sent). A worker killed mid-send loses
its connection, the database rolls the claim back, and the delivery is pending again: it is
sent once more by whoever takes it next, which is the only way it is ever sent twice.

Whether the recipient may still see the notification's subject is asked under that lock, just
before sending (and for the digest, for each of its entries): someone who lost access since
the event gets nothing, and the delivery is marked skipped — neither sent nor failed.
"""

import logging
import smtplib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import conf
from .emails import digest_email, notification_email
from .models import Delivery, Notification
from .subjects import sees, visible_to

logger = logging.getLogger(__name__)

SENT, SKIPPED, PERMANENT, TEMPORARY, SERVER_DOWN = "sent", "skipped", "permanent", "temporary", "server"
# Why a skipped delivery was not sent, for staff who look at it.
NO_ACCESS = "recipient may no longer see the subject"


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    # seconds → delivery ids to try again after that long
    retry: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


def _classify(exc: Exception) -> str:
    """Permanent (the message will never go: fail now), temporary (retry it), or the server is down."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        return PERMANENT if codes and all(code >= 500 for code in codes) else TEMPORARY
    if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(
        exc,
        smtplib.SMTPConnectError
        | smtplib.SMTPHeloError
        | smtplib.SMTPAuthenticationError
        | smtplib.SMTPSenderRefused,
    ):
        if exc.smtp_code == 421:
            return SERVER_DOWN
        return PERMANENT if exc.smtp_code >= 500 else TEMPORARY
    if isinstance(exc, OSError):  # refused, reset, timed out, disconnected, refused our login
        return SERVER_DOWN
    return TEMPORARY  # a bug in rendering: retried, then failed where staff see it


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _record_failure(pk: int, attempts: int, exc: Exception, *, permanent: bool, now: datetime) -> int | None:
    """Count the attempt; returns the seconds until the next one, or None when it has failed for good."""
    attempts += 1
    changes = {"attempts": attempts, "last_error": _describe(exc)}
    delay = None
    if permanent or attempts >= conf.max_attempts():
        changes["status"] = Delivery.Status.FAILED
    else:
        delay = conf.retry_delay(attempts)
        changes["next_attempt_at"] = now + timedelta(seconds=delay)
    Delivery.objects.filter(pk=pk).update(**changes)
    return delay


class _Session:
    """One SMTP connection for a batch, opened when the first message is due."""

    def __init__(self):
        self.backend = get_connection()
        self.opened = False

    def send(self, email) -> None:
        if not self.opened:
            self.backend.open()
            self.opened = True
        self.backend.send_messages([email])

    def close(self) -> None:
        try:
            self.backend.close()
        except Exception:  # the server may already be gone; nothing left to send
            logger.debug("closing the SMTP connection failed", exc_info=True)


def _may_see(notification: Notification) -> bool:
    """Whether the recipient may still see what the notification is about, asked now."""
    if notification.subject_type_id is None:
        return True
    return sees(
        notification.recipient,
        subject_type_id=notification.subject_type_id,
        subject_id=notification.subject_id,
    )


def _deliver_one(pk: int, notification: Notification, session: _Session, report: SendReport) -> str:
    with transaction.atomic():
        now = timezone.now()
        attempts = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .values_list("attempts", flat=True)
            .first()
        )
        if attempts is None:  # sent already, being sent right now, or not yet due
            report.skipped += 1
            return SKIPPED
        if not notification.recipient.is_active:
            Delivery.objects.filter(pk=pk).update(status=Delivery.Status.SKIPPED)
            report.skipped += 1
            return SKIPPED
        if not _may_see(notification):
            Delivery.objects.filter(pk=pk).update(status=Delivery.Status.SKIPPED, last_error=NO_ACCESS)
            report.skipped += 1
            return SKIPPED
        try:
            session.send(notification_email(notification))
        except Exception as exc:
            outcome = _classify(exc)
            if outcome == TEMPORARY and not isinstance(exc, OSError):
                logger.exception("delivery %s could not be rendered or sent", pk)
            delay = _record_failure(pk, attempts, exc, permanent=outcome == PERMANENT, now=now)
            if delay is None:
                report.failed += 1
            else:
                report.retry[delay].append(pk)
            return outcome
        Delivery.objects.filter(pk=pk).update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=attempts + 1
        )
        report.sent += 1
        return SENT


def email_deliveries_send(*, ids: Sequence[int]) -> SendReport:
    """Send the due email deliveries among `ids`, each at most once; says what to retry when."""
    report = SendReport()
    # What the messages say is read once for the batch; each delivery is claimed on its own.
    notifications = {
        delivery.pk: delivery.notification
        for delivery in Delivery.objects.filter(
            pk__in=ids, channel=Delivery.Channel.EMAIL, status=Delivery.Status.PENDING
        ).select_related("notification__recipient", "notification__actor")
    }
    session = _Session()
    try:
        for index, pk in enumerate(ids):
            if pk not in notifications:
                report.skipped += 1
                continue
            if _deliver_one(pk, notifications[pk], session, report) == SERVER_DOWN:
                rest = [other for other in ids[index + 1 :] if other in notifications]
                if rest:
                    # The server is away: the rest of the batch waits as long, without losing an attempt.
                    delay = conf.retry_delay(1)
                    Delivery.objects.filter(pk__in=rest, status=Delivery.Status.PENDING).update(
                        next_attempt_at=timezone.now() + timedelta(seconds=delay)
                    )
                    report.retry[delay].extend(rest)
                break
    finally:
        session.close()
    return report


def digest_send(*, user_id: int) -> SendReport:
    """Send one person's due digest entries as one email, once; says when to retry after an error."""
    report = SendReport()
    with transaction.atomic():
        now = timezone.now()
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification__recipient", "notification__actor")
            .filter(
                channel=Delivery.Channel.DIGEST,
                status=Delivery.Status.PENDING,
                next_attempt_at__lte=now,
                notification__recipient_id=user_id,
            )
            .order_by("notification__created_at", "pk")
        )
        if not rows:
            return report
        recipient = rows[0].notification.recipient
        if not recipient.is_active:
            Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(status=Delivery.Status.SKIPPED)
            report.skipped = len(rows)
            return report
        visible = set(
            Notification.objects.filter(
                visible_to(recipient), pk__in=[r.notification_id for r in rows]
            ).values_list("pk", flat=True)
        )
        hidden = [r.pk for r in rows if r.notification_id not in visible]
        if hidden:
            Delivery.objects.filter(pk__in=hidden).update(
                status=Delivery.Status.SKIPPED, last_error=NO_ACCESS
            )
            report.skipped = len(hidden)
            rows = [r for r in rows if r.notification_id in visible]
            if not rows:
                return report
        session = _Session()
        try:
            session.send(digest_email(recipient, [row.notification for row in rows]))
        except Exception as exc:
            outcome = _classify(exc)
            if outcome == TEMPORARY and not isinstance(exc, OSError):
                logger.exception("digest for person %s could not be rendered or sent", user_id)
            delays = [
                _record_failure(row.pk, row.attempts, exc, permanent=outcome == PERMANENT, now=now)
                for row in rows
            ]
            report.failed = delays.count(None)
            waiting = [delay for delay in delays if delay is not None]
            if waiting:
                report.retry[min(waiting)].append(user_id)
            return report
        finally:
            session.close()
        Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
        )
        report.sent = len(rows)
    return report


def digest_recipients_due(*, now: datetime | None = None) -> list[int]:
    """The people with digest entries waiting to be sent."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(
            channel=Delivery.Channel.DIGEST, status=Delivery.Status.PENDING, next_attempt_at__lte=now
        )
        .values_list("notification__recipient_id", flat=True)
        .distinct()
        .order_by()
    )


@dataclass
class SweepResult:
    email_ids: list[int]
    digest_user_ids: list[int]


@transaction.atomic
def deliveries_sweep(*, now: datetime | None = None, due_before: datetime | None = None) -> SweepResult:
    """Find deliveries that stayed pending past their time (lost task, broker down) to queue them again.

    Marks the email deliveries found due from `now` on. `due_before` replaces the usual SWEEP_AFTER
    cutoff: when the broker comes back, whatever was due before that moment may have lost its task.
    Queuing a delivery twice never sends it twice: sending claims the row and marks it sent.
    """
    now = now or timezone.now()
    cutoff = due_before if due_before is not None else now - conf.get("SWEEP_AFTER")
    email_ids = list(
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(channel=Delivery.Channel.EMAIL, status=Delivery.Status.PENDING, next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: conf.get("SWEEP_LIMIT")]
    )
    # Due again from now on: the next sweep leaves them to the task queued now for SWEEP_AFTER.
    Delivery.objects.filter(pk__in=email_ids).update(next_attempt_at=now)
    digest_user_ids = list(
        Delivery.objects.filter(channel=Delivery.Channel.DIGEST, status=Delivery.Status.PENDING)
        .filter(
            Q(attempts__gt=0, next_attempt_at__lte=cutoff)
            | Q(next_attempt_at__lte=now - conf.get("DIGEST_MISSED_AFTER"))
        )
        .values_list("notification__recipient_id", flat=True)
        .distinct()
        .order_by()
    )
    return SweepResult(email_ids=email_ids, digest_user_ids=digest_user_ids)
