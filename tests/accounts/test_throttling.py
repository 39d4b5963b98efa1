from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from core.net import client_ip
from tests.factories import UserFactory

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
RESET = "/accounts/password-reset/"


@pytest.fixture
def nora(db):
    return UserFactory(email="nora.neu@example.org", first_name="Nora")


def login(client, email, password, n=0, **extra):
    # A different X-Forwarded-For every time: with no trusted proxy it must not matter.
    return client.post(
        LOGIN, {"username": email, "password": password}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **extra
    )


def token(client, email, password, n=0, **extra):
    return client.post(
        TOKEN,
        {"email": email, "password": password},
        format="json",
        HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        **extra,
    )


def test_eleventh_sign_in_for_one_account_is_refused_even_from_changing_addresses(client, nora):
    wrong = [login(client, "nora.neu@example.org", "falsch", n, REMOTE_ADDR=f"10.0.0.{n}") for n in range(10)]
    assert [r.status_code for r in wrong[:9]] == [200] * 9
    assert all("form-errors" in r.content.decode() for r in wrong[:9])

    refused = login(client, "Nora.Neu@example.org", "aachen2015", 11, REMOTE_ADDR="10.0.0.11")
    assert refused.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in refused.content.decode()
    assert int(refused["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session


def test_correct_password_works_again_after_the_lockout_period(client, nora):
    for n in range(10):
        login(client, "nora.neu@example.org", "falsch", n)
    assert login(client, "nora.neu@example.org", "aachen2015").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = login(client, "nora.neu@example.org", "aachen2015")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == nora.pk


def test_one_address_trying_many_accounts_is_locked_out(client, nora):
    for n in range(10):
        login(client, f"guess{n}@example.org", "falsch", n)
    assert login(client, "nora.neu@example.org", "aachen2015").status_code == 429
    other_address = login(client, "nora.neu@example.org", "aachen2015", REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 302


def test_a_successful_sign_in_resets_the_count(client, nora):
    for n in range(9):
        login(client, "nora.neu@example.org", "falsch", n)
    assert login(client, "nora.neu@example.org", "aachen2015").status_code == 302
    client.logout()
    assert login(client, "nora.neu@example.org", "falsch").status_code == 200


def test_token_endpoint_refuses_the_eleventh_attempt_then_works_after_the_lockout(nora):
    client = APIClient()
    statuses = [token(client, "nora.neu@example.org", "falsch", n).status_code for n in range(10)]
    assert statuses[:9] == [400] * 9

    refused = token(client, "nora.neu@example.org", "aachen2015", 11)
    assert refused.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in refused.json()["detail"]
    assert int(refused["Retry-After"]) == 15 * 60
    assert "token" not in refused.json()

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = token(client, "nora.neu@example.org", "aachen2015")
    assert response.status_code == 200
    assert response.json()["token"]


def test_sign_in_lockouts_count_the_page_and_the_api_together(client, nora):
    for n in range(5):
        login(client, "nora.neu@example.org", "falsch", n)
    api = APIClient()
    for n in range(5):
        token(api, "nora.neu@example.org", "falsch", n)
    assert token(api, "nora.neu@example.org", "aachen2015").status_code == 429


def test_lockout_message_follows_the_request_language(nora):
    client = APIClient()
    for n in range(10):
        token(client, "nora.neu@example.org", "falsch", n)
    refused = token(client, "nora.neu@example.org", "aachen2015", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in refused.json()["detail"]


def test_password_reset_mails_per_address_are_limited_without_revealing_it(
    client, nora, django_capture_on_commit_callbacks
):
    responses = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            responses.append(client.post(RESET, {"email": "nora.neu@example.org"}))
        unknown = client.post(RESET, {"email": "nobody@example.org"})
    assert len(mail.outbox) == 5
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in [*responses, unknown]} == {"/accounts/password-reset/sent/"}


def test_password_reset_mails_for_one_account_are_limited_across_addresses(
    client, nora, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(7):
            client.post(RESET, {"email": "nora.neu@example.org"}, REMOTE_ADDR=f"10.1.0.{n}")
    assert len(mail.outbox) == 5


def test_password_reset_limit_per_client_address_covers_many_accounts(
    client, db, django_capture_on_commit_callbacks
):
    for n in range(7):
        UserFactory(email=f"p{n}@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(7):
            client.post(RESET, {"email": f"p{n}@example.org"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert len(mail.outbox) == 5


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_client_address_believes_only_the_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_one_proxy_the_lockout_follows_the_proxys_address_not_the_clients_claim(client, settings, db):
    settings.TRUSTED_PROXIES = 1
    for n in range(10):
        client.post(
            LOGIN,
            {"username": f"guess{n}@example.org", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.9",
        )
    other = UserFactory(email="other@example.org")
    credentials = {"username": other.email, "password": "aachen2015"}
    blocked = client.post(LOGIN, credentials, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    assert blocked.status_code == 429
    elsewhere = client.post(LOGIN, credentials, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert elsewhere.status_code == 302


def test_sign_in_without_a_request_is_not_throttled_and_still_checks_the_password(nora):
    from django.contrib.auth import authenticate

    assert authenticate(username="nora.neu@example.org", password="aachen2015") == nora
    assert authenticate(username="nora.neu@example.org", password="falsch") is None
