"""No input and no outage answers 500: Redis (cache and broker) down, hostile JSON, missing objects."""

import socket

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.core.openapi import WRITE_METHODS, fill_path, operations

READS = operations(("get",))
JSON_WRITES = operations(WRITE_METHODS, with_body=True)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """Cache and broker point at a port where nothing listens, configured as in production."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": url}}
    from config.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = url
    yield url
    app.conf.broker_url = previous


def test_redis_down_is_really_down_for_the_cache(redis_down):
    cache.set("probe", 1)
    assert cache.degraded


def test_token_endpoint_answers_while_redis_is_down(redis_down, anna):
    client = APIClient()
    good = client.post("/api/v1/auth/token/", {"email": anna.email, "password": "aachen2015"}, format="json")
    assert good.status_code == 200, good.content
    wrong = client.post("/api/v1/auth/token/", {"email": anna.email, "password": "x"}, format="json")
    assert wrong.status_code == 400
    client.credentials(HTTP_AUTHORIZATION=f"Token {good.json()['token']}")
    assert client.get("/api/v1/me/").status_code == 200


def test_token_endpoint_still_throttles_by_address_while_redis_is_down(redis_down, db):
    client = APIClient()
    # Empty bodies fail validation before any password check: only the per-address throttle counts.
    statuses = [client.post("/api/v1/auth/token/", {}, format="json").status_code for _ in range(31)]
    assert statuses == [400] * 30 + [429]


def test_login_page_works_while_redis_is_down(redis_down, client, anna):
    assert client.get("/accounts/login/").status_code == 200
    wrong = client.post("/accounts/login/", {"username": anna.email, "password": "x"})
    assert wrong.status_code == 200
    right = client.post("/accounts/login/", {"username": anna.email, "password": "aachen2015"})
    assert right.status_code == 302
    assert client.get(right["Location"]).status_code == 200


def test_password_reset_page_works_while_redis_is_down(redis_down, client, anna):
    response = client.post("/accounts/password-reset/", {"email": anna.email})
    assert response.status_code == 302


@pytest.mark.parametrize(("method", "template"), READS, ids=[path for _, path in READS])
def test_every_read_answers_without_500_while_redis_is_down(redis_down, world, method, template):
    client = APIClient()
    client.force_authenticate(world.people["chair"])
    path = fill_path(template, method, client)
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code, response.content[:300])


def test_reads_are_found_in_the_schema():
    paths = {path for _, path in READS}
    assert {"/api/v1/projects/", "/api/v1/projects/{id}/", "/api/v1/auth/tokens/"} <= paths


DEEP_BODIES = {
    "1000 levels": b"[" * 1000 + b"]" * 1000,
    "1000 objects": b'{"a":' * 1000 + b"1" + b"}" * 1000,
    "100 levels": b"[" * 100 + b"]" * 100,
}


@pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
@pytest.mark.parametrize(("method", "template"), JSON_WRITES, ids=[f"{m} {p}" for m, p in JSON_WRITES])
def test_deeply_nested_json_is_refused_with_400_on_every_write(world, method, template, body):
    client = APIClient()
    client.force_authenticate(world.people["admin"])
    path = fill_path(template, method, client)
    response = getattr(client, method)(path, body, content_type="application/json")
    assert response.status_code == 400, (path, response.status_code, response.content[:300])
    assert "verschachtelt" in response.json()["detail"]


def test_writes_with_a_body_are_found_in_the_schema():
    assert ("post", "/api/v1/auth/token/") in JSON_WRITES
    assert ("patch", "/api/v1/projects/{id}/") in JSON_WRITES


def test_json_at_the_depth_limit_is_parsed(settings, api_client, anna):
    settings.JSON_MAX_DEPTH = 3
    body = b'{"email": "%s", "password": "aachen2015", "name": "x", "extra": [[1]]}' % anna.email.encode()
    assert api_client.post("/api/v1/auth/token/", body, content_type="application/json").status_code == 200
    deeper = body.replace(b"[[1]]", b"[[[1]]]")
    assert api_client.post("/api/v1/auth/token/", deeper, content_type="application/json").status_code == 400


def test_password_reset_mail_goes_out_in_process_while_the_broker_is_down(
    redis_down, client, anna, django_capture_on_commit_callbacks
):
    from django.core import mail

    from config.celery import app

    app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/password-reset/", {"email": anna.email})
    finally:
        app.conf.task_always_eager = True
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[anna.email]]


def test_cache_keeps_working_in_memory_and_warns_once_per_outage(redis_down, caplog):
    with caplog.at_level("WARNING", logger="core.cache"):
        cache.set("definition", {"v": 1})
        assert cache.get("definition") == {"v": 1}
        assert cache.add("counter", 1)
        assert cache.incr("counter") == 2
    assert [r.message for r in caplog.records].count(
        "cache unavailable, using a local memory cache for 5 s"
    ) == 1


def test_read_paths_are_filled_with_objects_of_the_world(world):
    client = APIClient()
    client.force_authenticate(world.people["chair"])
    assert fill_path("/api/v1/projects/{id}/", "get", client) == f"/api/v1/projects/{world.project.pk}/"
    assert fill_path("/api/v1/bodies/{slug}/", "get", client).startswith("/api/v1/bodies/")
    assert not fill_path("/api/v1/bodies/{slug}/", "get", client).endswith("/0/")
