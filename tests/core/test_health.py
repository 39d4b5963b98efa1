import pytest

from tests.support import running_worker


def test_health_with_in_process_tasks_is_ok(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["workers"]["mode"] == "eager"


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
    assert response.json()["down"] == ["workers"]
    with running_worker(name="health"):
        response = client.get("/health/")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["database"]["vendor"] == "postgresql"
    assert response.json()["checks"]["workers"]["count"] >= 1
