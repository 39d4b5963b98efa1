"""A subject registers its roles and its folder of definitions with defaults; the engine assumes none."""

import shutil

import pytest
from django.core.management import call_command

from notifications.models import Notification
from workflows.models import WorkflowDefinition
from workflows.registry import Registry, registry
from workflows.services import workflow_definitions_sync, workflow_transition
from workflows.validation import DefinitionError

from .conftest import TICKET_DEFINITIONS

ERRAND = """\
key: errand
label: {de: Besorgung, en: Errand}
states:
  - {name: open, initial: true, label: {de: Offen, en: Open}}
  - {name: done, terminal: true, label: {de: Erledigt, en: Done}}
transitions:
  - {name: finish, label: {de: Erledigen, en: Finish}, from: open, to: done, roles: [clerk]}
deadlines:
  - {state: open, escalate_after_days: 3}
"""


@pytest.fixture
def office() -> Registry:
    """A subject of its own, with roles the projects do not have."""
    office = Registry()
    office.register_role("clerk", "Sachbearbeitung")
    office.register_role("head", "Leitung")
    return office


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "errand.yaml").write_text(ERRAND)
    return tmp_path


def test_a_second_subject_may_register_a_role_again_with_the_same_label_not_another(office):
    office.register_role("clerk", "Sachbearbeitung")
    with pytest.raises(ValueError, match="'clerk' is registered twice with different labels"):
        office.register_role("clerk", "Kasse")
    with pytest.raises(ValueError, match="'admin'"):
        office.register_role("admin", "Chef")
    assert office.roles["clerk"] == "Sachbearbeitung"


def test_a_folder_registered_again_keeps_its_defaults(office, folder):
    office.register_definitions(folder, watchers=["clerk"], escalate_role="head")
    office.register_definitions(folder, watchers=("clerk",), escalate_role="head")
    with pytest.raises(ValueError, match="registered twice, with other defaults"):
        office.register_definitions(folder, escalate_role="clerk")


def test_a_folders_defaults_fill_in_what_its_files_leave_out(db, office, folder):
    office.register_definitions(folder, watchers=["clerk"], escalate_role="head")
    (result,) = workflow_definitions_sync(registry=office)
    version = WorkflowDefinition.objects.get(key="errand", version=result.version)
    assert version.definition.watchers == ("clerk",)
    assert version.definition.deadlines[0].escalate_role == "head"
    assert version.source == ERRAND  # the file as written; the defaults are in the data


def test_a_file_that_writes_out_its_folders_defaults_is_the_same_version(db, office, folder):
    office.register_definitions(folder, watchers=["clerk"], escalate_role="head")
    workflow_definitions_sync(registry=office)
    (folder / "errand.yaml").write_text(
        ERRAND.replace("states:", "watchers: [clerk]\nstates:").replace(
            "escalate_after_days: 3}", "escalate_after_days: 3, escalate_role: head}"
        )
    )
    (result,) = workflow_definitions_sync(registry=office)
    assert (result.version, result.created) == (1, False)


def test_what_a_file_names_itself_wins_over_its_folders_defaults(db, office, folder):
    (folder / "errand.yaml").write_text(
        ERRAND.replace("states:", "watchers: []\nstates:").replace(
            "escalate_after_days: 3}", "escalate_after_days: 3, escalate_role: clerk}"
        )
    )
    office.register_definitions(folder, watchers=["clerk"], escalate_role="head")
    (result,) = workflow_definitions_sync(registry=office)
    definition = WorkflowDefinition.objects.get(key="errand").definition
    assert definition.watchers == ()
    assert definition.deadlines[0].escalate_role == "clerk"


def test_without_defaults_a_deadline_must_name_whom_it_escalates_to(db, office, folder):
    with pytest.raises(DefinitionError) as error:
        workflow_definitions_sync(directory=folder, registry=office)
    assert error.value.problems == [
        "errand.yaml: deadline for state 'open': escalate_after_days needs an escalate_role, the role "
        "told when the days have passed (name it here, or register the folder with a default escalate_role)"
    ]
    (folder / "errand.yaml").write_text(
        ERRAND.replace("escalate_after_days: 3}", "escalate_after_days: 3, escalate_role: head}")
    )
    workflow_definitions_sync(directory=folder, registry=office)
    assert WorkflowDefinition.objects.get(key="errand").definition.watchers == ()


def test_a_default_role_nobody_registered_is_named(db, office, folder):
    office.register_definitions(folder, watchers=["clerk", "mayor"], escalate_role="head")
    with pytest.raises(DefinitionError, match="errand.yaml: watchers: unknown role 'mayor'"):
        workflow_definitions_sync(registry=office)


def test_two_folders_cannot_both_define_a_key(db, office, folder, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    shutil.copy(folder / "errand.yaml", other / "errand.yaml")
    office.register_definitions(folder, escalate_role="head")
    office.register_definitions(other, escalate_role="head")
    with pytest.raises(DefinitionError, match="errand.yaml: key 'errand' is already defined in"):
        workflow_definitions_sync(registry=office)
    assert not WorkflowDefinition.objects.filter(key="errand").exists()


def test_the_command_syncs_every_registered_folder_and_a_registered_dir_with_its_defaults(
    db, folder, capsys, monkeypatch
):
    for table in ("roles", "definition_directories"):  # registered for this test only
        monkeypatch.setattr(registry, table, dict(getattr(registry, table)))
    registry.register_role("clerk", "Sachbearbeitung")
    registry.register_role("head", "Leitung")
    registry.register_definitions(folder, escalate_role="head")
    call_command("workflows_sync")
    out = capsys.readouterr().out
    assert "errand: new version 1" in out and "jobticket: unchanged (version 1)" in out
    call_command("workflows_sync", "--dir", str(folder))
    assert capsys.readouterr().out == "errand: unchanged (version 1)\n"


def test_the_command_says_when_a_folder_holds_no_definitions(db, tmp_path, capsys):
    call_command("workflows_sync", "--dir", str(tmp_path))
    assert capsys.readouterr().out == "no workflow definition files found\n"


def test_a_workflow_without_watchers_tells_nobody_of_a_step(tmp_path, make_ticket, people):
    text = (TICKET_DEFINITIONS / "ticket.yaml").read_text()
    assert "watchers: [member, chair]\n" in text
    (tmp_path / "ticket.yaml").write_text(text.replace("watchers: [member, chair]\n", ""))
    workflow_definitions_sync(directory=tmp_path)
    ticket = make_ticket()
    assert ticket.workflow.definition.watchers == ()
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    assert not Notification.objects.filter(kind="workflow_transition").exists()
