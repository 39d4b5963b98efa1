"""Pages and API lists cost the same number of queries for 10 tasks as for 1,000."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Task, TaskGroupObjectPermission
from projects.permissions import TASK_GRANTS
from workgroups.permissions import related_role_groups


def add_tasks(world, count: int) -> None:
    """Many tasks at once (test setup), with the same grants task_create writes one by one."""
    from django.contrib.auth.models import Permission

    member = world.people["member"]
    tasks = Task.objects.bulk_create(
        [
            Task(
                project=world.project,
                title=f"Aufgabe {i}",
                assignee=member,
                status=Task.Status.values[i % 3],
                due_date=datetime.date(2015, 6, 24),
            )
            for i in range(count)
        ]
    )
    groups = related_role_groups(world.group)
    perms = {p.codename: p for p in Permission.objects.filter(content_type__app_label="projects")}
    TaskGroupObjectPermission.objects.bulk_create(
        [
            TaskGroupObjectPermission(group=groups[key], permission=perms[codename], content_object=task)
            for task in tasks
            for key, names in TASK_GRANTS.items()
            if key in groups
            for codename in names
        ]
    )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = [
    lambda w: f"/projects/{w.project.pk}/board/",
    lambda w: "/tasks/mine/",
    lambda w: "/tasks/mine/?scope=all&status=open",
    lambda w: f"/groups/{w.group.slug}/",
    lambda w: "/projects/",
    lambda w: "/api/v1/projects/",
    lambda w: "/api/v1/tasks/",
    lambda w: f"/api/v1/tasks/?project={w.project.pk}&status=open",
    lambda w: "/api/v1/bodies/",
    lambda w: "/",
    lambda w: "/dashboard/",
]


@pytest.mark.parametrize("page", range(len(PAGES)))
def test_page_queries_do_not_grow_with_the_number_of_tasks(
    client, world, page, django_assert_max_num_queries
):
    client.force_login(world.people["member"])
    url = PAGES[page](world)
    add_tasks(world, 10)
    small = count_queries(client, url)
    add_tasks(world, 990)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
