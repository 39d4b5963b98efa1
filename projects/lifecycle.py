"""What leaving a body means for projects: registered with workgroups.lifecycle in ProjectsConfig.ready().

When a membership ends, in the same transaction: the person stops following every task they
can no longer see (so comments on it reach them neither by email nor in the inbox), and their
open tasks in the group are unassigned (no more due reminders), each one told to the chair.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from notifications.kinds import register_kind
from notifications.services import notify
from workgroups.lifecycle import on_membership_end
from workgroups.models import Body, Membership, Role

from .models import Task
from .selectors import tasks_visible
from .services import board_changed


def register() -> None:
    register_kind(
        "task_unassigned_member_left",
        _("Aufgabe wieder offen, weil jemand die Gruppe verlassen hat"),
        title=_("„{title}“ ist nicht mehr zugewiesen: {member} hat die Gruppe verlassen"),
    )
    on_membership_end(membership_ended)


@transaction.atomic
def membership_ended(*, membership: Membership, actor) -> None:
    """Drop the leaver's follows of tasks they no longer see and unassign their open tasks in the group."""
    user = membership.user
    follows = Task.followers.through.objects.filter(user_id=user.pk)
    follows.exclude(task_id__in=tasks_visible(user=user).values("pk")).delete()
    if membership.body.kind == Body.Kind.WORKING_GROUP:
        tasks_unassign_leaver(membership=membership, actor=actor)


def tasks_unassign_leaver(*, membership: Membership, actor) -> list[Task]:
    """Unassign the leaver's unfinished tasks in the group; the chair is told of each, each is audited."""
    body, user = membership.body, membership.user
    tasks = list(
        Task.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(project__workgroup=body, assignee=user)
        .exclude(status=Task.Status.DONE)
        .order_by("pk")
    )
    if not tasks:
        return []
    Task.objects.filter(pk__in=[task.pk for task in tasks]).update(assignee=None)
    board_changed(*{task.project_id for task in tasks})
    chairs = [
        m.user
        for m in Membership.objects.filter(body=body, role=Role.CHAIR, left_at__isnull=True)
        .exclude(user=user)
        .select_related("user")
    ]
    for task in tasks:
        task.assignee = None
        audit_record(
            actor=actor,
            action="task.unassigned_member_left",
            subject=task,
            scope=body,
            before={"assignee": user.pk},
            after={"assignee": None},
        )
        notify(
            kind="task_unassigned_member_left",
            recipients=chairs,
            subject=task,
            actor=actor,
            data={
                "title": task.title,
                "url": task.get_absolute_url(),
                "project": task.project.title,
                "group": body.name,
                "member": str(user),
            },
        )
    return tasks
