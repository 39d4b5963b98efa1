"""Sending the invitation mails to addresses without an account: the same outbox discipline as
notifications.delivery. A row is claimed under a lock (skip_locked), sent, marked, in one short
transaction, so two workers never both send it and a killed worker causes at most one resend;
temporary errors back off (NOTIFICATIONS_RETRY_DELAYS), the sweep re-queues what a lost task missed.
"""

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

from .models import Invitation, InvitationMail
from .services.invitations import invitation_link_token

logger = logging.getLogger(__name__)

SWEEP_AFTER = timedelta(minutes=3)
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


def invitation_mails_queue(*, ids: Sequence[int], countdown: float | None = None) -> None:
    """Publish a send task for these mails; never raises (the sweep catches up)."""
    from .tasks import invitation_mails_send

    if not ids:
        return
    try:
        invitation_mails_send.apply_async(
            args=[list(ids)], countdown=countdown, retry=True, retry_policy=RETRY_POLICY
        )
    except OperationalError:
        logger.warning("broker unavailable: %d invitation mails wait for the sweep", len(ids), exc_info=True)


def invitation_link(invitation: Invitation) -> str:
    path = reverse("workgroups:invitation_register", kwargs={"token": invitation_link_token(invitation)})
    return f"{settings.SITE_URL}{path}"


def invitation_email(invitation: Invitation) -> EmailMultiAlternatives:
    """The invitation mail in the platform's language (the address has no account, so no preference)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "body": invitation.body,
            "inviter": invitation.invited_by,
            "role": invitation.get_role_display(),
            "link": invitation_link(invitation),
            "expires": formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("workgroups/email/invitation_subject.txt", context).strip()
        text = render_to_string("workgroups/email/invitation.txt", context)
    return EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
        headers={"Auto-Submitted": "auto-generated", "X-Invitation-Id": str(invitation.pk)},
    )


def invitation_mails_send(*, ids: Sequence[int]) -> dict[int, list[int]]:
    """Send the due mails among `ids`, each at most once; returns {seconds: ids} to retry."""
    retry: dict[int, list[int]] = {}
    connection = None
    try:
        for pk in ids:
            with transaction.atomic():
                now = timezone.now()
                mail = (
                    InvitationMail.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("invitation__body", "invitation__invited_by")
                    .filter(pk=pk, status=InvitationMail.Status.PENDING, next_attempt_at__lte=now)
                    .first()
                )
                if mail is None:  # sent already, being sent right now, or not yet due
                    continue
                invitation = mail.invitation
                if (
                    invitation.status != Invitation.Status.OPEN
                    or invitation.link_nonce != mail.link_nonce
                    or invitation.invitee_id is not None
                ):
                    # Withdrawn or re-sent before this went out: its link is dead, so it is not sent.
                    InvitationMail.objects.filter(pk=pk).update(status=InvitationMail.Status.SKIPPED)
                    continue
                try:
                    if connection is None:
                        connection = get_connection()
                        connection.open()
                    connection.send_messages([invitation_email(invitation)])
                except Exception as exc:
                    logger.warning("invitation mail %s not sent", pk, exc_info=True)
                    attempts = mail.attempts + 1
                    changes = {"attempts": attempts, "last_error": f"{type(exc).__name__}: {exc}"[:2000]}
                    if attempts >= conf.max_attempts():
                        changes["status"] = InvitationMail.Status.FAILED
                    else:
                        delay = conf.retry_delay(attempts)
                        changes["next_attempt_at"] = now + timedelta(seconds=delay)
                        retry.setdefault(delay, []).append(pk)
                    InvitationMail.objects.filter(pk=pk).update(**changes)
                    if isinstance(exc, OSError):
                        connection = None
                    continue
                InvitationMail.objects.filter(pk=pk).update(
                    status=InvitationMail.Status.SENT, sent_at=timezone.now(), attempts=mail.attempts + 1
                )
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # the server may be gone; nothing left to send
                logger.debug("closing the SMTP connection failed", exc_info=True)
    return retry


@transaction.atomic
def invitation_mails_sweep(*, now=None) -> list[int]:
    """The mails still pending past their time (lost task, broker down), made due now to be queued again."""
    now = now or timezone.now()
    ids = list(
        InvitationMail.objects.select_for_update(skip_locked=True)
        .filter(status=InvitationMail.Status.PENDING, next_attempt_at__lte=now - SWEEP_AFTER)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:5000]
    )
    InvitationMail.objects.filter(pk__in=ids).update(next_attempt_at=now)
    return ids
