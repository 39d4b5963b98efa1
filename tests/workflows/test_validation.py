"""The validator names each kind of broken definition; sync refuses a broken file and stores nothing."""

import copy

import pytest
import yaml

from workflows.models import WorkflowDefinition
from workflows.registry import Registry, registry
from workflows.services import workflow_definitions_sync
from workflows.validation import DefinitionError, load_definition, validate_definition

VALID = {
    "key": "sample",
    "label": {"de": "Beispiel", "en": "Sample"},
    "states": [
        {"name": "draft", "initial": True, "label": {"de": "Entwurf", "en": "Draft"}},
        {"name": "active", "label": {"de": "Aktiv", "en": "Active"}},
        {"name": "done", "terminal": True, "label": {"de": "Fertig", "en": "Done"}},
        {"name": "on_hold", "label": {"de": "Pausiert", "en": "On hold"}},
    ],
    "transitions": [
        {
            "name": "activate",
            "label": {"de": "Aktivieren", "en": "Activate"},
            "from": "draft",
            "to": "active",
            "roles": ["chair"],
            "guards": [{"comment_min_length": {"min": 5}}],
            "effects": [{"notify": {"role": "forum"}}],
        },
        {
            "name": "finish",
            "label": {"de": "Beenden", "en": "Finish"},
            "from": "active",
            "to": "done",
            "roles": ["chair", "steering"],
        },
        {
            "name": "hold",
            "label": {"de": "Pausieren", "en": "Hold"},
            "from": "*",
            "to": "on_hold",
            "roles": ["chair"],
        },
        {
            "name": "resume",
            "label": {"de": "Fortsetzen", "en": "Resume"},
            "from": "on_hold",
            "to": "$previous",
            "roles": ["chair"],
        },
    ],
    "deadlines": [
        {
            "state": "active",
            "remind_after_days": 7,
            "remind_role": "chair",
            "escalate_after_days": 14,
            "escalate_role": "steering",
        }
    ],
}


def broken(change) -> dict:
    data = copy.deepcopy(VALID)
    change(data)
    return data


def state(data, name):
    return next(s for s in data["states"] if s["name"] == name)


def step(data, name):
    return next(t for t in data["transitions"] if t["name"] == name)


def test_the_sample_is_valid_and_parses():
    definition = load_definition(VALID)
    assert definition.initial.name == "draft"
    assert definition.transitions["hold"].sources == (
        "draft",
        "active",
    )  # not the target itself, nor terminal
    assert definition.deadlines[0].escalate_role == "steering"


CASES = {
    "unreachable state": (
        lambda d: d["states"].append({"name": "orphan", "label": {"de": "W", "en": "O"}, "terminal": True}),
        "state 'orphan' cannot be reached from the initial state 'draft'",
    ),
    "non-terminal state with no way out": (
        lambda d: (
            d["states"].append({"name": "stuck", "label": {"de": "F", "en": "S"}}),
            d["transitions"].append(
                {
                    "name": "get_stuck",
                    "label": {"de": "x", "en": "x"},
                    "from": "active",
                    "to": "stuck",
                    "roles": ["chair"],
                }
            ),
            step(d, "hold").update({"from": ["draft", "active"]}),
        ),
        "state 'stuck' is not terminal but no transition leaves it",
    ),
    "no initial state": (
        lambda d: state(d, "draft").pop("initial"),
        "no initial state",
    ),
    "two initial states": (
        lambda d: state(d, "active").update(initial=True),
        "more than one initial state: draft, active",
    ),
    "no terminal state": (
        lambda d: state(d, "done").pop("terminal"),
        "no terminal state",
    ),
    "unknown role": (
        lambda d: step(d, "finish").update(roles=["chair", "mayor"]),
        "transition 'finish': unknown role 'mayor'",
    ),
    "unknown guard": (
        lambda d: step(d, "finish").update(guards=["moon_is_full"]),
        "transition 'finish': unknown guard 'moon_is_full'",
    ),
    "unknown effect": (
        lambda d: step(d, "finish").update(effects=["send_fax"]),
        "transition 'finish': unknown effect 'send_fax'",
    ),
    "guard with a parameter it does not take": (
        lambda d: step(d, "activate").update(guards=[{"comment_min_length": {"max": 5}}]),
        "transition 'activate': guard 'comment_min_length' does not take these parameters",
    ),
    "effect with a role nobody knows": (
        lambda d: step(d, "activate").update(effects=[{"notify": {"role": "mayor"}}]),
        "effect 'notify' does not take these parameters (unknown role 'mayor')",
    ),
    "transition to an unknown state": (
        lambda d: step(d, "finish").update(to="archived"),
        "transition 'finish': goes to unknown state 'archived'",
    ),
    "transition from an unknown state": (
        lambda d: step(d, "finish").update({"from": ["active", "paused"]}),
        "transition 'finish': starts from unknown state 'paused'",
    ),
    "transition out of a terminal state": (
        lambda d: step(d, "finish").update({"from": ["active", "done"]}),
        "transition 'finish': leaves terminal state 'done'",
    ),
    "duplicate state name": (
        lambda d: d["states"].append({"name": "active", "label": {"de": "A", "en": "A"}}),
        "duplicate state name 'active'",
    ),
    "duplicate transition name": (
        lambda d: d["transitions"].append({**step(d, "finish"), "from": "draft"}),
        "duplicate transition name 'finish'",
    ),
    "back to the previous state from the initial one": (
        lambda d: step(d, "resume").update({"from": ["on_hold", "draft"]}),
        "goes to '$previous' from the initial state 'draft'",
    ),
    "a cycle with no way to an end": (
        lambda d: (
            d["states"].extend(
                [
                    {"name": "a", "label": {"de": "a", "en": "a"}},
                    {"name": "b", "label": {"de": "b", "en": "b"}},
                ]
            ),
            d["transitions"].extend(
                [
                    {
                        "name": "to_a",
                        "label": {"de": "a", "en": "a"},
                        "from": "draft",
                        "to": "a",
                        "roles": ["chair"],
                    },
                    {
                        "name": "to_b",
                        "label": {"de": "b", "en": "b"},
                        "from": "a",
                        "to": "b",
                        "roles": ["chair"],
                    },
                    {
                        "name": "back_a",
                        "label": {"de": "a", "en": "a"},
                        "from": "b",
                        "to": "a",
                        "roles": ["chair"],
                    },
                ]
            ),
            step(d, "hold").update({"from": "draft"}),
        ),
        "from state 'a' no terminal state can be reached",
    ),
    "label without English": (
        lambda d: state(d, "active").update(label={"de": "Aktiv"}),
        "state 'active': label has no text for 'en'",
    ),
    "a text with a comma that YAML split": (
        lambda d: state(d, "active").update(label={"de": "Aktiv (A", "en": "Active", "B)": None}),
        "label has 'B)', which is not a language",
    ),
    "a misspelt key": (
        lambda d: step(d, "finish").update(gaurds=["no_open_tasks"]),
        "transition 'finish': unknown key 'gaurds'",
    ),
    "deadline for an unknown state": (
        lambda d: d["deadlines"].append({"state": "paused", "remind_after_days": 3, "remind_role": "chair"}),
        "deadline for state 'paused': unknown state 'paused'",
    ),
    "an unknown state class": (
        lambda d: state(d, "on_hold").update({"class": "paused"}),
        "state 'on_hold': class must be one of active, on_hold, terminal",
    ),
    "class terminal on a state that is not": (
        lambda d: state(d, "active").update({"class": "terminal"}),
        "state 'active': class terminal and 'terminal: true' go together",
    ),
    "a terminal state classed otherwise": (
        lambda d: state(d, "done").update({"class": "on_hold"}),
        "state 'done': class terminal and 'terminal: true' go together",
    ),
    "escalation without a role": (
        lambda d: d["deadlines"][0].pop("escalate_role"),
        "deadline for state 'active': escalate_after_days needs an escalate_role",
    ),
    "reminder without a role": (
        lambda d: d["deadlines"][0].pop("remind_role"),
        "deadline for state 'active': remind_after_days needs a remind_role",
    ),
    "escalation before the reminder": (
        lambda d: d["deadlines"][0].update(escalate_after_days=5),
        "escalate_after_days must come after remind_after_days",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_validator_names_the_problem(case):
    change, message = CASES[case]
    problems = validate_definition(broken(change))
    assert any(message in problem for problem in problems), problems


def test_state_classes_are_derived_unless_a_state_names_its_own():
    definition = load_definition(VALID)
    classes = {name: s.state_class for name, s in definition.states.items()}
    # on_hold: the state "resume" leaves for wherever the subject came from.
    assert classes == {"draft": "active", "active": "active", "done": "terminal", "on_hold": "on_hold"}
    explicit = broken(lambda d: state(d, "active").update({"class": "on_hold"}))
    assert load_definition(explicit).states["active"].state_class == "on_hold"
    explicit = broken(lambda d: state(d, "on_hold").update({"class": "active"}))
    assert load_definition(explicit).states["on_hold"].state_class == "active"


def test_validator_survives_garbage():
    assert validate_definition(["not", "a", "mapping"]) == [
        "a definition is a mapping with key, label, states and transitions"
    ]
    assert "states must be a non-empty list" in validate_definition(
        {"key": "x", "label": {"de": "x", "en": "x"}}
    )


def test_validator_knows_only_the_registry_it_is_given():
    empty = Registry()
    empty.roles = dict(registry.roles)
    problems = validate_definition(VALID, registry=empty)
    assert "transition 'activate': unknown guard 'comment_min_length'" in problems


def test_load_definition_raises_with_every_problem():
    with pytest.raises(DefinitionError) as error:
        load_definition(
            broken(lambda d: (state(d, "draft").pop("initial"), step(d, "finish").update(roles=["x"]))),
            source="sample.yaml",
        )
    assert len(error.value.problems) == 2
    assert str(error.value).startswith("sample.yaml: ")


def test_sync_refuses_a_broken_file_and_stores_nothing(db, tmp_path):
    (tmp_path / "good.yaml").write_text(_yaml(VALID, key="good"))
    (tmp_path / "bad.yaml").write_text(
        _yaml(broken(lambda d: step(d, "finish").update(to="nowhere")), key="bad")
    )
    with pytest.raises(DefinitionError) as error:
        workflow_definitions_sync(directory=tmp_path)
    assert error.value.problems == ["bad.yaml: transition 'finish': goes to unknown state 'nowhere'"]
    assert not WorkflowDefinition.objects.filter(key__in=["good", "bad"]).exists()


def test_sync_wants_the_file_named_after_its_key(db, tmp_path):
    (tmp_path / "other.yaml").write_text(_yaml(VALID, key="sample"))
    with pytest.raises(DefinitionError, match="name it sample.yaml"):
        workflow_definitions_sync(directory=tmp_path)


def test_sync_reports_yaml_syntax_errors(db, tmp_path):
    (tmp_path / "sample.yaml").write_text("key: [unclosed\n")
    with pytest.raises(DefinitionError, match="sample.yaml: not valid YAML"):
        workflow_definitions_sync(directory=tmp_path)


def _yaml(data: dict, *, key: str) -> str:
    return yaml.safe_dump({**data, "key": key}, allow_unicode=True, sort_keys=False)
