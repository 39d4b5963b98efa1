"""The outbox: every notification is written here, in the caller's transaction."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .kinds import Preference, get_kind
from .models import Delivery, Notification

User = get_user_model()


def notify(
    *,
    kind: str,
    recipients: Iterable[User],
    subject: models.Model | None = None,
    actor: User | None = None,
    data: dict | None = None,
) -> list[Notification]:
    """Write notification and delivery rows inside the caller's transaction; deliver after commit.

    The actor is never notified of their own action. Recipients who turned the kind off get an
    inbox entry but no email.
    """
    get_kind(kind)
    people = {user.pk: user for user in recipients if user is not None}
    if actor is not None:
        people.pop(actor.pk, None)
    if not people:
        return []
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    rows = [
        Notification(
            recipient_id=pk,
            kind=kind,
            actor=actor,
            subject_type=subject_type,
            subject_id=subject.pk if subject is not None else None,
            data=data or {},
        )
        for pk in people
    ]
    created = Notification.objects.bulk_create(rows)
    deliveries = [
        Delivery(notification=note, channel=Delivery.Channel.EMAIL)
        for note in created
    ]
    Delivery.objects.bulk_create(deliveries)
    _queue_after_commit([d.pk for d in deliveries])
    return created


def _queue_after_commit(ids: list[int]) -> None:
    from .tasks import deliver

    if ids:
        transaction.on_commit(lambda: deliver.delay(ids))


__all__ = ["notify", "Preference"]
