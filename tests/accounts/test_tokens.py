import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.factories import UserFactory

TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"


def new_key(email="anna.becker@example.org", name=None) -> str:
    data = {"email": email, "password": "aachen2015"}
    if name:
        data["name"] = name
    response = APIClient().post(TOKEN, data, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def as_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def works(key: str) -> bool:
    status = as_key(key).get("/api/v1/me/").status_code
    assert status in (200, 401, 403)
    return status == 200


def test_each_sign_in_makes_a_named_key_and_both_work(anna):
    first = new_key(name="Excel-Auswertung")
    second = new_key()
    assert first != second
    assert works(first) and works(second)
    listed = as_key(first).get(TOKENS).json()
    assert sorted(t["name"] for t in listed) == ["API", "Excel-Auswertung"]
    assert {t["prefix"] for t in listed} == {first[:8], second[:8]}
    assert all(first not in str(t) and second not in str(t) for t in listed)


def test_the_database_holds_no_usable_key(anna):
    key = new_key()
    stored = ApiToken.objects.get(user=anna)
    assert key not in {stored.digest, stored.prefix}
    assert len(stored.digest) == 64


def test_revoking_a_key_through_the_api_stops_only_that_key(anna):
    keep, revoke = new_key(name="bleibt"), new_key(name="geht")
    client = as_key(keep)
    token_id = next(t["id"] for t in client.get(TOKENS).json() if t["name"] == "geht")
    assert client.delete(f"{TOKENS}{token_id}/").status_code == 204
    assert not works(revoke)
    assert works(keep)


def test_another_persons_keys_are_neither_listed_nor_revocable(anna):
    ben = UserFactory(email="ben@example.org")
    bens_key = new_key(email=ben.email)
    client = as_key(new_key())
    bens_id = ApiToken.objects.get(user=ben).pk
    assert bens_id not in [t["id"] for t in client.get(TOKENS).json()]
    assert client.delete(f"{TOKENS}{bens_id}/").status_code == 404
    assert works(bens_key)


def test_changing_the_password_revokes_every_key(anna):
    keys = [new_key(), new_key()]
    anna.set_password("ein-neues-passwort-2026")
    anna.save()
    assert not any(works(key) for key in keys)
    assert ApiToken.objects.filter(user=anna).count() == 0


def test_saving_a_person_without_a_new_password_keeps_the_keys(anna):
    key = new_key()
    anna.first_name = "Anne"
    anna.save()
    assert works(key)


def test_resetting_the_password_by_mail_revokes_every_key(client, anna, django_capture_on_commit_callbacks):
    key = new_key()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": anna.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = {"new_password1": "Sommer-am-Tivoli-2026", "new_password2": "Sommer-am-Tivoli-2026"}
    done = client.post(form.redirect_chain[-1][0], new)
    assert done.status_code == 302
    assert not works(key)


def test_profile_lists_own_keys_and_revokes_one(client, anna):
    key = new_key(name="Dashboard-Skript")
    client.force_login(anna)
    page = client.get("/accounts/profile/").content.decode()
    assert "Dashboard-Skript" in page
    assert key[:8] in page
    assert key not in page
    token = ApiToken.objects.get(user=anna)
    response = client.post(f"/accounts/profile/tokens/{token.pk}/revoke/", follow=True)
    assert "Der API-Schlüssel wurde widerrufen." in response.content.decode()
    assert not works(key)


def test_profile_cannot_revoke_another_persons_key(client, anna):
    ben = UserFactory(email="ben@example.org")
    bens_key = new_key(email=ben.email)
    client.force_login(anna)
    bens_id = ApiToken.objects.get(user=ben).pk
    response = client.post(f"/accounts/profile/tokens/{bens_id}/revoke/", follow=True)
    assert "gibt es nicht" in response.content.decode()
    assert works(bens_key)


def test_key_of_a_deactivated_person_stops_working(anna):
    key = new_key()
    anna.is_active = False
    anna.save()
    assert not works(key)


def test_using_a_key_notes_when(anna):
    key = new_key()
    assert ApiToken.objects.get(user=anna).last_used_at is None
    works(key)
    assert ApiToken.objects.get(user=anna).last_used_at is not None


@pytest.mark.parametrize("header", ["Token", "Token nonsense", "Token a b", "Bearer x"])
def test_malformed_authorization_is_refused_not_500(api_client, db, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    assert api_client.get("/api/v1/me/").status_code in (401, 403)
