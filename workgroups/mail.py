"""Sending the invitation mails to addresses without an account, through the outbox for such
mails (notifications.address_mail: claimed under a lock, sent once, retried, swept)."""

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from notifications.address_mail import (
    SWEEP_AFTER,  # noqa: F401 - the tests make mails overdue by it
    address_mails_queue,
    address_mails_send,
    address_mails_sweep,
)

from .models import Invitation, InvitationMail
from .services.invitations import invitation_link_token


def invitation_mails_queue(*, ids: Sequence[int], countdown: float | None = None) -> None:
    """Publish a send task for these mails; never raises (the sweep catches up)."""
    from .tasks import invitation_mails_send

    address_mails_queue(invitation_mails_send, ids=ids, countdown=countdown)


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


def _invitation_obsolete(mail: InvitationMail) -> bool:
    """Withdrawn or re-sent before this went out: its link is dead, so it is not sent."""
    invitation = mail.invitation
    return (
        invitation.status != Invitation.Status.OPEN
        or invitation.link_nonce != mail.link_nonce
        or invitation.invitee_id is not None
    )


def invitation_mails_send(*, ids: Sequence[int]) -> dict[int, list[int]]:
    """Send the due mails among `ids`, each at most once; returns {seconds: ids} to retry."""
    return address_mails_send(
        InvitationMail,
        ids=ids,
        related=("invitation__body", "invitation__invited_by"),
        obsolete=_invitation_obsolete,
        message=lambda mail: invitation_email(mail.invitation),
    )


def invitation_mails_sweep(*, now=None) -> list[int]:
    """The mails still pending past their time (lost task, broker down), made due now to be queued again."""
    return address_mails_sweep(InvitationMail, now=now)
