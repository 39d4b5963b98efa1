"""The project workflow files: valid, complete for a working group, drawable, with projects' defaults."""

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from projects.workflow import DEFINITIONS_DIR
from workflows.diagram import workflow_diagram
from workflows.registry import registry
from workflows.services import workflow_definitions_sync
from workflows.spec import TO_PREVIOUS, parse_definition
from workflows.validation import validate_definition

SHIPPED = {"jobticket", "innovationscluster", "lehrerpraktika", "gesicht_zeigen", "generic"}

# Guards and effects a shipped file may name before its subject app registers them (DESIGN.md:
# the subject registers its own). Empty: projects registers all that the project workflows use.
EXPECTED_SUBJECT_HOOKS: dict[str, set[str]] = {"guards": set(), "effects": set()}


def _files() -> dict[str, dict]:
    """Each file's data as the sync sees it: with the defaults projects registered for the folder."""
    folder = registry.definition_directory(DEFINITIONS_DIR)
    return {
        path.stem: folder.with_defaults(yaml.safe_load(path.read_text()))
        for path in sorted(DEFINITIONS_DIR.glob("*.yaml"))
    }


def _names(data: dict, kind: str) -> set[str]:
    calls = [c for t in data["transitions"] for c in t.get(f"{kind}s", [])]
    if kind == "effect":
        calls += (data.get("start") or {}).get("effects", [])
    return {c if isinstance(c, str) else next(iter(c)) for c in calls}


def _stand_in(ctx, **params):
    return None


def _with_stand_ins():
    """The registry as it is, plus stand-ins for the expected subject hooks nobody registered yet."""
    return registry.extended(
        guards={name: _stand_in for name in EXPECTED_SUBJECT_HOOKS["guards"]},
        effects={name: _stand_in for name in EXPECTED_SUBJECT_HOOKS["effects"]},
    )


def test_the_five_project_workflows_are_shipped():
    assert set(_files()) == SHIPPED


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_every_hook_a_shipped_file_names_is_registered_or_expected(key):
    data = _files()[key]
    for kind, table in (("guard", registry.guards), ("effect", registry.effects)):
        unknown = _names(data, kind) - set(table) - EXPECTED_SUBJECT_HOOKS[f"{kind}s"]
        assert not unknown, f"{key}.yaml names {kind}s nobody registers: {unknown}"


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_shipped_definition_validates(key):
    with _with_stand_ins():
        assert validate_definition(_files()[key]) == []


def test_migrate_loads_the_shipped_definitions_and_a_second_sync_adds_nothing(db):
    from workflows.models import WorkflowDefinition

    loaded = set(WorkflowDefinition.objects.filter(version=1).values_list("key", flat=True))
    assert loaded >= SHIPPED
    results = workflow_definitions_sync()
    assert {r.key for r in results} == SHIPPED | {"escalation", "seal_application"}
    assert not any(r.created for r in results)


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_every_workflow_can_be_held_resumed_and_cancelled_with_a_reason(key):
    definition = parse_definition(_files()[key])
    hold, resume, cancel = (definition.transitions[n] for n in ("hold", "resume", "cancel"))
    open_states = {name for name, s in definition.states.items() if not s.terminal}
    assert hold.to == "on_hold" and set(hold.sources) == open_states - {"on_hold"}
    assert resume.sources == ("on_hold",) and resume.to == TO_PREVIOUS
    assert definition.states[cancel.to].terminal and set(cancel.sources) == open_states
    assert cancel.comment_required
    assert "steering" in hold.roles and "steering" in cancel.roles
    classes = {name: s.state_class for name, s in definition.states.items()}
    assert {n for n, c in classes.items() if c == "on_hold"} == {"on_hold"}
    assert (
        {n for n, c in classes.items() if c == "terminal"}
        == {n for n, s in definition.states.items() if s.terminal}
        >= {"cancelled"}
    )


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_every_deadline_escalates_to_the_steering_team(key):
    definition = parse_definition(_files()[key])
    assert definition.deadlines
    assert {d.escalate_role for d in definition.deadlines} == {"steering"}


def test_jobticket_follows_the_working_groups_way():
    definition = parse_definition(_files()["jobticket"])
    happy_path = [
        "needs_assessment",
        "negotiation",
        "contract",
        "enrolment",
        "active",
        "evaluation",
        "completed",
    ]
    for here, there in zip(happy_path, happy_path[1:], strict=False):
        assert any(t.to == there and here in t.sources for t in definition.transitions.values()), (
            here,
            there,
        )
    assert "AVV" in definition.states["negotiation"].labels["de"]
    assert definition.states["needs_assessment"].tasks  # entering a state creates its standard tasks


def test_exhibition_follows_the_working_groups_way():
    definition = parse_definition(_files()["gesicht_zeigen"])
    happy_path = [
        "concept",
        "venue_search",
        "exhibitor_recruitment",
        "setup",
        "open",
        "dismantled",
        "evaluated",
    ]
    for here, there in zip(happy_path, happy_path[1:], strict=False):
        assert any(t.to == there and here in t.sources for t in definition.transitions.values()), (
            here,
            there,
        )


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_diagram_is_well_formed_accessible_svg(key, language):
    definition = parse_definition(_files()[key])
    current = next(n for n, s in definition.states.items() if not s.initial and not s.terminal)
    with translation.override(language):
        svg = str(workflow_diagram(definition=definition, current=current, dom_id=f"d-{key}"))
    root = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"d-{key}-title d-{key}-desc"
    title = root.find("svg:title", ns).text
    assert definition.states[current].labels[language] in title
    states = root.findall(".//svg:g[@data-state]", ns)
    assert {g.get("data-state") for g in states} == set(definition.states)
    (marked,) = [g for g in states if "wf-current" in g.get("class")]
    assert marked.get("data-state") == current
    terminal = {g.get("data-state") for g in states if "wf-terminal" in g.get("class")}
    assert terminal == {n for n, s in definition.states.items() if s.terminal}
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing loaded from outside
    for s in definition.states.values():
        assert s.labels[language] in root.find("svg:desc", ns).text


def test_projects_register_their_folder_with_their_defaults():
    folder = registry.definition_directories[DEFINITIONS_DIR]
    assert (folder.watchers, folder.escalate_role) == (("member", "chair"), "steering")
    root = Path(__file__).resolve().parents[2]
    assert root / "projects" / "workflows" == DEFINITIONS_DIR
    assert not list((root / "workflows").rglob("*.yaml"))  # none left in the engine


def test_the_shipped_files_sync_from_their_folder_only_with_the_projects_defaults(db, tmp_path, capsys):
    call_command("workflows_sync", "--dir", str(DEFINITIONS_DIR))
    assert capsys.readouterr().out.count("unchanged (version 1)") == len(SHIPPED)
    shutil.copy(DEFINITIONS_DIR / "generic.yaml", tmp_path / "generic.yaml")  # a folder without them
    with pytest.raises(CommandError, match="escalate_after_days needs an escalate_role"):
        call_command("workflows_sync", "--dir", str(tmp_path))


def test_writing_out_the_projects_defaults_in_a_file_makes_no_new_version(db, projects_folder):
    text = (DEFINITIONS_DIR / "generic.yaml").read_text()
    assert "watchers: [member, chair]\n" in text and "escalate_role" not in text
    explicit = text.replace("escalate_after_days: 90}", "escalate_after_days: 90, escalate_role: steering}")
    without_watchers = text.replace("watchers: [member, chair]\n", "")
    for changed in (explicit, without_watchers):
        assert changed != text
        (projects_folder / "generic.yaml").write_text(changed)
        (result,) = workflow_definitions_sync(directory=projects_folder)
        assert (result.key, result.created) == ("generic", False)


JOBTICKET_TABLE = {
    "start_negotiation": {"chair"},
    "reassess_needs": {"chair"},
    "record_agreement": {"chair"},
    "approve_contract": {"steering"},
    "renegotiate": {"chair", "steering"},
    "launch": {"chair"},
    "start_evaluation": {"chair"},
    "continue_ticket": {"chair", "steering"},
    "complete": {"chair", "steering"},
    "hold": {"chair", "steering", "admin"},
    "resume": {"chair", "steering", "admin"},
    "cancel": {"chair", "steering", "admin"},
}


@pytest.mark.parametrize("role", ["member", "chair", "steering", "staff", "forum", "admin"])
@pytest.mark.parametrize("name", JOBTICKET_TABLE)
def test_jobticket_permission_table(name, role):
    definition = parse_definition(_files()["jobticket"])
    assert set(definition.transitions) == set(JOBTICKET_TABLE)
    assert (role in definition.transitions[name].roles) is (role in JOBTICKET_TABLE[name])
