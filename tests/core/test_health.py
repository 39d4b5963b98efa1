import pytest

from tests.factories import UserFactory
from tests.support import running_worker


def test_health_tells_anonymous_callers_the_status_only(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_shows_staff_which_parts_were_checked(client, db):
    client.force_login(UserFactory(is_staff=True))
    body = client.get("/health/").json()
    assert body["status"] == "ok"
    assert body["checks"]["workers"]["mode"] == "eager"
    assert body["down"] == []


def test_health_keeps_details_from_signed_in_people_without_staff_rights(client, db):
    client.force_login(UserFactory())
    assert client.get("/health/").json() == {"status": "ok"}


def test_every_response_carries_a_request_id(client, db):
    response = client.get("/health/", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    other = client.get("/health/", HTTP_X_REQUEST_ID="<script>")
    assert other["X-Request-ID"] != "<script>"
    assert len(other["X-Request-ID"]) == 32


@pytest.mark.services
def test_health_names_missing_worker_then_sees_one(client, transactional_db, purged_broker):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "down"}
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/health/")
    assert response.json()["down"] == ["workers"]
    with running_worker(name="health"):
        response = client.get("/health/")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["database"]["vendor"] == "postgresql"
    assert response.json()["checks"]["workers"]["count"] >= 1
