"""Four eyes: the member of staff who reviewed a criterion or proposed the decision cannot confirm it,
whichever way they try (page, API, admin)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from seals.models import Application, Seal
from seals.services import application_propose, application_transition, criterion_review_set
from workflows.errors import TransitionNotAllowed

from .conftest import proposed, reviewed

pytestmark = pytest.mark.django_db


def test_reviewer_cannot_confirm_on_the_page(seals_world):
    application = proposed(seals_world)
    client = Client()
    client.force_login(seals_world.people["staff"])
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Vier-Augen-Prinzip" in page  # the panel says why the step is blocked
    response = client.post(
        reverse("seals:transition", kwargs={"pk": application.pk}), {"transition": "award"}, follow=True
    )
    assert "Vier-Augen-Prinzip" in response.content.decode()
    application.refresh_from_db()
    assert application.state == "in_review"
    assert not Seal.objects.exists()


def test_second_staff_confirms_on_the_page(seals_world):
    application = proposed(seals_world)
    client = Client()
    client.force_login(seals_world.people["second_staff"])
    client.post(reverse("seals:transition", kwargs={"pk": application.pk}), {"transition": "award"})
    application.refresh_from_db()
    assert application.state == "awarded"
    assert Seal.objects.get(application=application).organisation == seals_world.company


def test_reviewer_cannot_confirm_through_the_api(seals_world):
    application = proposed(seals_world)
    client = APIClient()
    client.force_login(seals_world.people["staff"])
    response = client.post(
        f"/api/v1/seal-applications/{application.pk}/transition/", {"transition": "award"}, format="json"
    )
    assert response.status_code == 400
    assert "Vier-Augen-Prinzip" in response.json()["detail"]
    transitions = client.get(f"/api/v1/seal-applications/{application.pk}/transitions/").json()
    award = next(t for t in transitions if t["name"] == "award")
    assert award["allowed"] is False


def test_who_reviewed_one_criterion_cannot_confirm_another_ones_proposal(seals_world):
    application = reviewed(seals_world)
    criterion_review_set(
        application=application,
        actor=seals_world.people["second_staff"],
        criterion="dialogue",
        met=True,
        comment="ok",
    )
    application_propose(application=application, actor=seals_world.people["staff"], decision="award")
    with pytest.raises(TransitionNotAllowed, match="Kriterien geprüft"):
        application_transition(
            application=application, actor=seals_world.people["second_staff"], name="award"
        )
    application_transition(application=application, actor=seals_world.people["admin"], name="award")
    application.refresh_from_db()
    assert application.state == "awarded"


def test_award_needs_a_proposal_and_all_four_criteria_met(seals_world):
    application = reviewed(seals_world, met=False)
    with pytest.raises(TransitionNotAllowed, match="kein Vorschlag"):
        application_transition(
            application=application, actor=seals_world.people["second_staff"], name="refuse"
        )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="alle vier Kriterien"):
        application_propose(application=application, actor=seals_world.people["staff"], decision="award")
    application_propose(
        application=application, actor=seals_world.people["staff"], decision="refuse", comment="IHK fehlt"
    )
    with pytest.raises(TransitionNotAllowed, match="Ablehnung"):
        application_transition(
            application=application, actor=seals_world.people["second_staff"], name="award"
        )
    application_transition(
        application=application, actor=seals_world.people["second_staff"], name="refuse", comment="Bestätigt"
    )
    application.refresh_from_db()
    assert application.state == "refused"
    assert not Seal.objects.exists()


def test_a_changed_finding_withdraws_the_proposal(seals_world):
    application = proposed(seals_world)
    criterion_review_set(
        application=application,
        actor=seals_world.people["staff"],
        criterion="training",
        met=False,
        comment="abgelaufen",
    )
    application.refresh_from_db()
    assert application.proposed_decision == ""
    with pytest.raises(TransitionNotAllowed):
        application_transition(
            application=application, actor=seals_world.people["second_staff"], name="award"
        )


def test_the_admin_cannot_decide_or_change_an_application(seals_world):
    application = proposed(seals_world)
    admin = seals_world.people["admin"]
    client = Client()
    client.force_login(admin)
    change_url = reverse("admin:seals_application_change", args=[application.pk])
    page = client.get(change_url)
    assert page.status_code == 200  # readable …
    assert b'name="_save"' not in page.content and b'name="state"' not in page.content
    response = client.post(change_url, {"state": "awarded", "proposed_decision": "award"})
    assert response.status_code == 403  # … but not writable
    assert client.post(reverse("admin:seals_application_add"), {}).status_code == 403
    changelist = client.post(
        reverse("admin:seals_application_changelist"),
        {"action": "delete_selected", "_selected_action": [application.pk]},
    )
    assert changelist.status_code in (200, 302, 403)
    seal_add = client.post(reverse("admin:seals_seal_add"), {"organisation": seals_world.company.pk})
    assert seal_add.status_code == 403
    review_change = client.post(reverse("admin:seals_criterionreview_changelist"), {})
    assert review_change.status_code in (200, 302, 403)
    application.refresh_from_db()
    assert application.state == "in_review"
    assert Application.objects.filter(pk=application.pk).exists()
    assert not Seal.objects.exists()
