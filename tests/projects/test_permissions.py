"""The permission table: each role × each action × each state class of the project, UI and API.

Allowed exactly where the rules say; elsewhere 403 for someone who may see the thing, 404 for
someone who may not (the same answer as "does not exist"); anonymous people are sent to log in.
Where the role may act but the project's state closes the action (a finished project is
read-only, a paused one takes no new tasks), the API answers 409 with the reason and the page
shows it; nothing changes.
"""

import pytest
from rest_framework.test import APIClient

from projects.models import Comment, Project, Task
from tests.world import ROLES
from workflows.services import workflow_transition
from workgroups.models import Invitation

SEES_GROUP = {"member", "chair", "steering", "staff", "admin"}
ALLOWED = {
    "group.view": SEES_GROUP,
    "group.manage": {"chair", "admin"},
    "project.view": SEES_GROUP,
    "project.summary": SEES_GROUP | {"forum_member"},
    "project.create": {"chair", "admin"},
    "project.change": {"member", "chair", "admin"},
    "project.archive": {"chair", "admin"},
    "task.view": SEES_GROUP,
    "task.create": {"member", "chair", "admin"},
    "task.change": {"member", "chair", "admin"},
    "task.delete": {"chair", "admin"},
    "comment.view": SEES_GROUP,
    "comment.create": {"member", "chair", "staff", "admin"},
}
STATES = ["active", "on_hold", "terminal"]
WRITES = {"project.change", "project.archive", "task.create", "task.change", "task.delete", "comment.create"}
# What each state class leaves open of the writes; reading is open in every state.
OPEN_IN = {
    "active": WRITES,
    "on_hold": WRITES - {"task.create"},
    "terminal": {"project.archive"},
}
STATE_REASON = {
    "on_hold": "neue Aufgaben erst, wenn es weitergeht",
    "terminal": "kann nicht mehr geändert werden",
}
# How the test world's Jobticket gets into each class: its initial state, paused, cancelled.
REACH = {"active": [], "on_hold": ["hold"], "terminal": ["cancel"]}
per_state = pytest.mark.parametrize("state", STATES)
# What a role must be able to see for a refusal to be 403 rather than 404.
PARENT_VIEW = {
    "group.manage": "group.view",
    "project.create": "group.view",
    "project.change": "project.view",
    "project.archive": "project.view",
    "task.create": "project.view",
    "task.change": "task.view",
    "task.delete": "task.view",
    "comment.create": "task.view",
}


def allowed(action: str, role: str, state: str = "active") -> bool:
    return role in ALLOWED[action] and (action not in WRITES or action in OPEN_IN[state])


def closed_by_state(action: str, role: str, state: str) -> bool:
    return role in ALLOWED[action] and not allowed(action, role, state)


@pytest.fixture
def world(shared_world):
    """One world for the whole table (tests.conftest.shared_world)."""
    return shared_world


@pytest.fixture
def staged(world, state):
    for name in REACH[state]:
        workflow_transition(subject=world.project, name=name, actor=world.people["chair"], comment="Test")
    assert world.project.state_class == state
    return world


def refusal(action: str, role: str) -> int:
    parent = PARENT_VIEW.get(action)
    return 403 if parent and role in ALLOWED[parent] else 404


def ui_client(client, world, role):
    if world.people[role] is not None:
        client.force_login(world.people[role])
    return client


def api(world, role) -> APIClient:
    client = APIClient()
    if world.people[role] is not None:
        client.force_authenticate(world.people[role])
    return client


def assert_ui(response, action, role, ok_status=(200, 302), state="active", client=None):
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], action
    elif closed_by_state(action, role, state):
        assert response.status_code in (200, 302), (action, role, state, response.status_code)
        shown = client.get(response["Location"]) if response.status_code == 302 else response
        assert STATE_REASON[state] in shown.content.decode(), (action, role, state)
    elif allowed(action, role, state):
        assert response.status_code in ok_status, (action, role, response.status_code)
    else:
        assert response.status_code == refusal(action, role), (action, role, response.status_code)


def assert_api(response, action, role, ok_status, hidden_parent_status=404, state="active"):
    if role == "anonymous":
        assert response.status_code in (401, 403), action
    elif closed_by_state(action, role, state):
        assert response.status_code == 409, (action, role, state, response.status_code, response.content)
        assert STATE_REASON[state] in response.json()["detail"]
    elif allowed(action, role, state):
        assert response.status_code == ok_status, (action, role, response.status_code, response.content)
    else:
        expected = refusal(action, role)
        if expected == 404:
            expected = hidden_parent_status
        assert response.status_code == expected, (action, role, response.status_code, response.content)


@pytest.mark.parametrize("role", ROLES)
class TestUI:
    def test_group_view_and_list(self, client, world, role):
        c = ui_client(client, world, role)
        assert_ui(c.get(world.group.get_absolute_url()), "group.view", role, ok_status=(200,))
        listing = c.get("/groups/")
        if role != "anonymous":
            assert ("AG Fachkräfte" in listing.content.decode()) == allowed("group.view", role)

    def test_group_manage_members(self, client, world, role):
        c = ui_client(client, world, role)
        response = c.post(world.group.get_absolute_url(), {"email": "outsider@example.org", "role": "member"})
        assert_ui(response, "group.manage", role, ok_status=(302,))
        assert Invitation.objects.filter(body=world.group).exists() == (
            role != "anonymous" and allowed("group.manage", role)
        )

    @per_state
    def test_project_view_and_list(self, client, staged, role, state):
        world = staged
        c = ui_client(client, world, role)
        response = c.get(world.project.get_absolute_url())
        if role == "anonymous":
            assert response.status_code == 302
            return
        if allowed("project.summary", role):
            assert response.status_code == 200
            page = response.content.decode()
            assert "Ein Jobticket für alle." in page
            assert ("Geheime Verhandlungsstrategie" in page) == allowed("project.view", role)
            assert (state != "active" and STATE_REASON[state] in page) == (
                state != "active" and allowed("project.view", role)
            )
        else:
            assert response.status_code == 404
        assert ("Jobticket" in c.get("/projects/").content.decode()) == allowed("project.summary", role)
        board = c.get(f"/projects/{world.project.pk}/board/")
        assert board.status_code == (200 if allowed("project.view", role) else 404)

    def test_project_create(self, client, world, role):
        c = ui_client(client, world, role)
        data = {"type": "generic", "title": "Neues Projekt", "summary": "kurz"}
        assert_ui(c.post(f"/groups/{world.group.slug}/projects/new/", data), "project.create", role, (302,))
        assert Project.objects.filter(title="Neues Projekt").exists() == (
            role != "anonymous" and allowed("project.create", role)
        )

    @per_state
    def test_project_change(self, client, staged, role, state):
        world, c = staged, ui_client(client, staged, role)
        data = {"type": "jobticket", "title": "Jobticket 2.0", "summary": "kurz"}
        response = c.post(f"/projects/{world.project.pk}/edit/", data)
        assert_ui(response, "project.change", role, (302,), state, c)
        world.project.refresh_from_db()
        assert (world.project.title == "Jobticket 2.0") == (
            role != "anonymous" and allowed("project.change", role, state)
        )

    @per_state
    def test_project_archive(self, client, staged, role, state):
        world, c = staged, ui_client(client, staged, role)
        response = c.post(f"/projects/{world.project.pk}/archive/")
        assert_ui(response, "project.archive", role, (302,), state, c)
        world.project.refresh_from_db()
        assert (world.project.archived_at is not None) == (
            role != "anonymous" and allowed("project.archive", role, state)
        )

    @per_state
    def test_task_view(self, client, staged, role, state):
        c = ui_client(client, staged, role)
        assert_ui(c.get(staged.task.get_absolute_url()), "task.view", role, (200,), state, c)

    @per_state
    def test_task_create(self, client, staged, role, state):
        world, c = staged, ui_client(client, staged, role)
        response = c.post(f"/projects/{world.project.pk}/board/", {"title": "Neue Aufgabe", "priority": 2})
        assert_ui(response, "task.create", role, (302,), state, c)
        assert Task.objects.filter(title="Neue Aufgabe").exists() == (
            role != "anonymous" and allowed("task.create", role, state)
        )

    @per_state
    def test_task_change(self, client, staged, role, state):
        world, c = staged, ui_client(client, staged, role)
        response = c.post(f"/tasks/{world.task.pk}/move/", {"status": "done"})
        assert_ui(response, "task.change", role, (302,), state, c)
        world.task.refresh_from_db()
        assert (world.task.status == "done") == (role != "anonymous" and allowed("task.change", role, state))

    @per_state
    def test_task_delete(self, client, staged, role, state):
        world, c = staged, ui_client(client, staged, role)
        assert_ui(c.post(f"/tasks/{world.task.pk}/delete/"), "task.delete", role, (302,), state, c)
        assert (not Task.objects.filter(pk=world.task.pk).exists()) == (
            role != "anonymous" and allowed("task.delete", role, state)
        )

    @per_state
    def test_comment_create(self, client, staged, role, state):
        world, c = staged, ui_client(client, staged, role)
        response = c.post(world.task.get_absolute_url(), {"action": "comment", "body": "Neuer Kommentar"})
        assert_ui(response, "comment.create", role, (302,), state, c)
        assert Comment.objects.filter(body="Neuer Kommentar").exists() == (
            role != "anonymous" and allowed("comment.create", role, state)
        )


@pytest.mark.parametrize("role", ROLES)
class TestAPI:
    def test_group_view_and_list(self, world, role):
        c = api(world, role)
        assert_api(c.get(f"/api/v1/bodies/{world.group.slug}/"), "group.view", role, 200)
        if role != "anonymous":
            slugs = [b["slug"] for b in c.get("/api/v1/bodies/").json()["results"]]
            assert (world.group.slug in slugs) == allowed("group.view", role)

    def test_group_manage_members(self, world, role):
        response = api(world, role).post(
            "/api/v1/invitations/", {"body": world.group.slug, "email": "outsider@example.org"}, format="json"
        )
        assert_api(response, "group.manage", role, 201)

    @per_state
    def test_project_view_and_list(self, staged, role, state):
        world = staged
        c = api(world, role)
        response = c.get(f"/api/v1/projects/{world.project.pk}/")
        if role == "anonymous":
            assert response.status_code in (401, 403)
            return
        if allowed("project.summary", role):
            assert response.status_code == 200
            body = response.json()
            assert body["summary"] == "Ein Jobticket für alle."
            assert (body["description"] == "Geheime Verhandlungsstrategie") == allowed("project.view", role)
            assert body["state_class"] == state
        else:
            assert response.status_code == 404
        listing = c.get("/api/v1/projects/").json()
        ids = [p["id"] for p in listing["results"]]
        assert (world.project.pk in ids) == allowed("project.summary", role)
        assert listing["count"] == len(ids)

    def test_project_create(self, world, role):
        data = {"workgroup": world.group.pk, "title": "API-Projekt", "summary": "kurz", "type": "generic"}
        response = api(world, role).post("/api/v1/projects/", data, format="json")
        assert_api(response, "project.create", role, 201, hidden_parent_status=400)
        assert Project.objects.filter(title="API-Projekt").exists() == (
            role != "anonymous" and allowed("project.create", role)
        )

    @per_state
    def test_project_change(self, staged, role, state):
        response = api(staged, role).patch(
            f"/api/v1/projects/{staged.project.pk}/", {"title": "X"}, format="json"
        )
        assert_api(response, "project.change", role, 200, state=state)
        staged.project.refresh_from_db()
        assert (staged.project.title == "X") == (
            role != "anonymous" and allowed("project.change", role, state)
        )

    @per_state
    def test_project_archive(self, staged, role, state):
        response = api(staged, role).post(f"/api/v1/projects/{staged.project.pk}/archive/")
        assert_api(response, "project.archive", role, 200, state=state)

    @per_state
    def test_task_view_and_list(self, staged, role, state):
        world = staged
        c = api(world, role)
        assert_api(c.get(f"/api/v1/tasks/{world.task.pk}/"), "task.view", role, 200)
        if role != "anonymous":
            ids = [t["id"] for t in c.get("/api/v1/tasks/").json()["results"]]
            assert (world.task.pk in ids) == allowed("task.view", role)

    @per_state
    def test_task_create(self, staged, role, state):
        data = {"project": staged.project.pk, "title": "API-Aufgabe"}
        response = api(staged, role).post("/api/v1/tasks/", data, format="json")
        assert_api(response, "task.create", role, 201, hidden_parent_status=400, state=state)
        assert Task.objects.filter(title="API-Aufgabe").exists() == (
            role != "anonymous" and allowed("task.create", role, state)
        )

    @per_state
    def test_task_change(self, staged, role, state):
        response = api(staged, role).patch(
            f"/api/v1/tasks/{staged.task.pk}/", {"status": "done", "title": "Geändert"}, format="json"
        )
        assert_api(response, "task.change", role, 200, state=state)
        staged.task.refresh_from_db()
        assert (staged.task.title, staged.task.status) == (
            ("Geändert", "done") if allowed("task.change", role, state) else ("Fragebogen entwerfen", "open")
        )

    @per_state
    def test_task_delete(self, staged, role, state):
        response = api(staged, role).delete(f"/api/v1/tasks/{staged.task.pk}/")
        assert_api(response, "task.delete", role, 204, state=state)

    @per_state
    def test_comment_view_and_create(self, staged, role, state):
        world = staged
        c = api(world, role)
        if role != "anonymous":
            ids = [x["id"] for x in c.get(f"/api/v1/comments/?task={world.task.pk}").json()["results"]]
            assert (world.comment.pk in ids) == allowed("comment.view", role)
        response = c.post(
            "/api/v1/comments/", {"task": world.task.pk, "body": "API-Kommentar"}, format="json"
        )
        assert_api(response, "comment.create", role, 201, hidden_parent_status=400, state=state)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_search_never_shows_what_the_role_may_not_see(client, world, role):
    client.force_login(world.people[role])
    page = client.get("/search/", {"q": "Verhandlungsstrategie"}).content.decode()
    assert ("Jobticket" in page) == allowed("project.view", role)
    page = client.get("/search/", {"q": "Fragebogen"}).content.decode()
    assert ("Fragebogen entwerfen" in page) == allowed("task.view", role)
    page = client.get("/search/", {"q": "Freitag"}).content.decode()
    assert ("Bitte bis Freitag" in page) == allowed("comment.view", role)
