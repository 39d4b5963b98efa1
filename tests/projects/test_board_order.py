"""The order of the cards in a board column: where task_move puts a card, what it refuses, and what
the move URL answers for a drop or a keyboard move (htmx) and for the select form (no JavaScript)."""

import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import Conflict
from projects.models import Project, Task
from projects.positions import BOUND, GAP
from projects.services import task_create, task_move, tasks_spawn

HTMX = {"HTTP_HX_REQUEST": "true"}
OPEN, IN_PROGRESS, DONE = Task.Status.OPEN, Task.Status.IN_PROGRESS, Task.Status.DONE


def titles(project, status) -> list[str]:
    return list(
        Task.objects.filter(project=project, status=status)
        .order_by("position", "pk")
        .values_list("title", flat=True)
    )


@pytest.fixture
def board(world):
    """The world's project with a clean board: A, B, C open; X, Y in progress."""
    chair = world.people["chair"]
    Task.objects.filter(project=world.project).delete()
    cards = {title: task_create(project=world.project, actor=chair, title=title) for title in "ABCXY"}
    for title in "XY":
        task_move(task=cards[title], status=IN_PROGRESS, actor=chair)
    # X went to the top of the column, Y above it: put them back in reading order.
    task_move(task=cards["X"], status=IN_PROGRESS, actor=chair, after=None)
    assert titles(world.project, OPEN) == ["A", "B", "C"]
    assert titles(world.project, IN_PROGRESS) == ["X", "Y"]
    world.cards = {title: Task.objects.get(pk=task.pk) for title, task in cards.items()}
    return world


def test_new_tasks_go_to_the_end_of_the_open_column(board):
    task_create(project=board.project, actor=board.people["member"], title="D")
    tasks_spawn(project=board.project, specs=[("E", "", None, None), ("F", "", None, None)], actor=None)
    assert titles(board.project, OPEN) == ["A", "B", "C", "D", "E", "F"]


def test_a_card_moves_within_its_column_below_a_given_card(board):
    task_move(task=board.cards["A"], status=OPEN, actor=board.people["member"], after=board.cards["B"])
    assert titles(board.project, OPEN) == ["B", "A", "C"]
    task_move(task=board.cards["C"], status=OPEN, actor=board.people["member"], after=None)
    assert titles(board.project, OPEN) == ["C", "B", "A"]
    task_move(task=board.cards["C"], status=OPEN, actor=board.people["member"], after=board.cards["A"])
    assert titles(board.project, OPEN) == ["B", "A", "C"]


def test_a_card_moves_to_another_column_at_the_place_asked_for(board):
    member = board.people["member"]
    task_move(task=board.cards["B"], status=IN_PROGRESS, actor=member, after=board.cards["X"])
    assert titles(board.project, OPEN) == ["A", "C"]
    assert titles(board.project, IN_PROGRESS) == ["X", "B", "Y"]
    task_move(task=board.cards["A"], status=IN_PROGRESS, actor=member, after=None)
    assert titles(board.project, IN_PROGRESS) == ["A", "X", "B", "Y"]
    task_move(task=board.cards["C"], status=DONE, actor=member, after=None)
    assert titles(board.project, DONE) == ["C"]
    assert Task.objects.get(pk=board.cards["C"].pk).completed_at is not None


def test_without_a_place_a_card_goes_to_the_top_of_another_column_and_stays_put_in_its_own(board):
    member = board.people["member"]
    task_move(task=board.cards["C"], status=IN_PROGRESS, actor=member)
    assert titles(board.project, IN_PROGRESS) == ["C", "X", "Y"]
    version = Project.objects.get(pk=board.project.pk).board_version
    task_move(task=board.cards["B"], status=OPEN, actor=member)
    assert titles(board.project, OPEN) == ["A", "B"]
    assert Project.objects.get(pk=board.project.pk).board_version == version  # nothing changed


def test_cards_without_room_between_them_make_room_and_keep_their_order(board):
    # Neighbours one apart (as the migration numbered existing columns): the cards below shift.
    for position, title in enumerate("ABC", start=1):
        Task.objects.filter(pk=board.cards[title].pk).update(position=position)
    task_move(task=board.cards["X"], status=OPEN, actor=board.people["member"], after=board.cards["A"])
    assert titles(board.project, OPEN) == ["A", "X", "B", "C"]
    positions = dict(Task.objects.filter(project=board.project, status=OPEN).values_list("title", "position"))
    assert positions["B"] - positions["X"] >= GAP // 2 and positions["X"] - positions["A"] >= GAP // 2
    task_move(task=board.cards["Y"], status=OPEN, actor=board.people["member"], after=board.cards["A"])
    assert titles(board.project, OPEN) == ["A", "Y", "X", "B", "C"]


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (-BOUND, {"after": None}),  # to the top of a column that has gone far up
        (BOUND - 3 * GAP, {"after": "C"}),  # below its last card
        (BOUND - 3, {"after": "A"}),  # between neighbours one apart: the cards below would shift
    ],
)
def test_a_column_at_the_end_of_its_numbers_is_numbered_again_in_its_order(board, start, move):
    step = 1 if start == BOUND - 3 else GAP
    for index, title in enumerate("ABC"):
        Task.objects.filter(pk=board.cards[title].pk).update(position=start + index * step)
    after = board.cards[move["after"]] if move["after"] else None
    task_move(task=board.cards["X"], status=OPEN, actor=board.people["member"], after=after)
    task_create(project=board.project, actor=board.people["member"], title="D")
    expected = {None: ["X", "A", "B", "C"], "C": ["A", "B", "C", "X"], "A": ["A", "X", "B", "C"]}[
        move["after"]
    ]
    assert titles(board.project, OPEN) == [*expected, "D"]
    positions = Task.objects.filter(project=board.project).values_list("position", flat=True)
    assert all(-BOUND <= position <= BOUND for position in positions)


def test_a_move_is_refused_when_the_card_left_the_column_the_reader_saw(board):
    task_move(task=board.cards["A"], status=DONE, actor=board.people["chair"])
    with pytest.raises(Conflict, match="wurde inzwischen verschoben"):
        task_move(
            task=board.cards["A"],
            status=IN_PROGRESS,
            actor=board.people["member"],
            after=board.cards["X"],
            expected_status=OPEN,
        )
    assert titles(board.project, DONE) == ["A"]
    assert titles(board.project, IN_PROGRESS) == ["X", "Y"]


def test_a_move_below_a_card_that_has_left_the_column_is_refused(board):
    task_move(task=board.cards["X"], status=DONE, actor=board.people["chair"])
    with pytest.raises(Conflict):
        task_move(
            task=board.cards["A"], status=IN_PROGRESS, actor=board.people["member"], after=board.cards["X"]
        )
    assert titles(board.project, OPEN) == ["A", "B", "C"]


def test_a_card_cannot_go_below_itself(board):
    with pytest.raises(ValidationError):
        task_move(task=board.cards["A"], status=OPEN, actor=board.people["member"], after=board.cards["A"])


@pytest.mark.parametrize("role", ["other_member", "steering", "staff", "forum_member"])
def test_who_may_not_change_tasks_cannot_reorder_them(board, role):
    with pytest.raises(PermissionDenied):
        task_move(task=board.cards["C"], status=OPEN, actor=board.people[role], after=None)
    assert titles(board.project, OPEN) == ["A", "B", "C"]


@pytest.mark.parametrize("size", [5, 300])
def test_a_move_costs_the_same_queries_in_a_short_and_a_long_column(
    board, size, django_assert_num_queries, client
):
    # Neighbours one apart, below the three open cards: the cards below "Karte 0" have to shift to
    # make room (the dearest move).
    Task.objects.bulk_create(
        [Task(project=board.project, title=f"Karte {i}", position=10 * GAP + i) for i in range(size)]
    )
    first = Task.objects.get(project=board.project, title="Karte 0")
    client.force_login(board.people["member"])
    data = {"status": OPEN, "after": first.pk, "expected_status": IN_PROGRESS}
    with django_assert_num_queries(16):
        response = client.post(f"/tasks/{board.cards['X'].pk}/move/", data)
    assert response.status_code == 302
    order = titles(board.project, OPEN)
    assert order.index("X") == order.index("Karte 0") + 1 == order.index("Karte 1") - 1
    assert len(order) == size + 4


def test_an_htmx_move_answers_with_the_board_and_where_the_card_is_now(board, client):
    client.force_login(board.people["member"])
    response = client.post(
        f"/tasks/{board.cards['A'].pk}/move/",
        {"status": IN_PROGRESS, "after": board.cards["X"].pk, "expected_status": OPEN},
        **HTMX,
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert '<div id="board"' in page
    assert '„A" steht jetzt in „In Arbeit", Platz 2 von 3.' in page
    assert 'id="board-status" data-hx-swap-oob="innerHTML"' in page


def test_a_drop_that_lost_the_race_answers_with_the_board_and_the_reason(board, client):
    task_move(task=board.cards["A"], status=DONE, actor=board.people["chair"])
    client.force_login(board.people["member"])
    response = client.post(
        f"/tasks/{board.cards['A'].pk}/move/",
        {"status": IN_PROGRESS, "after": "top", "expected_status": OPEN},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page and "wurde inzwischen verschoben" in page
    assert titles(board.project, DONE) == ["A"]


def test_a_drop_by_someone_who_may_only_read_answers_with_the_reason(board, client):
    client.force_login(board.people["staff"])
    response = client.post(f"/tasks/{board.cards['C'].pk}/move/", {"status": OPEN, "after": "top"}, **HTMX)
    assert response.status_code == 200
    assert "Sie dürfen diese Karte nicht verschieben." in response.content.decode()
    assert titles(board.project, OPEN) == ["A", "B", "C"]


BAD_PLACES = [
    ({"status": OPEN, "after": "other-project"}, "gehört nicht zu diesem Projekt"),
    ({"status": OPEN, "after": "abc"}, "gehört nicht zu diesem Projekt"),
    ({"status": OPEN, "after": "99999999999999999999"}, "gehört nicht zu diesem Projekt"),
    ({"status": OPEN, "after": "-1"}, "gehört nicht zu diesem Projekt"),
    ({"status": OPEN, "after": "self"}, "nicht unter sich selbst"),
    ({"status": OPEN, "after": "top", "expected_status": "lost"}, "Unbekannter Status."),
    ({"status": "lost", "after": "top"}, "Unbekannter Status."),
]


@pytest.mark.parametrize(("data", "message"), BAD_PLACES)
@pytest.mark.parametrize("htmx", [True, False])
def test_a_bad_place_is_refused_with_a_message_and_changes_nothing(board, client, data, message, htmx):
    other = task_create(project=board.other_project, actor=board.people["admin"], title="Fremd")
    after = {"other-project": str(other.pk), "self": str(board.cards["B"].pk)}.get(
        data["after"], data["after"]
    )
    client.force_login(board.people["member"])
    response = client.post(
        f"/tasks/{board.cards['B'].pk}/move/", {**data, "after": after}, **(HTMX if htmx else {})
    )
    if htmx:
        assert response.status_code == 200
        assert message in response.content.decode()
    else:
        assert response.status_code == 302
        assert message in client.get(response["Location"]).content.decode()
    assert titles(board.project, OPEN) == ["A", "B", "C"]


def test_the_api_moves_a_card_to_the_place_asked_for(board, api_client):
    api_client.force_authenticate(board.people["member"])
    url = f"/api/v1/tasks/{board.cards['C'].pk}/move/"
    response = api_client.post(url, {"status": IN_PROGRESS, "after": board.cards["X"].pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == IN_PROGRESS
    assert titles(board.project, IN_PROGRESS) == ["X", "C", "Y"]
    response = api_client.post(url, {"status": IN_PROGRESS, "after": None}, format="json")
    assert titles(board.project, IN_PROGRESS) == ["C", "X", "Y"]


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"status": OPEN, "after": "other-project"}, 400),
        ({"status": OPEN, "after": "x"}, 400),
        ({"status": "lost"}, 400),
        ({"status": IN_PROGRESS, "expected_status": IN_PROGRESS}, 409),
    ],
)
def test_the_api_refuses_a_bad_or_outdated_place(board, api_client, data, status):
    other = task_create(project=board.other_project, actor=board.people["admin"], title="Fremd")
    if data.get("after") == "other-project":
        data = {**data, "after": other.pk}
    api_client.force_authenticate(board.people["member"])
    response = api_client.post(f"/api/v1/tasks/{board.cards['C'].pk}/move/", data, format="json")
    assert response.status_code == status, response.content
    assert titles(board.project, OPEN) == ["A", "B", "C"]


def test_the_api_move_of_someone_who_may_only_read_is_forbidden(board, api_client):
    api_client.force_authenticate(board.people["staff"])
    response = api_client.post(f"/api/v1/tasks/{board.cards['C'].pk}/move/", {"status": DONE}, format="json")
    assert response.status_code == 403
    assert titles(board.project, OPEN) == ["A", "B", "C"]
