"""Sending the mails to guests, through the outbox for mails to addresses without an account
(notifications.address_mail: claimed under a lock, sent once, retried, swept)."""

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from notifications.address_mail import address_mails_queue, address_mails_send, address_mails_sweep

from .models import GuestMail, Registration


def guest_mails_queue(*, ids: Sequence[int], countdown: float | None = None) -> None:
    """Publish a send task for these mails; never raises (the sweep catches up)."""
    from .tasks import guest_mails_send

    address_mails_queue(guest_mails_send, ids=ids, countdown=countdown)


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
    return address_mails_send(
        GuestMail,
        ids=ids,
        related=("registration__event",),
        # The guest cancelled before this went out: nothing left to tell.
        obsolete=lambda mail: mail.registration.status == Registration.Status.CANCELLED,
        message=guest_email,
    )


def guest_mails_sweep(*, now=None) -> list[int]:
    """The mails still pending past their time (lost task, broker down), made due now to be queued again."""
    return address_mails_sweep(GuestMail, now=now)
