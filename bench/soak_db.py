"""The soak run's database: a fresh one with seed_load, the members to play, what it holds afterwards."""

import os
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from soak_report import MARKER
from soak_stack import Sink, log

ROOT = Path(__file__).resolve().parents[1]
# Kept between runs: collecting and compressing the static files takes minutes on a busy machine.
VAR_DIR = ROOT / "var" / "soak"
PASSWORD = "aachen2015"  # seed_load's password for every load person


class SoakError(Exception):
    pass


def soak_database(server_url: str) -> str:
    """(Re)create the soak's own database on the server of `server_url`; returns its URL."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(server_url)
    if not parts.scheme.startswith("postgres"):
        raise SoakError("the soak run needs PostgreSQL: DATABASE_URL must be a postgres:// URL")
    name = os.environ.get("SOAK_DB_NAME") or f"{parts.path.lstrip('/') or 'aachen'}_soak"
    with psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    log(f"created PostgreSQL database {name}")
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def manage(env: dict, *args: str) -> str:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        raise SoakError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    log(f"manage.py {' '.join(args)}: {time.perf_counter() - started:.1f} s")
    return result.stdout


def collect_static(env: dict) -> None:
    """collectstatic for production mode, unless the files collected last time are still current."""
    manifest = VAR_DIR / "static" / "staticfiles.json"
    sources = [ROOT / "requirements.lock", *(p for p in (ROOT / "static").rglob("*") if p.is_file())]
    if manifest.exists() and all(p.stat().st_mtime < manifest.stat().st_mtime for p in sources):
        log("static files collected by an earlier run are current")
        return
    manage(env, "collectstatic", "--noinput")


def setup_django(env: dict) -> None:
    os.environ.update(env)
    # bench/ comes first on sys.path, and bench/notifications.py would shadow the app of that name.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    for path in (str(ROOT), str(ROOT / "platform")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def pick_people(run: str, count: int) -> dict:
    """The members to play: every working group's chair first, then the members of most groups."""
    import random

    from django.db.models import Count, Q

    from accounts.models import User
    from portal.load import EMAIL_DOMAIN
    from projects.models import Project
    from workflows.models import WorkflowDefinition
    from workgroups.models import Body, Membership, Role

    rng = random.Random(run)
    active_wg = Q(memberships__left_at__isnull=True, memberships__body__kind=Body.Kind.WORKING_GROUP)
    chairs = list(
        User.objects.filter(
            email__endswith=f"@{EMAIL_DOMAIN}",
            memberships__role=Role.CHAIR,
            memberships__left_at__isnull=True,
            memberships__body__kind=Body.Kind.WORKING_GROUP,
        )
        .distinct()
        .order_by("pk")
    )
    others = list(
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
        .exclude(pk__in=[u.pk for u in chairs])
        .annotate(wg_count=Count("memberships", filter=active_wg))
        .filter(wg_count__gte=1)
        .order_by("-wg_count", "pk")
    )
    chosen = (chairs + others)[:count]
    if len(chosen) < count:
        raise SoakError(f"only {len(chosen)} load people are in a working group; raise SOAK_SCALE")
    members: dict[int, list[int]] = {}
    for body_id, user_id in Membership.objects.filter(
        left_at__isnull=True, body__kind=Body.Kind.WORKING_GROUP
    ).values_list("body_id", "user_id"):
        members.setdefault(body_id, []).append(user_id)
    projects: dict[int, list[int]] = {}
    for pk, body_id in Project.objects.filter(archived_at__isnull=True).values_list("pk", "workgroup_id"):
        projects.setdefault(body_id, []).append(pk)
    chair_ids = {u.pk for u in chairs}
    people = []
    for index, user in enumerate(chosen):
        groups = list(
            Membership.objects.filter(
                user=user, left_at__isnull=True, body__kind=Body.Kind.WORKING_GROUP
            ).values_list("body_id", flat=True)
        )
        own = [(pk, body) for body in groups for pk in projects.get(body, [])]
        picked = rng.sample(own, min(6, len(own)))
        people.append(
            {
                "email": user.email,
                "chair": user.pk in chair_ids,
                # A 10.x address each, as a reverse proxy's X-Forwarded-For says (throttles count per client).
                "ip": f"10.{index // 250}.{index % 250}.{rng.randint(1, 250)}",
                "projects": [
                    {"id": pk, "members": rng.sample(members[body], min(30, len(members[body])))}
                    for pk, body in picked
                ],
            }
        )
    terminal = set()
    for version in WorkflowDefinition.objects.all():
        terminal |= {name for name, state in version.definition.states.items() if state.terminal}
    return {"run": run, "password": PASSWORD, "terminal_states": sorted(terminal), "people": people}


def drain(sink: Sink, *, bound: float) -> dict:
    """Wait, at most `bound` seconds, until no email delivery is pending and the sink has them all."""
    from django.db import connections

    from notifications.models import Delivery

    started = time.time()
    pending = -1
    while time.time() - started < bound:
        emails = Delivery.objects.filter(channel=Delivery.Channel.EMAIL)
        pending = emails.filter(status=Delivery.Status.PENDING).count()
        sent = set(emails.filter(status=Delivery.Status.SENT).values_list("notification_id", flat=True))
        if pending == 0 and sent <= set(sink.snapshot()):
            break
        time.sleep(3)
    time.sleep(3)  # a duplicate still on its way arrives now
    connections.close_all()
    return {"seconds": round(time.time() - started, 1), "pending_at_end": pending, "bound_seconds": bound}


def collect(run: str, records: list[dict], sink: Sink) -> dict:
    """What the database holds for the checks."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from notifications.models import Delivery, Notification
    from projects.models import Comment, Task
    from workflows.models import TransitionRecord

    prefix = f"soak-{run}-"

    def markers(values) -> Counter:
        found = Counter()
        for text in values:
            found.update(set(MARKER.findall(text or "")))
        return found

    stored = {
        "task": markers(Task.objects.filter(title__contains=prefix).values_list("title", flat=True)),
        "comment": markers(Comment.objects.filter(body__contains=prefix).values_list("body", flat=True)),
        "transition": markers(
            TransitionRecord.objects.filter(comment__contains=prefix).values_list("comment", flat=True)
        ),
    }
    moved = {r["task"] for r in records if r.get("kind") == "move"}
    tasks = {
        pk: (status, description)
        for pk, status, description in Task.objects.filter(pk__in=moved).values_list(
            "pk", "status", "description"
        )
    }
    deliveries = dict(
        Delivery.objects.filter(channel=Delivery.Channel.EMAIL).values_list("notification_id", "status")
    )
    caused = list(
        Notification.objects.annotate(text=Cast("data", TextField()))
        .filter(text__contains=prefix)
        .values_list("pk", flat=True)
    )
    return {
        "stored": stored,
        "tasks": tasks,
        "deliveries": deliveries,
        "caused": caused,
        "notifications": Notification.objects.count(),
    }
