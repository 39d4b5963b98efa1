"""projects 0003: versions synced while the engine held the defaults keep their meaning."""

import datetime
import importlib

import yaml
from django.apps import apps

from notifications.models import Notification
from projects.models import Project
from workflows.models import WorkflowDefinition
from workflows.services import workflow_deadlines_check, workflow_definitions_sync, workflow_transition
from workflows.services.sync import checksum_of

migration = importlib.import_module("projects.migrations.0003_workflow_definitions_project_defaults")


def _as_stored_before_projects_had_defaults() -> None:
    """Every version as the old sync stored it: the file's data as written, its checksum."""
    for row in WorkflowDefinition.objects.all():
        data = yaml.safe_load(row.source)
        WorkflowDefinition.objects.filter(pk=row.pk).update(data=data, checksum=checksum_of(data))


def test_old_versions_get_the_defaults_written_in_and_the_next_sync_makes_no_new_version(world):
    _as_stored_before_projects_had_defaults()
    old = WorkflowDefinition.objects.get(pk=world.project.workflow_id)
    assert all("escalate_role" not in d for d in old.data["deadlines"])

    migration.write_defaults(apps, None)

    results = workflow_definitions_sync()
    assert {r.key for r in results} >= {"jobticket", "generic"}
    assert not any(r.created for r in results)
    assert WorkflowDefinition.objects.filter(key="jobticket").count() == 1


def test_a_running_project_on_an_old_version_still_tells_its_group_and_escalates_to_steering(world):
    _as_stored_before_projects_had_defaults()
    migration.write_defaults(apps, None)
    project = Project.objects.get(pk=world.project.pk)  # read again: the version's new data

    workflow_transition(subject=project, name="hold", actor=world.people["chair"], comment="Warten")
    about = Notification.objects.filter(subject_id=project.pk, subject_type__model="project")
    told = about.filter(kind="workflow_transition").values_list("recipient", flat=True)
    assert set(told) == {world.people["member"].pk}  # the watchers member and chair, less the actor

    workflow_deadlines_check(now=project.state_entered_at + datetime.timedelta(days=121))
    deadline = about.filter(kind="workflow_deadline").values_list("recipient", flat=True)
    assert set(deadline) == {world.people["chair"].pk, world.people["steering"].pk}  # reminder, escalation


def test_an_empty_watchers_list_kept_the_old_meaning_of_member_and_chair():
    data = {"key": "x", "watchers": [], "deadlines": [{"state": "a", "escalate_after_days": 3}]}
    filled = migration.with_old_defaults(data)
    assert filled["watchers"] == ["member", "chair"]
    assert filled["deadlines"] == [{"state": "a", "escalate_after_days": 3, "escalate_role": "steering"}]
    named = {"key": "x", "watchers": ["staff"], "deadlines": [{"state": "a", "remind_after_days": 3}]}
    assert migration.with_old_defaults(named) == named
