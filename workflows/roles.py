"""Roles of a person for a subject, and the people holding a role: the subject decides, except admin."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .registry import ADMIN, registry

if TYPE_CHECKING:
    from accounts.models import User

    from .models import WorkflowSubject


def subject_roles(*, subject: WorkflowSubject, user: User | None) -> set[str]:
    """The roles `user` holds for `subject`; platform admins (superusers) also hold `admin`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    roles = set(subject.workflow_roles(user))
    if user.is_superuser:
        roles.add(ADMIN)
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
