"""The registry of what workflow definitions name: guards, effects, roles, and the definition folders.

A guard is `fn(ctx, **params) -> str | None`: None lets the transition through, a sentence in
words (translatable) says why not. An effect is `fn(ctx, **params) -> None` and runs inside
the transition's database transaction, so an effect that fails undoes the transition.
Subject apps register their own in AppConfig.ready(): their guards and effects, the roles they
resolve, and the folder of their definition files with the defaults its files may leave out.
The engine itself knows only the role `admin`; the validator reads the registry only after
every app is ready.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User

    from .models import TransitionRecord, WorkflowSubject
    from .spec import Definition, Transition

Guard = Callable[..., "str | Promise | None"]
Effect = Callable[..., None]
ParamCheck = Callable[[dict[str, Any]], "str | None"]

# The one role the engine resolves itself (active superusers, see roles.py); subjects resolve the rest.
ADMIN = "admin"


@dataclass(frozen=True)
class HookContext:
    """What a guard or effect gets to see about the transition being judged or taken.

    `comment` is None while the transition is only being listed (the person has not written
    one yet): a guard about the comment then lets it through and judges it when taken.
    `record` is set for effects only.
    """

    subject: WorkflowSubject
    actor: User | None
    definition: Definition
    transition: Transition | None
    from_state: str
    to_state: str
    comment: str | None = None
    record: TransitionRecord | None = None


@dataclass(frozen=True)
class DefinitionDirectory:
    """A folder of `<key>.yaml` definition files that a subject app ships, and its files' defaults.

    `watchers` is given to a file that names none, `escalate_role` to a deadline that escalates
    without naming to whom. Without them the engine assumes nothing: a file without watchers
    has none, and a deadline with escalate_after_days must name its escalate_role.
    """

    path: Path
    watchers: tuple[str, ...] | None = None
    escalate_role: str | None = None

    def with_defaults(self, data: Any) -> Any:
        """The file's data with this folder's defaults where the file says nothing (before validation).

        Data of the wrong shape is left as it is, for the validator to name.
        """
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if self.watchers is not None and "watchers" not in data:
            data["watchers"] = list(self.watchers)
        deadlines = data.get("deadlines")
        if self.escalate_role is not None and isinstance(deadlines, list):
            data["deadlines"] = [
                {**d, "escalate_role": self.escalate_role}
                if isinstance(d, dict) and "escalate_after_days" in d and "escalate_role" not in d
                else d
                for d in deadlines
            ]
        return data


class Registry:
    def __init__(self) -> None:
        self.guards: dict[str, Guard] = {}
        self.effects: dict[str, Effect] = {}
        self.roles: dict[str, str | Promise] = {ADMIN: _("Plattform-Administration")}
        self.param_checks: dict[tuple[str, str], ParamCheck] = {}
        self.definition_directories: dict[Path, DefinitionDirectory] = {}

    def register_guard(self, name: str, *, check: ParamCheck | None = None) -> Callable[[Guard], Guard]:
        """Decorator: make a guard known by `name`; `check(params)` may judge its parameters' values."""
        return self._register(self.guards, "guard", name, check)

    def register_effect(self, name: str, *, check: ParamCheck | None = None) -> Callable[[Effect], Effect]:
        """Decorator: make an effect known by `name`; `check(params)` may judge its parameters' values."""
        return self._register(self.effects, "effect", name, check)

    def register_role(self, name: str, label: str | Promise) -> None:
        """Make a role known that definitions may name; each subject resolves who holds it for itself.

        Several subjects may register the same role (escalations know the chair as projects do),
        with the same label; a second, different label would make the role's name ambiguous.
        """
        known = self.roles.get(name)
        if known is None:
            self.roles[name] = label
        elif _source_text(known) != _source_text(label):
            raise ValueError(
                f"role {name!r} is registered twice with different labels: "
                f"{_source_text(known)!r} and {_source_text(label)!r}"
            )

    def register_definitions(
        self,
        path: Path | str,
        *,
        watchers: Iterable[str] | None = None,
        escalate_role: str | None = None,
    ) -> DefinitionDirectory:
        """Make a folder of definition files known to `workflows_sync`, with its files' defaults.

        The defaults are role names like any other in a file, so the validator judges them too.
        """
        directory = DefinitionDirectory(
            path=Path(path).resolve(),
            watchers=tuple(watchers) if watchers is not None else None,
            escalate_role=escalate_role,
        )
        known = self.definition_directories.get(directory.path)
        if known is not None and known != directory:
            raise ValueError(f"definition folder {directory.path} is registered twice, with other defaults")
        self.definition_directories[directory.path] = directory
        return directory

    def definition_directory(self, path: Path | str) -> DefinitionDirectory:
        """The registered folder at `path` (with its defaults), else the folder without defaults."""
        resolved = Path(path).resolve()
        return self.definition_directories.get(resolved) or DefinitionDirectory(path=resolved)

    def _register(self, table: dict, kind: str, name: str, check: ParamCheck | None) -> Callable:
        def decorator(func: Callable) -> Callable:
            known = table.get(name)
            if known is not None and _qualname(known) != _qualname(func):
                raise ValueError(
                    f"{kind} {name!r} is registered twice: {_qualname(known)} and {_qualname(func)}"
                )
            table[name] = func
            if check is not None:
                self.param_checks[(kind, name)] = check
            return func

        return decorator

    def check_params(self, kind: str, name: str, params: dict[str, Any]) -> str | None:
        """A problem with calling the named hook with these parameters, or None."""
        func = (self.guards if kind == "guard" else self.effects).get(name)
        if func is None:
            return None
        try:
            inspect.signature(func).bind(None, **params)
        except TypeError as exc:
            return str(exc)
        check = self.param_checks.get((kind, name))
        return check(params) if check is not None else None

    @contextmanager
    def extended(
        self, *, guards: dict[str, Guard] | None = None, effects: dict[str, Effect] | None = None
    ) -> Iterator[Registry]:
        """Add hooks for the duration of a block (tests, stand-ins); names already known stay as they are."""
        added: list[tuple[dict, str]] = []
        for table, extra in ((self.guards, guards or {}), (self.effects, effects or {})):
            for name, func in extra.items():
                if name not in table:
                    table[name] = func
                    added.append((table, name))
        try:
            yield self
        finally:
            for table, name in added:
                table.pop(name, None)


def _qualname(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def _source_text(label: str | Promise) -> str:
    """A label as written in the code (German), whatever language is active."""
    with translation.override(None):
        return str(label)


registry = Registry()
register_guard = registry.register_guard
register_effect = registry.register_effect
register_role = registry.register_role
register_definitions = registry.register_definitions
