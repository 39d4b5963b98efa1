"""What each role group holds on a working group's projects and tasks (see workgroups.permissions)."""

from django.utils.translation import gettext as _

from core.errors import Conflict
from workflows.spec import ACTIVE, ON_HOLD, TERMINAL
from workgroups.models import Role
from workgroups.permissions import FORUM, SELF, STEERING, grant, related_role_groups

from .models import Project, ProjectGroupObjectPermission, Task, TaskGroupObjectPermission

_MEMBER_PROJECT = ["view_project", "view_project_summary", "change_project", "add_task_to_project"]

PROJECT_GRANTS = {
    (SELF, Role.MEMBER): _MEMBER_PROJECT,
    (SELF, Role.CHAIR): [*_MEMBER_PROJECT, "archive_project"],
    (STEERING, Role.MEMBER): ["view_project", "view_project_summary"],
    (FORUM, Role.STAFF): ["view_project", "view_project_summary"],
    (FORUM, Role.MEMBER): ["view_project_summary"],
}

TASK_GRANTS = {
    (SELF, Role.MEMBER): ["view_task", "change_task", "comment_task"],
    (SELF, Role.CHAIR): ["view_task", "change_task", "comment_task", "delete_task"],
    (STEERING, Role.MEMBER): ["view_task"],
    (FORUM, Role.STAFF): ["view_task", "comment_task"],
}


def project_grant_permissions(project: Project) -> int:
    return grant(
        obj=project,
        perm_model=ProjectGroupObjectPermission,
        grants=PROJECT_GRANTS,
        groups=related_role_groups(project.workgroup),
    )


def task_grant_permissions(task: Task, *, groups=None) -> int:
    return grant(
        obj=task,
        perm_model=TaskGroupObjectPermission,
        grants=TASK_GRANTS,
        groups=groups or related_role_groups(task.project.workgroup),
    )


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
