import pytest

from projects.models import Task


@pytest.fixture
def member_api(world, api_client):
    api_client.force_authenticate(world.people["member"])
    return api_client


def test_api_unknown_assignee_is_a_field_error(world, member_api):
    response = member_api.post(
        "/api/v1/tasks/", {"project": world.project.pk, "title": "T", "assignee": 999999}, format="json"
    )
    assert response.status_code == 400
    assert "assignee" in response.json()


def test_api_assignee_outside_the_group_is_a_field_error(world, member_api):
    outsider = world.people["other_member"]
    response = member_api.post(
        "/api/v1/tasks/", {"project": world.project.pk, "title": "T", "assignee": outsider.pk}, format="json"
    )
    assert response.status_code == 400
    assert "Mitglied der Arbeitsgruppe" in response.json()["assignee"][0]
    assert not Task.objects.filter(title="T").exists()


def test_api_bad_due_date_is_a_field_error(world, member_api):
    response = member_api.post(
        "/api/v1/tasks/", {"project": world.project.pk, "title": "T", "due_date": "24.06.2015"}, format="json"
    )
    assert response.status_code == 400
    assert "due_date" in response.json()


def test_api_unknown_status_is_a_field_error(world, member_api):
    response = member_api.patch(f"/api/v1/tasks/{world.task.pk}/", {"status": "lost"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()


def test_api_project_end_before_start_is_refused(world, api_client):
    api_client.force_authenticate(world.people["chair"])
    response = api_client.post(
        "/api/v1/projects/",
        {
            "workgroup": world.group.pk,
            "title": "P",
            "summary": "s",
            "start_date": "2015-06-24",
            "end_date": "2015-03-24",
        },
        format="json",
    )
    assert response.status_code == 400


def test_ui_assignee_outside_the_group_is_a_field_error(world, client):
    client.force_login(world.people["member"])
    response = client.post(
        f"/projects/{world.project.pk}/board/",
        {"title": "T", "priority": 2, "assignee": world.people["other_member"].pk},
    )
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not Task.objects.filter(title="T").exists()


def test_ui_bad_due_date_is_a_field_error_that_says_the_format(world, client):
    client.force_login(world.people["member"])
    response = client.post(
        f"/projects/{world.project.pk}/board/", {"title": "T", "priority": 2, "due_date": "morgen"}
    )
    assert response.status_code == 200
    assert "2015-06-24" in response.content.decode()


def test_ui_move_to_unknown_status_changes_nothing(world, client):
    client.force_login(world.people["member"])
    response = client.post(f"/tasks/{world.task.pk}/move/", {"status": "lost"})
    assert response.status_code == 302
    world.task.refresh_from_db()
    assert world.task.status == "open"


def test_script_in_markdown_is_neutralised(world, client):
    client.force_login(world.people["member"])
    client.post(
        f"/projects/{world.project.pk}/edit/",
        {
            "type": "jobticket",
            "title": "Jobticket",
            "summary": "s",
            "description": "**fett** <script>alert('x')</script> <img src=x onerror=alert(1)> "
            "[link](javascript:alert(1))",
        },
    )
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert "<strong>fett</strong>" in page
    assert "<script>alert" not in page
    assert "onerror" not in page
    assert "javascript:" not in page


def test_ui_empty_comment_is_refused(world, client):
    client.force_login(world.people["member"])
    response = client.post(world.task.get_absolute_url(), {"action": "comment", "body": "   "})
    assert response.status_code == 200
    assert "field-error" in response.content.decode()


def test_my_tasks_ignores_unknown_filter_values(world, client):
    client.force_login(world.people["member"])
    response = client.get("/tasks/mine/", {"status": "weird", "due": "<script>", "group": "nope"})
    assert response.status_code == 200
