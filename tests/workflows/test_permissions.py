"""Who may take which transition: one table per workflow, each role against each transition."""

import pytest
import yaml

from workflows.errors import TransitionForbidden
from workflows.selectors import workflow_available_transitions
from workflows.services import workflow_transition
from workflows.services.sync import DEFINITIONS_DIR
from workflows.spec import parse_definition

PEOPLE = ("member", "chair", "steering", "staff", "forum", "admin", "outsider")

TICKET_TABLE = {
    "submit": {"member", "chair"},
    "approve": {"steering"},
    "reject": {"chair", "steering"},
    "rework": {"chair"},
    "close": {"chair", "staff"},
    "hold": {"chair", "admin"},
    "resume": {"chair", "admin"},
    "cancel": {"chair", "steering", "admin"},
}
# How to get a ticket to where each transition starts: (transition, who) steps.
WAY_TO = {
    "submit": [],
    "approve": [("submit", "chair")],
    "reject": [("submit", "chair")],
    "rework": [("submit", "chair")],
    "close": [("submit", "chair"), ("approve", "steering")],
    "hold": [],
    "resume": [("hold", "chair")],
    "cancel": [("submit", "chair")],
}


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("name", TICKET_TABLE)
def test_ticket_transition_permission_table(make_ticket, people, name, person):
    ticket = make_ticket()
    for step, who in WAY_TO[name]:
        workflow_transition(subject=ticket, name=step, actor=people[who], comment="Weg dorthin.")
    allowed = person in TICKET_TABLE[name]
    (listed,) = [
        t for t in workflow_available_transitions(subject=ticket, user=people[person]) if t.name == name
    ]
    assert listed.allowed is allowed
    assert listed.blocked_by == ("" if allowed else "role")
    if allowed:
        workflow_transition(
            subject=ticket, name=name, actor=people[person], comment="Begründung für den Schritt."
        )
        assert ticket.workflow_sequence == len(WAY_TO[name]) + 2  # start, the way there, this step
    else:
        with pytest.raises(TransitionForbidden):
            workflow_transition(subject=ticket, name=name, actor=people[person], comment="Begründung.")


def test_an_inactive_person_holds_no_role(ticket, people):
    people["chair"].is_active = False
    people["chair"].save(update_fields=["is_active"])
    with pytest.raises(TransitionForbidden):
        workflow_transition(subject=ticket, name="submit", actor=people["chair"])


JOBTICKET_TABLE = {
    "start_negotiation": {"chair"},
    "reassess_needs": {"chair"},
    "record_agreement": {"chair"},
    "approve_contract": {"steering"},
    "renegotiate": {"chair", "steering"},
    "launch": {"chair"},
    "start_evaluation": {"chair"},
    "continue_ticket": {"chair", "steering"},
    "complete": {"chair", "steering"},
    "hold": {"chair", "steering", "admin"},
    "resume": {"chair", "steering", "admin"},
    "cancel": {"chair", "steering", "admin"},
}


@pytest.mark.parametrize("role", ["member", "chair", "steering", "staff", "forum", "admin"])
@pytest.mark.parametrize("name", JOBTICKET_TABLE)
def test_jobticket_permission_table(name, role):
    definition = parse_definition(yaml.safe_load((DEFINITIONS_DIR / "jobticket.yaml").read_text()))
    assert set(definition.transitions) == set(JOBTICKET_TABLE)
    assert (role in definition.transitions[name].roles) is (role in JOBTICKET_TABLE[name])
