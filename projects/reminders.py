"""Reminder source for tasks due tomorrow or overdue (notifications.reminders sends each once a day)."""

import datetime
from collections.abc import Iterator

from django.utils import formats, timezone

from notifications.reminders import Reminder

from .models import Task


def tasks_due(now: datetime.datetime) -> Iterator[Reminder]:
    """Every open, assigned task of a live project that is due tomorrow or already overdue."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    tasks = (
        Task.objects.filter(
            due_date__lte=tomorrow,
            assignee__isnull=False,
            assignee__is_active=True,
            project__archived_at__isnull=True,
        )
        .exclude(status=Task.Status.DONE)
        .select_related("assignee", "project__workgroup")
        .order_by("pk")
    )
    for task in tasks.iterator(chunk_size=500):
        yield Reminder(
            recipient=task.assignee,
            kind="task_due",
            subject=task,
            data={
                "title": task.title,
                "url": task.get_absolute_url(),
                "project": task.project.title,
                "group": task.project.workgroup.name,
                "due": formats.date_format(task.due_date, "Y-m-d"),
            },
        )
