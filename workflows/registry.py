"""The registry of guards, effects and roles that workflow definitions name.

A guard is `fn(ctx, **params) -> str | None`: None lets the transition through, a sentence in
words (translatable) says why not. An effect is `fn(ctx, **params) -> None` and runs inside
the transition's database transaction, so an effect that fails undoes the transition.
Subject apps register their own in AppConfig.ready(); the validator reads the registry only
after every app is ready.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User

    from .models import TransitionRecord, WorkflowSubject
    from .spec import Definition, Transition

Guard = Callable[..., "str | Promise | None"]
Effect = Callable[..., None]
ParamCheck = Callable[[dict[str, Any]], "str | None"]


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


class Registry:
    def __init__(self) -> None:
        self.guards: dict[str, Guard] = {}
        self.effects: dict[str, Effect] = {}
        self.roles: dict[str, str | Promise] = {}
        self.param_checks: dict[tuple[str, str], ParamCheck] = {}

    def register_guard(self, name: str, *, check: ParamCheck | None = None) -> Callable[[Guard], Guard]:
        """Decorator: make a guard known by `name`; `check(params)` may judge its parameters' values."""
        return self._register(self.guards, "guard", name, check)

    def register_effect(self, name: str, *, check: ParamCheck | None = None) -> Callable[[Effect], Effect]:
        """Decorator: make an effect known by `name`; `check(params)` may judge its parameters' values."""
        return self._register(self.effects, "effect", name, check)

    def register_role(self, name: str, label: str | Promise) -> None:
        self.roles[name] = label

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


registry = Registry()
register_guard = registry.register_guard
register_effect = registry.register_effect
register_role = registry.register_role

# The roles of DESIGN.md, resolved per subject by the subject itself (admin by the engine).
register_role("member", _("Mitglied"))
register_role("chair", _("Vorsitz"))
register_role("steering", _("Steuerteam"))
register_role("staff", _("Wirtschaftsförderung"))
register_role("forum", _("Forum"))
register_role("admin", _("Plattform-Administration"))
