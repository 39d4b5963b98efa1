"""Every write to projects, tasks and comments."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from notifications.services import notify
from workflows.services import workflow_start
from workgroups.models import Body, Membership, Role

from .models import Comment, Project, Task
from .permissions import project_grant_permissions, task_grant_permissions

PROJECT_FIELDS = ("type", "title", "summary", "description", "goals", "start_date", "end_date", "is_public")


def _require(actor: User, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _notification_data(task: Task) -> dict:
    return {
        "title": task.title,
        "url": task.get_absolute_url(),
        "project": task.project.title,
        "group": task.project.workgroup.name,
    }


@transaction.atomic
def project_create(
    *,
    workgroup: Body,
    actor: User,
    title: str,
    summary: str,
    partner_organisations: list[Organisation] | None = None,
    **fields,
) -> Project:
    """Create a project in a working group; its groups receive their permissions."""
    _require(actor, "workgroups.create_project", workgroup)
    if workgroup.kind != Body.Kind.WORKING_GROUP:
        raise ValidationError({"workgroup": _("Projekte gehören zu einer Arbeitsgruppe.")})
    project = Project(
        workgroup=workgroup,
        title=title,
        summary=summary,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in PROJECT_FIELDS},
    )
    project.full_clean()
    project.save()
    if partner_organisations:
        project.partner_organisations.set(partner_organisations)
    project_grant_permissions(project)
    # Each project type runs its own workflow; starting it creates the first state's tasks.
    workflow_start(subject=project, key=project.type, actor=actor)
    return project


@transaction.atomic
def project_update(
    *, project: Project, actor: User, partner_organisations: list[Organisation] | None = None, **fields
) -> Project:
    """Change a project's fields (members and chair)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require(actor, "projects.change_project", project)
    if fields.get("type", project.type) != project.type:
        raise ValidationError(
            {"type": _("Die Projektart bestimmt den Ablauf und bleibt nach dem Anlegen fest.")}
        )
    changed = [k for k in fields if k in PROJECT_FIELDS and k != "type"]
    for name in changed:
        setattr(project, name, fields[name])
    project.full_clean()
    project.save(update_fields=[*changed, "updated_at"])
    if partner_organisations is not None:
        project.partner_organisations.set(partner_organisations)
    return project


@transaction.atomic
def project_archive(*, project: Project, actor: User, archived: bool = True) -> Project:
    """Archive (or restore) a project; the chair decides."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require(actor, "projects.archive_project", project)
    project.archived_at = timezone.now() if archived else None
    project.save(update_fields=["archived_at", "updated_at"])
    return project


def _check_assignee(project: Project, assignee: User | None) -> None:
    if assignee is None:
        return
    in_group = Membership.objects.filter(
        body_id=project.workgroup_id, user=assignee, left_at__isnull=True
    ).exists()
    if not in_group:
        raise ValidationError({"assignee": _("Zuständig kann nur ein Mitglied der Arbeitsgruppe sein.")})


@transaction.atomic
def task_create(
    *,
    project: Project,
    actor: User,
    title: str,
    description: str = "",
    assignee: User | None = None,
    due_date: datetime.date | None = None,
    priority: int = Task.Priority.NORMAL,
) -> Task:
    """Create a task; the assignee is notified after commit."""
    _require(actor, "projects.add_task_to_project", project)
    if project.archived_at is not None:
        raise ValidationError(_("Das Projekt ist archiviert."))
    _check_assignee(project, assignee)
    task = Task(
        project=project,
        title=title,
        description=description,
        assignee=assignee,
        due_date=due_date,
        priority=priority,
        created_by=actor,
    )
    task.full_clean()
    task.save()
    task_grant_permissions(task)
    task.followers.add(*{u for u in (actor, assignee) if u is not None})
    if assignee is not None:
        _notify_assigned(task, assignee=assignee, actor=actor)
    return task


@transaction.atomic
def task_update(*, task: Task, actor: User, **fields) -> Task:
    """Change a task's title, description, due date, priority or assignee."""
    task = Task.objects.select_for_update().select_related("project__workgroup").get(pk=task.pk)
    _require(actor, "projects.change_task", task)
    allowed = {"title", "description", "due_date", "priority", "assignee"}
    changed = [k for k in fields if k in allowed]
    new_assignee = fields.get("assignee", task.assignee) if "assignee" in fields else task.assignee
    reassigned = "assignee" in fields and new_assignee != task.assignee
    if reassigned:
        _check_assignee(task.project, new_assignee)
    for name in changed:
        setattr(task, name, fields[name])
    task.full_clean()
    task.save(update_fields=[*changed, "updated_at"])
    if reassigned and new_assignee is not None:
        task.followers.add(new_assignee)
        _notify_assigned(task, assignee=new_assignee, actor=actor)
    return task


def _notify_assigned(task: Task, *, assignee: User, actor: User) -> None:
    notify(
        kind="task_assigned", recipients=[assignee], subject=task, actor=actor, data=_notification_data(task)
    )


@transaction.atomic
def tasks_spawn(
    *, project: Project, specs: list[tuple[str, str, int | None, str | None]], actor: User | None
) -> list[Task]:
    """Create a workflow state's standard tasks (title, description, due in days, role to assign).

    Called by the workflow effect `spawn_tasks`, on behalf of whoever took the transition: the
    workflow decided, so no task permission of the actor is checked. A task for the role
    "chair" goes to the group's chair; assignees are notified after commit.
    """
    chair = (
        User.objects.filter(
            memberships__body_id=project.workgroup_id,
            memberships__left_at__isnull=True,
            memberships__role=Role.CHAIR,
        )
        .order_by("pk")
        .first()
    )
    today = timezone.localdate()
    tasks = []
    for title, description, due_days, role in specs:
        assignee = chair if role == "chair" else None
        task = Task.objects.create(
            project=project,
            title=title[:200],
            description=description,
            assignee=assignee,
            due_date=today + datetime.timedelta(days=due_days) if due_days is not None else None,
            created_by=actor,
        )
        task_grant_permissions(task)
        if assignee is not None:
            task.followers.add(assignee)
            notify(
                kind="task_assigned",
                recipients=[assignee],
                subject=task,
                actor=actor,
                data=_notification_data(task),
            )
        tasks.append(task)
    return tasks


def task_assign(*, task: Task, assignee: User | None, actor: User) -> Task:
    """Assign the task; the assignee is notified after commit."""
    return task_update(task=task, actor=actor, assignee=assignee)


@transaction.atomic
def task_move(*, task: Task, status: str, actor: User) -> Task:
    """Move a task to another column of the board."""
    # Lock: two members moving the same card at once end with one consistent state.
    task = Task.objects.select_for_update().get(pk=task.pk)
    _require(actor, "projects.change_task", task)
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Unbekannter Status.")})
    task.status = status
    task.completed_at = timezone.now() if status == Task.Status.DONE else None
    task.save(update_fields=["status", "completed_at", "updated_at"])
    return task


@transaction.atomic
def task_delete(*, task: Task, actor: User) -> None:
    """Delete a task (the chair's call)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    _require(actor, "projects.delete_task", task)
    task.delete()


@transaction.atomic
def comment_create(*, task: Task, actor: User, body: str) -> Comment:
    """Comment on a task; its followers are notified, and the author follows it from now on."""
    _require(actor, "projects.comment_task", task)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Der Kommentar ist leer.")})
    comment = Comment(task=task, author=actor, body=body)
    comment.full_clean()
    comment.save()
    task.followers.add(actor)
    notify(
        kind="task_comment",
        recipients=task.followers.all(),
        subject=task,
        actor=actor,
        data={**_notification_data(task), "body": body[:500]},
    )
    return comment
