"""An open board asks every few seconds whether it changed (static/js/board-live.js): the answer
is "304 Not Modified" while nothing did, cheaply, and the new board once someone else wrote."""

import re

import pytest

from projects.models import Task
from projects.services import task_create, task_move, task_update


def live_url(world) -> str:
    return f"/projects/{world.project.pk}/board/live/"


def page_etag(client, world) -> str:
    """The tag the board page hands its script."""
    html = client.get(f"/projects/{world.project.pk}/board/").content.decode()
    return re.search(r'id="board"[^>]*data-board-etag="([^"]+)"', html).group(1).replace("&quot;", '"')


def ask(client, world, etag: str, query: str = ""):
    return client.get(live_url(world) + query, HTTP_IF_NONE_MATCH=etag, HTTP_HX_REQUEST="true")


@pytest.fixture
def member(client, world):
    client.force_login(world.people["member"])
    return client


def test_an_unchanged_board_answers_304_in_one_query_after_the_session(
    member, world, django_assert_num_queries
):
    etag = page_etag(member, world)
    ask(member, world, etag)  # warms the per-process caches (the parsed workflow definition)
    # The session, its person, then the project with its version and the reader's permissions.
    with django_assert_num_queries(3):
        response = ask(member, world, etag, "?open=60&done=20")
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "no-store"


def test_another_members_write_changes_the_answer_to_the_new_board(member, world):
    etag = page_etag(member, world)
    chair = world.people["chair"]
    task_move(task=world.task, status=Task.Status.IN_PROGRESS, actor=chair)

    response = ask(member, world, etag)
    assert response.status_code == 200
    html = response.content.decode()
    in_progress = re.search(r'data-status="in_progress">(.*?)</section>', html, re.S).group(1)
    assert world.task.title in in_progress
    new_etag = response["ETag"]
    assert new_etag != etag
    assert f'data-board-etag="{new_etag.replace(chr(34), "&quot;")}"' in html
    assert ask(member, world, new_etag).status_code == 304

    task_create(project=world.project, actor=chair, title="Plakat drucken")
    response = ask(member, world, new_etag)
    assert response.status_code == 200
    assert "Plakat drucken" in response.content.decode()

    task_update(task=world.task, actor=chair, assignee=world.people["chair"])
    assert ask(member, world, response["ETag"]).status_code == 200


def test_the_readers_own_move_brings_the_new_tag_with_it(member, world):
    """After a move by htmx the board carries the tag the next question gets 304 for."""
    response = member.post(
        f"/tasks/{world.task.pk}/move/", {"status": Task.Status.DONE}, HTTP_HX_REQUEST="true"
    )
    etag = re.search(r'data-board-etag="([^"]+)"', response.content.decode()).group(1).replace("&quot;", '"')
    assert ask(member, world, etag).status_code == 304


def test_the_tag_follows_the_readers_language_and_rights(client, world):
    client.force_login(world.people["member"])
    member_etag = page_etag(client, world)
    client.force_login(world.people["steering"])  # may see the board, not move cards
    steering_etag = page_etag(client, world)
    assert steering_etag != member_etag
    assert ask(client, world, steering_etag).status_code == 304
    assert ask(client, world, member_etag).status_code == 200
    world.people["steering"].language = "en"
    world.people["steering"].save(update_fields=["language"])
    response = ask(client, world, steering_etag)
    assert response.status_code == 200
    assert re.search(r'id="column-done">Done <span class="badge">', response.content.decode())


@pytest.mark.parametrize("role", ["other_member", "forum_member"])
def test_people_who_may_not_see_the_board_get_404(client, world, role):
    client.force_login(world.people[role])
    assert ask(client, world, '"anything"').status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, world):
    response = ask(client, world, '"anything"')
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
