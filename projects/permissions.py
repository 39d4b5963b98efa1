"""What each role group holds on a working group's projects, and through them on their tasks.

See workgroups.permissions for the role groups. Tasks and comments carry no permission rows:
every check on a task asks its project (`may_change_task` and friends), every list of tasks
joins the projects that grant the action (`filter_by_task_perm`).
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from core.errors import Conflict
from workflows.spec import ACTIVE, ON_HOLD, TERMINAL
from workgroups.models import Role
from workgroups.permissions import FORUM, SELF, STEERING, grant, related_role_groups

from .models import Project, ProjectGroupObjectPermission, Task

# A task's and a comment's access follows its project's: each task action is a permission the
# role groups hold on the project (granted with the project, never per task). A check on a task
# asks its project; a list of tasks joins the few projects that grant the action.
TASK_ON_PROJECT = {
    "view_task": "view_project_tasks",
    "change_task": "change_project_tasks",
    "comment_task": "comment_project_tasks",
    "delete_task": "delete_project_tasks",
}

_MEMBER_PROJECT = ["view_project", "view_project_summary", "change_project", "add_task_to_project"]
_MEMBER_TASKS = ["view_project_tasks", "change_project_tasks", "comment_project_tasks"]

PROJECT_GRANTS = {
    (SELF, Role.MEMBER): [*_MEMBER_PROJECT, *_MEMBER_TASKS],
    (SELF, Role.CHAIR): [*_MEMBER_PROJECT, "archive_project", *_MEMBER_TASKS, "delete_project_tasks"],
    (STEERING, Role.MEMBER): ["view_project", "view_project_summary", "view_project_tasks"],
    (FORUM, Role.STAFF): [
        "view_project",
        "view_project_summary",
        "view_project_tasks",
        "comment_project_tasks",
    ],
    (FORUM, Role.MEMBER): ["view_project_summary"],
}


def project_grant_permissions(project: Project) -> int:
    return grant(
        obj=project,
        perm_model=ProjectGroupObjectPermission,
        grants=PROJECT_GRANTS,
        groups=related_role_groups(project.workgroup),
    )


def project_ids_granting(*, user, codename: str) -> QuerySet:
    """A subquery of the ids of the projects on which `user` holds `codename` through a group.

    No query of its own; the caller has already let superusers through and stopped anonymous
    and inactive people.
    """
    # The person's groups from the through table: one join fewer to plan than group__user.
    groups = get_user_model().groups.through.objects.filter(user_id=user.pk).values("group_id")
    return ProjectGroupObjectPermission.objects.filter(
        permission__codename=codename, group_id__in=groups
    ).values("content_object_id")


def filter_by_task_perm(queryset: QuerySet, *, user, action: str = "view_task", via: str = "") -> QuerySet:
    """Rows of `queryset` (tasks, or rows reaching a task at `via`, e.g. "task__") whose task's
    project grants `user` the task `action`: `project_id IN (the person's projects)`."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    projects = project_ids_granting(user=user, codename=TASK_ON_PROJECT[action])
    return queryset.filter(**{f"{via}project_id__in": projects})


def task_permissions(user, task: Task, *, checker: ObjectPermissionChecker | None = None) -> frozenset[str]:
    """The task actions (keys of TASK_ON_PROJECT) `user` may take on `task`, asked of its project."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(TASK_ON_PROJECT)
    held = set((checker or ObjectPermissionChecker(user)).get_perms(task.project))
    return frozenset(action for action, codename in TASK_ON_PROJECT.items() if codename in held)


def may_view_task(user, task: Task) -> bool:
    """Seeing a task and its comments."""
    return "view_task" in task_permissions(user, task)


def may_change_task(user, task: Task) -> bool:
    """Editing, assigning and moving a task."""
    return "change_task" in task_permissions(user, task)


def may_comment_task(user, task: Task) -> bool:
    return "comment_task" in task_permissions(user, task)


def may_delete_task(user, task: Task) -> bool:
    return "delete_task" in task_permissions(user, task)


class TaskPermissionBackend:
    """Answers `user.has_perm("projects.change_task", task)` (and view, comment, delete) from the
    task's project, so a check written the guardian way stays true without per-task rows."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        app_label, _dot, codename = perm.partition(".")
        if app_label != "projects" or codename not in TASK_ON_PROJECT or not isinstance(obj, Task):
            return False
        return codename in task_permissions(user_obj, obj)


class ProjectStateRefused(Conflict):
    """The project's workflow state leaves the action closed (a finished project is read-only)."""


# Beyond the role's permission, what a project's state class leaves open. Viewing is always
# open, and so is archiving: filing away a finished project changes nothing in it. The
# workflow's own steps are judged by the definition alone.
STATE_ALLOWS = {
    ACTIVE: frozenset(
        {"project.change", "project.archive", "task.create", "task.change", "task.delete", "comment.create"}
    ),
    # A pause stops new work, not the conversation or tidying up what is there.
    ON_HOLD: frozenset({"project.change", "project.archive", "task.change", "task.delete", "comment.create"}),
    TERMINAL: frozenset({"project.archive"}),
}


def project_state_class(project: Project) -> str:
    """active, on_hold or terminal: the class of the project's state in its workflow definition."""
    return project.state_class


def project_state_allows(project: Project, action: str) -> bool:
    return action in STATE_ALLOWS[project_state_class(project)]


def project_state_notice(project: Project) -> str:
    """What the project's pages say about its state's limits; empty while it is active."""
    state_class = project_state_class(project)
    values = {"state": project.state_label}
    if state_class == TERMINAL:
        return _("Das Projekt steht auf „%(state)s“ und kann nicht mehr geändert werden.") % values
    if state_class == ON_HOLD:
        return _("Das Projekt ist pausiert („%(state)s“): neue Aufgaben erst, wenn es weitergeht.") % values
    return ""


def project_state_require(project: Project, action: str) -> None:
    """Raise ProjectStateRefused (409 in the API) when the project's state closes `action`."""
    if not project_state_allows(project, action):
        raise ProjectStateRefused(project_state_notice(project))
