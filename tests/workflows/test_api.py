"""The API pieces as a subject's ViewSet uses them (WorkflowActionsMixin on the test ticket)."""

import pytest
from django.core.management import call_command

from tests.workflow_testapp.models import Ticket
from workflows.services import workflow_start, workflow_transition

pytestmark = pytest.mark.urls("tests.workflow_testapp.urls")


@pytest.fixture
def api(api_client, people):
    def as_person(role: str):
        api_client.force_authenticate(people[role])
        return api_client

    return as_person


def test_available_transitions_with_reasons(api, ticket):
    response = api("member").get(f"/api/tickets/{ticket.pk}/transitions/")
    assert response.status_code == 200
    by_name = {t["name"]: t for t in response.json()}
    assert by_name["submit"] == {
        "name": "submit",
        "label": "Einreichen",
        "to_state": "review",
        "to_label": "In Prüfung",
        "comment_required": False,
        "allowed": True,
        "reason": "",
        "blocked_by": "",
    }
    assert by_name["reject"]["allowed"] is False and by_name["reject"]["blocked_by"] == "role"
    assert by_name["reject"]["reason"] == "Nur für: Vorsitz, Steuerteam."


def test_take_a_transition(api, ticket):
    response = api("chair").post(
        f"/api/tickets/{ticket.pk}/transition/",
        {"transition": "submit", "comment": "bitte prüfen", "expected_state": "open"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "workflow": "ticket",
        "version": 1,
        "state": "review",
        "state_label": "In Prüfung",
        "state_class": "active",
        "state_entered_at": response.json()["state_entered_at"],
        "sequence": 2,
    }
    assert Ticket.objects.get(pk=ticket.pk).state == "review"


@pytest.mark.parametrize(
    ("role", "payload", "status", "detail"),
    [
        ("outsider", {"transition": "submit"}, 403, "Nur für: Mitglied, Vorsitz."),
        ("chair", {"transition": "reject"}, 400, "Für diesen Schritt ist ein Kommentar nötig."),
        ("chair", {"transition": "teleport"}, 400, "Diesen Schritt gibt es im Ablauf nicht: teleport"),
        ("chair", {"transition": "submit", "expected_state": "review"}, 409, "Jemand war schneller"),
    ],
)
def test_refusals_answer_with_the_reason(api, ticket, role, payload, status, detail):
    response = api(role).post(f"/api/tickets/{ticket.pk}/transition/", payload, format="json")
    assert response.status_code == status
    assert detail in response.json()["detail"]


def test_a_malformed_request_is_a_400(api, ticket):
    response = api("chair").post(
        f"/api/tickets/{ticket.pk}/transition/", {"comment": "x" * 5000}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"transition", "comment"}


def test_history(api, ticket, people):
    workflow_transition(subject=ticket, name="submit", actor=people["member"], comment="los")
    response = api("member").get(f"/api/tickets/{ticket.pk}/history/")
    assert [(e["sequence"], e["kind"], e["label"], e["to_state"]) for e in response.json()] == [
        (1, "start", "Ablauf begonnen", "open"),
        (2, "transition", "Einreichen", "review"),
    ]
    assert response.json()[1]["actor"] == people["member"].pk and response.json()[1]["comment"] == "los"
    assert response.json()[1]["actor_name"] == str(people["member"])


def test_the_state_cannot_be_written_through_the_api(api, ticket):
    response = api("chair").patch(
        f"/api/tickets/{ticket.pk}/", {"title": "neu", "state": "done"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "open" and Ticket.objects.get(pk=ticket.pk).state == "open"


def test_schema_of_the_workflow_actions_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--urlconf",
        "tests.workflow_testapp.urls",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(out),
    )
    schema = out.read_text()
    assert "/api/tickets/{id}/transitions/" in schema and "/api/tickets/{id}/history/" in schema


def test_history_of_a_start_without_an_actor(api, make_ticket):
    ticket = make_ticket(start=False)
    workflow_start(subject=ticket, key="ticket")
    (entry,) = api("member").get(f"/api/tickets/{ticket.pk}/history/").json()
    assert (entry["actor"], entry["actor_name"], entry["kind"]) == (None, "", "start")
