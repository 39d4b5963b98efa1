"""Reads for a person: their notifications and preferences; for staff: failed deliveries."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User

from .kinds import Preference, all_kinds
from .models import Delivery, KindPreference, Notification
from .rendering import Message, message_render
from .subjects import visible_to


def notifications_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's own notifications about what they may still see, newest first."""
    qs = Notification.objects.filter(visible_to(user), recipient=user).select_related("actor")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """One of the person's notifications; someone else's answers 404 like a missing one."""
    notification = notifications_for_user(user=user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def unread_count(*, user: User) -> int:
    """How many of the notifications the person is shown are unread."""
    return notifications_for_user(user=user, unread_only=True).count()


@dataclass(frozen=True)
class InboxEntry:
    notification: Notification
    message: Message


def inbox_entries(notifications) -> list[InboxEntry]:
    """Notifications with their message in the active language."""
    return [InboxEntry(notification=n, message=message_render(n)) for n in notifications]


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    value: str
    default: str


def preferences_for_user(*, user: User) -> list[PreferenceRow]:
    """Every registered kind with the person's choice (or the kind's default)."""
    chosen = dict(KindPreference.objects.filter(user=user).values_list("kind", "value"))
    return [
        PreferenceRow(
            kind=kind.key,
            label=str(kind.label),
            value=chosen.get(kind.key, kind.default),
            default=Preference(kind.default),
        )
        for kind in all_kinds()
    ]


def deliveries_for_staff(*, status: str | None = Delivery.Status.FAILED) -> QuerySet[Delivery]:
    """Deliveries (by default the failed ones), newest first, with whom and what they are for."""
    qs = Delivery.objects.select_related("notification__recipient").order_by("-created_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return qs
