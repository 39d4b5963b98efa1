"""`make bench`: the busiest pages over real HTTP against a bare Django baseline, and in process.

Builds the load dataset (`manage.py seed_load --scale $BENCH_SCALE`) in a database of its
own for that scale (PostgreSQL `aachen_bench`, `aachen_bench_scale5`, ... on the server of
DATABASE_URL, else SQLite in var/bench/scale-N/) and keeps it: a later run at the same scale
reuses it (seeding scale 5 takes minutes). Measures each page's server time in a process of its
own with the production settings (bench/server_time.py: the fastest of BENCH_SERVER_REPEATS
requests through Django's test Client, its queries and SQL time, beside the bare view's), so
the client's CPU cannot hide the server's cost on a small machine; among them the search page
and the htmx transition (hold and resume in turn), and the public pages as an anonymous
visitor. Then serves the dataset with gunicorn in
production mode on a free 127.0.0.1 port, signs in as a member of several working groups and
measures the pages over HTTP, each beside a bare Django view that returns as many bytes
without touching the database. Prints the tables; writes bench/results/<timestamp>.json,
latest.json and latest-<database>-scale<N>.json, and once both scales 1 and 5 have run
(`make bench` runs both) the table of their server times side by side. Gunicorn is stopped at
the end, whatever happens.

Each page and its baseline are measured for BENCH_SECONDS each (16), in 4 alternating slices,
with at most BENCH_MAX_REQUESTS requests each (40000), from BENCH_CLIENTS threads (3) against
BENCH_WORKERS gunicorn workers (2). BENCH_SCALE (1) sizes the dataset, BENCH_DB_NAME
(aachen_bench) names the PostgreSQL database, BENCH_REUSE_DB=1 keeps one whatever it holds.
"""

import datetime
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PASSWORD = "aachen2015"
AIM = 0.05  # issue 12: each page at least 0.05 of the bare view over HTTP
RESERVED_PORTS = {8000}


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        sys.exit(f"{name} must be a number; got {raw!r}.")


SCALE = env_float("BENCH_SCALE", 1.0)
SECONDS = env_float("BENCH_SECONDS", 16.0)
MAX_REQUESTS = int(env_float("BENCH_MAX_REQUESTS", 40000))
CLIENTS = int(env_float("BENCH_CLIENTS", 3))
WORKERS = int(env_float("BENCH_WORKERS", 2))
DB_NAME = os.environ.get("BENCH_DB_NAME", "aachen_bench")
REUSE_DB = os.environ.get("BENCH_REUSE_DB", "") in {"1", "true", "yes"}
SERVER_REPEATS = int(env_float("BENCH_SERVER_REPEATS", 30))
WARMUP = 20
SLICES = 4
SCALE_AIM = 1.25  # a page's server time at scale 5 at most this many times its time at scale 1


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


class BenchError(Exception):
    pass


# HTTP ------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def cookies(self) -> dict[str, str]:
        result = {}
        for key, value in self.headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                result[name.strip()] = rest.split(";", 1)[0]
        return result


def fetch(port: int, method: str, path: str, headers: dict | None = None, body: bytes | None = None) -> Reply:
    """One request to 127.0.0.1 on a new connection (gunicorn's sync workers close it anyway)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return Reply(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def cookie_header(cookies: dict[str, str]) -> str:
    # The production cookies are Secure; the benchmark speaks plain HTTP on loopback, so it sends them itself.
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def sign_in(port: int, email: str) -> tuple[dict, dict]:
    """Headers for the pages (session cookie from the login form) and for the API (token)."""
    page = fetch(port, "GET", "/accounts/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or not match:
        raise BenchError(f"login page answered {page.status} without a CSRF token")
    cookies = page.cookies()
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "username": email, "password": PASSWORD}
    ).encode()
    reply = fetch(
        port,
        "POST",
        "/accounts/login/",
        {"Cookie": cookie_header(cookies), "Content-Type": "application/x-www-form-urlencoded"},
        form,
    )
    cookies.update(reply.cookies())
    if reply.status != 302 or "sessionid" not in cookies:
        raise BenchError(f"signing in as {email} failed: {reply.status}")
    reply = fetch(
        port,
        "POST",
        "/api/v1/auth/token/",
        {"Content-Type": "application/json"},
        json.dumps({"email": email, "password": PASSWORD}).encode(),
    )
    if reply.status != 200:
        raise BenchError(f"getting an API token failed: {reply.status} {reply.body[:200]!r}")
    token = json.loads(reply.body)["token"]
    return {"Cookie": cookie_header(cookies)}, {
        "Authorization": f"Token {token}",
        "Accept": "application/json",
    }


# Measuring -------------------------------------------------------------------------------


@dataclass
class Sample:
    """What one or more measuring slices of one URL saw."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    queries: Counter = field(default_factory=Counter)
    sizes: Counter = field(default_factory=Counter)

    def summary(self) -> dict:
        ordered = sorted(self.latencies)
        if not ordered:
            return {"requests": 0, "errors": len(self.errors), "error_samples": sorted(set(self.errors))[:5]}
        return {
            "requests": len(ordered),
            "errors": len(self.errors),
            "error_samples": sorted(set(self.errors))[:5],
            "seconds": round(self.seconds, 2),
            "median_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 2),
            "rps": round(len(ordered) / self.seconds, 1),
            "bytes": self.sizes.most_common(1)[0][0],
            # Per request: what nearly every request ran (a worker's first request fills its caches).
            "queries": self.queries.most_common(1)[0][0],
            "query_counts": {str(k): v for k, v in sorted(self.queries.items())},
        }


def measure(
    port: int, path: str, headers: dict, sample: Sample, *, seconds: float, max_requests: int
) -> None:
    """Hit `path` from CLIENTS threads for at most `seconds` and `max_requests`; add to `sample`."""
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal issued
        while True:
            with lock:
                if issued >= max_requests or time.monotonic() >= deadline or len(sample.errors) > 20:
                    return
                issued += 1
            started = time.perf_counter()
            try:
                reply = fetch(port, "GET", path, headers)
            except OSError as exc:
                with lock:
                    sample.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if reply.status != 200:
                    sample.errors.append(f"HTTP {reply.status}")
                    continue
                sample.latencies.append(elapsed)
                sample.sizes[len(reply.body)] += 1
                sample.queries[int(reply.header("X-Query-Count") or -1)] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    sample.seconds += time.perf_counter() - started


def warm_up(port: int, path: str, headers: dict) -> Reply:
    """Check the URL answers 200, then warm every worker (per-process caches fill on first use)."""
    reply = fetch(port, "GET", path, headers)
    if reply.status != 200:
        raise BenchError(f"GET {path} answered {reply.status}: {reply.body[:300]!r}")
    warm = Sample()
    measure(port, path, headers, warm, seconds=10, max_requests=WARMUP * WORKERS)
    if warm.errors:
        raise BenchError(f"GET {path} failed while warming up: {warm.errors[:3]}")
    return reply


# Setting up ------------------------------------------------------------------------------


def free_port() -> int:
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port
    raise BenchError("no free port on 127.0.0.1")


def seeded_mark() -> str:
    return f"seed_load --scale {SCALE:g}"


def database_name() -> str:
    """The benchmark's PostgreSQL database for this scale: each scale keeps its own loaded copy."""
    return DB_NAME if SCALE == 1 else f"{DB_NAME}_scale{SCALE:g}".replace(".", "_")


def _maintenance(server_url: str):
    import psycopg

    parts = urllib.parse.urlsplit(server_url)
    try:
        return psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")), autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(server_url, autocommit=True)


def scratch_database(server_url: str, suffix: str) -> tuple[str, str]:
    """(Re)create `<name>_<suffix>` on the server of `server_url`; (its name, its URL)."""
    from psycopg import sql

    parts = urllib.parse.urlsplit(server_url)
    name = f"{parts.path.lstrip('/') or 'aachen'}_{suffix}"
    with _maintenance(server_url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    log(f"created PostgreSQL database {name}")
    return name, urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def scratch_drop(server_url: str, name: str) -> None:
    from psycopg import sql

    with _maintenance(server_url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    log(f"dropped PostgreSQL database {name}")


def scratch_env(workdir: Path, server_url: str, suffix: str, **extra: str) -> tuple[dict, str, str | None]:
    """The production settings for a benchmark with a database of its own: a scratch PostgreSQL
    database `<name>_<suffix>` on the server of `server_url`, else SQLite in `workdir`; without
    Redis (tasks run in process). Returns the environment, "postgresql" or "sqlite", and the
    scratch database's name to drop at the end (None for SQLite)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_VAR_DIR": str(workdir),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        "DJANGO_DEBUG": "0",
        # One key here and in a gunicorn started with this environment: sessions, API key HMACs.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        **extra,
    }
    env.pop("REDIS_URL", None)
    if server_url:
        scratch, env["DATABASE_URL"] = scratch_database(server_url, suffix)
        return env, "postgresql", scratch
    env.pop("DATABASE_URL", None)
    log(f"SQLite database {workdir / 'db.sqlite3'}")
    return env, "sqlite", None


def postgres_database(server_url: str) -> str:
    """The benchmark's own database on the server of `server_url`, kept when it holds the load
    dataset of this scale (seeding scale 5 takes minutes), else (re)created; returns its URL."""
    from psycopg import sql

    name = database_name()
    parts = urllib.parse.urlsplit(server_url)
    if parts.path.lstrip("/") == name:
        raise BenchError(f"DATABASE_URL names {name} itself; the benchmark needs a database of its own.")
    bench_url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    with _maintenance(server_url) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if row and (REUSE_DB or row[0] == seeded_mark()):
            log(f"reusing PostgreSQL database {name} ({row[0] or 'BENCH_REUSE_DB=1'})")
            return bench_url
        if row:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    log(f"created PostgreSQL database {name}")
    return bench_url


def postgres_mark_seeded(server_url: str) -> None:
    from psycopg import sql

    with _maintenance(server_url) as admin:
        admin.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(database_name()), sql.Literal(seeded_mark())
            )
        )


def sqlite_folder() -> Path:
    """The SQLite benchmark's folder for this scale (var/bench/scale-N), emptied unless it holds
    the load dataset of this scale."""
    folder = ROOT / "var" / "bench" / f"scale-{SCALE:g}"
    mark = folder / "seeded"
    if folder.exists() and not (REUSE_DB or (mark.exists() and mark.read_text() == seeded_mark())):
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def manage(env: dict, *args: str) -> str:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    log(f"manage.py {' '.join(args)}: {time.perf_counter() - started:.1f} s")
    return result.stdout


def setup_django(env: dict) -> None:
    os.environ.update(env)
    # This script's own folder comes first on sys.path; its other scripts must not shadow the apps.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    for path in (str(ROOT), str(ROOT / "platform")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def pick_targets() -> dict:
    """A member of several working groups, their biggest board and their biggest group."""
    from django.db import connections
    from django.db.models import Count, Q

    from accounts.models import User
    from portal.load import EMAIL_DOMAIN
    from projects.models import Project, Task
    from workgroups.models import Body

    active_wg = Q(memberships__left_at__isnull=True, memberships__body__kind=Body.Kind.WORKING_GROUP)
    user = (
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
        .annotate(wg_count=Count("memberships", filter=active_wg))
        .filter(wg_count__gte=2)
        .order_by("-wg_count", "pk")
        .first()
    )
    if user is None:
        raise BenchError("no load person is in two or more working groups; is the load dataset there?")
    group_ids = list(
        user.memberships.filter(left_at__isnull=True, body__kind=Body.Kind.WORKING_GROUP).values_list(
            "body_id", flat=True
        )
    )
    # A typical board: the project with the median number of tasks among the person's projects.
    projects = list(
        Project.objects.filter(workgroup_id__in=group_ids, archived_at__isnull=True)
        .annotate(n=Count("tasks"))
        .order_by("n", "pk")
    )
    project = projects[len(projects) // 2]
    group = (
        Body.objects.filter(pk__in=group_ids)
        .annotate(n=Count("memberships", filter=Q(memberships__left_at__isnull=True)))
        .order_by("-n", "pk")
        .first()
    )
    transition = _transition_target(group_ids)
    targets = {
        **transition,
        "user": user.email,
        "user_groups": user.wg_count,
        "user_assigned_tasks": Task.objects.filter(assignee=user).count(),
        "board_project": project.pk,
        "board_tasks": project.n,
        "group": group.slug,
        "group_members": group.n,
        "dataset": {
            "users": User.objects.count(),
            "working_groups": Body.objects.filter(kind=Body.Kind.WORKING_GROUP).count(),
            "projects": Project.objects.count(),
            "tasks": Task.objects.count(),
        },
    }
    connections.close_all()
    return targets


def _transition_target(group_ids: list[int]) -> dict:
    """A project of the person's groups whose chair may hold it now (the htmx step measured)."""
    from projects.models import Project
    from workgroups.models import Membership, Role

    chairs = Membership.objects.filter(body_id__in=group_ids, role=Role.CHAIR, left_at__isnull=True)
    for chair in chairs.select_related("user").order_by("body_id", "pk"):
        projects = Project.objects.filter(workgroup_id=chair.body_id, archived_at__isnull=True).order_by("pk")
        for project in projects.select_related("workflow"):
            definition = project.workflow_definition
            if definition and "hold" in {t.name for t in definition.transitions_from(project.state)}:
                return {
                    "transition_project": project.pk,
                    "transition_state": project.state,
                    "chair": chair.user.email,
                }
    raise BenchError("no project of the person's groups can be held by its chair")


def start_gunicorn(
    env: dict, port: int, logfile, *, ready_path: str = "/accounts/login/"
) -> subprocess.Popen:
    """gunicorn serving `portal.bench_wsgi`, once `ready_path` answers 200 (the login page needs
    collected static files; bench/votes_forum.py waits for a bench view instead)."""
    command = [
        sys.executable, "-m", "gunicorn", "portal.bench_wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS),
        "--worker-class", "sync",
        "--timeout", "60",
        "--graceful-timeout", "5",
        "--log-level", "warning",
    ]  # fmt: skip
    # A session of its own, so stopping it reaches its workers and nothing else.
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
    )
    for _ in range(120):
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited at start with {process.returncode} (log: {logfile.name})")
        try:
            if fetch(port, "GET", ready_path).status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    raise BenchError(f"gunicorn did not answer within 60 s (log: {logfile.name})")


def stop_gunicorn(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    log("gunicorn stopped")


# The run ---------------------------------------------------------------------------------


SEARCH_WORD = "entwerfen"  # in two of the twelve task titles of the load dataset (portal/load.py)


def pages(targets: dict) -> list[tuple[str, str, str]]:
    """The pages measured over HTTP and in process: (name, path, "session" or "token")."""
    return [
        ("board", f"/projects/{targets['board_project']}/board/", "session"),
        ("my tasks", "/tasks/mine/", "session"),
        ("group page", f"/groups/{targets['group']}/", "session"),
        ("project page", f"/projects/{targets['board_project']}/", "session"),
        ("dashboard", "/dashboard/", "session"),
        ("search", f"/search/?q={SEARCH_WORD}", "session"),
        ("project list API", "/api/v1/projects/", "token"),
        ("task list API", "/api/v1/tasks/", "token"),
        # What visitors read, without signing in.
        ("front page", "/", "anonymous"),
        ("public groups", "/initiative/groups/", "anonymous"),
        ("public members", "/initiative/organisations/", "anonymous"),
        ("public groups API", "/api/v1/public/groups/", "anonymous"),
    ]


TRANSITION = "htmx transition"  # measured in process only: each request is a step (hold, resume)


def server_times(env: dict, targets: dict) -> dict:
    """Each page's server time in a process of its own with the production settings (bench/server_time.py)."""
    spec = {
        "repeats": SERVER_REPEATS,
        "pages": [
            {"name": name, "path": path, "auth": auth, "as": targets["user"]}
            for name, path, auth in pages(targets)
        ]
        + [
            {
                "name": TRANSITION,
                "path": f"/projects/{targets['transition_project']}/transition/",
                "as": targets["chair"],
                "transition_state": targets["transition_state"],
            }
        ],
    }
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "server_time.py")],
        cwd=ROOT,
        env=env,
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        raise BenchError(f"measuring in process failed:\n{result.stderr[-3000:]}")
    log(f"server times in process ({SERVER_REPEATS} requests a page): {time.perf_counter() - started:.1f} s")
    return json.loads(result.stdout)


def run(port: int, targets: dict) -> list[dict]:
    session, token = sign_in(port, targets["user"])
    log(f"signed in as {targets['user']} ({targets['user_groups']} working groups)")
    rows = []
    for name, path, auth in pages(targets):
        headers = {"session": session, "token": token, "anonymous": {}}[auth]
        size = len(warm_up(port, path, headers).body)
        bare_path = f"/bench/bare/?size={size}"
        warm_up(port, bare_path, {})
        page, bare = Sample(), Sample()
        # Page and baseline take turns, so a change in the machine's load hits both alike.
        for _ in range(SLICES):
            for url, sample, auth_headers in ((path, page, headers), (bare_path, bare, {})):
                measure(
                    port,
                    url,
                    auth_headers,
                    sample,
                    seconds=SECONDS / SLICES,
                    max_requests=MAX_REQUESTS // SLICES,
                )
        page_stats, bare_stats = page.summary(), bare.summary()
        if not page_stats["requests"] or not bare_stats["requests"]:
            raise BenchError(f"{name}: no successful request ({page.errors[:3] or bare.errors[:3]})")
        ratio = round(page_stats["rps"] / bare_stats["rps"], 3)
        # Constant: at most 1% of the requests ran another number of queries than the rest.
        constant = page_stats["query_counts"][str(page_stats["queries"])] >= 0.99 * page_stats["requests"]
        rows.append(
            {
                "page": name,
                "path": path,
                "auth": auth,
                **page_stats,
                "baseline": bare_stats,
                "ratio": ratio,
                "queries_constant": constant,
                "meets_aim": ratio >= AIM and constant and not page_stats["errors"],
            }
        )
        log(
            f"{name:<17} {page_stats['median_ms']:7.1f} ms median {page_stats['rps']:7.1f} req/s  "
            f"bare {bare_stats['rps']:7.1f} req/s  ratio {ratio:.2f}  queries {page_stats['queries']}"
        )
    return rows


def server_row(name: str, figures: dict) -> dict:
    """A page's in-process figures with the bare view's share of its server time."""
    if "error" in figures:
        return {**figures, "server_ratio": None}
    # In process the bare view costs a fraction of a millisecond (no HTTP): shown, not judged.
    ratio = round(figures["bare_ms"] / figures["server_ms"], 4) if figures["server_ms"] else None
    return {**figures, "server_ratio": ratio}


def server_table(server: dict) -> str:
    header = (
        f"{'page (in process)':<17} {'server ms':>9} {'cpu ms':>7} {'sql ms':>7} {'queries':>7} "
        f"{'bare ms':>7} {'bare/page':>9}"
    )
    lines = [header, "-" * len(header)]
    for name, row in server.items():
        if "error" in row:
            lines.append(f"{name:<17} {row['error']}")
            continue
        queries = str(row["queries"]) if row["queries_constant"] else f"{row['queries']}?"
        lines.append(
            f"{name:<17} {row['server_ms']:>9.1f} {row['cpu_ms']:>7.1f} {row['sql_ms']:>7.1f} {queries:>7} "
            f"{row['bare_ms']:>7.2f} {row['server_ratio']:>9.4f}"
        )
    return "\n".join(lines)


def scale_table(results: dict[float, dict]) -> str:
    """Server times at scale 1 beside scale 5 (aim: at most SCALE_AIM times), from the results files."""
    low, high = results[1.0], results[5.0]
    header = (
        f"{'page':<17} {'scale 1 ms':>10} {'scale 5 ms':>10} {'5 / 1':>6} {'cpu 5/1':>7} "
        f"{'sql ms 1':>8} {'sql ms 5':>8}  aim {SCALE_AIM}"
    )
    lines = [
        f"Server time in process, scale 1 ({low['started_at']}) and scale 5 ({high['started_at']})",
        header,
        "-" * len(header),
    ]
    for name, one in low.get("server", {}).items():
        five = high.get("server", {}).get(name)
        if not five or "error" in one or "error" in five:
            continue
        ratio = five["server_ms"] / one["server_ms"]
        cpu = five["cpu_ms"] / one["cpu_ms"] if one["cpu_ms"] else 0
        lines.append(
            f"{name:<17} {one['server_ms']:>10.1f} {five['server_ms']:>10.1f} {ratio:>6.2f} {cpu:>7.2f} "
            f"{one['sql_ms']:>8.1f} {five['sql_ms']:>8.1f}  {'ok' if ratio <= SCALE_AIM else 'MISSED'}"
        )
    return "\n".join(lines)


def table(rows: list[dict], database: str) -> str:
    header = (
        f"{'page':<17} {'median ms':>9} {'p95 ms':>8} {'req/s':>7} {'bare req/s':>10} "
        f"{'ratio':>6} {'queries':>7} {'bytes':>7} {'requests':>8}  aim"
    )
    lines = [
        f"Results ({database}, scale {SCALE:g}, {WORKERS} workers, {CLIENTS} clients)",
        header,
        "-" * len(header),
    ]
    for row in rows:
        queries = str(row["queries"]) if row["queries_constant"] else f"{row['queries']}?"
        lines.append(
            f"{row['page']:<17} {row['median_ms']:>9.1f} {row['p95_ms']:>8.1f} {row['rps']:>7.1f} "
            f"{row['baseline']['rps']:>10.1f} {row['ratio']:>6.2f} {queries:>7} {row['bytes']:>7} "
            f"{row['requests']:>8}  {'ok' if row['meets_aim'] else 'MISSED'}"
        )
    return "\n".join(lines)


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not 0 < SCALE <= 20 or SECONDS <= 0 or MAX_REQUESTS <= 0 or not 1 <= CLIENTS <= 16:
        sys.exit(
            "BENCH_SCALE must be in (0, 20], BENCH_SECONDS and BENCH_MAX_REQUESTS above 0, "
            "BENCH_CLIENTS 1-16."
        )
    started_at = datetime.datetime.now(datetime.UTC)
    workdir = Path(tempfile.mkdtemp(prefix="aachen-bench-"))
    gunicorn = None
    try:
        base = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_VAR_DIR": str(workdir),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        }
        server_url = os.environ.get("DATABASE_URL", "").strip()
        if server_url:
            database = "postgresql"
            base["DATABASE_URL"] = postgres_database(server_url)
        else:
            database = "sqlite"
            base.pop("DATABASE_URL", None)
            base["DJANGO_VAR_DIR"] = str(sqlite_folder())
            log(f"SQLite database {base['DJANGO_VAR_DIR']}/db.sqlite3")
        dev = {**base, "DJANGO_DEBUG": "1"}
        prod = {
            **base,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_BENCH_VIEWS": "1",
        }
        manage(dev, "migrate", "--noinput")
        setup_django(dev)
        from portal.load import is_loaded

        seed_output = ""
        if is_loaded():
            log("the load dataset is already there")
        else:
            seed_output = manage(dev, "seed_load", "--scale", f"{SCALE:g}")
            print(seed_output, end="", flush=True)
            if server_url:
                postgres_mark_seeded(server_url)
            else:
                (Path(base["DJANGO_VAR_DIR"]) / "seeded").write_text(seeded_mark())
        # Statistics as a database in service has them (autovacuum would gather them some time
        # after the seeding): without, PostgreSQL plans the first minutes' queries blind.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        manage(prod, "collectstatic", "--noinput")
        targets = pick_targets()
        server = server_times(prod, targets)
        port = free_port()
        with open(workdir / "gunicorn.log", "w") as logfile:
            gunicorn = start_gunicorn(prod, port, logfile)
            log(f"gunicorn ({WORKERS} workers) on http://127.0.0.1:{port}/, {database}")
            rows = run(port, targets)
    except BenchError as exc:
        log(f"failed: {exc}")
        return 1
    finally:
        stop_gunicorn(gunicorn)
        shutil.rmtree(workdir, ignore_errors=True)

    server = {name: server_row(name, figures) for name, figures in server.items()}
    print()
    print(table(rows, database))
    print()
    print(server_table(server))
    result = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": database,
        "scale": SCALE,
        "config": {
            "gunicorn_workers": WORKERS,
            "client_threads": CLIENTS,
            "seconds_per_measurement": SECONDS,
            "max_requests_per_measurement": MAX_REQUESTS,
            "slices_per_measurement": SLICES,
            "load_average_at_end": os.getloadavg(),
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
        },
        "aim": f"each page at least {AIM} of the bare baseline's throughput, constant queries",
        "targets": targets,
        "seed_load": seed_output,
        "pages": rows,
        "server": server,
        "server_aim": f"at scale 5 at most {SCALE_AIM} times the page's server time at scale 1",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(result, indent=2, ensure_ascii=False)
    (RESULTS / f"{stamp}.json").write_text(text)
    (RESULTS / "latest.json").write_text(text)
    (RESULTS / f"latest-{database}-scale{SCALE:g}.json").write_text(text)
    log(f"written bench/results/{stamp}.json, latest.json and latest-{database}-scale{SCALE:g}.json")
    by_scale = {}
    for scale in (1.0, 5.0):
        path = RESULTS / f"latest-{database}-scale{scale:g}.json"
        if path.exists():
            by_scale[scale] = json.loads(path.read_text())
    if len(by_scale) == 2:
        print()
        print(scale_table(by_scale))
    return 1 if any(row["errors"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
