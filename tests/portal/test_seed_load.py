"""seed_load: the benchmark's dataset has the promised shape and the services' permission rows."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import Organisation, User
from portal.load import EMAIL_DOMAIN, SLUG_PREFIX
from projects.models import (
    Comment,
    Project,
    ProjectGroupObjectPermission,
    Task,
    TaskGroupObjectPermission,
    TaskUserObjectPermission,
)
from projects.selectors import projects_visible, tasks_visible
from projects.services import project_create, task_create
from workflows.models import TransitionRecord
from workflows.selectors import workflow_history
from workflows.services import workflow_definition_latest
from workgroups.models import Body, Membership, Role
from workgroups.permissions import role_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def development_mode(settings):
    """pytest-django runs with DEBUG off; seed_load is meant for development databases."""
    settings.DEBUG = True


@pytest.fixture
def loaded():
    call_command("seed_load", "--scale", "0.05", stdout=io.StringIO())
    return Body.objects.filter(kind=Body.Kind.WORKING_GROUP, slug__startswith=SLUG_PREFIX).order_by("slug")


def grant_pattern(perm_model, obj, *, workgroup_id: int) -> set[tuple[str, str, str]]:
    """Which role of which body holds which codename on `obj`, told apart from ids."""
    kinds = dict(Body.objects.values_list("pk", "kind"))
    pattern = set()
    for group_name, codename in perm_model.objects.filter(content_object=obj).values_list(
        "group__name", "permission__codename"
    ):
        _, body_id, role = group_name.split(":")
        relation = "own" if int(body_id) == workgroup_id else kinds[int(body_id)]
        pattern.add((relation, role, codename))
    return pattern


def test_scale_sets_the_counts(loaded):
    assert Organisation.objects.count() == 10
    assert User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == 50
    assert loaded.count() == 2
    assert Body.objects.filter(kind=Body.Kind.STEERING_TEAM).count() == 1
    assert Body.objects.filter(kind=Body.Kind.FORUM).count() == 1
    assert Project.objects.count() == 20
    assert Task.objects.count() == 1000
    assert Comment.objects.count() == 100
    assert set(Task.objects.values_list("status", flat=True)) == set(Task.Status.values)
    assert Task.objects.filter(due_date__isnull=False).exists()


def test_a_typical_person_is_in_several_groups(loaded):
    per_person = [
        Membership.objects.filter(user=u, body__kind=Body.Kind.WORKING_GROUP, left_at__isnull=True).count()
        for u in User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    ]
    assert min(per_person) >= 1
    assert sum(n >= 2 for n in per_person) > len(per_person) / 2


def test_memberships_carry_their_role_group(loaded):
    for membership in Membership.objects.select_related("body", "user"):
        assert membership.user.groups.filter(pk=role_group(membership.body, membership.role).pk).exists()
    for body in loaded:
        assert Membership.objects.filter(body=body, role=Role.CHAIR).count() == 1


def test_assignees_are_members_of_the_projects_group(loaded):
    for task in Task.objects.filter(assignee__isnull=False).select_related("project"):
        assert Membership.objects.filter(
            body_id=task.project.workgroup_id, user_id=task.assignee_id, left_at__isnull=True
        ).exists()


def test_every_project_has_the_rows_the_services_write_and_no_task_has_any(loaded):
    body = loaded.first()
    chair = Membership.objects.get(body=body, role=Role.CHAIR).user
    project = project_create(workgroup=body, actor=chair, title="Vergleich", summary="Vergleich")
    task_create(project=project, actor=chair, title="Vergleich")
    expected_project = grant_pattern(ProjectGroupObjectPermission, project, workgroup_id=body.pk)
    assert {relation for relation, _, _ in expected_project} == {"own", "steering_team", "forum"}
    assert ("own", "chair", "delete_project_tasks") in expected_project

    for loaded_project in Project.objects.exclude(pk=project.pk):
        pattern = grant_pattern(
            ProjectGroupObjectPermission, loaded_project, workgroup_id=loaded_project.workgroup_id
        )
        assert pattern == expected_project
    # A task's access is its project's: neither the services nor the load write task rows.
    assert not TaskGroupObjectPermission.objects.exists()
    assert not TaskUserObjectPermission.objects.exists()


def test_a_member_sees_exactly_their_groups_tasks(loaded):
    member = (
        Membership.objects.filter(body=loaded.first(), role=Role.MEMBER)
        .exclude(user__memberships__body=loaded.last())
        .first()
        .user
    )
    own = Task.objects.filter(project__workgroup=loaded.first())
    assert set(tasks_visible(user=member)) == set(own)
    assert set(projects_visible(user=member)) == set(Project.objects.filter(workgroup=loaded.first()))


def test_load_people_sign_in_with_the_demo_password(loaded):
    email = f"person00001@{EMAIL_DOMAIN}"
    assert authenticate(username=email, password="aachen2015") == User.objects.get(email=email)


def test_refuses_to_run_twice(loaded):
    with pytest.raises(CommandError, match="already"):
        call_command("seed_load", "--scale", "0.01")
    assert Task.objects.count() == 1000


def test_refuses_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=0"):
        call_command("seed_load", "--scale", "0.01")
    assert not Body.objects.exists()


def test_force_runs_in_production(settings):
    settings.DEBUG = False
    call_command("seed_load", "--scale", "0.01", "--force")
    assert Task.objects.count() == 200


@pytest.mark.parametrize("scale", ["0", "-1", "abc", "21"])
def test_rejects_a_bad_scale(scale):
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_load", "--scale", scale)


def test_loaded_projects_stand_where_workflow_start_leaves_them(loaded):
    body = loaded.first()
    chair = Membership.objects.get(body=body, role=Role.CHAIR).user
    started = project_create(workgroup=body, actor=chair, title="Vergleich", summary="Vergleich")
    for project in Project.objects.exclude(pk=started.pk):
        expected = workflow_definition_latest(key=project.type)
        assert project.workflow == expected
        assert project.state == expected.definition.initial.name
        assert project.workflow_sequence == started.workflow_sequence == 1
        history = workflow_history(subject=project)
        assert [(r.sequence, r.kind, r.to_state) for r in history] == [
            (1, TransitionRecord.Kind.START, project.state)
        ]
