"""State deadlines: after N days a reminder, after M days the steering team; each once per state entry."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from notifications.models import Notification
from notifications.rendering import message_render
from workflows.models import DeadlineNotice
from workflows.services import workflow_deadlines_check, workflow_transition
from workflows.tasks import workflows_check_deadlines

DAY = datetime.timedelta(days=1)


@pytest.fixture
def in_review(ticket, people):
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    return ticket


def deadline_mail() -> list[tuple[str, str]]:
    return sorted(
        (n.recipient.email, message_render(n).headline)
        for n in Notification.objects.filter(kind="workflow_deadline")
    )


def test_reminder_after_n_days_comes_once_not_twice(in_review):
    entered = in_review.state_entered_at
    assert workflow_deadlines_check(now=entered + 6 * DAY) == 0
    assert workflow_deadlines_check(now=entered + 7 * DAY) == 1
    assert workflow_deadlines_check(now=entered + 8 * DAY) == 0
    assert workflow_deadlines_check(now=entered + 9 * DAY) == 0
    assert deadline_mail() == [
        ("chair@example.org", "Frist: Jobticket-Umfrage ist seit 7 Tagen in „In Prüfung“")
    ]


def test_steering_team_is_told_after_m_days_once(in_review):
    entered = in_review.state_entered_at
    workflow_deadlines_check(now=entered + 7 * DAY)
    assert workflow_deadlines_check(now=entered + 14 * DAY) == 1
    assert workflow_deadlines_check(now=entered + 30 * DAY) == 0
    (reminder, escalation) = deadline_mail()
    assert reminder[0] == "chair@example.org"
    assert escalation == (
        "steering@example.org",
        "Frist: Jobticket-Umfrage ist seit 14 Tagen in „In Prüfung“",
    )
    note = Notification.objects.get(recipient__email="steering@example.org")
    assert "länger als vorgesehen" in message_render(note).body
    assert set(DeadlineNotice.objects.values_list("kind", flat=True)) == {"reminder", "escalation"}


def test_a_late_first_run_sends_both_once(in_review):
    assert workflow_deadlines_check(now=in_review.state_entered_at + 20 * DAY) == 2
    assert workflow_deadlines_check(now=in_review.state_entered_at + 21 * DAY) == 0


def test_a_new_entry_into_the_state_starts_the_clock_again(in_review, people):
    workflow_deadlines_check(now=in_review.state_entered_at + 7 * DAY)
    workflow_transition(subject=in_review, name="rework", actor=people["chair"])
    workflow_transition(subject=in_review, name="submit", actor=people["chair"])
    again = in_review.state_entered_at
    assert workflow_deadlines_check(now=again + 6 * DAY) == 0
    assert workflow_deadlines_check(now=again + 7 * DAY) == 1
    assert DeadlineNotice.objects.filter(kind="reminder").count() == 2


def test_a_subject_that_moved_on_gets_no_reminder(in_review, people):
    workflow_transition(subject=in_review, name="approve", actor=people["steering"])
    assert workflow_deadlines_check(now=in_review.state_entered_at + 100 * DAY) == 0


def test_states_without_deadline_and_unstarted_subjects_are_left_alone(make_ticket):
    make_ticket(start=False)
    ticket = make_ticket()  # in "open", which has no deadline
    assert workflow_deadlines_check(now=ticket.state_entered_at + 365 * DAY) == 0


def test_the_beat_task_checks_with_the_current_time(in_review, monkeypatch):
    later = in_review.state_entered_at + 8 * DAY
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert workflows_check_deadlines.delay().get() == 1
    assert workflows_check_deadlines.delay().get() == 0


def test_beat_runs_the_check():
    (entry,) = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "workflows.tasks.workflows_check_deadlines"
    ]
    assert entry["task"] == workflows_check_deadlines.name
