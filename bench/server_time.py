"""A page's server time measured inside the process: what the server spends, without HTTP or a client.

bench/run.py calls `server_times()` after Django is set up on the benchmark's database (in
production mode). Each page is requested through Django's test Client (the whole middleware
stack, a real session) REPEATS times after a warm-up; the figures are the fastest request's:
its wall time, its number of SQL statements and the time they took. The minimum is what the
code costs when the machine does not get in the way (a shared machine only ever adds).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

WARMUP = 3


@dataclass
class Page:
    name: str
    path: str
    method: str = "GET"
    # For a POST: the form for the i-th request (e.g. a step and the step back, in turn).
    data: Callable[[int], dict] | None = None
    htmx: bool = False
    auth: str = "session"  # or "token" (the API), or "anonymous" (the public pages)


def _client(user, auth: str):
    from django.conf import settings
    from django.test import Client

    host = (settings.ALLOWED_HOSTS or ["127.0.0.1"])[0]
    client = Client(SERVER_NAME=host, HTTP_HOST=host)
    if auth == "token":
        from accounts.services import api_token_create

        _token, key = api_token_create(user=user, name="bench")
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
        client.defaults["HTTP_ACCEPT"] = "application/json"
    elif auth != "anonymous":
        client.force_login(user)
    return client


def _request(client, page: Page, i: int) -> tuple[float, int, float, int, int, float]:
    """(seconds, statements, SQL seconds, status, bytes, CPU seconds of this process) of one request."""
    from django.db import connection

    count = 0
    sql = 0.0

    def timed(execute, statement, params, many, context):
        nonlocal count, sql
        count += 1
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql += time.perf_counter() - started

    extra = {"HTTP_HX_REQUEST": "true"} if page.htmx else {}
    # The request log line (INFO) would go to the bench's own output; gunicorn's goes to a file.
    logging.disable(logging.INFO)
    with connection.execute_wrapper(timed):
        started, cpu = time.perf_counter(), time.process_time()
        if page.method == "POST":
            response = client.post(page.path, page.data(i) if page.data else {}, **extra)
        else:
            response = client.get(page.path, **extra)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    logging.disable(logging.NOTSET)
    return elapsed, count, sql, response.status_code, len(response.content), cpu


def server_time(page: Page, *, user, repeats: int) -> dict:
    """The fastest of `repeats` requests of `page` as `user` (after a warm-up), and its figures."""
    client = _client(user, page.auth)
    runs = [_request(client, page, i) for i in range(WARMUP + repeats)][WARMUP:]
    statuses = sorted({run[3] for run in runs})
    if statuses != [200]:
        return {"error": f"{page.method} {page.path} answered {statuses}"}
    best = min(runs, key=lambda run: run[0])
    return {
        "server_ms": round(best[0] * 1000, 2),
        "median_server_ms": round(sorted(r[0] for r in runs)[len(runs) // 2] * 1000, 2),
        "queries": best[1],
        # A POST page takes two steps in turn: each step's count is constant on its own.
        "queries_constant": all(
            len({r[1] for r in runs[k :: 1 + (page.method == "POST")]}) == 1 for k in (0, 1)
        ),
        "sql_ms": round(best[2] * 1000, 2),
        # Python's own CPU time (the least of all runs): what another process's load hides least.
        "cpu_ms": round(min(r[5] for r in runs) * 1000, 2),
        "bytes": best[4],
        "repeats": repeats,
    }


def bare_time(*, size: int, repeats: int) -> float:
    """The bare view's server time (ms) for a body of `size` bytes, measured the same way."""
    from django.conf import settings
    from django.test import Client

    host = (settings.ALLOWED_HOSTS or ["127.0.0.1"])[0]
    client = Client(SERVER_NAME=host, HTTP_HOST=host)
    page = Page("bare", f"/bench/bare/?size={size}")
    runs = [_request(client, page, i) for i in range(WARMUP + repeats)][WARMUP:]
    return round(min(r[0] for r in runs) * 1000, 3)


def _transition_form(state: str) -> Callable[[int], dict]:
    """Hold the project and resume it, in turn: every request takes a step, and it ends where it began."""

    def form(i: int) -> dict:
        if i % 2 == 0:
            return {"transition": "hold", "comment": "Benchmark", "expected_state": state}
        return {"transition": "resume", "comment": "", "expected_state": "on_hold"}

    return form


def main() -> None:
    """Read {"pages": [...], "bare": true, "repeats": N} (JSON) on stdin, write the figures as JSON.

    Runs in a process of its own with the production settings bench/run.py serves with (its
    own process runs Django in DEBUG mode, which would measure the wrong thing). A page's `as`
    names the person (e-mail); a page with `transition_state` posts the htmx step and back.
    """
    # This script's folder comes first on sys.path; its siblings (notifications.py) must not
    # shadow the apps.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    import django

    django.setup()
    import notifications.services
    from accounts.models import User

    # Sending the e-mails is the worker's work after commit, not the request's; without a broker
    # (SQLite mode) Celery would send them inside the request (eager), so here nothing is queued.
    notifications.services.email_deliveries_queue = lambda **kwargs: None
    notifications.services.digest_queue = lambda **kwargs: None

    spec = json.load(sys.stdin)
    repeats = int(spec["repeats"])
    # An even number of steps, so the transition page leaves the project as it found it.
    repeats += (WARMUP + repeats) % 2
    results = {}
    for item in spec["pages"]:
        page = Page(item["name"], item["path"], auth=item.get("auth", "session"))
        if item.get("transition_state"):
            page.method, page.htmx, page.data = "POST", True, _transition_form(item["transition_state"])
        user = User.objects.get(email=item["as"])
        figures = server_time(page, user=user, repeats=repeats)
        if "bytes" in figures:
            figures["bare_ms"] = bare_time(size=figures["bytes"], repeats=repeats)
        results[page.name] = figures
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
