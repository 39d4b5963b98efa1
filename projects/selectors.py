"""Reads of projects, tasks and comments for a person, filtered by permission in the database."""

import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Count, Exists, Expression, F, Q, QuerySet, Value, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from accounts.models import User
from core.permissions import filter_by_object_perm, has_perm_subquery
from workflows.models import DEFINITION_DEFERRED
from workgroups.models import Body, Membership

from .models import Comment, Project, ProjectGroupObjectPermission, Task
from .permissions import filter_by_task_perm


def _projects() -> QuerySet[Project]:
    return Project.objects.select_related("workgroup", "workflow").defer(
        *(f"workflow__{name}" for name in DEFINITION_DEFERRED)
    )


def projects_visible(*, user: User) -> QuerySet[Project]:
    """Projects whose whole content `user` may see."""
    return filter_by_object_perm(
        _projects(),
        user=user,
        codename="view_project",
        perm_model=ProjectGroupObjectPermission,
    )


def projects_listed(*, user: User) -> QuerySet[Project]:
    """Projects `user` may at least see the public summary of; `full_access` says whether more."""
    queryset = filter_by_object_perm(
        _projects(),
        user=user,
        codename="view_project_summary",
        perm_model=ProjectGroupObjectPermission,
    )
    if not user.is_authenticated or user.is_superuser:
        return queryset.annotate(full_access=Value(user.is_authenticated))
    return queryset.annotate(
        full_access=Exists(
            has_perm_subquery(user=user, codename="view_project", perm_model=ProjectGroupObjectPermission)
        )
    )


def project_get_for_user(*, user: User, pk: int, summary_only_ok: bool = False) -> Project:
    """One project, or 404 when it does not exist or `user` may not see it."""
    source = projects_listed(user=user) if summary_only_ok else projects_visible(user=user)
    project = source.filter(pk=pk).first()
    if project is None:
        raise Http404
    if not summary_only_ok:
        project.full_access = True
    return project


def tasks_visible(*, user: User) -> QuerySet[Task]:
    """Tasks of the projects whose tasks `user` may see (a join on the few projects, no task rows)."""
    return filter_by_task_perm(Task.objects.select_related("project__workgroup", "assignee"), user=user)


def comments_visible(*, user: User) -> QuerySet[Comment]:
    """Comments on tasks `user` may see: the same projects decide."""
    return filter_by_task_perm(Comment.objects.all(), user=user, via="task__")


def task_get_for_user(*, user: User, pk: int) -> Task:
    task = tasks_visible(user=user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


# How many cards a column shows at first, and how many more each "more" link adds. A card moved
# into a column goes to its top, so the done column's first cards are the most recently done.
BOARD_FIRST = {Task.Status.OPEN: 50, Task.Status.IN_PROGRESS: 50, Task.Status.DONE: 20}
BOARD_STEP = {Task.Status.OPEN: 50, Task.Status.IN_PROGRESS: 50, Task.Status.DONE: 100}
BOARD_MOST = 5000  # the most cards of one column a request shows, whatever the URL asks


def _ranked_tasks(project: Project) -> QuerySet[Task]:
    """The project's tasks, each with its place in its column (1, 2, ...) and its column's size."""
    column = {"partition_by": F("status")}
    return project.tasks.select_related("assignee").annotate(
        place=Window(RowNumber(), order_by=(F("position").asc(), F("pk").asc()), **column),
        column_total=Window(Count("pk"), **column),
    )


def board_columns(
    *, project: Project, shown: dict[str, int] | None = None
) -> list[tuple[str, str, list[Task], int]]:
    """Each status column's first cards (`shown`, else BOARD_FIRST many) and its number of cards:
    (status, label, tasks, total), in one query whatever the column's size."""
    shown = {**BOARD_FIRST, **(shown or {})}
    first = Q()
    for value in Task.Status.values:
        first |= Q(status=value, place__lte=shown[value])
    tasks = list(_ranked_tasks(project).filter(first).order_by("status", "place"))
    return [
        (
            value,
            label,
            column := [t for t in tasks if t.status == value],
            column[0].column_total if column else 0,
        )
        for value, label in Task.Status.choices
    ]


def board_column_slice(*, project: Project, status: str, offset: int, limit: int) -> tuple[list[Task], int]:
    """A column's cards after its first `offset`, at most `limit` of them, and the column's size
    (0 when the slice is empty: the caller then shows no more link), in one query."""
    tasks = list(
        _ranked_tasks(project)
        .filter(status=status, place__gt=offset, place__lte=offset + limit)
        .order_by("place")
    )
    return tasks, tasks[0].column_total if tasks else 0


# The reader's rights an open board depends on: seeing it, moving its cards, adding cards.
BOARD_CODENAMES = ("view_project", "change_project", "add_task_to_project")


def board_stamp(*, user: User, pk: int) -> tuple[int, int, frozenset[str]]:
    """An open board's question "has it changed?", in one query: the project's board version and
    workflow sequence, and which of BOARD_CODENAMES `user` holds on it; 404 when `user` may not
    see it (like project_get_for_user). Asked every few seconds by every open board, so the
    query is as plain as it can be: the person's permission rows on the project."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    if user.is_superuser:
        row = Project.objects.filter(pk=pk).values_list("board_version", "workflow_sequence").first()
        if row is None:
            raise Http404
        return row[0], row[1], frozenset(BOARD_CODENAMES)
    rows = list(
        ProjectGroupObjectPermission.objects.filter(
            content_object_id=pk, group__user=user, permission__codename__in=BOARD_CODENAMES
        ).values_list(
            "content_object__board_version", "content_object__workflow_sequence", "permission__codename"
        )
    )
    held = frozenset(row[2] for row in rows)
    if "view_project" not in held:
        raise Http404
    return rows[0][0], rows[0][1], held


def tasks_for_user(
    *,
    user: User,
    scope: str = "mine",
    group: str | None = None,
    status: str | None = None,
    due: str | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Task]:
    """'My tasks': assigned to `user` (scope mine) or in all their groups (scope all), filtered."""
    today = today or datetime.date.today()
    queryset = tasks_visible(user=user).filter(project__archived_at__isnull=True)
    if scope == "mine":
        queryset = queryset.filter(assignee=user)
    else:
        queryset = queryset.filter(
            project__workgroup__memberships__user=user, project__workgroup__memberships__left_at__isnull=True
        )
    if group:
        queryset = queryset.filter(project__workgroup__slug=group)
    if status:
        queryset = queryset.filter(status=status)
    if due == "overdue":
        queryset = queryset.filter(due_date__lt=today).exclude(status=Task.Status.DONE)
    elif due == "week":
        queryset = queryset.filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=7))
    elif due == "none":
        queryset = queryset.filter(due_date__isnull=True)
    return queryset.order_by("due_date", "-priority", "pk")


def comments_of(*, task: Task) -> QuerySet[Comment]:
    return task.comments.select_related("author__organisation")


def project_members(*, project: Project) -> QuerySet[User]:
    """People who can be assigned tasks of the project: its working group's active members."""
    return User.objects.filter(
        memberships__body_id=project.workgroup_id, memberships__left_at__isnull=True
    ).order_by("last_name", "first_name")


def projects_of_group(*, user: User, body: Body) -> QuerySet[Project]:
    return (
        projects_visible(user=user)
        .filter(workgroup=body)
        .annotate(open_tasks=Count("tasks", filter=~Q(tasks__status=Task.Status.DONE)))
    )


def user_group_slugs(*, user: User) -> QuerySet:
    return Membership.objects.filter(
        user=user, left_at__isnull=True, body__kind=Body.Kind.WORKING_GROUP
    ).values_list("body__slug", "body__name")


class StoredSearchVector(Expression):
    """The row's stored `search_vector` column (PostgreSQL; projects migration 0005)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


def search(*, user: User, query: str, limit: int = 30) -> dict[str, list]:
    """Projects, tasks and comments matching `query` that `user` may see, best matches first."""
    query = query.strip()
    if not query:
        return {"projects": [], "tasks": [], "comments": []}
    projects = projects_visible(user=user)
    tasks = tasks_visible(user=user)
    comments = comments_visible(user=user).select_related("task__project", "author")
    if connection.vendor == "postgresql":
        search_query = SearchQuery(query, config="german", search_type="websearch")

        def ranked(qs):
            # `vector @@ query` uses the GIN index; the rank only orders what matched.
            return (
                qs.alias(vector=StoredSearchVector())
                .filter(vector=search_query)
                .annotate(rank=SearchRank(StoredSearchVector(), search_query))
                .order_by("-rank", "pk")
            )

        return {
            "projects": list(ranked(projects)[:limit]),
            "tasks": list(ranked(tasks)[:limit]),
            "comments": list(ranked(comments)[:limit]),
        }
    words = query.split()

    def matching(qs, *fields):
        for word in words:
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(condition)
        return qs.order_by("-pk")

    return {
        "projects": list(matching(projects, "title", "summary", "description", "goals")[:limit]),
        "tasks": list(matching(tasks, "title", "description")[:limit]),
        "comments": list(matching(comments, "body")[:limit]),
    }
