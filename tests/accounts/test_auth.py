import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from portal.demo import seed_demo


@pytest.fixture
def demo(db):
    return seed_demo(with_password=True)


def test_login_by_email_lands_on_dashboard_with_organisation(client, demo):
    response = client.post(
        reverse("accounts:login"), {"username": "Anna.Becker@example.org", "password": "aachen2015"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "3Win Maschinenbau" in page.content.decode()


def test_wrong_password_shows_form_error_not_500(client, demo):
    credentials = {"username": "anna.becker@example.org", "password": "x"}
    response = client.post(reverse("accounts:login"), credentials)
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()


def test_dashboard_requires_login(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_token_endpoint_returns_token_that_authenticates(api_client, demo):
    response = api_client.post(
        "/api/v1/auth/token/", {"email": "anna.becker@example.org", "password": "aachen2015"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["organisation"]["name"] == "3Win Maschinenbau"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "anna.becker@example.org", "password": "wrong"}, "non_field_errors"),
        ({"email": "not-an-email", "password": "x"}, "email"),
        ({"email": "anna.becker@example.org"}, "password"),
        ({}, "email"),
    ],
)
def test_token_endpoint_answers_bad_input_with_field_errors(api_client, demo, payload, field):
    response = api_client.post("/api/v1/auth/token/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_api_rejects_anonymous(api_client):
    assert api_client.get("/api/v1/me/").status_code in (401, 403)


def test_malformed_json_is_a_400(api_client):
    response = api_client.post("/api/v1/auth/token/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_unknown_page_is_404_in_site_layout(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_language_switch_is_kept_in_profile(client, demo):
    anna = demo["people"]["anna.becker@example.org"]
    client.force_login(anna)
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/dashboard/"})
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.language == "en"
    client.cookies.clear()
    client.force_login(anna)
    assert "Welcome, Anna" in client.get("/dashboard/").content.decode()


def test_language_switch_refuses_unknown_language_and_foreign_redirect(client, demo):
    response = client.post(
        reverse("accounts:set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_profile_form_rejects_unknown_language(client, demo):
    anna = demo["people"]["anna.becker@example.org"]
    client.force_login(anna)
    data = {"first_name": "A", "last_name": "B", "language": "xx"}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    anna.refresh_from_db()
    assert anna.first_name == "Anna"


def test_password_reset_mail_arrives_in_users_language_and_link_works(
    client, demo, django_capture_on_commit_callbacks
):
    User.objects.filter(email="ben.schmitz@example.org").update(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "ben.schmitz@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ben.schmitz@example.org"]
    assert "Reset your password" in message.subject
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    follow = client.get(link.replace("http://testserver", ""), follow=True)
    assert follow.status_code == 200
    assert "new_password1" in follow.content.decode()


def test_password_reset_for_unknown_address_reveals_nothing(client, demo):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_seed_demo_is_idempotent(db):
    first = seed_demo(with_password=True)
    second = seed_demo(with_password=True)
    assert {u.pk for u in first["people"].values()} == {u.pk for u in second["people"].values()}
    assert (
        User.objects.count() == 8 + 48
    )  # the named people (with the second staff member) and the forum's generated members
    assert User.objects.get(email="admin@example.org").is_superuser


def test_seed_demo_without_password_sets_none_usable(db):
    seed_demo(with_password=False)
    assert not User.objects.get(email="anna.becker@example.org").has_usable_password()
