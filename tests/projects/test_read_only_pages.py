"""What people see of a paused or finished project: the reason, no form that cannot work, never a 500."""

import pytest

from workflows.services import workflow_transition

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def finished(world):
    workflow_transition(
        subject=world.project, name="cancel", actor=world.people["chair"], comment="Kein Bedarf"
    )
    return world


def test_finished_project_pages_say_why_and_offer_no_edits(client, finished):
    client.force_login(finished.people["chair"])
    detail = client.get(finished.project.get_absolute_url()).content.decode()
    assert "kann nicht mehr geändert werden" in detail
    assert f"/projects/{finished.project.pk}/edit/" not in detail
    assert "Archivieren" in detail  # filing a finished project away stays possible
    board = client.get(f"/projects/{finished.project.pk}/board/").content.decode()
    assert "Aufgabe anlegen" not in board and "Verschieben" not in board
    task = client.get(finished.task.get_absolute_url()).content.decode()
    assert "Kommentieren" not in task and "Aufgabe löschen" not in task


def test_edit_page_of_a_finished_project_leads_back_with_the_reason(client, finished):
    client.force_login(finished.people["member"])
    response = client.get(f"/projects/{finished.project.pk}/edit/", follow=True)
    assert response.redirect_chain[-1][0] == finished.project.get_absolute_url()
    assert "kann nicht mehr geändert werden" in response.content.decode()


def test_a_card_moved_in_place_after_the_project_finished_shows_the_reason(client, finished):
    client.force_login(finished.people["member"])
    response = client.post(f"/tasks/{finished.task.pk}/move/", {"status": "done"}, **HTMX)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "kann nicht mehr geändert werden" in response.content.decode()
    finished.task.refresh_from_db()
    assert finished.task.status == "open"


def test_a_comment_written_before_the_project_finished_is_kept_in_the_form(client, world):
    client.force_login(world.people["member"])
    workflow_transition(subject=world.project, name="cancel", actor=world.people["chair"], comment="Ende")
    response = client.post(world.task.get_absolute_url(), {"action": "comment", "body": "Mein langer Text"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "kann nicht mehr geändert werden" in page and "Mein langer Text" in page


def test_a_paused_project_takes_comments_but_no_new_tasks(client, world):
    workflow_transition(subject=world.project, name="hold", actor=world.people["chair"], comment="Pause")
    client.force_login(world.people["member"])
    board = client.get(f"/projects/{world.project.pk}/board/").content.decode()
    assert "neue Aufgaben erst, wenn es weitergeht" in board and "Aufgabe anlegen" not in board
    assert "Verschieben" in board
    response = client.post(world.task.get_absolute_url(), {"action": "comment", "body": "Trotzdem"})
    assert response.status_code == 302
    workflow_transition(subject=world.project, name="resume", actor=world.people["chair"])
    assert "Aufgabe anlegen" in client.get(f"/projects/{world.project.pk}/board/").content.decode()
