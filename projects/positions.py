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
# Positions stay within ±BOUND, far inside the database's integer (±2**31): a column that reaches it
# (after about a million moves to its top, or as many shifts) is numbered GAP, 2·GAP, … again.
BOUND = 2**30


class Place(enum.Enum):
    """No place asked for (the select form): another column's top, or where the card is."""

    UNPLACED = "unplaced"


UNPLACED = Place.UNPLACED


def _column(*, project_id: int, status: str, without: int | None = None) -> QuerySet[Task]:
    column = Task.objects.filter(project_id=project_id, status=status)
    return column.exclude(pk=without) if without is not None else column


def _renumber(*, project_id: int, status: str) -> None:
    """Number the column GAP, 2·GAP, … in its order (rare; bulk_update, a few queries at most)."""
    cards = list(_column(project_id=project_id, status=status).order_by("position", "pk").only("pk"))
    for number, card in enumerate(cards, start=1):
        card.position = number * GAP
    Task.objects.bulk_update(cards, ["position"], batch_size=1000)


def _last(column: QuerySet[Task]) -> int | None:
    return column.aggregate(last=Max("position"))["last"]


def position_end(*, project_id: int, status: str) -> int:
    """The position below the column's last card."""
    last = _last(_column(project_id=project_id, status=status))
    if last is not None and last + GAP > BOUND:
        _renumber(project_id=project_id, status=status)
        last = _last(_column(project_id=project_id, status=status))
    return GAP if last is None else last + GAP


def position_top(*, project_id: int, status: str, without: int | None = None) -> int:
    """The position above the column's first card (`without`: the card being moved)."""
    column = _column(project_id=project_id, status=status, without=without)
    first = column.order_by("position", "pk").values_list("position", flat=True).first()
    if first is not None and first - GAP < -BOUND:
        _renumber(project_id=project_id, status=status)
        first = column.order_by("position", "pk").values_list("position", flat=True).first()
    return 0 if first is None else first - GAP


def position_after(*, after: Task, without: int | None = None) -> int:
    """The position right below `after` in its column; shifts the cards below it when there is no
    room (one UPDATE)."""
    column = _column(project_id=after.project_id, status=after.status, without=without)
    below = column.filter(Q(position__gt=after.position) | Q(position=after.position, pk__gt=after.pk))
    following = below.order_by("position", "pk").values_list("position", flat=True).first()
    if following is not None and following - after.position >= 2:
        return (after.position + following) // 2
    last = after.position if following is None else _last(column)
    if last + GAP > BOUND:
        _renumber(project_id=after.project_id, status=after.status)
        after.refresh_from_db(fields=["position"])
        return position_after(after=after, without=without)
    if following is None:
        return after.position + GAP
    below.update(position=F("position") + GAP)
    return after.position + GAP // 2
