"""Search: what a person may see, matched in German; on PostgreSQL on the stored, indexed tsvector."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.selectors import search
from projects.services import comment_create, task_update


def test_search_finds_inflected_german_words_in_tasks_projects_and_comments(world):
    member = world.people["member"]
    task_update(task=world.task, actor=member, description="Die Befragungen der Betriebe auswerten")
    comment_create(task=world.task, actor=member, body="Die Auswertung folgt nächste Woche")
    found = search(user=member, query="Betriebe")
    assert found["tasks"] == [world.task]
    assert [c.body for c in search(user=member, query="Auswertung")["comments"]] == [
        "Die Auswertung folgt nächste Woche"
    ]
    assert search(user=member, query="Jobticket")["projects"] == [world.project]
    assert search(user=world.people["other_member"], query="Betriebe")["tasks"] == []


@pytest.mark.services
def test_postgresql_search_reads_the_stored_vector_and_follows_changes(world):
    if connection.vendor != "postgresql":
        pytest.skip("the stored tsvector is PostgreSQL's")
    member = world.people["member"]
    task_update(task=world.task, actor=member, title="Werkstattgespräche organisieren")
    with CaptureQueriesContext(connection) as ctx:
        found = search(user=member, query="Werkstattgespräch")  # the stem finds the plural
    assert found["tasks"] == [world.task]
    sql = "\n".join(q["sql"] for q in ctx.captured_queries)
    assert "search_vector" in sql and "to_tsvector" not in sql
    assert "projects_taskgroupobjectpermission" not in sql
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename IN "
            "('projects_task', 'projects_project', 'projects_comment') AND indexdef LIKE '%%search_vector%%'"
        )
        assert all("USING gin" in row[0] for row in cursor.fetchall())
        assert cursor.rowcount == 3
