"""Closing a vote: at its time by the scheduled task, by the sweep when that task was lost, on read;
once only; and opening a scheduled vote at its time."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.errors import Conflict
from tests.votes.test_services import (
    NO,
    YES,
    cast_all,
    electorate,
    fingerprint,
    forum_members,
    vote_new,
)
from votes import tasks
from votes.models import Elector, Vote
from votes.services import (
    VoteClosed,
    ballot_cast,
    vote_close,
    vote_close_if_due,
    vote_count,
    votes_sweep,
)

CLOSED_MESSAGE = "geschlossen; es kann nicht mehr abgestimmt werden"


def with_ballots(world, people, **fields) -> Vote:
    vote = vote_new(world, method="single", options=["Rathaus", "Eurogress", "Super C"], **fields)
    cast_all(vote, people[:3], [1])
    cast_all(vote, people[3:5], [0])
    return vote


def test_opening_queues_the_close_for_the_closing_time(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.vote_close_due, "apply_async", lambda args, **kw: queued.append((args, kw)))
    electorate(world, 2)

    with django_capture_on_commit_callbacks(execute=True):
        vote = vote_new(world)

    assert queued == [((vote.pk,), {"eta": vote.closes_at, "retry": False})]


def test_the_scheduled_task_closes_the_vote_at_its_time_not_before(world):
    people = electorate(world, 6)
    vote = with_ballots(world, people)

    with time_machine.travel(vote.closes_at - datetime.timedelta(seconds=1)):
        assert tasks.vote_close_due(vote.pk) is False  # early (a worker's clock ahead): nothing
    vote.refresh_from_db()
    assert vote.status == "open" and vote.result is None

    with time_machine.travel(vote.closes_at):
        assert tasks.vote_close_due(vote.pk) is True
    vote.refresh_from_db()

    assert (vote.status, vote.close_reason, vote.closed_at) == ("closed", "schedule", vote.closes_at)
    assert vote.result["counts"] == {"Rathaus": 2, "Eurogress": 3, "Super C": 0}
    assert (vote.result["winner"], vote.passed) == ("Eurogress", True)
    assert vote.result["turnout"] == 5
    assert vote.result["ballots_sha256"] == vote.ballots_sha256 and len(vote.ballots_sha256) == 64
    assert tasks.vote_close_due(10**9) is False  # a vote deleted since: nothing to do


def test_a_vote_whose_scheduled_close_was_lost_is_closed_by_the_sweep_with_the_same_result(world):
    people = electorate(world, 6)
    scheduled = with_ballots(world, people)
    lost = with_ballots(world, people)  # same options, same ballots: its close task never ran

    with time_machine.travel(scheduled.closes_at + datetime.timedelta(seconds=1)):
        assert tasks.vote_close_due(scheduled.pk) is True
    Vote.objects.filter(pk=lost.pk).update(closes_at=scheduled.closes_at)
    with time_machine.travel(scheduled.closes_at + datetime.timedelta(minutes=3)):
        assert tasks.votes_sweep_task() == [0, 1]  # (opened, closed)
    scheduled.refresh_from_db()
    lost.refresh_from_db()

    assert (lost.status, lost.close_reason) == ("closed", "sweep")
    assert lost.result == scheduled.result
    assert (lost.passed, lost.ballots_sha256) == (scheduled.passed, scheduled.ballots_sha256)


def test_closing_twice_changes_nothing_and_a_closed_vote_refuses_to_be_saved(world):
    people = electorate(world, 6)
    vote = with_ballots(world, people)
    assert vote_close(vote=vote, now=vote.closes_at) is True
    vote.refresh_from_db()
    stored = (vote.result, vote.closed_at, vote.close_reason, vote.passed, vote.ballots_sha256)

    later = vote.closes_at + datetime.timedelta(days=1)
    assert vote_close(vote=vote, now=later) is False
    assert vote_close(vote=vote, reason=Vote.CloseReason.SWEEP, now=later) is False
    assert votes_sweep(now=later) == (0, 0)
    with time_machine.travel(later):
        assert tasks.vote_close_due(vote.pk) is False
        assert vote_close_if_due(vote).status == "closed"
    vote.refresh_from_db()

    assert (vote.result, vote.closed_at, vote.close_reason, vote.passed, vote.ballots_sha256) == stored
    vote.title = "Nachträglich geändert"
    with pytest.raises(ValueError, match="is closed: its result never changes"):
        vote.save()
    vote.refresh_from_db()
    assert vote.title != "Nachträglich geändert"


def test_a_ballot_after_the_close_is_refused_with_a_clear_message(world):
    people = electorate(world, 6)
    vote = with_ballots(world, people)
    vote_close(vote=vote, now=vote.closes_at)

    with pytest.raises(VoteClosed) as refused:
        ballot_cast(vote=vote, actor=people[5], choices=[2])
    with pytest.raises(VoteClosed, match=CLOSED_MESSAGE):
        ballot_cast(vote=vote, actor=people[0], choices=[2])  # nor changed

    closed = timezone.localtime(vote.closes_at).strftime("%d.%m.%Y %H:%M")
    assert refused.value.reason == f"Die Abstimmung ist seit {closed} {CLOSED_MESSAGE}."
    assert isinstance(refused.value, Conflict) and refused.value.status_code == 409
    vote.refresh_from_db()
    assert vote.result["turnout"] == 5


def test_a_ballot_after_the_closing_time_is_refused_even_before_anything_closed_the_vote(world):
    people = electorate(world, 6)
    vote = with_ballots(world, people)

    with time_machine.travel(vote.closes_at + datetime.timedelta(seconds=1)):
        with pytest.raises(VoteClosed, match=CLOSED_MESSAGE):
            ballot_cast(vote=vote, actor=people[5], choices=[2])
        vote.refresh_from_db()
        assert vote.status == "open"  # the close task and the sweep have not come by yet
        assert vote_close_if_due(vote) is vote

    assert (vote.status, vote.close_reason) == ("closed", "on_read")
    assert vote.result["turnout"] == 5


def test_vote_close_if_due_leaves_a_running_vote_alone(world):
    people = electorate(world, 2)
    vote = vote_new(world)
    ballot_cast(vote=vote, actor=people[0], choices=[YES])

    assert vote_close_if_due(vote).status == "open"
    vote.refresh_from_db()
    assert vote.result is None


def test_a_scheduled_vote_opens_at_its_time_with_the_electorate_of_that_moment(world):
    early = electorate(world, 3)
    opens = timezone.now() + datetime.timedelta(hours=2)
    vote = vote_new(world, opens_at=opens, days=3)
    assert (vote.status, vote.electorate_size, vote.electorate_sha256) == ("scheduled", None, "")
    assert not Elector.objects.filter(vote=vote).exists()

    with pytest.raises(VoteClosed, match="noch nicht geöffnet"):
        ballot_cast(vote=vote, actor=early[0], choices=[YES])
    (joined_before,) = forum_members(world, 1, prefix="vorher")
    with time_machine.travel(opens - datetime.timedelta(minutes=1)):
        assert votes_sweep() == (0, 0)
    with time_machine.travel(opens + datetime.timedelta(seconds=30)):
        assert votes_sweep() == (1, 0)
        assert votes_sweep() == (0, 0)
        (joined_after,) = forum_members(world, 1, prefix="nachher")
        ballot_cast(vote=vote, actor=joined_before, choices=[NO])
        with pytest.raises(PermissionDenied):
            ballot_cast(vote=vote, actor=joined_after, choices=[NO])
    vote.refresh_from_db()

    assert vote.status == "open"
    assert vote.electorate_size == 4
    assert vote.electorate_sha256 == fingerprint(p.pk for p in [*early, joined_before])
    assert vote_count(vote).ballots == 1


def test_a_ballot_cast_once_the_opening_time_has_come_opens_the_vote_before_the_sweep_does(world):
    people = electorate(world, 2)
    opens = timezone.now() + datetime.timedelta(hours=1)
    vote = vote_new(world, opens_at=opens, days=2)

    with time_machine.travel(opens + datetime.timedelta(seconds=5)):
        assert ballot_cast(vote=vote, actor=people[0], choices=[YES]).changed is False
        assert votes_sweep() == (0, 0)
    vote.refresh_from_db()

    assert (vote.status, vote.electorate_size) == ("open", 2)
    assert vote.electorate_sha256 == fingerprint(p.pk for p in people)


def test_a_vote_that_was_never_opened_is_opened_and_closed_by_the_sweep_without_an_opening_notice(world):
    from notifications.models import Notification

    people = electorate(world, 3)
    opens = timezone.now() + datetime.timedelta(hours=1)
    vote = vote_new(world, opens_at=opens, days=1)

    with time_machine.travel(vote.closes_at + datetime.timedelta(minutes=1)):
        assert votes_sweep() == (0, 1)
    vote.refresh_from_db()

    assert (vote.status, vote.close_reason, vote.electorate_size) == ("closed", "sweep", 3)
    assert vote.result["turnout"] == 0 and vote.passed is False
    notified = Notification.objects.filter(subject_id=vote.pk, subject_type__model="vote")
    assert set(notified.values_list("kind", flat=True)) == {"vote_closed"}
    assert set(notified.values_list("recipient", flat=True)) == {p.pk for p in people}


def test_one_vote_that_fails_to_close_does_not_keep_the_sweep_from_the_others(world, monkeypatch):
    from votes.services import closing as services

    people = electorate(world, 2)
    broken, fine = vote_new(world), vote_new(world)
    ballot_cast(vote=fine, actor=people[0], choices=[YES])
    real_count = services.counting.count

    def count(method, labels, ballots, **kwargs):
        if not ballots and not getattr(count, "failed", False):  # the broken vote, once
            count.failed = True
            raise RuntimeError("a broken vote")
        return real_count(method, labels, ballots, **kwargs)

    monkeypatch.setattr(services.counting, "count", count)
    later = max(broken.closes_at, fine.closes_at)
    assert votes_sweep(now=later) == (0, 1)

    broken.refresh_from_db()
    fine.refresh_from_db()
    assert (broken.status, fine.status) == ("open", "closed")
    assert votes_sweep(now=later) == (0, 1)  # the next run closes it


@pytest.mark.services
def test_a_real_worker_closes_the_vote_at_its_closing_time(transactional_db, world, purged_broker):
    """Opening queues `votes.close_due` with eta = the closing time on the real broker; a real
    worker runs it then (no beat here, so not the sweep)."""
    from tests.notifications.support import wait_for_idle_workers
    from tests.support import running_worker, wait_for

    people = electorate(world, 3)
    with running_worker(name="votes-close"):
        vote = vote_new(world, closes_at=timezone.now() + datetime.timedelta(seconds=4))
        ballot_cast(vote=vote, actor=people[0], choices=[YES])
        wait_for(
            lambda: Vote.objects.filter(pk=vote.pk, status="closed").exists(),
            timeout=60,
            message="the worker to close the vote",
        )
        wait_for_idle_workers(purged_broker)
    vote.refresh_from_db()

    assert vote.close_reason == "schedule"
    assert vote.closed_at >= vote.closes_at
    assert (vote.result["turnout"], vote.result["counts"]["Ja"], vote.passed) == (1, 1, True)
    with pytest.raises(VoteClosed, match=CLOSED_MESSAGE):
        ballot_cast(vote=vote, actor=people[1], choices=[NO])
