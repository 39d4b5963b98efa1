"""Expiry (with and without the daily task), renewal, revocation, notifications, the public pages."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from seals.models import Seal
from seals.selectors import seals_current
from seals.services import application_create, application_transition, seal_revoke, seals_expire
from seals.tasks import seals_expire_task

from .conftest import awarded, draft, in_review, proposed

pytestmark = pytest.mark.django_db


def kinds_for(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def verify_page(seal) -> str:
    response = Client().get(seal.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_expired_seal_leaves_register_and_shows_expired_without_the_task(seals_world):
    seal = awarded(seals_world).seal
    assert "Das Siegel ist gültig." in verify_page(seal)
    assert "Printen Lambertz GmbH" in Client().get(reverse("seals:register")).content.decode()
    with time_machine.travel(seal.valid_until + datetime.timedelta(days=1), tick=False):
        assert "Das Siegel ist abgelaufen." in verify_page(seal)
        assert "Printen Lambertz GmbH" not in Client().get(reverse("seals:register")).content.decode()
        assert list(seals_current()) == []
    seal.refresh_from_db()
    assert seal.expired_at is None  # nobody ran the task; the pages went by the dates


def test_the_daily_task_marks_expired_and_tells_the_holder_once(seals_world):
    seal = awarded(seals_world).seal
    with time_machine.travel(seal.valid_until, tick=False):
        assert seals_expire() == 0  # still valid on its last day
    with time_machine.travel(seal.valid_until + datetime.timedelta(days=1), tick=False):
        seals_expire_task.delay()
        seals_expire_task.delay()
        assert "Das Siegel ist abgelaufen." in verify_page(seal)
    seal.refresh_from_db()
    assert seal.expired_at is not None
    for person in ("applicant", "colleague"):
        assert kinds_for(seals_world.people[person]).count("seal_expired") == 1
    assert "seal_expired" not in kinds_for(seals_world.people["other_company"])
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["seals-expire"]["task"] == "seals.expire"


def test_renewal_starts_the_day_after_the_old_seal_ends(seals_world):
    old = awarded(seals_world).seal
    with pytest.raises(ValidationError, match="Verlängerung"):
        application_create(organisation=seals_world.company, actor=seals_world.people["applicant"])
    with time_machine.travel(old.valid_until - datetime.timedelta(days=60), tick=False):
        renewal = awarded(seals_world, renews=old)
    new = renewal.seal
    assert new.valid_from == old.valid_until + datetime.timedelta(days=1)
    with time_machine.travel(old.valid_until + datetime.timedelta(days=1), tick=False):
        assert [s.pk for s in seals_current()] == [new.pk]


def test_no_renewal_after_expiry(seals_world):
    old = awarded(seals_world).seal
    with time_machine.travel(old.valid_until + datetime.timedelta(days=1), tick=False):
        with pytest.raises(ValidationError, match="vor seinem Ablauf"):
            application_create(
                organisation=seals_world.company, actor=seals_world.people["applicant"], renews=old
            )
        # A new application (not a renewal) is possible again.
        assert application_create(organisation=seals_world.company, actor=seals_world.people["applicant"]).pk


def test_revocation_shows_on_the_verification_page_and_tells_the_holders(seals_world):
    seal = awarded(seals_world).seal
    with pytest.raises(ValidationError):
        seal_revoke(seal=seal, actor=seals_world.people["staff"], reason="  ")
    seal_revoke(seal=seal, actor=seals_world.people["staff"], reason="Produktion nach Polen verlagert")
    page = verify_page(seal)
    assert "Das Siegel ist entzogen." in page
    assert f'datetime="{timezone.localdate():%Y-%m-%d}"' in page
    assert list(seals_current()) == []
    assert kinds_for(seals_world.people["applicant"]).count("seal_revoked") == 1
    assert kinds_for(seals_world.people["colleague"]).count("seal_revoked") == 1
    assert "seal_revoked" not in kinds_for(seals_world.people["other_company"])


def test_who_is_told_what_once(seals_world):
    people = seals_world.people
    application = draft(seals_world)
    application_transition(application=application, actor=people["applicant"], name="submit")
    assert kinds_for(people["staff"]) == ["seal_new_submission"]
    assert kinds_for(people["second_staff"]) == ["seal_new_submission"]
    assert kinds_for(people["colleague"]) == ["seal_submitted"]
    assert kinds_for(people["applicant"]) == []  # the actor is not told of their own step
    application_transition(application=application, actor=people["staff"], name="start_review")
    application_transition(
        application=application,
        actor=people["staff"],
        name="request_information",
        comment="Bitte IHK-Urkunde",
    )
    assert kinds_for(people["applicant"]) == ["seal_in_review", "seal_information_requested"]
    info = Notification.objects.get(recipient=people["applicant"], kind="seal_information_requested")
    assert info.data["comment"] == "Bitte IHK-Urkunde"
    application.refresh_from_db()
    application_transition(application=application, actor=people["applicant"], name="submit")
    assert kinds_for(people["staff"]) == ["seal_new_submission", "seal_resubmitted"]
    assert kinds_for(people["other_company"]) == []
    assert kinds_for(people["admin"]) == []


def test_proposal_asks_the_other_staff_to_confirm_and_award_tells_the_company(seals_world):
    people = seals_world.people
    application = proposed(seals_world)
    assert kinds_for(people["second_staff"]).count("seal_awaiting_confirmation") == 1
    assert "seal_awaiting_confirmation" not in kinds_for(people["staff"])
    application_transition(application=application, actor=people["second_staff"], name="award")
    assert kinds_for(people["applicant"]).count("seal_awarded") == 1
    assert kinds_for(people["colleague"]).count("seal_awarded") == 1


def test_withdraw_before_a_decision(seals_world):
    application = in_review(seals_world)
    application_transition(application=application, actor=seals_world.people["colleague"], name="withdraw")
    application.refresh_from_db()
    assert application.state == "withdrawn"


def test_badge_is_svg_naming_the_verification_url(seals_world):
    seal = awarded(seals_world).seal
    response = Client().get(reverse("seals:badge", kwargs={"public_id": seal.public_id}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    url = f"http://testserver/siegel/{seal.public_id}/"
    assert url in response.content.decode()
    links = [a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert links == [url]


def test_public_api_register_and_verification(seals_world):
    from rest_framework.test import APIClient

    seal = awarded(seals_world).seal
    client = APIClient()
    listed = client.get("/api/v1/seals/").json()["results"]
    assert [row["organisation_name"] for row in listed] == ["Printen Lambertz GmbH"]
    one = client.get(f"/api/v1/seals/{seal.public_id}/").json()
    assert one["status"] == "valid"
    assert one["verification_url"].endswith(f"/siegel/{seal.public_id}/")
    assert client.post(f"/api/v1/seals/{seal.public_id}/revoke/", {"reason": "x"}).status_code in (401, 403)
    assert Seal.objects.get(pk=seal.pk).revoked_at is None
    with time_machine.travel(seal.valid_until + datetime.timedelta(days=1), tick=False):
        assert client.get(f"/api/v1/seals/{seal.public_id}/").json()["status"] == "expired"
        assert client.get("/api/v1/seals/").json()["results"] == []


def test_logo_only_for_current_holders(seals_world, private_media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from seals.services import organisation_logo_set

    from .conftest import tiny_png

    seal = awarded(seals_world).seal
    organisation_logo_set(
        organisation=seals_world.company,
        actor=seals_world.people["applicant"],
        upload=SimpleUploadedFile("l.png", tiny_png()),
    )
    url = reverse("seals:logo", kwargs={"public_id": seal.public_id})
    response = Client().get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert 'alt="Logo von Printen Lambertz GmbH"' in Client().get(reverse("seals:register")).content.decode()
    seal_revoke(seal=seal, actor=seals_world.people["staff"], reason="Entzogen")
    assert Client().get(url).status_code == 404
