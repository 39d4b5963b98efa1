"""Who may take which transition of the test ticket: each role against each transition.

The project workflows' table is in tests/projects/test_workflow_definitions.py.
"""

import pytest

from workflows.errors import TransitionForbidden
from workflows.selectors import workflow_available_transitions
from workflows.services import workflow_transition

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
