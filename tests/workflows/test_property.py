"""Random attempts by random people: the engine agrees with an independent model of the rules.

The model reads the definition file itself (not the engine's parse) and decides each attempt;
the engine must take exactly the attempts the model allows. Afterwards the state is one of the
definition's, the history is numbered without gaps, and replaying it gives the current state.
"""

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from tests.workflow_testapp.models import Ticket, TicketRole
from workflows.models import TransitionRecord
from workflows.services import workflow_start, workflow_transition

from .conftest import ROLES, TICKET_DEFINITIONS

SPEC = yaml.safe_load((TICKET_DEFINITIONS / "ticket.yaml").read_text())
STATES = {s["name"]: s for s in SPEC["states"]}
STEPS = {t["name"]: t for t in SPEC["transitions"]}
PEOPLE = (*ROLES, "admin", "outsider")
COMMENTS = ("", "kurz", "Eine ausführliche Begründung.")


def sources(step: dict) -> set[str]:
    if step["from"] == "*":
        return {name for name, s in STATES.items() if not s.get("terminal") and name != step["to"]}
    return {step["from"]} if isinstance(step["from"], str) else set(step["from"])


def model_allows(state: str, previous: str, name: str, person: str, comment: str, ready: bool) -> str | None:
    """The target state if the rules let `person` take `name` now, else None."""
    step = STEPS.get(name)
    if step is None or state not in sources(step) or person not in step["roles"]:
        return None
    target = previous if step["to"] == "$previous" else step["to"]
    if target not in STATES:
        return None
    if step.get("comment_required") and not comment.strip():
        return None
    if name == "submit" and not ready:  # guard ticket_ready
        return None
    if name == "close" and len(comment.strip()) < 10:  # guard comment_min_length(min=10)
        return None
    return target


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_attempts_follow_the_rules_and_replay(ticket_workflow, people, data):
    ticket = Ticket.objects.create(title="Eigenschaft")
    TicketRole.objects.bulk_create(TicketRole(ticket=ticket, user=people[r], role=r) for r in ROLES)
    workflow_start(subject=ticket, key="ticket", actor=people["chair"])
    state, previous = "open", ""
    taken_while_not_ready = []
    for _ in range(data.draw(st.integers(0, 30), label="attempts")):
        # Half the time a step that leaves the current state, so runs get deep into the workflow.
        here = sorted(n for n, step in STEPS.items() if state in sources(step)) or sorted(STEPS)
        name = data.draw(st.sampled_from(here) | st.sampled_from([*STEPS, "teleport"]), label="transition")
        entitled = sorted(STEPS[name]["roles"]) if name in STEPS else list(PEOPLE)
        person = data.draw(st.sampled_from(entitled) | st.sampled_from(PEOPLE), label="person")
        comment = data.draw(st.sampled_from(COMMENTS), label="comment")
        ready = data.draw(st.booleans(), label="ready")
        if ticket.ready != ready:
            ticket.ready = ready
            ticket.save(update_fields=["ready"])
        expected = model_allows(state, previous, name, person, comment, ready)
        try:
            workflow_transition(subject=ticket, name=name, actor=people[person], comment=comment)
        except DomainError:
            assert expected is None, f"refused {name} by {person} in {state}"
            continue
        assert expected is not None, f"took {name} by {person} in {state}, which the rules forbid"
        if name == "submit" and not ready:
            taken_while_not_ready.append(name)
        state, previous = expected, state
        event(f"reached {state}")
        assert ticket.state == state and ticket.state in STATES

    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.state, saved.previous_state) == (state, previous)
    history = list(TransitionRecord.objects.filter(subject_id=ticket.pk).order_by("sequence"))
    assert (
        [r.sequence for r in history]
        == list(range(1, len(history) + 1))
        == list(range(1, saved.workflow_sequence + 1))
    )
    replayed = ""
    for record in history:
        assert record.from_state == replayed
        assert record.to_state in STATES
        replayed = record.to_state
    assert replayed == saved.state
    assert taken_while_not_ready == []
