"""workflows_migrate moves running subjects to a new version, and refuses to strand one."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from audit.selectors import audit_entries_for_subject
from tests.workflow_testapp.models import Ticket
from workflows.models import TransitionRecord
from workflows.selectors import workflow_history
from workflows.services import workflow_definitions_sync, workflow_transition

from .conftest import TICKET_DEFINITIONS


@pytest.fixture
def two_versions(tmp_path, people, make_ticket):
    """v1 as shipped, with tickets in open, review and on hold (from review).

    v2 renames review to assessment.
    """
    shutil.copy(TICKET_DEFINITIONS / "ticket.yaml", tmp_path / "ticket.yaml")
    workflow_definitions_sync(directory=tmp_path)
    tickets = {
        "open": make_ticket("offen"),
        "review": make_ticket("prüfung"),
        "held": make_ticket("pausiert"),
    }
    workflow_transition(subject=tickets["review"], name="submit", actor=people["chair"])
    workflow_transition(subject=tickets["held"], name="submit", actor=people["chair"])
    workflow_transition(subject=tickets["held"], name="hold", actor=people["chair"])
    path = tmp_path / "ticket.yaml"
    path.write_text(
        path.read_text()
        .replace("name: review", "name: assessment")
        .replace("to: review", "to: assessment")
        .replace("from: review", "from: assessment")
        .replace("[open, review]", "[open, assessment]")
        .replace("state: review", "state: assessment")
    )
    (result,) = workflow_definitions_sync(directory=tmp_path)
    assert result.version == 2
    return tickets


def reload(ticket) -> Ticket:
    return Ticket.objects.select_related("workflow").get(pk=ticket.pk)


def test_migrate_refuses_a_mapping_that_leaves_subjects_in_a_removed_state(two_versions):
    with pytest.raises(CommandError) as error:
        call_command("workflows_migrate", "ticket", "--from-version", "1", "--to-version", "2")
    message = str(error.value)
    assert (
        "state 'review' is not in version 2" in message
        and "add --map review=<a state of version 2>" in message
    )
    assert "2 subject(s)" in message  # one in review, one on hold that would resume to review
    assert {reload(t).workflow.version for t in two_versions.values()} == {1}
    assert not TransitionRecord.objects.filter(kind="migration").exists()


def test_migrate_refuses_a_target_the_new_version_lacks(two_versions):
    with pytest.raises(CommandError, match="the new version has no state 'reviewed'"):
        call_command(
            "workflows_migrate",
            "ticket",
            "--from-version",
            "1",
            "--to-version",
            "2",
            "--map",
            "review=reviewed",
        )


def test_migrate_moves_subjects_with_the_mapping(two_versions, people, capsys):
    call_command(
        "workflows_migrate",
        "ticket",
        "--from-version",
        "1",
        "--to-version",
        "2",
        "--map",
        "review=assessment",
    )
    assert "moved 3 subject(s) from v1 to v2" in capsys.readouterr().out
    opened, reviewed, held = (reload(two_versions[k]) for k in ("open", "review", "held"))
    assert (opened.workflow.version, opened.state) == (2, "open")
    assert (reviewed.workflow.version, reviewed.state, reviewed.state_label) == (
        2,
        "assessment",
        "In Prüfung",
    )
    assert (held.state, held.previous_state) == ("on_hold", "assessment")
    assert workflow_history(subject=reviewed)[-1].label == "Auf Version 2 des Ablaufs umgestellt"
    # The subjects work on the new version: the held one resumes to the renamed state.
    workflow_transition(subject=held, name="resume", actor=people["chair"])
    assert held.state == "assessment"
    workflow_transition(subject=reviewed, name="approve", actor=people["steering"])
    assert reviewed.state == "approved"


def test_migrate_writes_one_audit_row_per_moved_subject(two_versions):
    call_command(
        "workflows_migrate",
        "ticket",
        "--from-version",
        "1",
        "--to-version",
        "2",
        "--map",
        "review=assessment",
    )
    (row,) = audit_entries_for_subject(subject=two_versions["held"])
    assert (row.action, row.actor, row.scope_id) == ("workflow.migrated", None, None)
    assert row.before == {"workflow": "ticket", "version": 1, "state": "on_hold", "previous_state": "review"}
    assert row.after == {
        "workflow": "ticket",
        "version": 2,
        "state": "on_hold",
        "previous_state": "assessment",
    }
    assert AuditEntry.objects.filter(action="workflow.migrated").count() == 3


def test_a_refused_or_dry_migration_audits_nothing(two_versions):
    with pytest.raises(CommandError):
        call_command("workflows_migrate", "ticket", "--from-version", "1", "--to-version", "2")
    call_command(
        "workflows_migrate",
        "ticket",
        "--from-version",
        "1",
        "--to-version",
        "2",
        "--map",
        "review=assessment",
        "--dry-run",
    )
    assert not AuditEntry.objects.exists()


def test_migrate_keeps_the_time_in_an_unchanged_state(two_versions):
    before = reload(two_versions["open"]).state_entered_at
    call_command(
        "workflows_migrate",
        "ticket",
        "--from-version",
        "1",
        "--to-version",
        "2",
        "--map",
        "review=assessment",
    )
    assert reload(two_versions["open"]).state_entered_at == before
    assert reload(two_versions["review"]).state_entered_at > before


def test_migrate_dry_run_changes_nothing(two_versions, capsys):
    call_command(
        "workflows_migrate",
        "ticket",
        "--from-version",
        "1",
        "--to-version",
        "2",
        "--map",
        "review=assessment",
        "--dry-run",
    )
    out = capsys.readouterr().out
    assert "review → assessment" in out and "would move 3 subject(s)" in out
    assert {reload(t).workflow.version for t in two_versions.values()} == {1}


def test_migrate_refuses_bad_arguments(two_versions):
    with pytest.raises(CommandError, match="has no version 7"):
        call_command("workflows_migrate", "ticket", "--from-version", "1", "--to-version", "7")
    with pytest.raises(CommandError, match="old=new"):
        call_command(
            "workflows_migrate", "ticket", "--from-version", "1", "--to-version", "2", "--map", "review"
        )
