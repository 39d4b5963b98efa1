"""Sending the mails to guests: the same outbox discipline as workgroups.mail. A row is claimed
under a lock (skip_locked), sent, marked, in one short transaction, so two workers never both send
it and a killed worker causes at most one resend; temporary errors back off, the sweep re-queues
what a lost task missed."""

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from kombu.exceptions import OperationalError

from notifications import conf

from .models import GuestMail, Registration

logger = logging.getLogger(__name__)

SWEEP_AFTER = timedelta(minutes=3)
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


def guest_mails_queue(*, ids: Sequence[int], countdown: float | None = None) -> None:
    """Publish a send task for these mails; never raises (the sweep catches up)."""
    from .tasks import guest_mails_send

    if not ids:
        return
    try:
        guest_mails_send.apply_async(
            args=[list(ids)], countdown=countdown, retry=True, retry_policy=RETRY_POLICY
        )
    except OperationalError:
        logger.warning("broker unavailable: %d guest mails wait for the sweep", len(ids), exc_info=True)


def guest_link(registration: Registration) -> str:
    from .services import guest_link_token

    path = reverse("events:guest", kwargs={"token": guest_link_token(registration)})
    return f"{settings.SITE_URL}{path}"


def guest_email(mail: GuestMail) -> EmailMultiAlternatives:
    """The mail in the platform's language (a guest has no account, so no preference)."""
    registration = mail.registration
    event = registration.event
    with translation.override(settings.LANGUAGE_CODE):
        start = timezone.localtime(event.starts_at)
        context = {
            "mail": mail,
            "registration": registration,
            "event": event,
            "date": formats.date_format(start, "DATE_FORMAT"),
            "time": formats.time_format(start, "TIME_FORMAT"),
            "link": guest_link(registration),
            "waiting": registration.status == Registration.Status.WAITING,
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("events/email/guest_subject.txt", context).strip()
        text = render_to_string("events/email/guest.txt", context)
    return EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.guest_email],
        headers={"Auto-Submitted": "auto-generated", "X-Event-Registration-Id": str(registration.pk)},
    )


def guest_mails_send(*, ids: Sequence[int]) -> dict[int, list[int]]:
    """Send the due mails among `ids`, each at most once; returns {seconds: ids} to retry."""
    retry: dict[int, list[int]] = {}
    connection = None
    try:
        for pk in ids:
            with transaction.atomic():
                now = timezone.now()
                mail = (
                    GuestMail.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("registration__event")
                    .filter(pk=pk, status=GuestMail.Status.PENDING, next_attempt_at__lte=now)
                    .first()
                )
                if mail is None:  # sent already, being sent right now, or not yet due
                    continue
                if mail.registration.status == Registration.Status.CANCELLED:
                    # The guest cancelled before this went out: nothing left to tell.
                    GuestMail.objects.filter(pk=pk).update(status=GuestMail.Status.SKIPPED)
                    continue
                try:
                    if connection is None:
                        connection = get_connection()
                        connection.open()
                    connection.send_messages([guest_email(mail)])
                except Exception as exc:
                    logger.warning("guest mail %s not sent", pk, exc_info=True)
                    attempts = mail.attempts + 1
                    changes = {"attempts": attempts, "last_error": f"{type(exc).__name__}: {exc}"[:2000]}
                    if attempts >= conf.max_attempts():
                        changes["status"] = GuestMail.Status.FAILED
                    else:
                        delay = conf.retry_delay(attempts)
                        changes["next_attempt_at"] = now + timedelta(seconds=delay)
                        retry.setdefault(delay, []).append(pk)
                    GuestMail.objects.filter(pk=pk).update(**changes)
                    if isinstance(exc, OSError):
                        connection = None
                    continue
                GuestMail.objects.filter(pk=pk).update(
                    status=GuestMail.Status.SENT, sent_at=timezone.now(), attempts=mail.attempts + 1
                )
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # the server may be gone; nothing left to send
                logger.debug("closing the SMTP connection failed", exc_info=True)
    return retry


@transaction.atomic
def guest_mails_sweep(*, now=None) -> list[int]:
    """The mails still pending past their time (lost task, broker down), made due now to be queued again."""
    now = now or timezone.now()
    ids = list(
        GuestMail.objects.select_for_update(skip_locked=True)
        .filter(status=GuestMail.Status.PENDING, next_attempt_at__lte=now - SWEEP_AFTER)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:5000]
    )
    GuestMail.objects.filter(pk__in=ids).update(next_attempt_at=now)
    return ids
