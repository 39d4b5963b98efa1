"""Starting a workflow and taking transitions: the one write path, with its refusals and side effects."""

import pytest
from django.db import transaction
from django.utils import translation

from notifications.models import Notification
from notifications.rendering import message_render
from tests.factories import UserFactory
from tests.workflow_testapp.models import Ticket, TicketRole
from workflows.errors import TransitionConflict, TransitionForbidden, TransitionNotAllowed, WorkflowNotFound
from workflows.models import TransitionRecord
from workflows.registry import registry
from workflows.selectors import workflow_available_transitions, workflow_history
from workflows.services import workflow_start, workflow_transition


def records(ticket) -> list[tuple]:
    return list(
        TransitionRecord.objects.filter(subject_id=ticket.pk)
        .order_by("sequence")
        .values_list("sequence", "kind", "transition", "from_state", "to_state")
    )


def fresh(ticket) -> Ticket:
    return Ticket.objects.select_related("workflow").get(pk=ticket.pk)


def test_start_puts_the_subject_in_the_initial_state_and_runs_start_effects(make_ticket, people):
    ticket = make_ticket(start=False)
    record = workflow_start(subject=ticket, key="ticket", actor=people["chair"])
    assert (ticket.state, ticket.previous_state, ticket.workflow_sequence) == ("open", "", 1)
    assert ticket.workflow.key == "ticket" and ticket.workflow.version == 1
    assert record.actor == people["chair"]
    assert records(ticket) == [(1, "start", "", "", "open")]
    assert fresh(ticket).touched == 1


def test_start_twice_is_refused(ticket):
    with pytest.raises(TransitionConflict):
        workflow_start(subject=ticket, key="ticket")


def test_start_of_an_unknown_workflow_is_refused(make_ticket):
    with pytest.raises(WorkflowNotFound):
        workflow_start(subject=make_ticket(start=False), key="nonexistent")


def test_member_submits_ticket(ticket, people):
    record = workflow_transition(
        subject=ticket, name="submit", actor=people["member"], comment=" erste Runde "
    )
    assert ticket.state == "review" and ticket.previous_state == "open"
    assert fresh(ticket).state == "review"
    assert (record.sequence, record.comment, record.actor) == (2, "erste Runde", people["member"])
    assert records(ticket)[-1] == (2, "transition", "submit", "open", "review")


def test_outsider_cannot_submit(ticket, people):
    with pytest.raises(TransitionForbidden) as error:
        workflow_transition(subject=ticket, name="submit", actor=people["outsider"])
    assert error.value.status_code == 403
    assert "Nur für: Mitglied, Vorsitz." in error.value.reason
    assert fresh(ticket).state == "open"


def test_guard_that_says_no_gives_its_reason(make_ticket, people):
    ticket = make_ticket(ready=False)
    with pytest.raises(TransitionNotAllowed) as error:
        workflow_transition(subject=ticket, name="submit", actor=people["chair"])
    assert error.value.reason == "Das Ticket ist noch nicht bereit."
    assert fresh(ticket).state == "open" and len(records(ticket)) == 1


def test_comment_required_transition_wants_a_comment(ticket, people):
    with pytest.raises(TransitionNotAllowed, match="Kommentar nötig"):
        workflow_transition(subject=ticket, name="reject", actor=people["chair"], comment="   ")
    workflow_transition(subject=ticket, name="reject", actor=people["chair"], comment="Kein Bedarf.")
    assert ticket.state == "rejected"


def test_guard_on_the_comment_judges_it_when_taken(ticket, people):
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    workflow_transition(subject=ticket, name="approve", actor=people["steering"])
    (close,) = [
        t for t in workflow_available_transitions(subject=ticket, user=people["staff"]) if t.name == "close"
    ]
    assert close.allowed  # the comment is not written yet
    with pytest.raises(TransitionNotAllowed, match="mindestens 10 Zeichen"):
        workflow_transition(subject=ticket, name="close", actor=people["staff"], comment="zu kurz")
    workflow_transition(subject=ticket, name="close", actor=people["staff"], comment="Alles erledigt, danke.")
    assert ticket.state == "done"


def test_unknown_and_misplaced_transitions_are_refused(ticket, people):
    with pytest.raises(TransitionNotAllowed, match="gibt es im Ablauf nicht"):
        workflow_transition(subject=ticket, name="teleport", actor=people["chair"])
    with pytest.raises(TransitionNotAllowed, match="im Stand „Offen“ nicht möglich"):
        workflow_transition(subject=ticket, name="approve", actor=people["steering"])


def test_terminal_state_has_no_way_out(ticket, people):
    workflow_transition(subject=ticket, name="cancel", actor=people["steering"], comment="Doppelt angelegt.")
    assert ticket.workflow_state.terminal
    assert workflow_available_transitions(subject=ticket, user=people["admin"]) == []
    with pytest.raises(TransitionNotAllowed):
        workflow_transition(subject=ticket, name="resume", actor=people["admin"])
    # "hold" was open in the state the ticket has just left: whoever asks lost a race.
    with pytest.raises(TransitionConflict, match="Abgebrochen"):
        workflow_transition(subject=ticket, name="hold", actor=people["admin"])
    assert fresh(ticket).state == "cancelled"


def test_a_stale_copy_of_the_subject_is_refused_as_moved_on(ticket, people):
    stale = fresh(ticket)
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    with pytest.raises(TransitionConflict) as error:
        workflow_transition(subject=stale, name="reject", actor=people["chair"], comment="zu spät")
    assert error.value.status_code == 409
    assert "Jemand war schneller" in error.value.reason and "In Prüfung" in error.value.reason
    assert records(ticket)[-1][2] == "submit"


def test_a_page_showing_another_state_is_refused_as_moved_on(ticket, people):
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    with pytest.raises(TransitionConflict):
        workflow_transition(subject=fresh(ticket), name="hold", actor=people["chair"], expected_state="open")
    workflow_transition(subject=fresh(ticket), name="hold", actor=people["chair"], expected_state="review")


def test_a_late_request_without_expected_state_for_a_step_the_subject_just_left_is_a_conflict(ticket, people):
    # Both read the ticket in review; the steering team approves first. The chair's page and
    # request carry no expected state, and the chair's process reads the ticket only now.
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    workflow_transition(subject=fresh(ticket), name="approve", actor=people["steering"])
    with pytest.raises(TransitionConflict) as error:
        workflow_transition(subject=fresh(ticket), name="reject", actor=people["chair"], comment="zu spät")
    assert error.value.status_code == 409 and "Genehmigt" in error.value.reason
    assert fresh(ticket).state == "approved"


def test_a_step_never_open_in_the_state_just_left_stays_a_bad_request(ticket, people):
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    with pytest.raises(TransitionNotAllowed, match="nicht möglich") as error:
        workflow_transition(subject=fresh(ticket), name="close", actor=people["staff"], comment="x" * 20)
    assert not isinstance(error.value, TransitionConflict)


def test_an_expected_state_the_step_was_never_open_in_is_a_bad_request(ticket, people):
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    workflow_transition(subject=ticket, name="approve", actor=people["steering"])
    # "resume" is open neither in "open" (what the caller claims to have seen) nor now.
    with pytest.raises(TransitionNotAllowed) as error:
        workflow_transition(
            subject=fresh(ticket), name="resume", actor=people["chair"], expected_state="open"
        )
    assert not isinstance(error.value, TransitionConflict)
    with pytest.raises(TransitionNotAllowed, match="gibt es im Ablauf nicht"):
        workflow_transition(
            subject=fresh(ticket), name="teleport", actor=people["chair"], expected_state="open"
        )


def test_hold_and_resume_returns_to_where_it_was(ticket, people):
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    workflow_transition(subject=ticket, name="hold", actor=people["chair"])
    (resume,) = [
        t for t in workflow_available_transitions(subject=ticket, user=people["chair"]) if t.name == "resume"
    ]
    assert (resume.to_state, resume.to_label) == ("review", "In Prüfung")
    workflow_transition(subject=ticket, name="resume", actor=people["admin"])
    assert (ticket.state, ticket.previous_state) == ("review", "on_hold")
    assert records(ticket)[-2:] == [
        (3, "transition", "hold", "review", "on_hold"),
        (4, "transition", "resume", "on_hold", "review"),
    ]


def test_effects_run_in_the_transition_and_fail_with_it(ticket, people):
    workflow_transition(subject=ticket, name="submit", actor=people["member"])

    def explode(ctx):
        raise TransitionNotAllowed("Die Wirkung ist fehlgeschlagen.")

    original = registry.effects["ticket_touch"]
    registry.effects["ticket_touch"] = explode
    try:
        with pytest.raises(TransitionNotAllowed, match="fehlgeschlagen"):
            workflow_transition(subject=ticket, name="approve", actor=people["steering"])
    finally:
        registry.effects["ticket_touch"] = original
    assert fresh(ticket).state == "review" and len(records(ticket)) == 2
    assert ticket.state == "review"  # the caller's copy is unchanged too
    workflow_transition(subject=ticket, name="approve", actor=people["steering"])
    assert fresh(ticket).touched == 2  # once at the start, once now


def test_watchers_are_told_in_their_language_and_the_actor_is_not(ticket, people):
    people["chair"].language = "en"
    people["chair"].save(update_fields=["language"])
    workflow_transition(subject=ticket, name="submit", actor=people["member"], comment="Bitte prüfen")
    (note,) = Notification.objects.filter(kind="workflow_transition")
    assert note.recipient == people["chair"]  # watchers: member and chair; the member acted
    assert note.subject == ticket
    assert note.data["url"] == f"/tickets/{ticket.pk}/" and note.data["group"] == "AG Test"
    with translation.override("en"):
        message = message_render(note)
    assert message.headline == "Jobticket-Umfrage: In review"
    assert "Open → In review" in message.body and "Bitte prüfen" in message.body
    with translation.override("de"):
        assert message_render(note).headline == "Jobticket-Umfrage: In Prüfung"


def test_notify_effect_tells_the_role_and_nobody_twice(ticket, people):
    second = UserFactory(email="steering2@example.org")
    TicketRole.objects.create(ticket=ticket, user=second, role="steering")
    TicketRole.objects.create(ticket=ticket, user=people["member"], role="steering")  # a watcher, too
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    Notification.objects.all().delete()
    workflow_transition(subject=ticket, name="approve", actor=people["steering"])
    recipients = sorted(n.recipient.email for n in Notification.objects.filter(kind="workflow_transition"))
    assert recipients == ["chair@example.org", "member@example.org", "steering2@example.org"]


def test_notifications_are_written_with_the_transition_and_undone_with_it(ticket, people):
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow_transition(subject=ticket, name="submit", actor=people["member"])
        raise RuntimeError("the caller's transaction fails later")
    assert not Notification.objects.exists()
    assert fresh(ticket).state == "open"


def test_history_lists_every_entry_with_labels(ticket, people):
    workflow_transition(subject=ticket, name="submit", actor=people["member"], comment="los")
    history = workflow_history(subject=ticket)
    assert [(e.sequence, e.label, e.from_label, e.to_label) for e in history] == [
        (1, "Ablauf begonnen", "", "Offen"),
        (2, "Einreichen", "Offen", "In Prüfung"),
    ]
    assert history[1].actor == people["member"] and history[1].comment == "los"
