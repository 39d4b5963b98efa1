"""A board stays light as it fills: each column shows its first cards (done: the 20 most recent,
open and in progress: 50), its number of cards, and a link to the rest, which htmx loads into
the column and which without JavaScript opens the board with the column longer."""

import re

import pytest

from projects.models import Task

OPEN, IN_PROGRESS, DONE = Task.Status.OPEN, Task.Status.IN_PROGRESS, Task.Status.DONE


def cards_in(world, status: str) -> int:
    return Task.objects.filter(project=world.project, status=status).count()


def fill(world, status: str, count: int, *, title: str = "Karte") -> list[Task]:
    """`count` more cards at the end of the column `status` (test setup, in bulk)."""
    last = cards_in(world, status)
    return Task.objects.bulk_create(
        [
            Task(project=world.project, title=f"{title} {status} {i}", status=status, position=last + i)
            for i in range(1, count + 1)
        ]
    )


def column(html: str, status: str) -> str:
    pattern = rf'<section class="board-column"[^>]*data-status="{status}">(.*?)</section>'
    match = re.search(pattern, html, re.S)
    assert match, status
    return match.group(1)


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', html)


def badge(html: str, status: str) -> int:
    return int(re.search(r'<span class="badge">(\d+)</span>', column(html, status)).group(1))


@pytest.fixture
def member(client, world):
    client.force_login(world.people["member"])
    return client


def board(client, world, query: str = "") -> str:
    response = client.get(f"/projects/{world.project.pk}/board/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_full_columns_show_their_first_cards_the_total_and_a_link_to_the_rest(member, world):
    fill(world, OPEN, 70 - cards_in(world, OPEN))  # and the world's own open tasks
    done = fill(world, DONE, 45)
    html = board(member, world)

    assert badge(html, OPEN) == 70
    assert len(titles(column(html, OPEN))) == 50
    assert "Weitere 50 laden" not in column(html, OPEN)  # 20 more: all of them
    assert "Alle 70 anzeigen" in column(html, OPEN)
    assert "50 von 70 angezeigt" in column(html, OPEN)

    # Done: the top of the column (the most recently moved there) first, 20 of them.
    assert badge(html, DONE) == 45
    assert titles(column(html, DONE)) == [task.title for task in done[:20]]
    assert "Alle 45 anzeigen" in column(html, DONE)

    assert badge(html, IN_PROGRESS) == 0
    assert "Keine Aufgaben." in column(html, IN_PROGRESS)
    assert 'id="more-in_progress"></div>' in column(html, IN_PROGRESS)  # nothing more to show


def test_the_more_link_without_javascript_opens_the_board_with_the_column_longer(member, world):
    done = fill(world, DONE, 250)
    html = board(member, world)
    link = re.search(r'<a href="([^"]*)"[^>]*data-board-more>Weitere 100 laden</a>', column(html, DONE))
    assert link, column(html, DONE)[-600:]
    href = link.group(1).replace("&amp;", "&")
    assert href == f"/projects/{world.project.pk}/board/?done=120#column-done"

    longer = board(member, world, "?done=120")
    assert titles(column(longer, DONE)) == [task.title for task in done[:120]]
    assert len(titles(column(longer, OPEN))) == cards_in(world, OPEN)  # the others as before
    assert "Weitere 100 laden" in column(longer, DONE)
    last = board(member, world, "?done=220")
    assert "Alle 250 anzeigen" in column(last, DONE)
    assert len(titles(column(board(member, world, "?done=320"), DONE))) == 250

    # The fragment URL followed without htmx (a new tab) lands on the same board.
    response = member.get(f"/projects/{world.project.pk}/board/done/?offset=20")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{world.project.pk}/board/?done=120#column-done"


@pytest.mark.parametrize("query", ["?done=abc", "?done=-5", "?done=", "?done=9999999999x", "?open=1"])
def test_bad_column_lengths_in_the_url_show_the_columns_as_at_first(member, world, query):
    fill(world, DONE, 30)
    html = board(member, world, query)
    assert len(titles(column(html, DONE))) == 20
    assert len(titles(column(html, OPEN))) == cards_in(world, OPEN)


def test_htmx_more_loads_the_next_cards_and_the_link_after_them(member, world):
    done = fill(world, DONE, 150)
    url = f"/projects/{world.project.pk}/board/done/"
    response = member.get(url, {"offset": 20}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert titles(html) == [task.title for task in done[20:120]]
    # The link to the rest replaces the old one (out of band), with the next offset.
    assert re.search(r'id="more-done" data-hx-swap-oob="true"', html)
    assert f'data-hx-get="{url}?offset=120"' in html
    assert "Alle 150 anzeigen" in html

    response = member.get(url, {"offset": 120}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert titles(html) == [task.title for task in done[120:]]
    assert 'id="more-done" data-hx-swap-oob="true"></div>' in html  # the link is gone

    response = member.get(url, {"offset": "x"}, HTTP_HX_REQUEST="true")
    assert titles(response.content.decode()) == [task.title for task in done[:100]]


def test_columns_of_a_project_one_may_not_see_or_that_do_not_exist_answer_404(client, world):
    client.force_login(world.people["other_member"])
    response = client.get(f"/projects/{world.project.pk}/board/done/", HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    client.force_login(world.people["member"])
    response = client.get(f"/projects/{world.project.pk}/board/cancelled/", HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_a_board_of_500_cards_costs_the_queries_and_about_the_html_of_one_of_50(
    member, world, django_assert_num_queries
):
    # As boards fill over the years: the open columns stay about the same, done piles up.
    fill(world, OPEN, 8 - cards_in(world, OPEN))
    fill(world, IN_PROGRESS, 4 - cards_in(world, IN_PROGRESS))
    fill(world, DONE, 38)
    board(member, world)  # warms the per-process caches
    with django_assert_num_queries(9):
        small = board(member, world)
    fill(world, DONE, 450)
    assert Task.objects.filter(project=world.project).count() == 500
    with django_assert_num_queries(9):
        large = board(member, world)
    assert badge(large, DONE) == 488
    assert len(titles(large)) == len(titles(small)) == 8 + 4 + 20
    assert len(large) < 1.05 * len(small)


def test_a_move_by_htmx_draws_the_columns_as_long_as_the_reader_had_them(member, world):
    done = fill(world, DONE, 60)
    response = member.post(
        f"/tasks/{world.task.pk}/move/?done=45", {"status": IN_PROGRESS}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert titles(column(html, DONE)) == [task.title for task in done[:45]]
    assert world.task.title in titles(column(html, IN_PROGRESS))
