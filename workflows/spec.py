"""A workflow definition in memory: parsed from the data of a validated definition file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

FROM_ANY = "*"  # as `from`: every non-terminal state except the target
TO_PREVIOUS = "$previous"  # as `to`: back to the state the subject came from (resume after hold)

# State classes: what a subject app may allow in a state beyond its workflow's own steps.
ACTIVE, ON_HOLD, TERMINAL = "active", "on_hold", "terminal"
STATE_CLASSES = (ACTIVE, ON_HOLD, TERMINAL)


def localized(labels: dict[str, str]) -> str:
    """The label in the active language, else in German (the source language)."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return labels.get(language) or labels.get(settings.LANGUAGE_CODE) or next(iter(labels.values()), "")


@dataclass(frozen=True)
class HookCall:
    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskTemplate:
    """A standard task of a state; the subject app's `spawn_tasks` effect creates it."""

    titles: dict[str, str]
    descriptions: dict[str, str]
    due_days: int | None
    role: str | None

    @property
    def title(self) -> str:
        return localized(self.titles)

    @property
    def description(self) -> str:
        return localized(self.descriptions) if self.descriptions else ""


@dataclass(frozen=True)
class State:
    name: str
    labels: dict[str, str]
    initial: bool
    terminal: bool
    tasks: tuple[TaskTemplate, ...]
    state_class: str = ACTIVE  # active, on_hold or terminal (see state_class_of)

    @property
    def label(self) -> str:
        return localized(self.labels)


@dataclass(frozen=True)
class Transition:
    name: str
    labels: dict[str, str]
    sources: tuple[str, ...]
    from_any: bool
    to: str
    roles: frozenset[str]
    guards: tuple[HookCall, ...]
    effects: tuple[HookCall, ...]
    comment_required: bool

    @property
    def label(self) -> str:
        return localized(self.labels)

    @property
    def to_previous(self) -> bool:
        return self.to == TO_PREVIOUS


@dataclass(frozen=True)
class Deadline:
    state: str
    remind_after_days: int | None
    remind_role: str | None
    escalate_after_days: int | None
    escalate_role: str | None


@dataclass(frozen=True)
class Definition:
    key: str
    labels: dict[str, str]
    states: dict[str, State]
    transitions: dict[str, Transition]
    deadlines: tuple[Deadline, ...]
    start_effects: tuple[HookCall, ...]
    watchers: tuple[str, ...]

    @property
    def label(self) -> str:
        return localized(self.labels)

    @property
    def initial(self) -> State:
        return next(state for state in self.states.values() if state.initial)

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]

    def deadline_for(self, state: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.state == state), None)


def hook_calls(raw: list | None) -> tuple[HookCall, ...]:
    """`[name, {name: {param: value}}]` → hook calls (the two spellings a file may use)."""
    calls = []
    for item in raw or []:
        if isinstance(item, str):
            calls.append(HookCall(item))
        else:
            ((name, params),) = item.items()
            calls.append(HookCall(name, dict(params or {})))
    return tuple(calls)


def sources_of(raw_from: str | list[str], to: str, states: dict[str, dict]) -> tuple[str, ...]:
    if raw_from == FROM_ANY:
        return tuple(name for name, s in states.items() if not s.get("terminal") and name != to)
    return (raw_from,) if isinstance(raw_from, str) else tuple(raw_from)


def state_class_of(name: str, state: dict, transitions: list[dict]) -> str:
    """A state's class: `terminal: true`, else its `class`, else on_hold if a step leaves it for `$previous`.

    A state the subject leaves back to where it came from is a pause by construction, so the
    definitions need not say so (and the versions already synced keep their meaning).
    """
    if state.get("terminal"):
        return TERMINAL
    if state.get("class"):
        return state["class"]
    for t in transitions:
        sources = (t["from"],) if isinstance(t["from"], str) else tuple(t["from"])
        if t["to"] == TO_PREVIOUS and name in sources:
            return ON_HOLD
    return ACTIVE


def parse_definition(data: dict[str, Any]) -> Definition:
    """Build the in-memory definition from data that passed `validate_definition`.

    Nothing is assumed: the defaults of a subject's definition folder are already in `data`
    (filled in by the sync before validation).
    """
    raw_states = {s["name"]: s for s in data["states"]}
    raw_transitions = data.get("transitions") or []
    states = {
        name: State(
            name=name,
            labels=dict(s["label"]),
            initial=bool(s.get("initial")),
            terminal=bool(s.get("terminal")),
            tasks=tuple(
                TaskTemplate(
                    titles=dict(t["title"]),
                    descriptions=dict(t.get("description") or {}),
                    due_days=t.get("due_days"),
                    role=t.get("role"),
                )
                for t in s.get("tasks") or []
            ),
            state_class=state_class_of(name, s, raw_transitions),
        )
        for name, s in raw_states.items()
    }
    transitions = {
        t["name"]: Transition(
            name=t["name"],
            labels=dict(t["label"]),
            sources=sources_of(t["from"], t["to"], raw_states),
            from_any=t["from"] == FROM_ANY,
            to=t["to"],
            roles=frozenset(t["roles"]),
            guards=hook_calls(t.get("guards")),
            effects=hook_calls(t.get("effects")),
            comment_required=bool(t.get("comment_required")),
        )
        for t in raw_transitions
    }
    deadlines = tuple(
        Deadline(
            state=d["state"],
            remind_after_days=d.get("remind_after_days"),
            remind_role=d.get("remind_role"),
            escalate_after_days=d.get("escalate_after_days"),
            escalate_role=d.get("escalate_role") if d.get("escalate_after_days") else None,
        )
        for d in data.get("deadlines") or []
    )
    return Definition(
        key=data["key"],
        labels=dict(data["label"]),
        states=states,
        transitions=transitions,
        deadlines=deadlines,
        start_effects=hook_calls((data.get("start") or {}).get("effects")),
        watchers=tuple(data.get("watchers") or ()),
    )
