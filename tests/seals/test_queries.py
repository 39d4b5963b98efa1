"""The lists cost the same number of queries for few rows and for many."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Organisation
from seals.models import Seal
from seals.selectors import organisation_engagement
from seals.services import application_create, application_transition, statements_update
from tests.factories import OrganisationFactory, UserFactory

from .conftest import STATEMENTS

pytestmark = pytest.mark.django_db


def add_applications(count: int, start: int) -> None:
    for i in range(start, start + count):
        company = OrganisationFactory(name=f"Firma {i} GmbH", kind=Organisation.Kind.COMPANY)
        person = UserFactory(email=f"p{i}@firma.example", organisation=company)
        application = application_create(organisation=company, actor=person)
        statements_update(application=application, actor=person, texts=dict(STATEMENTS))
        application_transition(application=application, actor=person, name="submit")
        if i % 2:
            Seal.objects.create(
                organisation=company,
                application=application,
                valid_from="2020-01-01",
                valid_until="2099-01-01",
            )


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page",
    [
        lambda c, api: c.get(reverse("seals:applications")),
        lambda c, api: api.get("/api/v1/seal-applications/"),
        lambda c, api: c.get(reverse("seals:register")),
        lambda c, api: api.get("/api/v1/seals/"),
    ],
    ids=["applications page", "applications api", "register page", "register api"],
)
def test_list_queries_do_not_grow_with_rows(seals_world, page):
    client, api = Client(), APIClient()
    client.force_login(seals_world.people["staff"])
    api.force_login(seals_world.people["staff"])
    add_applications(2, 0)
    count(lambda: page(client, api))  # warms the per-process caches (content types)
    few = count(lambda: page(client, api))
    add_applications(6, 2)
    assert count(lambda: page(client, api)) == few


def test_knowledge_panel_queries_do_not_grow(seals_world, django_assert_num_queries):
    with django_assert_num_queries(4):
        organisation_engagement(organisation_id=seals_world.company.pk)
    for i in range(5):
        UserFactory(email=f"mehr{i}@printen.example", organisation=seals_world.company)
    with django_assert_num_queries(4):
        organisation_engagement(organisation_id=seals_world.company.pk)
