"""Pages and API lists cost the same number of queries for 10 tasks as for 1,000, and none of
them reads a per-task permission table: a task's access is its project's."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Comment, Task

PER_TASK_TABLES = ("projects_taskgroupobjectpermission", "projects_taskuserobjectpermission")


def add_tasks(world, count: int) -> None:
    """Many tasks at once (test setup), as task_create writes them: no permission rows; every
    tenth with a comment."""
    member = world.people["member"]
    tasks = Task.objects.bulk_create(
        [
            Task(
                project=world.project,
                title=f"Aufgabe {i}",
                description="Protokoll der Sitzung",
                assignee=member,
                status=Task.Status.values[i % 3],
                due_date=datetime.date(2015, 6, 24),
            )
            for i in range(count)
        ]
    )
    Comment.objects.bulk_create(
        [Comment(task=task, author=member, body="Protokoll bis Freitag") for task in tasks[::10]]
    )


def captured(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


PAGES = [
    lambda w: f"/projects/{w.project.pk}/board/",
    lambda w: f"/projects/{w.project.pk}/",
    lambda w: f"/tasks/{w.task.pk}/",
    lambda w: "/tasks/mine/",
    lambda w: "/tasks/mine/?scope=all&status=open",
    lambda w: f"/groups/{w.group.slug}/",
    lambda w: "/projects/",
    lambda w: "/search/?q=Protokoll",
    lambda w: "/api/v1/projects/",
    lambda w: "/api/v1/tasks/",
    lambda w: f"/api/v1/tasks/?project={w.project.pk}&status=open",
    lambda w: "/api/v1/comments/",
    lambda w: "/api/v1/bodies/",
    lambda w: "/notifications/",
    lambda w: "/",
    lambda w: "/dashboard/",
]


@pytest.mark.parametrize("role", ["member", "staff"])
@pytest.mark.parametrize("page", range(len(PAGES)))
def test_page_queries_do_not_grow_with_the_number_of_tasks_nor_read_task_permissions(
    client, world, page, role
):
    client.force_login(world.people[role])
    url = PAGES[page](world)
    add_tasks(world, 10)
    captured(client, url)  # warms the per-process caches (content types, the forum), as in production
    small = captured(client, url)
    add_tasks(world, 990)
    large = captured(client, url)
    assert len(large) == len(small), url
    for sql in small + large:
        assert not any(table in sql.lower() for table in PER_TASK_TABLES), (url, sql)
