"""Projects on the workflow engine: start, transitions by role, project guards and effects."""

import pytest
from rest_framework.test import APIClient

from projects.models import Project, Task
from projects.selectors import projects_visible
from projects.services import project_create, project_update, task_move
from tests.projects.test_permissions import ALLOWED
from tests.world import ROLES
from workflows.errors import TransitionNotAllowed
from workflows.models import TransitionRecord
from workflows.selectors import workflow_available_transitions
from workflows.services import workflow_transition

TRANSITION_ROLES = {"chair", "steering", "admin"}  # who may hold or cancel a project


def api(world, role) -> APIClient:
    client = APIClient()
    if world.people[role] is not None:
        client.force_authenticate(world.people[role])
    return client


def test_new_project_starts_its_types_workflow_with_the_first_states_tasks(world):
    project = world.project  # a Jobticket
    assert project.workflow.key == "jobticket"
    assert project.state == "needs_assessment"
    titles = set(project.tasks.values_list("title", flat=True))
    assert "Befragung in den Mitgliedsunternehmen durchführen" in titles
    chair_task = project.tasks.get(title="Fragebogen zur Mitarbeiterbefragung abstimmen")
    assert chair_task.assignee == world.people["chair"]
    (start,) = TransitionRecord.objects.filter(subject_type__model="project", subject_id=project.pk)
    assert (start.sequence, start.to_state, start.actor) == (1, "needs_assessment", world.people["chair"])
    # Spawned tasks carry the same permissions as any other task of the group.
    assert world.people["member"].has_perm("projects.change_task", chair_task)
    assert not world.people["other_member"].has_perm("projects.view_task", chair_task)


@pytest.mark.parametrize("role", ROLES)
def test_transition_permission_table_api(world, role):
    """Hold (chair, steering, admin): others who see the project get 403, the rest 404."""
    response = api(world, role).post(
        f"/api/v1/projects/{world.project.pk}/transition/",
        {"transition": "hold", "comment": "Warten auf den Haushalt"},
        format="json",
    )
    world.project.refresh_from_db()
    if role == "anonymous":
        assert response.status_code in (401, 403)
    elif role in TRANSITION_ROLES:
        assert response.status_code == 200, response.content
        assert response.json()["state"] == "on_hold"
    elif role in ALLOWED["project.view"]:
        assert response.status_code == 403
        assert response.json()["detail"]  # the reason, in words
    else:
        assert response.status_code == 404
    assert (world.project.state == "on_hold") == (role in TRANSITION_ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_transition_permission_table_ui(client, world, role):
    if world.people[role] is not None:
        client.force_login(world.people[role])
    response = client.post(
        f"/projects/{world.project.pk}/transition/",
        {"transition": "cancel", "comment": "Kein Bedarf mehr", "expected_state": "needs_assessment"},
    )
    world.project.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in ALLOWED["project.view"]:
        assert response.status_code == 302  # refused steps come back as a message on the project page
    else:
        assert response.status_code == 404
    assert (world.project.state == "cancelled") == (role in TRANSITION_ROLES)


@pytest.mark.parametrize("role", ["member", "chair", "steering", "staff", "admin"])
def test_everyone_who_sees_the_project_sees_which_steps_they_may_take(world, role):
    available = {
        t.name: t for t in workflow_available_transitions(subject=world.project, user=world.people[role])
    }
    assert available["hold"].allowed == (role in TRANSITION_ROLES)
    if not available["hold"].allowed:
        assert available["hold"].reason


def test_open_tasks_and_missing_partners_block_negotiation_with_reasons(world):
    chair = world.people["chair"]
    (step,) = [
        t
        for t in workflow_available_transitions(subject=world.project, user=chair)
        if t.name == "start_negotiation"
    ]
    assert not step.allowed
    assert "offene Aufgabe" in step.reason and "Partnerorganisationen" in step.reason
    with pytest.raises(TransitionNotAllowed):
        workflow_transition(subject=world.project, name="start_negotiation", actor=chair)


def test_negotiation_starts_once_tasks_are_done_and_partners_found_and_spawns_its_tasks(world):
    from tests.factories import OrganisationFactory

    chair = world.people["chair"]
    for task in world.project.tasks.all():
        task_move(task=task, status=Task.Status.DONE, actor=chair)
    project_update(
        project=world.project, actor=chair, partner_organisations=[OrganisationFactory() for _ in range(3)]
    )
    workflow_transition(subject=world.project, name="start_negotiation", actor=chair)
    world.project.refresh_from_db()
    assert world.project.state == "negotiation"
    assert world.project.tasks.filter(
        title="Gesprächstermin mit AVV und ASEAG vereinbaren", status=Task.Status.OPEN, assignee=chair
    ).exists()


def test_project_type_cannot_change_under_a_running_workflow(world, api_client):
    api_client.force_authenticate(world.people["chair"])
    response = api_client.patch(f"/api/v1/projects/{world.project.pk}/", {"type": "generic"}, format="json")
    assert response.status_code == 400
    assert "type" in response.json()
    assert Project.objects.get(pk=world.project.pk).type == "jobticket"


def test_api_state_is_read_only(world, api_client):
    api_client.force_authenticate(world.people["chair"])
    api_client.patch(f"/api/v1/projects/{world.project.pk}/", {"state": "completed"}, format="json")
    assert Project.objects.get(pk=world.project.pk).state == "needs_assessment"


def test_every_project_type_has_a_workflow(world):
    chair = world.people["chair"]
    for value in Project.Type.values:
        project = project_create(workgroup=world.group, actor=chair, title=value, summary="s", type=value)
        assert project.workflow.key == value and project.state


def test_history_and_available_transitions_in_the_api(world):
    c = api(world, "chair")
    available = c.get(f"/api/v1/projects/{world.project.pk}/transitions/").json()
    assert {t["name"] for t in available} >= {"start_negotiation", "hold", "cancel"}
    c.post(
        f"/api/v1/projects/{world.project.pk}/transition/",
        {"transition": "hold", "comment": "Pause"},
        format="json",
    )
    history = c.get(f"/api/v1/projects/{world.project.pk}/history/").json()
    assert [h["transition"] for h in history][-1] == "hold"
    assert api(world, "forum_member").get(f"/api/v1/projects/{world.project.pk}/history/").status_code == 404


def test_lists_name_the_state_when_the_process_has_not_parsed_the_definition_yet(world, client, monkeypatch):
    """Lists load versions without their data; a cold definition cache must still give the label."""
    from workflows import models as workflow_models

    monkeypatch.setattr(workflow_models, "_PARSED", {})
    (listed,) = projects_visible(user=world.people["member"]).filter(pk=world.project.pk)
    assert listed.state_label == "Bedarfsermittlung (Befragung der Beschäftigten)"

    monkeypatch.setattr(workflow_models, "_PARSED", {})
    client.force_login(world.people["member"])
    response = client.get(f"/projects/{world.project.pk}/")
    assert "Bedarfsermittlung (Befragung der Beschäftigten)" in response.content.decode()
