"""Sending deliveries: claim under a lock, send, mark."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Delivery


def deliveries_send(*, ids: list[int]) -> int:
    """Send the pending email deliveries among `ids`; returns how many were sent."""
    sent = 0
    for pk in ids:
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(skip_locked=True)
                .select_related("notification__recipient")
                .filter(pk=pk, status=Delivery.Status.PENDING)
                .first()
            )
            if delivery is None:
                continue
            note = delivery.notification
            send_mail(
                subject=note.data.get("title", note.kind),
                message=note.data.get("body", ""),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[note.recipient.email],
            )
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.attempts += 1
            delivery.save(update_fields=["status", "sent_at", "attempts"])
            sent += 1
    return sent
