"""On PostgreSQL: two processes take conflicting transitions of one subject at the same moment."""

import multiprocessing
from collections import defaultdict

import pytest
from django.db import connection

from tests import support
from workflows.models import TransitionRecord
from workflows.services import workflow_transition

from .concurrency_worker import race

ROUNDS = 50

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_processes_at_once_exactly_one_wins_every_time(make_ticket, people):
    assert connection.vendor == "postgresql"
    tickets = []
    for i in range(ROUNDS):
        ticket = make_ticket(f"Runde {i}")
        workflow_transition(subject=ticket, name="submit", actor=people["member"])
        tickets.append(ticket.pk)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    racers = [
        context.Process(
            target=race,
            args=(support.test_database_url(), tickets, "approve", people["steering"].pk, barrier, results),
        ),
        context.Process(
            target=race,
            args=(support.test_database_url(), tickets, "reject", people["chair"].pk, barrier, results),
        ),
    ]
    for racer in racers:
        racer.start()
    outcomes = defaultdict(list)
    for _ in range(2 * ROUNDS):
        ticket_id, name, outcome = results.get(timeout=120)
        outcomes[ticket_id].append((name, outcome))
    for racer in racers:
        racer.join(timeout=30)
        assert racer.exitcode == 0

    for ticket_id in tickets:
        assert sorted(outcome for _, outcome in outcomes[ticket_id]) == ["conflict", "ok"], outcomes[
            ticket_id
        ]
        (winner,) = [name for name, outcome in outcomes[ticket_id] if outcome == "ok"]
        history = list(
            TransitionRecord.objects.filter(subject_id=ticket_id)
            .order_by("sequence")
            .values_list("sequence", "transition")
        )
        assert history == [(1, ""), (2, "submit"), (3, winner)]
    wins = [name for entries in outcomes.values() for name, outcome in entries if outcome == "ok"]
    assert len(wins) == ROUNDS
