"""A filter naming something the reader may not see answers exactly as one naming nothing at all.

Same status, same body, for every filter by reference in the API and the pages, and for the
objects themselves: otherwise a reader could probe ids and slugs to learn what exists.
"""

import re

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def world(shared_world):
    """One world for the whole table (tests.conftest.shared_world)."""
    return shared_world


pytestmark = pytest.mark.django_db

READERS = ["outsider", "other_member", "other_steering"]
MISSING_ID = 10**9
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|"csrfToken": ?|X-CSRFToken": ?)"[^"]*"')


def api(world, role) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.people[role])
    return client


def page(response, *echoed: str) -> str:
    """The page without its CSRF token and without what it echoes of the request (its URL, the query)."""
    text = CSRF.sub("", response.content.decode())
    for value in echoed:
        text = text.replace(value, "…")
    return text


def same_answer(first, second, echoed=((), ())) -> None:
    assert first.status_code == second.status_code
    if first.get("Content-Type", "").startswith("application/json"):
        assert first.json() == second.json()
    else:
        assert page(first, *echoed[0]) == page(second, *echoed[1])


API_FILTERS = {
    # parameter: (endpoint, what of the world it names, a value that names nothing)
    "projects?workgroup": ("/api/v1/projects/", "workgroup", lambda w: w.group.pk, MISSING_ID),
    "projects?workgroup__slug": (
        "/api/v1/projects/",
        "workgroup__slug",
        lambda w: w.group.slug,
        "gibt-es-nicht",
    ),
    "tasks?project": ("/api/v1/tasks/", "project", lambda w: w.project.pk, MISSING_ID),
    "tasks?group": ("/api/v1/tasks/", "group", lambda w: w.group.slug, "gibt-es-nicht"),
    "tasks?assignee": ("/api/v1/tasks/", "assignee", lambda w: w.people["member"].pk, MISSING_ID),
    "comments?task": ("/api/v1/comments/", "task", lambda w: w.task.pk, MISSING_ID),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", API_FILTERS)
def test_api_filter_on_something_hidden_answers_like_one_on_nothing(world, reader, name):
    url, parameter, hidden, missing = API_FILTERS[name]
    client = api(world, reader)
    on_hidden = client.get(url, {parameter: hidden(world)})
    on_missing = client.get(url, {parameter: missing})
    same_answer(on_hidden, on_missing)
    assert on_hidden.status_code == 200 and on_hidden.json()["count"] == 0


@pytest.mark.parametrize("name", API_FILTERS)
def test_api_filter_still_finds_what_the_reader_may_see(world, name):
    url, parameter, visible, _missing = API_FILTERS[name]
    response = api(world, "member").get(url, {parameter: visible(world)})
    assert response.status_code == 200 and response.json()["count"] >= 1


@pytest.mark.parametrize("reader", READERS)
def test_api_filter_with_a_malformed_id_is_the_same_400_for_everyone(world, reader):
    answers = [api(world, role).get("/api/v1/tasks/", {"project": "abc"}) for role in (reader, "member")]
    same_answer(*answers)
    assert answers[0].status_code == 400


OBJECTS = {
    "project": (lambda w: f"/api/v1/projects/{w.project.pk}/", f"/api/v1/projects/{MISSING_ID}/"),
    "project transitions": (
        lambda w: f"/api/v1/projects/{w.project.pk}/transitions/",
        f"/api/v1/projects/{MISSING_ID}/transitions/",
    ),
    "project history": (
        lambda w: f"/api/v1/projects/{w.project.pk}/history/",
        f"/api/v1/projects/{MISSING_ID}/history/",
    ),
    "task": (lambda w: f"/api/v1/tasks/{w.task.pk}/", f"/api/v1/tasks/{MISSING_ID}/"),
    "comment": (lambda w: f"/api/v1/comments/{w.comment.pk}/", f"/api/v1/comments/{MISSING_ID}/"),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", OBJECTS)
def test_api_object_hidden_is_the_same_404_as_missing(world, reader, name):
    hidden, missing = OBJECTS[name]
    client = api(world, reader)
    on_hidden, on_missing = client.get(hidden(world)), client.get(missing)
    same_answer(on_hidden, on_missing)
    assert on_hidden.status_code == 404


PAGES = {
    "project": (lambda w: f"/projects/{w.project.pk}/", f"/projects/{MISSING_ID}/"),
    "board": (lambda w: f"/projects/{w.project.pk}/board/", f"/projects/{MISSING_ID}/board/"),
    "task": (lambda w: f"/tasks/{w.task.pk}/", f"/tasks/{MISSING_ID}/"),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", PAGES)
def test_page_of_something_hidden_is_the_same_404_as_missing(client, world, reader, name):
    hidden, missing = PAGES[name]
    client.force_login(world.people[reader])
    on_hidden, on_missing = client.get(hidden(world)), client.get(missing)
    same_answer(on_hidden, on_missing, echoed=([hidden(world)], [missing]))
    assert on_hidden.status_code == 404


@pytest.mark.parametrize("reader", READERS)
def test_my_tasks_filtered_by_a_group_the_reader_is_not_in_looks_like_a_group_that_does_not_exist(
    client, world, reader
):
    client.force_login(world.people[reader])
    for scope in ("mine", "all"):
        on_hidden = client.get("/tasks/mine/", {"scope": scope, "group": world.group.slug})
        on_missing = client.get("/tasks/mine/", {"scope": scope, "group": "gibt-es-nicht"})
        same_answer(on_hidden, on_missing, echoed=([world.group.slug], ["gibt-es-nicht"]))
        text = on_hidden.content.decode()
        assert on_hidden.status_code == 200 and "Diese Auswahl gibt es nicht." in text
        assert "Fragebogen entwerfen" not in text


def test_my_tasks_filter_on_the_readers_own_group_shows_its_tasks(client, world):
    client.force_login(world.people["member"])
    page = client.get("/tasks/mine/", {"scope": "all", "group": world.group.slug}).content.decode()
    assert "Fragebogen entwerfen" in page and "Diese Auswahl gibt es nicht." not in page


@pytest.mark.parametrize("reader", READERS)
def test_search_for_hidden_words_looks_like_a_search_for_words_nobody_wrote(client, world, reader):
    client.force_login(world.people[reader])
    hidden, nothing = "Verhandlungsstrategie", "Xylophonkonzert"
    on_hidden = client.get("/search/", {"q": hidden})
    on_nothing = client.get("/search/", {"q": nothing})
    same_answer(on_hidden, on_nothing, echoed=([hidden], [nothing]))
    assert on_hidden.status_code == 200
