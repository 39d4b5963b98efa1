"""Where a card goes in its board column: integer positions, lowest first, ties broken by pk.

Cards are placed GAP apart, so a card dropped between two others takes the middle and only its
own row is written. When two neighbours have no room left between them, the cards below are
shifted down by GAP in one UPDATE: a move costs the same few queries in a column of 5 cards and
in one of 5,000. Called by projects.services with the project's row locked (no two placements in
one project run at once).
"""

import enum

from django.db.models import F, Max, Q, QuerySet

from .models import Task

GAP = 1024


class Place(enum.Enum):
    """No place asked for (the select form): another column's top, or where the card is."""

    UNPLACED = "unplaced"


UNPLACED = Place.UNPLACED


def _column(*, project_id: int, status: str, without: int | None = None) -> QuerySet[Task]:
    column = Task.objects.filter(project_id=project_id, status=status)
    return column.exclude(pk=without) if without is not None else column


def position_end(*, project_id: int, status: str) -> int:
    """The position below the column's last card."""
    last = _column(project_id=project_id, status=status).aggregate(last=Max("position"))["last"]
    return GAP if last is None else last + GAP


def position_top(*, project_id: int, status: str, without: int | None = None) -> int:
    """The position above the column's first card (`without`: the card being moved)."""
    column = _column(project_id=project_id, status=status, without=without)
    first = column.order_by("position", "pk").values_list("position", flat=True).first()
    return 0 if first is None else first - GAP


def position_after(*, after: Task, without: int | None = None) -> int:
    """The position right below `after` in its column; shifts the cards below it when there is no
    room (one UPDATE)."""
    column = _column(project_id=after.project_id, status=after.status, without=without)
    below = column.filter(Q(position__gt=after.position) | Q(position=after.position, pk__gt=after.pk))
    following = below.order_by("position", "pk").values_list("position", flat=True).first()
    if following is None:
        return after.position + GAP
    if following - after.position >= 2:
        return (after.position + following) // 2
    below.update(position=F("position") + GAP)
    return after.position + GAP // 2
