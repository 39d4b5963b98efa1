"""Reminder source: a vote closes within 24 hours and this voter has not voted (once per voter)."""

import datetime
from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from notifications.models import ReminderSent
from notifications.reminders import Reminder

from .models import Elector, Vote
from .services import KIND_CLOSING, notification_data

WINDOW = datetime.timedelta(hours=24)


def votes_closing(now: datetime.datetime) -> Iterator[Reminder]:
    votes = Vote.objects.filter(status=Vote.Status.OPEN, closes_at__gt=now, closes_at__lte=now + WINDOW)
    vote_type = ContentType.objects.get_for_model(Vote)
    for vote in votes.order_by("closes_at", "pk"):
        # Once per voter and vote, not once a day: whoever was reminded is not reminded again.
        reminded = set(
            ReminderSent.objects.filter(
                kind=KIND_CLOSING, subject_type=vote_type, subject_id=vote.pk
            ).values_list("recipient_id", flat=True)
        )
        waiting = Elector.objects.filter(vote=vote, participation__isnull=True).values_list(
            "user_id", "representative_id", "deputy_id"
        )
        ids = {pk for row in waiting for pk in row if pk} - reminded
        data = notification_data(vote)
        for user in User.objects.filter(pk__in=ids, is_active=True).order_by("pk"):
            yield Reminder(recipient=user, kind=KIND_CLOSING, subject=vote, data=data)
