from pathlib import Path

import pytest
from django.utils import translation

from tests.factories import UserFactory
from tests.workflow_testapp.models import Ticket, TicketRole
from workflows.services import workflow_definitions_sync, workflow_start

TICKET_DEFINITIONS = Path(__file__).resolve().parents[1] / "workflow_testapp" / "definitions"
ROLES = ("member", "chair", "steering", "staff", "forum")


@pytest.fixture(autouse=True)
def german():
    """German, the source language, unless a test says otherwise (a request may leave another active)."""
    with translation.override("de"):
        yield


@pytest.fixture
def ticket_workflow(db):
    (result,) = workflow_definitions_sync(directory=TICKET_DEFINITIONS)
    return result


@pytest.fixture
def people(db):
    """One person per role of the test ticket, an outsider and a platform admin."""
    people = {role: UserFactory(email=f"{role}@example.org", first_name=role.title()) for role in ROLES}
    people["outsider"] = UserFactory(email="outsider@example.org")
    people["admin"] = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    return people


@pytest.fixture
def make_ticket(ticket_workflow, people):
    def make(title: str = "Jobticket-Umfrage", *, ready: bool = True, start: bool = True) -> Ticket:
        ticket = Ticket.objects.create(title=title, ready=ready)
        TicketRole.objects.bulk_create(
            TicketRole(ticket=ticket, user=people[role], role=role) for role in ROLES
        )
        if start:
            workflow_start(subject=ticket, key="ticket", actor=people["chair"])
        return ticket

    return make


@pytest.fixture
def ticket(make_ticket):
    return make_ticket()
