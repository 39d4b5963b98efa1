"""The outcome flows back: a project transition guarded by `escalation_vote_passed` waits for the
forum's vote on a topic the project raised; and the escalation's own workflow."""

import pytest

from escalations.services import escalation_transition
from projects.models import Project
from projects.services import project_create
from projects.workflow import DEFINITIONS_DIR
from tests.escalations.test_services import approve, raise_topic, state, submit
from tests.votes.test_services import NO, YES, close, electorate
from votes.services import ballot_cast
from workflows.errors import TransitionForbidden, TransitionNotAllowed
from workflows.models import TransitionRecord
from workflows.services import workflow_definitions_sync, workflow_transition

NO_PASSED_VOTE = "Dafür braucht es eine angenommene Abstimmung des Forums zu einem Thema dieses Projekts."
RUNNING = "Die Abstimmung im Forum läuft noch."


@pytest.fixture
def guarded_project(world, projects_folder) -> Project:
    """A generic project whose planning may only start after the forum passed a topic it raised."""
    text = (DEFINITIONS_DIR / "generic.yaml").read_text(encoding="utf-8")
    start = "    from: idea\n    to: planning\n    roles: [chair]\n"
    assert text.count(start) == 1
    (projects_folder / "generic.yaml").write_text(
        text.replace(start, start + "    guards: [escalation_vote_passed]\n"), encoding="utf-8"
    )
    (result,) = workflow_definitions_sync(directory=projects_folder)
    assert result.created
    return project_create(
        workgroup=world.group, actor=world.people["chair"], title="Jobticket 2.0", summary="s", type="generic"
    )


def start_planning(world, project):
    return workflow_transition(subject=project, name="start_planning", actor=world.people["chair"])


def test_a_guarded_project_transition_waits_until_the_linked_vote_passed(world, guarded_project):
    project = guarded_project
    voters = electorate(world, 3)
    with pytest.raises(TransitionNotAllowed) as refused:
        start_planning(world, project)
    assert refused.value.reason == NO_PASSED_VOTE

    # An escalation of another project, passed, does not count for this one.
    other = submit(world, raise_topic(world, project=world.project, title="Anderes Projekt"))
    approve(other, world.people["steering"])
    other.refresh_from_db()
    ballot_cast(vote=other.vote, actor=voters[0], choices=[YES])
    assert close(other.vote).passed is True

    escalation = submit(world, raise_topic(world, project=project))
    with pytest.raises(TransitionNotAllowed, match=NO_PASSED_VOTE):
        start_planning(world, project)
    approve(escalation, world.people["steering"])
    escalation.refresh_from_db()
    with pytest.raises(TransitionNotAllowed) as refused:
        start_planning(world, project)
    assert refused.value.reason == RUNNING

    ballot_cast(vote=escalation.vote, actor=voters[0], choices=[NO])
    ballot_cast(vote=escalation.vote, actor=voters[1], choices=[NO])
    assert close(escalation.vote).passed is False
    with pytest.raises(TransitionNotAllowed, match=NO_PASSED_VOTE):
        start_planning(world, project)

    second = submit(world, raise_topic(world, project=project, title="Zweiter Anlauf"))
    approve(second, world.people["steering"])
    second.refresh_from_db()
    for voter in voters[:2]:
        ballot_cast(vote=second.vote, actor=voter, choices=[YES])
    assert close(second.vote).passed is True

    start_planning(world, project)
    project.refresh_from_db()
    assert project.state == "planning"


def test_the_escalation_workflow_history_shows_each_step_with_its_comment(world):
    escalation = raise_topic(world)
    submit(world, escalation)
    escalation_return = "Bitte die Kosten beziffern."
    escalation_transition(
        escalation=escalation, actor=world.people["steering"], name="return", comment=escalation_return
    )
    submit(world, escalation)
    approve(escalation, world.people["steering"], reason="Jetzt vollständig")

    history = TransitionRecord.objects.filter(subject_type__model="escalation", subject_id=escalation.pk)
    assert list(history.order_by("sequence").values_list("transition", "to_state", "comment")) == [
        ("", "draft", ""),
        ("submit", "submitted", ""),
        ("return", "draft", escalation_return),
        ("submit", "submitted", ""),
        ("approve", "approved", "Jetzt vollständig"),
    ]


def test_the_chair_withdraws_a_draft_or_a_submitted_topic_and_nobody_else_does(world):
    escalation = submit(world, raise_topic(world))
    with pytest.raises(TransitionForbidden):
        escalation_transition(escalation=escalation, actor=world.people["steering"], name="withdraw")
    escalation_transition(escalation=escalation, actor=world.people["chair"], name="withdraw")
    assert state(escalation) == "withdrawn"
    with pytest.raises(TransitionNotAllowed):
        submit(world, escalation)
