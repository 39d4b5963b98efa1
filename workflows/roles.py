"""Roles of a person for a subject, and the people holding a role: the subject decides, except admin."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .registry import ADMIN, registry

if TYPE_CHECKING:
    from accounts.models import User

    from .models import WorkflowSubject


# (subject model, subject pk, user pk) → roles, while `roles_per_request()` is open; else None.
_RESOLVED: ContextVar[dict[tuple[str, int, int], frozenset[str]] | None] = ContextVar(
    "workflow_roles_resolved", default=None
)


@contextmanager
def roles_per_request() -> Iterator[None]:
    """Within: each person's roles for a subject are resolved once (for one request's work).

    A transition and the panel drawn after it ask the same question; memberships, which the
    answer comes from, are not locked by a transition either, so one answer serves both.
    """
    token = _RESOLVED.set({})
    try:
        yield
    finally:
        _RESOLVED.reset(token)


def _key(subject: WorkflowSubject, user: User) -> tuple[str, int, int]:
    return (subject._meta.label, subject.pk, user.pk)


def roles_remember(*, subject: WorkflowSubject, user: User, roles: Iterable[str]) -> None:
    """Inside `roles_per_request()`: `roles` (the subject's own, e.g. read with the subject's row)
    are what `user` holds for `subject`; the engine adds `admin` itself."""
    resolved = _RESOLVED.get()
    if resolved is not None and user.is_authenticated and user.is_active:
        held = set(roles) | ({ADMIN} if user.is_superuser else set())
        resolved[_key(subject, user)] = frozenset(held)


def subject_roles(*, subject: WorkflowSubject, user: User | None) -> set[str]:
    """The roles `user` holds for `subject`; platform admins (superusers) also hold `admin`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    resolved = _RESOLVED.get()
    if resolved is not None and (known := resolved.get(_key(subject, user))) is not None:
        return set(known)
    roles = set(subject.workflow_roles(user))
    if user.is_superuser:
        roles.add(ADMIN)
    if resolved is not None:
        resolved[_key(subject, user)] = frozenset(roles)
    return roles


def role_holders(*, subject: WorkflowSubject, roles: Iterable[str]) -> QuerySet[User]:
    """The active people holding any of `roles` for `subject`, in one query."""
    user_model = get_user_model()
    condition = Q()
    for role in dict.fromkeys(roles):
        if role == ADMIN:
            condition |= Q(is_superuser=True)
        else:
            condition |= Q(pk__in=subject.workflow_role_holders(role).values("pk"))
    if not condition:
        return user_model.objects.none()
    return user_model.objects.filter(condition, is_active=True)


def role_labels(roles: Iterable[str]) -> str:
    """`Vorsitz, Steuerteam`: the roles in words, in the order the subjects registered them, admin last."""
    wanted = set(roles)
    known = sorted(registry.roles.items(), key=lambda item: item[0] == ADMIN)
    return ", ".join(str(label) for name, label in known if name in wanted)
