"""What each role group holds on a working group's projects and tasks (see workgroups.permissions)."""

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
