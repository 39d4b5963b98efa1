"""On PostgreSQL: two processes take conflicting transitions of one project at the same moment, 50 times."""

import multiprocessing
from collections import defaultdict

import pytest
from django.db import connection

from projects.services import project_create
from tests import support
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
