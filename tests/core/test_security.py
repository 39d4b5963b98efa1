"""Security headers, access to the API docs, framework messages in the reader's language, log redaction."""

import json
import logging

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from core.logging import JsonFormatter, redact
from tests.core.test_settings import PRODUCTION, run_manage
from tests.factories import UserFactory


def test_pages_and_api_carry_a_self_only_csp_and_a_permissions_policy(client, db):
    for path in ("/accounts/login/", "/api/v1/me/", "/health/"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self';" in csp
        assert "unsafe-inline" not in csp
        assert "camera=()" in response["Permissions-Policy"]


def test_production_settings_send_the_csp(tmp_path):
    script = (
        "from django.test import Client;"
        "r = Client(SERVER_NAME='dialog.example.org').get('/api/v1/me/', secure=True);"
        "print(r.status_code, r['Content-Security-Policy'], r['Permissions-Policy'], sep='|')"
    )
    result = run_manage("shell", "-c", script, env={**PRODUCTION, "DJANGO_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    status, csp, permissions = result.stdout.strip().splitlines()[-1].split("|")
    assert "default-src 'self'" in csp
    assert "geolocation=()" in permissions


@pytest.fixture
def docs_private(settings):
    settings.API_DOCS_PUBLIC = False


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_private_api_docs_need_a_signed_in_person(client, db, docs_private, path):
    response = client.get(path)
    assert response.status_code in (302, 401, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.get(path).status_code == 200


def test_private_schema_opens_to_an_api_key(db, docs_private):
    UserFactory(email="key@example.org")
    client = APIClient()
    key = client.post(
        "/api/v1/auth/token/", {"email": "key@example.org", "password": "aachen2015"}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/schema/").status_code == 200


def test_public_api_docs_open_to_everyone(client, db, settings):
    settings.API_DOCS_PUBLIC = True
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").status_code == 200


def test_docs_page_loads_its_init_script_from_a_file(client, anna):
    client.force_login(anna)
    html = client.get("/api/docs/").content.decode()
    assert "<script>" not in html
    assert "<style>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_production_docs_are_private_by_default(tmp_path):
    script = (
        "from django.test import Client;"
        "c = Client(SERVER_NAME='dialog.example.org');"
        "print(c.get('/api/docs/', secure=True).status_code, c.get('/api/schema/', secure=True).status_code)"
    )
    result = run_manage("shell", "-c", script, env={**PRODUCTION, "DJANGO_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    docs, schema = result.stdout.strip().splitlines()[-1].split()
    assert docs == "302"
    assert schema in ("401", "403")


# Framework messages follow the reader: the profile language when signed in, else Accept-Language.


def test_missing_project_is_not_found_in_german_by_default(world):
    client = APIClient()
    client.force_authenticate(world.people["member"])
    response = client.get("/api/v1/projects/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden."}


def test_missing_project_is_not_found_in_english_for_an_english_reader(world):
    member = world.people["member"]
    member.language = "en"
    member.save()
    client = APIClient()
    client.force_login(member)
    assert client.get("/api/v1/projects/999999/").json() == {"detail": "Not found."}


def test_api_key_holder_reads_errors_in_their_language(world):
    UserFactory(email="reader@example.org", language="en")
    client = APIClient()
    key = client.post(
        "/api/v1/auth/token/", {"email": "reader@example.org", "password": "aachen2015"}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete("/api/v1/me/").json() == {"detail": 'Method "DELETE" not allowed.'}
    assert client.get("/api/v1/tasks/999999/").json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "Anmeldedaten fehlen."), ("en", "Authentication credentials were not provided.")],
)
def test_anonymous_is_refused_in_the_browser_language(db, language, expected):
    response = APIClient().get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": expected}


def test_validation_messages_follow_accept_language(db):
    german = APIClient().post("/api/v1/auth/token/", {}, format="json").json()
    english = APIClient().post("/api/v1/auth/token/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert german["email"] == ["Dieses Feld ist zwingend erforderlich."]
    assert english["email"] == ["This field is required."]


def test_method_not_allowed_speaks_german_to_a_german_reader(world):
    client = APIClient()
    client.force_authenticate(world.people["member"])
    assert client.delete("/api/v1/me/").json() == {"detail": 'Methode "DELETE" nicht erlaubt.'}


# Links with secrets never reach the log.


def log_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(record)) for record in caplog.records]


def test_request_log_redacts_the_password_reset_link(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="core.request"):
        client.get("/accounts/reset/MTIz/cz7l5e-0123456789abcdef0123456789abcdef/")
    (line,) = [entry for entry in log_lines(caplog) if entry["message"] == "request"]
    assert line["path"] == "/accounts/reset/[redacted]/[redacted]/"
    assert "cz7l5e" not in json.dumps(log_lines(caplog))


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Internal Server Error: /accounts/reset/MTIz/cz7l5e-abcdef/", "cz7l5e-abcdef"),
        ("GET /groups/invitations/accept/?token=s3cr3t-value&x=1", "s3cr3t-value"),
        ("link https://dialog.example.org/join?key=abc123def", "abc123def"),
    ],
)
def test_any_log_line_is_redacted(text, secret):
    assert secret not in redact(text)
    record = logging.makeLogRecord({"msg": text, "levelname": "ERROR", "extra_path": text})
    assert secret not in JsonFormatter().format(record)


@override_settings(ROOT_URLCONF="tests.core.urls_with_token")
def test_request_log_redacts_any_url_part_named_token(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="core.request"):
        client.get("/join/abcdef123456/")
    (line,) = [entry for entry in log_lines(caplog) if entry["message"] == "request"]
    assert line["path"] == "/join/[redacted]/"
