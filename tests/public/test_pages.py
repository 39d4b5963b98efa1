"""The public pages: open to visitors, in both languages, at a constant number of queries, and the
signed-in dashboard still one click away."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import publicsite.views
from projects.models import Project
from projects.services import project_create
from publicsite.selectors import themes_public
from publicsite.views import GROUPS_PER_PAGE
from tests.factories import OrganisationFactory, UserFactory
from tests.public.support import build_public_world
from workgroups.models import Body
from workgroups.services import body_create, membership_add

PAGES = ["/", "/initiative/", "/initiative/groups/", "/initiative/organisations/"]
API = ["/api/v1/public/groups/", "/api/v1/public/organisations/"]


@pytest.fixture
def public_world(db):
    return build_public_world()


def queries(client: Client, path: str) -> int:
    client.get(path)  # per-process caches (parsed workflow definitions) fill on the first read
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def grow(public_world, n: int) -> None:
    """n more working groups with public projects, and n more listed organisations in the forum."""
    world, admin = public_world.world, public_world.world.people["admin"]
    for i in range(n):
        group = body_create(
            kind=Body.Kind.WORKING_GROUP, name=f"AG Extra {i}", slug=f"ag-extra-{i}", parent=world.steering
        )
        for kind in (Project.Type.GENERIC, Project.Type.EXHIBITION):
            project_create(
                workgroup=group, actor=admin, title=f"P {i}", summary="s", type=kind, is_public=True
            )
        organisation = OrganisationFactory(name=f"Extra {i} GmbH", listed_publicly=True)
        membership_add(body=world.forum, user=UserFactory(organisation=organisation))


@pytest.mark.parametrize("path", PAGES + API)
def test_public_page_costs_the_same_queries_for_more_groups_projects_and_organisations(public_world, path):
    client = Client()
    before = queries(client, path)
    grow(public_world, 6)
    assert queries(client, path) == before


def test_long_public_lists_come_in_pages_and_the_front_page_links_the_right_one(public_world, monkeypatch):
    grow(public_world, GROUPS_PER_PAGE + 2)
    client = Client()
    first = client.get("/initiative/groups/").content.decode()
    second = client.get("/initiative/groups/?page=2").content.decode()
    shown = [re.findall(r'data-group="([^"]+)"', page) for page in (first, second)]
    assert len(shown[0]) == GROUPS_PER_PAGE
    assert shown[1] and not set(shown[0]) & set(shown[1])
    assert "Seite 1 von 2" in first and 'href="?page=2" rel="next"' in first
    assert 'href="?page=1" rel="prev"' in second
    # The front page names each theme's first groups, each linked to the page that describes it.
    monkeypatch.setattr(publicsite.views, "LANDING_GROUPS_PER_THEME", 100)
    landing = client.get("/").content.decode()
    assert f'href="/initiative/groups/?page=2#group-{shown[1][0]}"' in landing
    assert f'href="/initiative/groups/#group-{shown[0][0]}"' in landing
    monkeypatch.setattr(publicsite.views, "LANDING_GROUPS_PER_THEME", 2)
    landing = client.get("/").content.decode()
    assert len(re.findall(r'href="/initiative/groups/[^"]*#group-', landing)) <= 2 * (
        len(themes_public()) + 1
    )  # and those without a theme
    assert re.search(r"und \d+ weitere", landing)
    # A page number out of range or not a number shows a page of the list, never an error.
    assert client.get("/initiative/groups/?page=99").status_code == 200
    assert client.get("/initiative/groups/?page=x").status_code == 200


def test_member_list_names_companies_before_the_others_page_by_page(public_world, monkeypatch):
    monkeypatch.setattr(publicsite.views, "ORGANISATIONS_PER_PAGE", 3)
    grow(public_world, 4)
    client = Client()
    pages = [client.get(f"/initiative/organisations/?page={n}").content.decode() for n in (1, 2)]
    names = [re.findall(r'data-organisation="\d+">\s*(?:<a [^>]*>)?([^<,]+)', page) for page in pages]
    listed = [name for page in names for name in page]
    assert [len(page) for page in names] == [3, 3]  # four more and two of build_public_world
    assert len(set(listed)) == 6 and "Seite 2 von 2" in pages[1]
    companies = [n for n in listed if n.endswith("GmbH")]
    assert listed == [*companies, "IHK Aachen"]  # the companies first, then the rest


@pytest.mark.parametrize("path", PAGES)
def test_visitor_reads_public_page_without_signing_in(public_world, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode()


def test_visitor_switches_public_pages_to_english(public_world):
    client = Client()
    page = client.get("/initiative/groups/").content.decode()
    assert "Sprache wechseln" in page
    response = client.post("/accounts/language/", {"language": "en", "next": "/initiative/groups/"})
    assert response.status_code == 302
    assert response["Location"] == "/initiative/groups/"
    page = client.get("/initiative/groups/").content.decode()
    assert '<html lang="en">' in page
    assert "Skilled workers" in page  # the theme's English name
    assert "Sign in" in page


def test_signed_in_member_finds_the_dashboard_from_the_front_page(public_world):
    client = Client()
    client.force_login(public_world.world.people["member"])
    page = client.get("/").content.decode()
    assert 'href="/dashboard/"' in page
    assert client.get("/dashboard/").status_code == 200


def test_visitor_navigation_names_the_public_pages(public_world):
    page = Client().get("/").content.decode()
    for path in PAGES[1:]:
        assert f'href="{path}"' in page


def test_public_api_refuses_writes(public_world):
    client = Client()
    assert client.post("/api/v1/public/groups/", {}).status_code == 405
    assert client.get("/api/v1/public/groups/keine-ag/").status_code == 404


def test_app_leaves_the_atpublic_package_importable():
    """aiosmtpd (the tests' SMTP server) imports `public` from the atpublic package; an app of that
    name would shadow it, as a `platform` package would shadow the standard library's."""
    from public import public

    assert callable(public)
