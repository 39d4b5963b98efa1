"""The public pages: open to visitors, in both languages, at a constant number of queries, and the
signed-in dashboard still one click away."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from projects.models import Project
from projects.services import project_create
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
