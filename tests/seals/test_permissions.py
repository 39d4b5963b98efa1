"""Who may see, edit, submit, review, confirm and revoke: one table, through the services, the pages
and the API. Whoever may not see an application gets 404 (anonymous people: the sign-in page / 401-403)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import DomainError
from seals.models import Application, CriterionReview, Seal
from seals.selectors import application_get_for_user
from seals.services import application_transition, criterion_review_set, seal_revoke, statements_update

from .conftest import PEOPLE, STATEMENTS, awarded, draft, in_review, proposed


@pytest.fixture
def world(shared_world):
    """One world for the whole table (tests.conftest.shared_world)."""
    return shared_world


pytestmark = pytest.mark.django_db

ACTIONS = ["see", "edit", "submit", "review", "confirm", "revoke"]
# Who may do what. The staff member who reviewed and proposed may not confirm (four eyes).
ALLOWED = {
    "applicant": {"see", "edit", "submit"},
    "colleague": {"see", "edit", "submit"},
    "other_company": set(),
    "staff": {"see", "review", "revoke"},
    "second_staff": {"see", "review", "confirm", "revoke"},
    "admin": {"see", "review", "confirm", "revoke"},
    "anonymous": set(),
}
TABLE = [(person, action, action in ALLOWED[person]) for person in PEOPLE for action in ACTIONS]


def subject_for(sw, action: str) -> Application:
    """An application (or seal) in the state the action needs."""
    if action in ("see", "edit", "submit"):
        return draft(sw)
    if action == "review":
        return in_review(sw)
    if action == "confirm":
        return proposed(sw)
    return awarded(sw)


class AnonymousUser:
    from django.contrib.auth.models import AnonymousUser as _Anonymous

    instance = _Anonymous()


def as_user(person):
    return person if person is not None else AnonymousUser.instance


def done(sw, action: str, application: Application) -> bool:
    """Whether the action took effect, read from the database."""
    application.refresh_from_db()
    if action == "edit":
        return application.statements.filter(text="Neu geschrieben").exists()
    if action == "submit":
        return application.state == "submitted"
    if action == "review":
        return CriterionReview.objects.filter(application=application, comment="geprüft").exists()
    if action == "confirm":
        return application.state == "awarded"
    if action == "revoke":
        return Seal.objects.filter(application=application, revoked_at__isnull=False).exists()
    raise AssertionError(action)


@pytest.mark.parametrize(("person", "action", "allowed"), TABLE)
def test_services(seals_world, person, action, allowed):
    application = subject_for(seals_world, action)
    user = as_user(seals_world.people[person])
    try:
        if action == "see":
            application_get_for_user(user=user, pk=application.pk)
            assert allowed
            return
        if action == "edit":
            statements_update(application=application, actor=user, texts={"production": "Neu geschrieben"})
        elif action == "submit":
            application_transition(application=application, actor=user, name="submit")
        elif action == "review":
            criterion_review_set(
                application=application, actor=user, criterion="training", met=True, comment="geprüft"
            )
        elif action == "confirm":
            application_transition(application=application, actor=user, name="award")
        elif action == "revoke":
            seal_revoke(seal=application.seal, actor=user, reason="Produktion verlagert")
    except (PermissionDenied, Http404, DomainError):
        assert not allowed
        if action == "see":
            return
        assert not done(seals_world, action, application)
        return
    if action == "see":
        return
    assert allowed
    assert done(seals_world, action, application)


def _client(person_obj, api: bool = False):
    client = APIClient() if api else Client()
    if person_obj is not None:
        client.force_login(person_obj)
    return client


@pytest.mark.parametrize(("person", "action", "allowed"), TABLE)
def test_pages(seals_world, person, action, allowed):
    application = subject_for(seals_world, action)
    person_obj = seals_world.people[person]
    client = _client(person_obj)
    pk = application.pk
    if action == "see":
        response = client.get(reverse("seals:application", kwargs={"pk": pk}))
        expected = 200 if allowed else (302 if person_obj is None else 404)
        assert response.status_code == expected
        if allowed:
            assert "Printen Lambertz GmbH" in response.content.decode()
        evidence_list = client.get(reverse("seals:review", kwargs={"pk": pk}))
        assert evidence_list.status_code in (200, 302, 404)
        return
    if action == "edit":
        client.post(
            reverse("seals:statements", kwargs={"pk": pk}), {**STATEMENTS, "production": "Neu geschrieben"}
        )
    elif action == "submit":
        client.post(reverse("seals:transition", kwargs={"pk": pk}), {"transition": "submit"})
    elif action == "review":
        client.post(
            reverse("seals:review", kwargs={"pk": pk}),
            {
                "criterion_prefix": "training",
                "training-criterion": "training",
                "training-met": "yes",
                "training-comment": "geprüft",
            },
        )
    elif action == "confirm":
        client.post(reverse("seals:transition", kwargs={"pk": pk}), {"transition": "award"})
    elif action == "revoke":
        client.post(
            reverse("seals:revoke", kwargs={"public_id": application.seal.public_id}),
            {"reason": "Produktion verlagert"},
        )
    assert done(seals_world, action, application) == allowed


@pytest.mark.parametrize(("person", "action", "allowed"), TABLE)
def test_api(seals_world, person, action, allowed):
    application = subject_for(seals_world, action)
    person_obj = seals_world.people[person]
    client = _client(person_obj, api=True)
    base = f"/api/v1/seal-applications/{application.pk}/"
    if action == "see":
        response = client.get(base)
        if allowed:
            assert response.status_code == 200
            assert response.json()["organisation_name"] == "Printen Lambertz GmbH"
        else:
            assert response.status_code == (404 if person_obj is not None else 403)
        listed = client.get("/api/v1/seal-applications/")
        ids = [row["id"] for row in listed.json()["results"]] if listed.status_code == 200 else []
        assert (application.pk in ids) == allowed
        return
    if action == "edit":
        response = client.patch(base, {"statements": {"production": "Neu geschrieben"}}, format="json")
    elif action == "submit":
        response = client.post(base + "transition/", {"transition": "submit"}, format="json")
    elif action == "review":
        response = client.post(
            base + "reviews/", {"criterion": "training", "met": True, "comment": "geprüft"}, format="json"
        )
    elif action == "confirm":
        response = client.post(base + "transition/", {"transition": "award"}, format="json")
    elif action == "revoke":
        response = client.post(
            f"/api/v1/seals/{application.seal.public_id}/revoke/",
            {"reason": "Produktion verlagert"},
            format="json",
        )
    assert response.status_code < 300 if allowed else response.status_code >= 400
    assert response.status_code != 500
    assert done(seals_world, action, application) == allowed
