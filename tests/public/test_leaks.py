"""Nothing internal reaches a visitor: every page a visitor reaches by links from the front page,
in German and English, and every public API answer is searched for the internal markers."""

import pytest
from django.test import Client

from tests.public.support import build_public_world, same_site_links

LIMIT = 150


@pytest.fixture
def public_world(db):
    return build_public_world()


def crawl(client: Client, start: str = "/") -> dict[str, str]:
    """Every same-site page reachable from `start` by links, as an anonymous visitor: path -> HTML."""
    seen, queue, pages = {start}, [start], {}
    while queue:
        path = queue.pop(0)
        response = client.get(path)
        assert response.status_code in (200, 302), f"{path} answered {response.status_code}"
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        pages[path] = html = response.content.decode()
        for link in same_site_links(html):
            if link not in seen:
                seen.add(link)
                queue.append(link)
        assert len(seen) < LIMIT, "the crawl found more pages than a visitor should see"
    return pages


def api_answers(client: Client) -> dict[str, str]:
    answers = {}
    for path in ("/api/v1/public/groups/", "/api/v1/public/organisations/"):
        response = client.get(path, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, path
        answers[path] = response.content.decode()
        for item in response.json()["results"]:
            if "slug" in item:
                detail = f"{path}{item['slug']}/"
                answers[detail] = client.get(detail, HTTP_ACCEPT="application/json").content.decode()
    return answers


@pytest.mark.parametrize("language", ["de", "en"])
def test_visitor_sees_nothing_internal_on_any_public_page_or_api_answer(public_world, language):
    client = Client()
    client.cookies["django_language"] = language
    answers = {**crawl(client), **api_answers(client)}
    assert {"/", "/initiative/", "/initiative/groups/", "/initiative/organisations/"} <= answers.keys()
    leaks = [
        f"{name} on {path}"
        for path, text in answers.items()
        for name, m in public_world.hidden.items()
        if m in text
    ]
    assert leaks == []


def test_public_things_appear_where_a_visitor_looks(public_world):
    client = Client()
    shown = public_world.shown
    home = client.get("/").content.decode()
    for key in ("theme", "group", "seal", "event"):
        assert shown[key] in home, key
    groups = client.get("/initiative/groups/").content.decode()
    for key in ("theme", "group", "project", "summary", "state"):
        assert shown[key] in groups, key
    organisations = client.get("/initiative/organisations/").content.decode()
    assert shown["company"] in organisations
    assert shown["intermediary"] in organisations
    api = client.get("/api/v1/public/groups/ag-nachwuchs/").json()
    assert api["theme"]["slug"] == "fachkraefte"
    assert [(p["title"], p["summary"], p["state_label"]) for p in api["projects"]] == [
        (shown["project"], shown["summary"], shown["state"])
    ]
    names = [o["name"] for o in client.get("/api/v1/public/organisations/").json()["results"]]
    assert names == sorted([shown["company"], shown["intermediary"]])
