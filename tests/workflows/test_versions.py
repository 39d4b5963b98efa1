"""Sync makes a new version only when a file changes; subjects keep theirs until migrated."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from tests.workflow_testapp.models import Ticket
from workflows.models import TransitionRecord, WorkflowDefinition
from workflows.selectors import workflow_history
from workflows.services import workflow_definitions_sync, workflow_start, workflow_transition

from .conftest import TICKET_DEFINITIONS


@pytest.fixture
def folder(tmp_path):
    shutil.copy(TICKET_DEFINITIONS / "ticket.yaml", tmp_path / "ticket.yaml")
    return tmp_path


def edit(folder, old: str, new: str) -> None:
    path = folder / "ticket.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_sync_creates_a_new_version_only_on_change(db, folder, capsys):
    call_command("workflows_sync", "--dir", str(folder))
    call_command("workflows_sync", "--dir", str(folder))
    edit(folder, "# The test subject's workflow", "# A comment changes nothing that matters")
    call_command("workflows_sync", "--dir", str(folder))
    assert list(WorkflowDefinition.objects.filter(key="ticket").values_list("version", flat=True)) == [1]
    edit(folder, "{de: Offen, en: Open}", "{de: Neu, en: New}")
    call_command("workflows_sync", "--dir", str(folder))
    versions = WorkflowDefinition.objects.filter(key="ticket").order_by("version")
    assert list(versions.values_list("version", flat=True)) == [1, 2]
    out = capsys.readouterr().out
    assert (
        "ticket: new version 1" in out and "ticket: unchanged (version 1)" in out and "new version 2" in out
    )


def test_sync_command_names_the_problems(db, folder):
    edit(folder, "roles: [steering]", "roles: [mayor]")
    with pytest.raises(CommandError, match="ticket.yaml: transition 'approve': unknown role 'mayor'"):
        call_command("workflows_sync", "--dir", str(folder))


def test_a_subject_keeps_the_version_it_started_on(folder, people, make_ticket):
    workflow_definitions_sync(directory=folder)
    old = make_ticket("alt")
    edit(folder, "{de: In Prüfung, en: In review}", "{de: Begutachtung, en: Assessment}")
    edit(folder, "to: review, roles: [member, chair]", "to: review, roles: [chair]")
    (result,) = workflow_definitions_sync(directory=folder)
    assert result.version == 2
    new = make_ticket("neu")
    assert (old.workflow.version, new.workflow.version) == (1, 2)

    workflow_transition(subject=old, name="submit", actor=people["member"])  # v1 still lets members submit
    assert old.state_label == "In Prüfung" and Ticket.objects.get(pk=old.pk).workflow.version == 1
    assert workflow_history(subject=old)[-1].to_label == "In Prüfung"
    with pytest.raises(Exception, match="Nur für: Vorsitz"):
        workflow_transition(subject=new, name="submit", actor=people["member"])
    workflow_transition(subject=new, name="submit", actor=people["chair"])
    assert new.state_label == "Begutachtung"
    assert TransitionRecord.objects.filter(subject_id=new.pk).last().workflow.version == 2


def test_a_definition_version_never_changes(ticket_workflow):
    row = WorkflowDefinition.objects.get(key="ticket")
    row.data = {}
    with pytest.raises(Exception, match="never changes"):
        row.save()


def test_start_uses_the_newest_version(folder, make_ticket):
    workflow_definitions_sync(directory=folder)
    edit(folder, "{de: Offen, en: Open}", "{de: Neu, en: New}")
    workflow_definitions_sync(directory=folder)
    ticket = Ticket.objects.create(title="x")
    workflow_start(subject=ticket, key="ticket")
    assert ticket.workflow.version == 2 and ticket.state_label == "Neu"
