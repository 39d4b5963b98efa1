"""On PostgreSQL: members drop cards on one board at the same moment, each in a thread with its own
database connection, as their requests would. The project's lock puts the moves one after the
other: every card lands where its mover asked, none is lost, no two share a place."""

import pytest
from django.db import connection

from projects.models import Task
from projects.services import task_create, task_move
from tests.support import at_once

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

OPEN, IN_PROGRESS = Task.Status.OPEN, Task.Status.IN_PROGRESS
ROUNDS = 5


def column(project, status) -> list[str]:
    return list(
        Task.objects.filter(project=project, status=status)
        .order_by("position", "pk")
        .values_list("title", flat=True)
    )


def move(task, person, **place):
    def job():
        return task_move(task=Task.objects.get(pk=task.pk), actor=person, **place)

    return job


def test_drops_at_once_below_the_same_card_each_land_below_it(world):
    assert connection.vendor == "postgresql"
    chair, member = world.people["chair"], world.people["member"]
    Task.objects.filter(project=world.project).delete()
    anchor = task_create(project=world.project, actor=chair, title="Anker")
    task_move(task=anchor, status=IN_PROGRESS, actor=chair)
    for round_ in range(ROUNDS):
        first = task_create(project=world.project, actor=chair, title=f"Chair {round_}")
        second = task_create(project=world.project, actor=chair, title=f"Member {round_}")
        outcomes = at_once(
            [
                move(first, chair, status=IN_PROGRESS, after=anchor, expected_status=OPEN),
                move(second, member, status=IN_PROGRESS, after=anchor, expected_status=OPEN),
            ]
        )
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        cards = column(world.project, IN_PROGRESS)
        # Both right below the anchor, in the order the lock let them in; the earlier rounds below.
        assert cards[0] == "Anker"
        assert set(cards[1:3]) == {f"Chair {round_}", f"Member {round_}"}
        assert len(cards) == 1 + 2 * (round_ + 1)
    positions = list(
        Task.objects.filter(project=world.project, status=IN_PROGRESS).values_list("position", flat=True)
    )
    assert len(set(positions)) == len(positions)


def test_the_same_card_dropped_by_two_at_once_moves_once_and_the_other_is_told(world):
    assert connection.vendor == "postgresql"
    chair, member = world.people["chair"], world.people["member"]
    for round_ in range(ROUNDS):
        card = task_create(project=world.project, actor=chair, title=f"Karte {round_}")
        outcomes = at_once(
            [
                move(card, chair, status=IN_PROGRESS, expected_status=OPEN),
                move(card, member, status=Task.Status.DONE, expected_status=OPEN),
            ]
        )
        refused = [o for o in outcomes if isinstance(o, Exception)]
        assert len(refused) == 1 and "inzwischen verschoben" in str(refused[0]), outcomes
        card.refresh_from_db()
        assert card.status in (IN_PROGRESS, Task.Status.DONE)
