"""One client of the API race, in its own OS process: it posts a transition as a script would."""

import os


def race_api(
    database_url: str,
    project_ids: list[int],
    firsts: list[str | None],
    payload: dict,
    actor_id: int,
    barrier,
    results,
) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"  # the test client's host, as pytest-django allows it
    import django

    django.setup()
    from rest_framework.test import APIClient

    from accounts.models import User

    client = APIClient()
    client.force_authenticate(User.objects.get(pk=actor_id))
    name = payload["transition"]
    for project_id, first in zip(project_ids, firsts, strict=True):
        # first None: both post at once, each request reading the project itself. Otherwise
        # the named client posts first and the other only after it has been answered, so its
        # request reads the project after the winner's commit (a pure race rarely does).
        barrier.wait(timeout=60)
        if first in (None, name):
            post(client, project_id, payload, results)
        barrier.wait(timeout=60)
        if first not in (None, name):
            post(client, project_id, payload, results)


def post(client, project_id: int, payload: dict, results) -> None:
    try:
        response = client.post(f"/api/v1/projects/{project_id}/transition/", payload, format="json")
        results.put(
            (project_id, payload["transition"], response.status_code, response.json().get("detail", ""))
        )
    except Exception as exc:  # reported, so the test shows it instead of hanging
        results.put((project_id, payload["transition"], 0, repr(exc)))
