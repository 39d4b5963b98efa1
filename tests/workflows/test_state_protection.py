"""The state changes through the transition service only: not by save(), the admin, the API or a form."""

import pytest
from django.forms import modelform_factory

from tests.workflow_testapp.models import Ticket
from tests.workflow_testapp.urls import TicketSerializer
from workflows.errors import StateChangeRefused
from workflows.models import TransitionRecord
from workflows.services import workflow_transition


def test_save_refuses_a_changed_state(ticket):
    ticket.state = "done"
    with pytest.raises(StateChangeRefused, match="state of Ticket"):
        ticket.save()
    assert Ticket.objects.get(pk=ticket.pk).state == "open"


def test_save_refuses_to_create_a_subject_in_a_state(db):
    with pytest.raises(StateChangeRefused):
        Ticket.objects.create(title="x", state="approved")


def test_save_refuses_workflow_fields_in_update_fields(ticket):
    with pytest.raises(StateChangeRefused):
        ticket.save(update_fields=["title", "state"])


def test_a_stale_copy_saved_later_does_not_undo_a_transition(ticket, people):
    stale = Ticket.objects.get(pk=ticket.pk)
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    stale.title = "Neuer Titel"
    stale.save()
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.state, saved.workflow_sequence) == ("Neuer Titel", "review", 2)


def test_refresh_and_deferred_loading_keep_save_working(ticket, people):
    copy = Ticket.objects.defer("state").get(pk=ticket.pk)
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    assert copy.state == "review"  # loaded on access
    copy.refresh_from_db()
    copy.title = "ok"
    copy.save()
    ticket.refresh_from_db()
    assert ticket.title == "ok"


def test_model_forms_have_no_workflow_fields(db):
    form_class = modelform_factory(Ticket, fields="__all__")
    assert not {"workflow", "state", "previous_state", "state_entered_at", "workflow_sequence"} & set(
        form_class.base_fields
    )


def test_admin_shows_the_state_read_only_and_ignores_a_posted_one(client, ticket, people):
    client.force_login(people["admin"])
    url = f"/admin/workflow_testapp/ticket/{ticket.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="state"' not in html and '<div class="readonly">open</div>' in html
    response = client.post(
        url,
        {
            "title": "Umbenannt",
            "ready": "on",
            "touched": "0",
            "state": "done",
            "workflow_sequence": "99",
            "roles-TOTAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.state, saved.workflow_sequence) == ("Umbenannt", "open", 1)


def test_admin_cannot_edit_or_delete_the_history(client, ticket, people):
    client.force_login(people["admin"])
    record = TransitionRecord.objects.get(subject_id=ticket.pk)
    assert (
        client.get(f"/admin/workflows/transitionrecord/{record.pk}/change/").status_code == 200
    )  # view only
    assert (
        client.post(f"/admin/workflows/transitionrecord/{record.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/workflows/transitionrecord/add/").status_code == 403


def test_api_serializer_treats_the_state_as_read_only(ticket):
    serializer = TicketSerializer(
        ticket, data={"title": "API", "state": "done", "workflow_sequence": 7}, partial=True
    )
    assert serializer.is_valid(), serializer.errors
    serializer.save()
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.state) == ("API", "open")
    assert serializer.data["state"] == "open"


def test_history_is_append_only(ticket):
    record = TransitionRecord.objects.get(subject_id=ticket.pk)
    record.comment = "nachträglich"
    with pytest.raises(StateChangeRefused):
        record.save()
    with pytest.raises(StateChangeRefused):
        record.delete()
