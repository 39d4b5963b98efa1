"""The audit trail of projects: edits (before/after of what changed), archiving, task deletion, migrations."""

import datetime
import shutil

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from audit.models import AuditEntry
from audit.selectors import audit_entries_for_scope, audit_entries_for_subject
from projects.services import project_archive, project_update, task_delete
from projects.workflow import DEFINITIONS_DIR
from tests.factories import OrganisationFactory
from workflows.services import workflow_definitions_sync, workflow_transition

pytestmark = pytest.mark.django_db


def rows(subject, action):
    return list(audit_entries_for_subject(subject=subject).filter(action=action))


def test_an_api_edit_records_who_changed_which_fields_from_what_to_what(world):
    member = world.people["member"]
    client = APIClient()
    client.force_authenticate(member)
    response = client.patch(
        f"/api/v1/projects/{world.project.pk}/",
        {"title": "Jobticket 2.0", "summary": world.project.summary, "start_date": "2015-06-24"},
        format="json",
    )
    assert response.status_code == 200
    (row,) = rows(world.project, "project.changed")
    assert (row.actor, row.scope_id, row.subject_label) == (member, world.group.pk, "Jobticket 2.0")
    # The summary was sent unchanged: not part of the record.
    assert row.before == {"title": "Jobticket", "start_date": None}
    assert row.after == {"title": "Jobticket 2.0", "start_date": "2015-06-24"}
    assert list(audit_entries_for_scope(scope=world.group).filter(action="project.changed")) == [row]


def test_partners_are_recorded_as_ids_and_an_edit_that_changes_nothing_records_nothing(world):
    chair = world.people["chair"]
    partners = [OrganisationFactory(name=f"Firma {i}") for i in range(2)]
    project_update(project=world.project, actor=chair, partner_organisations=partners)
    (row,) = rows(world.project, "project.changed")
    assert (row.before, row.after) == (
        {"partner_organisations": []},
        {"partner_organisations": sorted(p.pk for p in partners)},
    )
    project_update(project=world.project, actor=chair, title="Jobticket", partner_organisations=partners)
    assert len(rows(world.project, "project.changed")) == 1


def test_archiving_and_restoring_are_recorded(world):
    chair = world.people["chair"]
    project_archive(project=world.project, actor=chair)
    project_archive(project=world.project, actor=chair)  # already archived: no second row
    project_archive(project=world.project, actor=chair, archived=False)
    (archived,) = rows(world.project, "project.archived")
    (restored,) = rows(world.project, "project.restored")
    assert archived.actor == restored.actor == chair
    assert archived.before == {"archived_at": None}
    assert datetime.datetime.fromisoformat(archived.after["archived_at"]).year >= 2024
    assert (restored.before, restored.after) == (archived.after, {"archived_at": None})
    assert archived.scope_id == world.group.pk


def test_a_deleted_task_leaves_what_it_held_in_the_trail(world, client):
    client.force_login(world.people["chair"])
    task = world.task
    assert client.post(f"/tasks/{task.pk}/delete/").status_code == 302
    (row,) = AuditEntry.objects.filter(action="task.deleted")
    assert (row.actor, row.subject_id, row.subject_label, row.scope_id) == (
        world.people["chair"],
        task.pk,
        "Fragebogen entwerfen",
        world.group.pk,
    )
    assert row.before == {
        "project": world.project.pk,
        "title": "Fragebogen entwerfen",
        "description": "",
        "assignee": world.people["member"].pk,
        "due_date": None,
        "priority": 2,
        "status": "open",
    }
    assert row.after == {}


def test_a_refused_edit_or_deletion_records_nothing(world):
    chair = world.people["chair"]
    workflow_transition(subject=world.project, name="cancel", actor=chair, comment="Kein Bedarf")
    before = AuditEntry.objects.count()
    with pytest.raises(Exception, match="kann nicht mehr geändert werden"):
        project_update(project=world.project, actor=chair, title="Neu")
    with pytest.raises(Exception, match="kann nicht mehr geändert werden"):
        task_delete(task=world.task, actor=chair)
    assert AuditEntry.objects.count() == before


def test_transitions_stay_in_the_workflow_history_only(world):
    before = AuditEntry.objects.count()
    workflow_transition(subject=world.project, name="hold", actor=world.people["chair"], comment="Pause")
    assert AuditEntry.objects.count() == before


def test_a_workflow_migration_is_recorded_in_the_projects_group(world, projects_folder):
    shutil.copy(DEFINITIONS_DIR / "jobticket.yaml", projects_folder / "jobticket.yaml")
    path = projects_folder / "jobticket.yaml"
    path.write_text(
        path.read_text().replace(
            "label: {de: Jobticket, en: Job ticket}", "label: {de: Jobticket 2, en: Job ticket 2}"
        )
    )
    (result,) = workflow_definitions_sync(directory=projects_folder)
    call_command("workflows_migrate", "jobticket", "--from-version", "1", "--to-version", str(result.version))
    (row,) = rows(world.project, "workflow.migrated")
    assert (row.scope_type.model, row.scope_id) == ("body", world.group.pk)
    assert row.before == {
        "workflow": "jobticket",
        "version": 1,
        "state": "needs_assessment",
        "previous_state": "",
    }
    assert row.after == {**row.before, "version": result.version}
