"""On PostgreSQL: two processes take conflicting transitions of one project at the same moment."""

import multiprocessing
from collections import defaultdict

import pytest
from django.db import connection

from projects.services import project_create
from tests import support
from tests.projects.api_race_worker import race_api
from tests.workflows.concurrency_worker import race
from workflows.models import TransitionRecord

ROUNDS = 50

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_chair_and_steering_at_once_exactly_one_wins_every_project(world):
    assert connection.vendor == "postgresql"
    chair, steering = world.people["chair"], world.people["steering"]
    projects = [
        project_create(workgroup=world.group, actor=chair, title=f"Runde {i}", summary="s", type="generic").pk
        for i in range(ROUNDS)
    ]
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    url = support.test_database_url()
    racers = [
        context.Process(
            target=race, args=(url, projects, "hold", chair.pk, barrier, results, "projects.Project")
        ),
        context.Process(
            target=race, args=(url, projects, "cancel", steering.pk, barrier, results, "projects.Project")
        ),
    ]
    for racer in racers:
        racer.start()
    outcomes = defaultdict(list)
    for _ in range(2 * ROUNDS):
        project_id, name, outcome = results.get(timeout=120)
        outcomes[project_id].append((name, outcome))
    for racer in racers:
        racer.join(timeout=30)
        assert racer.exitcode == 0

    for project_id in projects:
        assert sorted(o for _, o in outcomes[project_id]) == ["conflict", "ok"], outcomes[project_id]
        (winner,) = [name for name, outcome in outcomes[project_id] if outcome == "ok"]
        history = list(
            TransitionRecord.objects.filter(subject_type__model="project", subject_id=project_id)
            .order_by("sequence")
            .values_list("sequence", "transition")
        )
        assert history == [(1, ""), (2, winner)]


API_ROUNDS = 20


def test_api_race_one_client_without_expected_state_loser_always_gets_409(world):
    """Whether the loser's request read the project before or after the winner's commit, it gets 409.

    Rounds alternate: both at once; the client with expected_state first and the other only
    after it (its request reads the moved project: the case that used to be a 400); and the
    other way round.
    """
    chair, steering = world.people["chair"], world.people["steering"]
    projects = [
        project_create(workgroup=world.group, actor=chair, title=f"API {i}", summary="s", type="generic").pk
        for i in range(API_ROUNDS)
    ]
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    url = support.test_database_url()
    with_expected = {"transition": "cancel", "comment": "gleichzeitig", "expected_state": "idea"}
    without_expected = {"transition": "hold", "comment": "gleichzeitig"}
    firsts = [(None, "cancel", "hold")[i % 3] for i in range(API_ROUNDS)]
    racers = [
        context.Process(
            target=race_api, args=(url, projects, firsts, with_expected, chair.pk, barrier, results)
        ),
        context.Process(
            target=race_api, args=(url, projects, firsts, without_expected, steering.pk, barrier, results)
        ),
    ]
    for racer in racers:
        racer.start()
    outcomes = defaultdict(list)
    for _ in range(2 * API_ROUNDS):
        project_id, name, status, detail = results.get(timeout=120)
        outcomes[project_id].append((name, status, detail))
    for racer in racers:
        racer.join(timeout=30)
        assert racer.exitcode == 0

    for project_id, first in zip(projects, firsts, strict=True):
        answers = sorted(outcomes[project_id], key=lambda o: o[1])
        assert [status for _, status, _ in answers] == [200, 409], (first, answers)
        (winner, _, _), (_, _, detail) = answers
        assert first in (None, winner)
        assert "Jemand war schneller" in detail
        history = list(
            TransitionRecord.objects.filter(subject_type__model="project", subject_id=project_id)
            .order_by("sequence")
            .values_list("transition", flat=True)
        )
        assert history == ["", winner]
