"""Task and comment permissions derived from the project equal the old per-task grants, for every
role × action, one by one and in lists; the migration moves existing data from one to the other."""

import importlib

import pytest
from django.apps import apps
from guardian.core import ObjectPermissionChecker

from core.permissions import filter_by_object_perm
from projects.models import Comment, ProjectGroupObjectPermission, Task, TaskGroupObjectPermission
from projects.permissions import TASK_ON_PROJECT, task_permissions
from projects.selectors import comments_visible, tasks_visible
from tests.world import ROLES
from workgroups.models import Role
from workgroups.permissions import FORUM, SELF, STEERING, grant, related_role_groups

migration = importlib.import_module("projects.migrations.0004_task_permissions_on_projects")

# The rule table as it stood when every task carried its own rows: the specification.
OLD_TASK_GRANTS = {
    (SELF, Role.MEMBER): ["view_task", "change_task", "comment_task"],
    (SELF, Role.CHAIR): ["view_task", "change_task", "comment_task", "delete_task"],
    (STEERING, Role.MEMBER): ["view_task"],
    (FORUM, Role.STAFF): ["view_task", "comment_task"],
}
PEOPLE = [r for r in ROLES if r != "anonymous"]


def write_old_task_rows() -> None:
    for task in Task.objects.select_related("project__workgroup"):
        grant(
            obj=task,
            perm_model=TaskGroupObjectPermission,
            grants=OLD_TASK_GRANTS,
            groups=related_role_groups(task.project.workgroup),
        )


def old_answers(world) -> dict:
    """Every person × task × action as guardian answered it from the per-task rows."""
    write_old_task_rows()
    answers = {}
    for role in PEOPLE:
        user = world.people[role]
        checker = ObjectPermissionChecker(user)
        for task in Task.objects.all():
            for action in TASK_ON_PROJECT:
                answers[role, task.pk, action] = checker.has_perm(f"projects.{action}", task)
        answers[role, "tasks"] = set(
            filter_by_object_perm(
                Task.objects.all(), user=user, codename="view_task", perm_model=TaskGroupObjectPermission
            )
        )
        answers[role, "comments"] = set(Comment.objects.filter(task__in=answers[role, "tasks"]))
    TaskGroupObjectPermission.objects.all().delete()
    return answers


def new_answers(world) -> dict:
    answers = {}
    for role in PEOPLE:
        user = type(world.people[role]).objects.get(pk=world.people[role].pk)  # no cached checks
        for task in Task.objects.select_related("project"):
            held = task_permissions(user, task)
            for action in TASK_ON_PROJECT:
                answers[role, task.pk, action] = action in held
                # The guardian way of asking gives the same answer (projects' TaskPermissionBackend).
                assert user.has_perm(f"projects.{action}", task) == (action in held), (role, action)
        answers[role, "tasks"] = set(tasks_visible(user=user))
        answers[role, "comments"] = set(comments_visible(user=user))
    return answers


def test_derived_permissions_equal_the_old_per_task_grants_for_every_role_and_action(world):
    assert not TaskGroupObjectPermission.objects.exists()  # task_create wrote none
    old = old_answers(world)
    assert new_answers(world) == old
    member_sees = {key[1] for key, allowed in old.items() if key[0] == "member" and key[2:] == ("view_task",)}
    assert member_sees and any(old[k] for k in old if k[0] == "staff" and k[2:] == ("comment_task",))


def test_the_migration_grants_on_projects_and_removes_every_task_row(world):
    derived = {"view_project_tasks", "change_project_tasks", "comment_project_tasks", "delete_project_tasks"}
    expected = set(
        ProjectGroupObjectPermission.objects.filter(permission__codename__in=derived).values_list(
            "group_id", "permission__codename", "content_object_id"
        )
    )
    before = old_answers(world)
    # The database as it was before: task rows, no project-level task permissions.
    ProjectGroupObjectPermission.objects.filter(permission__codename__in=derived).delete()
    write_old_task_rows()
    old_rows = set(
        TaskGroupObjectPermission.objects.values_list("group_id", "permission__codename", "content_object_id")
    )

    migration.grant_on_projects(apps, None)

    assert not TaskGroupObjectPermission.objects.exists()
    after = set(
        ProjectGroupObjectPermission.objects.filter(permission__codename__in=derived).values_list(
            "group_id", "permission__codename", "content_object_id"
        )
    )
    assert after == expected
    assert new_answers(world) == before

    migration.grant_on_tasks(apps, None)  # and back
    assert (
        set(
            TaskGroupObjectPermission.objects.values_list(
                "group_id", "permission__codename", "content_object_id"
            )
        )
        == old_rows
    )
    assert not ProjectGroupObjectPermission.objects.filter(permission__codename__in=derived).exists()


@pytest.mark.parametrize("role", ["outsider", "other_member", "forum_member"])
def test_people_outside_the_project_hold_no_task_permission(world, role):
    assert task_permissions(world.people[role], world.task) == frozenset()


def test_an_inactive_person_holds_no_task_permission(world):
    member = world.people["member"]
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert task_permissions(member, world.task) == frozenset()
    assert not tasks_visible(user=member).exists()
