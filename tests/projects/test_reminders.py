"""Tasks due tomorrow or overdue: their assignee is reminded once a day, however often beat runs."""

import datetime

from django.utils import timezone

from notifications.models import Notification
from notifications.reminders import reminders_send
from projects.models import Task
from projects.services import task_create, task_move


def due_reminders(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="task_due").values_list("data__title", flat=True)
    )


def test_due_tomorrow_and_overdue_tasks_are_reminded_once_per_day(world):
    member, chair = world.people["member"], world.people["chair"]
    # Local noon: "three hours later, the same day" must not cross midnight whenever the suite runs.
    now = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(12)))
    today = timezone.localdate(now)
    for title, days in [("Morgen fällig", 1), ("Überfällig", -3), ("Nächste Woche", 7), ("Ohne Datum", None)]:
        task_create(
            project=world.project,
            actor=chair,
            title=title,
            assignee=member,
            due_date=today + datetime.timedelta(days=days) if days is not None else None,
        )
    done = task_create(
        project=world.project,
        actor=chair,
        title="Erledigt und überfällig",
        assignee=member,
        due_date=today - datetime.timedelta(days=1),
    )
    task_move(task=done, status=Task.Status.DONE, actor=chair)

    reminders_send(now=now)
    reminders_send(now=now + datetime.timedelta(hours=3))  # beat runs again the same day
    assert sorted(due_reminders(member)) == ["Morgen fällig", "Überfällig"]

    reminders_send(now=now + datetime.timedelta(days=1))  # next day: still open, reminded again
    assert sorted(due_reminders(member)).count("Überfällig") == 2


def test_archived_projects_and_unassigned_tasks_are_not_reminded(world):
    from projects.services import project_archive

    chair = world.people["chair"]
    today = timezone.localdate()
    task_create(project=world.project, actor=chair, title="Niemand", due_date=today)
    task_create(project=world.project, actor=chair, title="Archiviert", assignee=chair, due_date=today)
    project_archive(project=world.project, actor=chair)
    reminders_send()
    assert not Notification.objects.filter(kind="task_due").exists()
