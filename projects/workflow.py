"""Projects as workflow subjects: their roles, their definition files, their guards and effects.

Registered in ProjectsConfig.ready() (this module is imported there); the engine (workflows/)
knows none of this.
"""

from pathlib import Path

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from workflows.registry import (
    HookContext,
    register_definitions,
    register_effect,
    register_guard,
    register_role,
)
from workgroups.models import Body, Membership, Role

# Workflow role → (which body, which membership roles).
_WG, _STEERING, _FORUM = "workgroup", "steering", "forum"
ROLE_SOURCES = {
    "member": (_WG, (Role.MEMBER, Role.CHAIR)),
    "chair": (_WG, (Role.CHAIR,)),
    "steering": (_STEERING, (Role.MEMBER,)),
    "staff": (_FORUM, (Role.STAFF,)),
    "forum": (_FORUM, (Role.MEMBER,)),
}
ROLE_LABELS = {
    "member": gettext_lazy("Mitglied"),
    "chair": gettext_lazy("Vorsitz"),
    "steering": gettext_lazy("Steuerteam"),
    "staff": gettext_lazy("Wirtschaftsförderung"),
    "forum": gettext_lazy("Forum"),
}
for _name, _label in ROLE_LABELS.items():
    register_role(_name, _label)

# One file per project type. A file that names no watchers tells the group (members and chair)
# of every step; a deadline escalates to the steering team unless it names another role.
DEFINITIONS_DIR = Path(__file__).resolve().parent / "workflows"
DEFAULT_WATCHERS = ("member", "chair")
DEFAULT_ESCALATE_ROLE = "steering"
register_definitions(DEFINITIONS_DIR, watchers=DEFAULT_WATCHERS, escalate_role=DEFAULT_ESCALATE_ROLE)


def _body_ids(project) -> dict[str, int | None]:
    forum_id = Body.objects.filter(kind=Body.Kind.FORUM).values_list("pk", flat=True).first()
    return {_WG: project.workgroup_id, _STEERING: project.workgroup.parent_id, _FORUM: forum_id}


def project_workflow_roles(project, user: User) -> set[str]:
    """The workflow roles `user` holds for `project`, from their memberships."""
    bodies = _body_ids(project)
    held = set(
        Membership.objects.filter(
            user=user, left_at__isnull=True, body_id__in=[b for b in bodies.values() if b]
        ).values_list("body_id", "role")
    )
    return {
        name
        for name, (source, roles) in ROLE_SOURCES.items()
        if any((bodies[source], role) in held for role in roles)
    }


def project_workflow_role_holders(project, role: str) -> QuerySet[User]:
    if role not in ROLE_SOURCES:
        return User.objects.none()
    source, roles = ROLE_SOURCES[role]
    body_id = _body_ids(project)[source]
    return User.objects.filter(
        Q(memberships__body_id=body_id, memberships__left_at__isnull=True, memberships__role__in=roles),
        is_active=True,
    ).distinct()


def _min_param(params: dict) -> str | None:
    value = params.get("min")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        return "min must be a whole number, at least 1"
    return None


@register_guard("no_open_tasks")
def no_open_tasks(ctx: HookContext) -> str | None:
    """Every task of the project is done."""
    from .models import Task

    count = ctx.subject.tasks.exclude(status=Task.Status.DONE).count()
    if not count:
        return None
    return ngettext("Noch %(count)d offene Aufgabe.", "Noch %(count)d offene Aufgaben.", count) % {
        "count": count
    }


@register_guard("has_partner_organisations", check=_min_param)
def has_partner_organisations(ctx: HookContext, *, min: int) -> str | None:  # noqa: A002 - the YAML name
    """The project has at least `min` partner organisations."""
    count = ctx.subject.partner_organisations.count()
    if count >= min:
        return None
    return _("Mindestens %(min)d Partnerorganisationen nötig, bisher %(count)d.") % {
        "min": min,
        "count": count,
    }


@register_effect("spawn_tasks")
def spawn_tasks(ctx: HookContext) -> None:
    """Create the standard tasks of the state the project enters."""
    from .services import tasks_spawn

    templates = ctx.definition.states[ctx.to_state].tasks
    if not templates:
        return
    # Task titles are shared content of the group: written in the platform's source language.
    with translation.override(settings.LANGUAGE_CODE):
        specs = [(t.title, t.description, t.due_days, t.role) for t in templates]
    tasks_spawn(project=ctx.subject, specs=specs, actor=ctx.actor)
