"""A synthetic dataset at scale for the benchmark (`manage.py seed_load --scale N`).

At scale 1: 200 organisations, 1,000 people, one forum, 5 steering teams, 40 working groups,
400 projects, 20,000 tasks and 2,000 comments. Bodies go through `body_create`; everything
else is written in bulk, with exactly the rows the services would write one by one
(membership: a row plus the role group; project: its workflow start and the grants of PROJECT_GRANTS
to the groups `related_role_groups` names; a task, like task_create, writes no permission rows).
"""

import datetime
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from projects.models import Comment, Project, ProjectGroupObjectPermission, Task
from projects.permissions import PROJECT_GRANTS
from workflows.models import TransitionRecord
from workflows.services import workflow_definition_latest
from workgroups.models import Body, Membership, Role, Theme
from workgroups.permissions import related_role_groups, role_group
from workgroups.selectors import forum_get
from workgroups.services import body_create

from .demo import DEMO_PASSWORD
from .demo_bodies import FIRST_NAMES, LAST_NAMES, THEMES

EMAIL_DOMAIN = "load.example.org"
SLUG_PREFIX = "load-"
BATCH = 2000

# What scale 1 holds.
BASE = {
    "organisations": 200,
    "users": 1000,
    "steering_teams": 5,
    "working_groups": 40,
    "projects": 400,
    "tasks": 20000,
    "comments": 2000,
    "staff": 3,
    "steering_members": 8,
}
# How many working groups a person is in (a typical person is in several).
GROUPS_PER_PERSON = ([1, 2, 3, 4, 5], [10, 20, 35, 25, 10])
STATUS_WEIGHTS = ([Task.Status.OPEN, Task.Status.IN_PROGRESS, Task.Status.DONE], [40, 25, 35])

PLACES = [
    "Aachen", "Soers", "Haaren", "Eilendorf", "Brand", "Forst", "Laurensberg", "Richterich",
    "Kornelimünster", "Burtscheid", "Lousberg", "Vaals", "Würselen", "Stolberg", "Herzogenrath",
    "Eschweiler", "Alsdorf", "Baesweiler", "Monschau", "Simmerath",
]  # fmt: skip
TRADES = [
    "Maschinenbau", "Feinmechanik", "Kunststofftechnik", "Elektronik", "Antriebstechnik",
    "Gießerei", "Verpackung", "Medizintechnik", "Automation", "Textilveredelung",
]  # fmt: skip
TASK_WORDS = [
    "Angebot einholen", "Termin abstimmen", "Protokoll schreiben", "Flyer entwerfen",
    "Partner anfragen", "Budget prüfen", "Raum buchen", "Presse informieren",
    "Schulen anschreiben", "Umfrage auswerten", "Förderantrag vorbereiten", "Bericht entwerfen",
]  # fmt: skip
PROJECT_WORDS = [
    "Jobticket", "Innovationscluster", "Lehrerpraktika", "Gesicht zeigen", "Ausbildungsbörse",
    "Technologietag", "Energiescouts", "Werkstattgespräche", "Nachwuchsforum", "Netzwerkabend",
]  # fmt: skip


class AlreadyLoaded(Exception):
    """The load dataset is already in this database."""


@dataclass
class LoadResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def scaled(name: str, scale: float) -> int:
    return max(1, round(BASE[name] * scale))


def is_loaded() -> bool:
    return Body.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def seed_load(*, scale: float, seed: int = 2015) -> LoadResult:
    """Write the load dataset in bulk, then refresh the planner's statistics.

    Raises AlreadyLoaded when the dataset is already there.
    """
    started = time.perf_counter()
    with transaction.atomic():
        result = _load(scale=scale, seed=seed)
    # Right after a bulk load the planner has no statistics (autovacuum comes later) and picks
    # plans that cost PostgreSQL 20 ms where 1 ms will do.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    result.seconds = time.perf_counter() - started
    return result


def _load(*, scale: float, seed: int) -> LoadResult:
    if is_loaded():
        raise AlreadyLoaded
    rng = random.Random(seed)
    result = LoadResult()
    organisations = _organisations(scale, rng)
    users = _users(scale, rng, organisations)
    forum, steering_teams, groups = _bodies(scale, rng)
    members, memberships = _memberships(scale, rng, users, forum, steering_teams, groups)
    projects, project_rows = _projects(scale, rng, groups, members)
    tasks = _tasks(scale, rng, projects, members)
    comments = _comments(scale, rng, projects, tasks, members)
    result.counts = {
        "organisations": len(organisations),
        "people": len(users),
        "steering teams": len(steering_teams),
        "working groups": len(groups),
        "memberships": memberships,
        "projects": len(projects),
        "tasks": len(tasks),
        "comments": comments,
        "project permission rows": project_rows,
    }
    return result


def _organisations(scale: float, rng: random.Random) -> list[Organisation]:
    taken = set(Organisation.objects.values_list("name", flat=True))
    rows = []
    for i in range(scaled("organisations", scale)):
        name = f"{PLACES[i % len(PLACES)]} {TRADES[(i // len(PLACES)) % len(TRADES)]} GmbH"
        if i >= len(PLACES) * len(TRADES) or name in taken:
            name = f"{name} ({i + 1})"
        kind = Organisation.Kind.INTERMEDIARY if i % 25 == 24 else Organisation.Kind.COMPANY
        rows.append(
            Organisation(
                name=name,
                kind=kind,
                city="Aachen",
                produces_in_aachen=rng.random() < 0.8,
                training_company=rng.random() < 0.6,
                # Two in three agreed to be named on the public pages (no draw: the rest stays as it was).
                listed_publicly=i % 3 != 2,
            )
        )
    return Organisation.objects.bulk_create(rows, batch_size=BATCH)


def _users(scale: float, rng: random.Random, organisations: list[Organisation]) -> list[User]:
    # One hash for everyone: hashing 1,000 passwords one by one would take minutes.
    password = make_password(DEMO_PASSWORD)
    rows = [
        User(
            email=f"person{i + 1:05d}@{EMAIL_DOMAIN}",
            first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(i * 7 + i // len(FIRST_NAMES)) % len(LAST_NAMES)],
            organisation=organisations[i % len(organisations)],
            password=password,
        )
        for i in range(scaled("users", scale))
    ]
    return User.objects.bulk_create(rows, batch_size=BATCH)


def _bodies(scale: float, rng: random.Random) -> tuple[Body, list[Body], list[Body]]:
    themes = []
    for slug, name, name_en in THEMES:
        theme, _ = Theme.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})
        themes.append(theme)
    forum = forum_get() or body_create(
        kind=Body.Kind.FORUM, slug=f"{SLUG_PREFIX}forum", name="Forum Aachener Industrie-Dialog"
    )
    steering_teams = [
        body_create(
            kind=Body.Kind.STEERING_TEAM,
            slug=f"{SLUG_PREFIX}st-{i + 1:02d}",
            name=f"Steuerteam {i + 1} (Last)",
            parent=forum,
        )
        for i in range(scaled("steering_teams", scale))
    ]
    groups = []
    for i in range(scaled("working_groups", scale)):
        theme = themes[i % len(themes)]
        groups.append(
            body_create(
                kind=Body.Kind.WORKING_GROUP,
                slug=f"{SLUG_PREFIX}ag-{i + 1:03d}",
                name=f"AG {theme.name} {i + 1} (Last)",
                parent=steering_teams[i % len(steering_teams)],
                theme=theme,
                description=f"Arbeitsgruppe {i + 1} des Lastdatensatzes.",
            )
        )
    return forum, steering_teams, groups


def _memberships(
    scale: float,
    rng: random.Random,
    users: list[User],
    forum: Body,
    steering_teams: list[Body],
    groups: list[Body],
) -> tuple[dict[int, list[User]], int]:
    """Memberships as membership_add writes them; returns each working group's people by body id."""
    placements: list[tuple[Body, User, str]] = []
    members: dict[int, list[User]] = {g.pk: [] for g in groups}
    sizes, weights = GROUPS_PER_PERSON
    for user in users:
        count = min(rng.choices(sizes, weights)[0], len(groups))
        for body in rng.sample(groups, count):
            members[body.pk].append(user)
    for body in groups:
        if not members[body.pk]:
            members[body.pk].append(rng.choice(users))
        chair = members[body.pk][0]
        placements += [(body, u, Role.CHAIR if u is chair else Role.MEMBER) for u in members[body.pk]]
    for team in steering_teams:
        for user in rng.sample(users, min(scaled("steering_members", scale), len(users))):
            placements.append((team, user, Role.MEMBER))
    # The forum: one representative per organisation, and the business development office.
    representatives = {}
    for user in users:
        representatives.setdefault(user.organisation_id, user)
    staff = set(rng.sample(users, min(scaled("staff", scale), len(users))))
    for user in representatives.values():
        if user not in staff:
            placements.append((forum, user, Role.MEMBER))
    placements += [(forum, user, Role.STAFF) for user in staff]

    Membership.objects.bulk_create(
        [Membership(body=body, user=user, role=role) for body, user, role in placements], batch_size=BATCH
    )
    role_groups: dict[tuple[int, str], Group] = {}
    through = User.groups.through
    links = []
    for body, user, role in placements:
        key = (body.pk, role)
        if key not in role_groups:
            role_groups[key] = role_group(body, role)
        links.append(through(user_id=user.pk, group_id=role_groups[key].pk))
    through.objects.bulk_create(links, batch_size=BATCH)
    return members, len(placements)


def _permissions(model) -> dict[str, Permission]:
    content_type = ContentType.objects.get_for_model(model)
    return {p.codename: p for p in Permission.objects.filter(content_type=content_type)}


def _grant_rows(objects, *, perm_model, grants, groups, permissions) -> list:
    """The rows `workgroups.permissions.grant` writes, for many objects of one working group."""
    return [
        perm_model(group=groups[key], permission=permissions[codename], content_object=obj)
        for obj in objects
        for key, names in grants.items()
        if key in groups
        for codename in names
    ]


def _projects(
    scale: float, rng: random.Random, groups: list[Body], members: dict[int, list[User]]
) -> tuple[list[Project], int]:
    today = timezone.localdate()
    now = timezone.now()
    versions = {key: workflow_definition_latest(key=key) for key in Project.Type.values}
    rows = []
    for i in range(scaled("projects", scale)):
        body = groups[i % len(groups)]
        start = today - datetime.timedelta(days=rng.randint(0, 700))
        kind = rng.choice(Project.Type.values)
        rows.append(
            Project(
                workgroup=body,
                type=kind,
                # As workflow_start leaves it (its start record follows below); standard tasks
                # are not spawned, the generated tasks stand in for them.
                workflow=versions[kind],
                state=versions[kind].definition.initial.name,
                state_entered_at=now,
                workflow_sequence=1,
                title=f"{rng.choice(PROJECT_WORDS)} {i + 1}",
                summary=f"Öffentliche Kurzbeschreibung des Projekts {i + 1} der {body.name}.",
                description=f"## Projekt {i + 1}\n\nBeschreibung mit *Markdown* für die Arbeitsgruppe.",
                goals="Mehr Fachkräfte für die Region; sichtbare Industrie in Aachen.",
                start_date=start,
                end_date=start + datetime.timedelta(days=rng.randint(90, 900)),
                is_public=rng.random() < 0.3,
                created_by=members[body.pk][0],
            )
        )
    projects = Project.objects.bulk_create(rows, batch_size=BATCH)
    project_type = ContentType.objects.get_for_model(Project)
    TransitionRecord.objects.bulk_create(
        [
            TransitionRecord(
                subject_type=project_type,
                subject_id=p.pk,
                sequence=1,
                kind=TransitionRecord.Kind.START,
                workflow=p.workflow,
                to_state=p.state,
                actor=p.created_by,
                created_at=now,
            )
            for p in projects
        ],
        batch_size=BATCH,
    )
    permissions = _permissions(Project)
    perm_rows = []
    for body in groups:
        perm_rows += _grant_rows(
            [p for p in projects if p.workgroup_id == body.pk],
            perm_model=ProjectGroupObjectPermission,
            grants=PROJECT_GRANTS,
            groups=related_role_groups(body),
            permissions=permissions,
        )
    ProjectGroupObjectPermission.objects.bulk_create(perm_rows, batch_size=BATCH)
    return projects, len(perm_rows)


def _tasks(
    scale: float, rng: random.Random, projects: list[Project], members: dict[int, list[User]]
) -> list[Task]:
    today = timezone.localdate()
    now = timezone.now()
    statuses, weights = STATUS_WEIGHTS
    rows = []
    for i in range(scaled("tasks", scale)):
        project = projects[rng.randrange(len(projects))] if i >= len(projects) else projects[i]
        people = members[project.workgroup_id]
        status = rng.choices(statuses, weights)[0]
        due = today + datetime.timedelta(days=rng.randint(-60, 120)) if rng.random() < 0.85 else None
        rows.append(
            Task(
                project=project,
                title=f"{rng.choice(TASK_WORDS)} ({i + 1})",
                description="Details zur Aufgabe, Absprachen und Links.",
                assignee=rng.choice(people) if rng.random() < 0.9 else None,
                due_date=due,
                priority=rng.choice(Task.Priority.values),
                status=status,
                created_by=people[0],
                completed_at=now if status == Task.Status.DONE else None,
            )
        )
    tasks = Task.objects.bulk_create(rows, batch_size=BATCH)

    # task_create makes the creator and the assignee followers.
    through = Task.followers.through
    through.objects.bulk_create(
        [
            through(task_id=task.pk, user_id=user_id)
            for task in tasks
            for user_id in {task.created_by_id, task.assignee_id} - {None}
        ],
        batch_size=BATCH,
    )
    return tasks


def _comments(
    scale: float,
    rng: random.Random,
    projects: list[Project],
    tasks: list[Task],
    members: dict[int, list[User]],
) -> int:
    workgroup_of = {p.pk: p.workgroup_id for p in projects}
    rows = []
    for i in range(scaled("comments", scale)):
        task = tasks[rng.randrange(len(tasks))]
        author = rng.choice(members[workgroup_of[task.project_id]])
        rows.append(Comment(task=task, author=author, body=f"Kommentar {i + 1}: erledigt bis Freitag?"))
    Comment.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
