"""Every write to projects, tasks and comments."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from audit.services import audit_record
from core.errors import Conflict
from notifications.services import notify
from workflows.services import workflow_start
from workgroups.models import Body, Membership, Role

from .models import Comment, Project, Task
from .permissions import (
    may_change_task,
    may_comment_task,
    may_delete_task,
    project_grant_permissions,
    project_state_require,
)
from .positions import GAP, UNPLACED, Place, position_after, position_end, position_top

PROJECT_FIELDS = ("type", "title", "summary", "description", "goals", "start_date", "end_date", "is_public")


def _require(actor: User, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _project_locked(pk: int) -> Project:
    # A task or comment write locks its project's row: a workflow step that completes the
    # project (which locks it too) and the write queue behind each other, so nothing lands in a
    # project the moment after it has become read-only.
    return Project.objects.select_for_update(of=("self",)).select_related("workflow", "workgroup").get(pk=pk)


def _task_locked(task: Task) -> Task:
    project = _project_locked(task.project_id)
    locked = Task.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=task.pk)
    locked.project = project
    return locked


def board_changed(*project_ids: int) -> None:
    """Raise the boards' version: whoever has one of them open reloads it (projects.views.board_live)."""
    Project.objects.filter(pk__in=project_ids).update(board_version=F("board_version") + 1)


def _plain(value: Any) -> Any:
    """A value as the audit trail stores it: dates as ISO text, rows as their id."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _task_snapshot(task: Task) -> dict:
    return {
        "project": task.project_id,
        "title": task.title,
        "description": task.description,
        "assignee": task.assignee_id,
        "due_date": _plain(task.due_date),
        "priority": task.priority,
        "status": task.status,
    }


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
    audit_record(
        actor=actor,
        action="project.created",
        subject=project,
        scope=workgroup,
        after={
            **{name: _plain(getattr(project, name)) for name in PROJECT_FIELDS},
            "partner_organisations": sorted(o.pk for o in partner_organisations or []),
        },
    )
    # Each project type runs its own workflow; starting it creates the first state's tasks.
    workflow_start(subject=project, key=project.type, actor=actor)
    return project


@transaction.atomic
def project_update(
    *, project: Project, actor: User, partner_organisations: list[Organisation] | None = None, **fields
) -> Project:
    """Change a project's fields (members and chair; not once it is finished); audits what changed."""
    project = _project_locked(project.pk)
    _require(actor, "projects.change_project", project)
    project_state_require(project, "project.change")
    if fields.get("type", project.type) != project.type:
        raise ValidationError(
            {"type": _("Die Projektart bestimmt den Ablauf und bleibt nach dem Anlegen fest.")}
        )
    changed = [k for k in fields if k in PROJECT_FIELDS and k != "type"]
    before = {name: _plain(getattr(project, name)) for name in changed}
    for name in changed:
        setattr(project, name, fields[name])
    project.full_clean()
    project.save(update_fields=[*changed, "updated_at"])
    after = {name: _plain(getattr(project, name)) for name in changed}
    if partner_organisations is not None:
        before["partner_organisations"] = sorted(project.partner_organisations.values_list("pk", flat=True))
        project.partner_organisations.set(partner_organisations)
        after["partner_organisations"] = sorted(o.pk for o in partner_organisations)
    differs = [name for name in after if before[name] != after[name]]
    if differs:
        audit_record(
            actor=actor,
            action="project.changed",
            subject=project,
            scope=project.workgroup,
            before={name: before[name] for name in differs},
            after={name: after[name] for name in differs},
        )
    return project


@transaction.atomic
def project_archive(*, project: Project, actor: User, archived: bool = True) -> Project:
    """Archive (or restore) a project, in any state; the chair decides. Audited when it changes."""
    project = _project_locked(project.pk)
    _require(actor, "projects.archive_project", project)
    project_state_require(project, "project.archive")
    before = project.archived_at
    if (before is not None) == archived:
        return project
    project.archived_at = timezone.now() if archived else None
    project.save(update_fields=["archived_at", "updated_at"])
    audit_record(
        actor=actor,
        action="project.archived" if archived else "project.restored",
        subject=project,
        scope=project.workgroup,
        before={"archived_at": before},
        after={"archived_at": project.archived_at},
    )
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
    """Create a task (not in a paused or finished project); the assignee is notified after commit."""
    _require(actor, "projects.add_task_to_project", project)
    project = _project_locked(project.pk)
    project_state_require(project, "task.create")
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
        position=position_end(project_id=project.pk, status=Task.Status.OPEN),
    )
    task.full_clean()
    task.save()
    board_changed(project.pk)
    task.followers.add(*{u for u in (actor, assignee) if u is not None})
    if assignee is not None:
        _notify_assigned(task, assignee=assignee, actor=actor)
    return task


@transaction.atomic
def task_update(*, task: Task, actor: User, **fields) -> Task:
    """Change a task's title, description, due date, priority or assignee (not in a finished project)."""
    task = _task_locked(task)
    if not may_change_task(actor, task):
        raise PermissionDenied
    project_state_require(task.project, "task.change")
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
    board_changed(task.project_id)
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
    position = position_end(project_id=project.pk, status=Task.Status.OPEN)
    for title, description, due_days, role in specs:
        assignee = chair if role == "chair" else None
        task = Task.objects.create(
            project=project,
            position=position,
            title=title[:200],
            description=description,
            assignee=assignee,
            due_date=today + datetime.timedelta(days=due_days) if due_days is not None else None,
            created_by=actor,
        )
        position += GAP
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
    if tasks:
        board_changed(project.pk)
    return tasks


def task_assign(*, task: Task, assignee: User | None, actor: User) -> Task:
    """Assign the task; the assignee is notified after commit."""
    return task_update(task=task, actor=actor, assignee=assignee)


@transaction.atomic
def task_move(
    *,
    task: Task,
    status: str,
    actor: User,
    after: Task | None | Place = UNPLACED,
    expected_status: str | None = None,
) -> Task:
    """Move a card to a column of the board, right below `after` (None: to the column's top; not
    given: another column's top, or its place). Refused when it has left `expected_status`, the
    column the reader saw it in. Not in a finished project."""
    # Lock: two members moving cards of one board at once end with one consistent order.
    task = _task_locked(task)
    if not may_change_task(actor, task):
        raise PermissionDenied
    project_state_require(task.project, "task.change")
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Unbekannter Status.")})
    if expected_status is not None and expected_status != task.status:
        raise Conflict(
            _('Die Karte „%(title)s" wurde inzwischen verschoben; das Board zeigt jetzt den aktuellen Stand.')
            % {"title": task.title}
        )
    new_column = status != task.status
    if isinstance(after, Task):
        if after.pk == task.pk:
            raise ValidationError({"after": _("Eine Karte kann nicht unter sich selbst stehen.")})
        # Read again under the project's lock: where the neighbour is now, not when the page was drawn.
        after = (
            Task.objects.filter(pk=after.pk, project_id=task.project_id)
            .only("project_id", "status", "position")
            .first()
        )
        if after is None or after.status != status:
            raise Conflict(_("Das Board hat sich inzwischen geändert; es zeigt jetzt den aktuellen Stand."))
        position = position_after(after=after, without=task.pk)
    elif after is None or new_column:
        position = position_top(project_id=task.project_id, status=status, without=task.pk)
    else:
        position = task.position
    if not new_column and position == task.position:
        return task
    fields = ["position", "updated_at"]
    if new_column:
        task.status = status
        task.completed_at = timezone.now() if status == Task.Status.DONE else None
        fields += ["status", "completed_at"]
    task.position = position
    task.save(update_fields=fields)
    board_changed(task.project_id)
    return task


@transaction.atomic
def task_delete(*, task: Task, actor: User) -> None:
    """Delete a task (the chair's call; not in a finished project); the audit row keeps what it held."""
    task = _task_locked(task)
    if not may_delete_task(actor, task):
        raise PermissionDenied
    project_state_require(task.project, "task.delete")
    audit_record(
        actor=actor,
        action="task.deleted",
        subject=task,
        scope=task.project.workgroup,
        before=_task_snapshot(task),
    )
    task.delete()
    board_changed(task.project_id)


@transaction.atomic
def comment_create(*, task: Task, actor: User, body: str) -> Comment:
    """Comment on a task (not in a finished project); its followers are notified, the author follows it."""
    if not may_comment_task(actor, task):
        raise PermissionDenied
    project_state_require(_project_locked(task.project_id), "comment.create")
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
