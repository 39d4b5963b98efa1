"""Projects as workflow subjects: their roles, their definition files, their guards and effects.

Registered in ProjectsConfig.ready() (this module is imported there); the engine (workflows/)
knows none of this.
"""

from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
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


def _source_condition(source: str, *, workgroup_id: int | None = None) -> Q:
    """Memberships in the body `source` names, for the group `workgroup_id` (None: the outer
    query's project), without a query of its own: the steering team is the group's parent, and
    there is one forum."""
    if source == _WG:
        return Q(body_id=OuterRef("workgroup_id") if workgroup_id is None else workgroup_id)
    if source == _STEERING:
        if workgroup_id is None:
            return Q(body_id=OuterRef("workgroup__parent_id"))
        return Q(body_id__in=Body.objects.filter(pk=workgroup_id).values("parent_id"))
    return Q(body__kind=Body.Kind.FORUM)


def project_workflow_roles(project, user: User) -> set[str]:
    """The workflow roles `user` holds for `project` (or anything with a `workgroup_id`), in one query."""
    held = set()
    rows = (
        Membership.objects.filter(
            _source_condition(_WG, workgroup_id=project.workgroup_id)
            | _source_condition(_STEERING, workgroup_id=project.workgroup_id)
            | _source_condition(_FORUM, workgroup_id=project.workgroup_id),
            user=user,
            left_at__isnull=True,
        )
        .order_by()
        .values_list("body_id", "body__kind", "role")
    )
    for body_id, kind, role in rows:
        if body_id == project.workgroup_id:
            held.add((_WG, role))
        elif kind == Body.Kind.FORUM:
            held.add((_FORUM, role))
        else:
            held.add((_STEERING, role))
    return {
        name
        for name, (source, roles) in ROLE_SOURCES.items()
        if any((source, role) in held for role in roles)
    }


def project_roles_annotations(user: User) -> dict[str, Exists]:
    """Annotations for a query of projects: read with the rows, the roles `user` holds for each
    (see project_roles_annotated); the same rule as project_workflow_roles, without its query."""
    return {
        f"role_{name}": Exists(
            Membership.objects.filter(
                _source_condition(source),
                user=user,
                left_at__isnull=True,
                role__in=roles,
            )
        )
        for name, (source, roles) in ROLE_SOURCES.items()
    }


def project_roles_annotated(project) -> set[str]:
    """The roles read with `project` through project_roles_annotations."""
    return {name for name in ROLE_SOURCES if getattr(project, f"role_{name}")}


def project_workflow_role_holders(project, role: str) -> QuerySet[User]:
    if role not in ROLE_SOURCES:
        return User.objects.none()
    source, roles = ROLE_SOURCES[role]
    members = Membership.objects.filter(
        _source_condition(source, workgroup_id=project.workgroup_id), left_at__isnull=True, role__in=roles
    )
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True)


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
