"""The validator: a definition file either passes, or each problem is named in a sentence.

Messages are for the developer who edits the file (English, like the files' keys).
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from .registry import Registry
from .registry import registry as default_registry
from .spec import FROM_ANY, STATE_CLASSES, TERMINAL, TO_PREVIOUS, Definition, parse_definition, sources_of

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
LANGUAGES = ("de", "en")
TOP_KEYS = {"key", "label", "description", "watchers", "start", "states", "transitions", "deadlines"}
STATE_KEYS = {"name", "label", "description", "initial", "terminal", "class", "tasks"}
TASK_KEYS = {"title", "description", "due_days", "role"}
TRANSITION_KEYS = {"name", "label", "from", "to", "roles", "guards", "effects", "comment_required"}
DEADLINE_KEYS = {"state", "remind_after_days", "remind_role", "escalate_after_days", "escalate_role"}


class DefinitionError(Exception):
    """A definition that cannot be used; `problems` names each thing that is wrong."""

    def __init__(self, problems: list[str], *, source: str = ""):
        self.problems = problems
        self.source = source
        head = f"{source}: " if source else ""
        super().__init__(head + "; ".join(problems))


def load_definition(data: Any, *, registry: Registry | None = None, source: str = "") -> Definition:
    problems = validate_definition(data, registry=registry)
    if problems:
        raise DefinitionError(problems, source=source)
    return parse_definition(data)


def validate_definition(data: Any, *, registry: Registry | None = None) -> list[str]:
    """Every problem of a definition (empty when it is valid), checked against `registry`."""
    return _Validator(registry or default_registry).run(data)


class _Validator:
    def __init__(self, registry: Registry):
        self.registry = registry
        self.problems: list[str] = []
        # The graph is only judged when its parts are sound; otherwise it would repeat them.
        self.graph_sound = True

    def add(self, message: str) -> None:
        self.problems.append(message)

    def run(self, data: Any) -> list[str]:
        if not isinstance(data, dict):
            return ["a definition is a mapping with key, label, states and transitions"]
        self.unknown_keys("the definition", data, TOP_KEYS)
        if not isinstance(data.get("key"), str) or not IDENTIFIER.match(data["key"]):
            self.add("key must be a lower-case identifier such as 'jobticket'")
        self.labels("the definition", data.get("label"))
        if "watchers" in data:
            self.roles("watchers", data["watchers"])
        states = self.states(data.get("states"))
        transitions = self.transitions(data.get("transitions"), states)
        self.start(data.get("start"))
        self.deadlines(data.get("deadlines"), states)
        if states is not None and transitions is not None and self.graph_sound:
            self.graph(states, transitions)
        return self.problems

    def unknown_keys(self, where: str, item: dict, allowed: set[str]) -> None:
        for key in item:
            if key not in allowed:
                self.add(f"{where}: unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")

    def labels(self, where: str, value: Any, name: str = "label") -> None:
        if not isinstance(value, dict):
            self.add(f"{where}: {name} needs a text for each of {', '.join(LANGUAGES)}")
            return
        for language in LANGUAGES:
            if not isinstance(value.get(language), str) or not value[language].strip():
                self.add(f"{where}: {name} has no text for '{language}'")
        for key in value:
            if key not in LANGUAGES:
                self.add(
                    f"{where}: {name} has '{key}', which is not a language ({', '.join(LANGUAGES)}); "
                    "quote a text that contains a comma or a colon"
                )

    def roles(self, where: str, value: Any, *, required: bool = False) -> None:
        if not isinstance(value, list) or (required and not value):
            self.add(f"{where}: roles must be a list of role names")
            return
        for role in value:
            self.role(where, role)

    def role(self, where: str, role: Any) -> None:
        if role not in self.registry.roles:
            self.add(f"{where}: unknown role '{role}' (known: {', '.join(sorted(self.registry.roles))})")

    def positive(self, where: str, key: str, value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.add(f"{where}: {key} must be a whole number of days, at least 1")

    def states(self, raw: Any) -> dict[str, dict] | None:
        if not isinstance(raw, list) or not raw:
            self.add("states must be a non-empty list")
            return None
        states: dict[str, dict] = {}
        for index, state in enumerate(raw):
            if not isinstance(state, dict) or not isinstance(state.get("name"), str):
                self.add(f"state #{index + 1} needs a name")
                self.graph_sound = False
                continue
            name = state["name"]
            where = f"state '{name}'"
            if not IDENTIFIER.match(name):
                self.add(f"{where}: a name is a lower-case identifier (letters, digits, underscores)")
            if name in states:
                self.add(f"duplicate state name '{name}'")
            states[name] = state
            self.unknown_keys(where, state, STATE_KEYS)
            self.labels(where, state.get("label"))
            for flag in ("initial", "terminal"):
                if not isinstance(state.get(flag, False), bool):
                    self.add(f"{where}: {flag} must be true or false")
            if state.get("initial") and state.get("terminal"):
                self.add(f"{where}: the initial state cannot be terminal")
            if "class" in state:
                if state["class"] not in STATE_CLASSES:
                    self.add(f"{where}: class must be one of {', '.join(STATE_CLASSES)}")
                elif (state["class"] == TERMINAL) != (state.get("terminal") is True):
                    self.add(f"{where}: class terminal and 'terminal: true' go together")
            self.tasks(where, state.get("tasks", []))
        initial = [name for name, s in states.items() if s.get("initial") is True]
        if not initial:
            self.add("no initial state: mark exactly one state with 'initial: true'")
        elif len(initial) > 1:
            self.add(f"more than one initial state: {', '.join(initial)}")
        self.graph_sound = self.graph_sound and len(initial) == 1
        if not any(s.get("terminal") is True for s in states.values()):
            self.add("no terminal state: mark at least one state with 'terminal: true'")
        return states

    def tasks(self, where: str, raw: Any) -> None:
        if not isinstance(raw, list):
            self.add(f"{where}: tasks must be a list")
            return
        for index, task in enumerate(raw):
            task_where = f"{where}, task #{index + 1}"
            if not isinstance(task, dict):
                self.add(f"{task_where}: a task is a mapping with a title")
                continue
            self.unknown_keys(task_where, task, TASK_KEYS)
            self.labels(task_where, task.get("title"), "title")
            if "description" in task:
                self.labels(task_where, task["description"], "description")
            if "due_days" in task:
                self.positive(task_where, "due_days", task["due_days"])
            if "role" in task:
                self.role(task_where, task["role"])

    def transitions(self, raw: Any, states: dict[str, dict] | None) -> list[dict] | None:
        if not isinstance(raw, list):
            self.add("transitions must be a list")
            return None
        names: set[str] = set()
        valid: list[dict] = []
        for index, transition in enumerate(raw):
            if not isinstance(transition, dict) or not isinstance(transition.get("name"), str):
                self.add(f"transition #{index + 1} needs a name")
                self.graph_sound = False
                continue
            name = transition["name"]
            where = f"transition '{name}'"
            if not IDENTIFIER.match(name):
                self.add(f"{where}: a name is a lower-case identifier (letters, digits, underscores)")
            if name in names:
                self.add(f"duplicate transition name '{name}'")
            names.add(name)
            self.unknown_keys(where, transition, TRANSITION_KEYS)
            self.labels(where, transition.get("label"))
            self.roles(where, transition.get("roles"), required=True)
            for kind in ("guard", "effect"):
                self.hooks(where, kind, transition.get(f"{kind}s", []))
            if not isinstance(transition.get("comment_required", False), bool):
                self.add(f"{where}: comment_required must be true or false")
            if states is not None and self.ends(where, transition, states):
                valid.append(transition)
            else:
                self.graph_sound = False
        return valid

    def ends(self, where: str, transition: dict, states: dict[str, dict]) -> bool:
        raw_from, to = transition.get("from"), transition.get("to")
        ok = True
        if to != TO_PREVIOUS and to not in states:
            self.add(f"{where}: goes to unknown state '{to}'")
            ok = False
        if raw_from == FROM_ANY:
            if to == TO_PREVIOUS:
                self.add(f"{where}: from '*' cannot go to '{TO_PREVIOUS}'")
                ok = False
            return ok
        sources = [raw_from] if isinstance(raw_from, str) else raw_from
        if not isinstance(sources, list) or not sources:
            self.add(f"{where}: from must be a state, a list of states or '*'")
            return False
        for source in sources:
            if source not in states:
                self.add(f"{where}: starts from unknown state '{source}'")
                ok = False
            elif states[source].get("terminal"):
                self.add(f"{where}: leaves terminal state '{source}'")
                ok = False
            elif to == TO_PREVIOUS and states[source].get("initial"):
                self.add(
                    f"{where}: goes to '{TO_PREVIOUS}' from the initial state '{source}', which has none"
                )
                ok = False
        return ok

    def hooks(self, where: str, kind: str, raw: Any) -> None:
        table = self.registry.guards if kind == "guard" else self.registry.effects
        if not isinstance(raw, list):
            self.add(f"{where}: {kind}s must be a list")
            return
        for item in raw:
            if isinstance(item, str):
                name, params = item, {}
            elif isinstance(item, dict) and len(item) == 1:
                ((name, params),) = item.items()
                params = params if params is not None else {}
            else:
                self.add(f"{where}: a {kind} is a name or {{name: {{parameter: value}}}}, not {item!r}")
                continue
            if not isinstance(params, dict):
                self.add(f"{where}: the parameters of {kind} '{name}' must be a mapping")
            elif name not in table:
                self.add(f"{where}: unknown {kind} '{name}'")
            elif problem := self.registry.check_params(kind, name, params):
                self.add(f"{where}: {kind} '{name}' does not take these parameters ({problem})")

    def start(self, raw: Any) -> None:
        if raw is None:
            return
        if not isinstance(raw, dict):
            self.add("start must be a mapping with effects")
            return
        self.unknown_keys("start", raw, {"effects"})
        self.hooks("start", "effect", raw.get("effects", []))

    def deadlines(self, raw: Any, states: dict[str, dict] | None) -> None:
        if raw is None:
            return
        if not isinstance(raw, list):
            self.add("deadlines must be a list")
            return
        seen: set[str] = set()
        for index, deadline in enumerate(raw):
            if not isinstance(deadline, dict):
                self.add(f"deadline #{index + 1} must be a mapping")
                continue
            state = deadline.get("state")
            where = f"deadline for state '{state}'"
            self.unknown_keys(where, deadline, DEADLINE_KEYS)
            if states is not None and state not in states:
                self.add(f"{where}: unknown state '{state}'")
            elif states is not None and states[state].get("terminal"):
                self.add(f"{where}: '{state}' is terminal; nothing waits there")
            if state in seen:
                self.add(f"duplicate deadline for state '{state}'")
            seen.add(state)
            remind, escalate = deadline.get("remind_after_days"), deadline.get("escalate_after_days")
            if remind is None and escalate is None:
                self.add(f"{where}: give remind_after_days, escalate_after_days or both")
            if remind is not None:
                self.positive(where, "remind_after_days", remind)
                self.deadline_role(where, deadline, "remind")
            if escalate is not None:
                self.positive(where, "escalate_after_days", escalate)
                self.deadline_role(where, deadline, "escalate")
            if isinstance(remind, int) and isinstance(escalate, int) and escalate <= remind:
                self.add(f"{where}: escalate_after_days must come after remind_after_days")

    def deadline_role(self, where: str, deadline: dict, kind: str) -> None:
        """The role told when the days have passed: named in the file (or filled in from its folder)."""
        key = f"{kind}_role"
        if key in deadline:
            self.role(where, deadline[key])
        elif kind == "remind":
            self.add(f"{where}: remind_after_days needs a remind_role, the role reminded")
        else:
            self.add(
                f"{where}: escalate_after_days needs an escalate_role, the role told when the days "
                "have passed (name it here, or register the folder with a default escalate_role)"
            )

    def graph(self, states: dict[str, dict], transitions: list[dict]) -> None:
        edges: dict[str, set[str]] = {name: set() for name in states}
        entered_from: dict[str, set[str]] = {name: set() for name in states}
        for t in transitions:
            if t["to"] != TO_PREVIOUS:
                for source in sources_of(t["from"], t["to"], states):
                    edges[source].add(t["to"])
                    entered_from[t["to"]].add(source)
        for t in transitions:
            if t["to"] == TO_PREVIOUS:
                for source in sources_of(t["from"], t["to"], states):
                    edges[source] |= entered_from[source]
        initial = next(name for name, s in states.items() if s.get("initial"))
        reachable = _closure(initial, edges)
        for name in states:
            if name not in reachable:
                self.add(f"state '{name}' cannot be reached from the initial state '{initial}'")
        terminal = {name for name, s in states.items() if s.get("terminal")}
        for name in states:
            if name in terminal:
                continue
            if not edges[name]:
                self.add(f"state '{name}' is not terminal but no transition leaves it")
            elif not _closure(name, edges) & terminal:
                self.add(f"from state '{name}' no terminal state can be reached")


def _closure(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for target in edges[queue.popleft()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
