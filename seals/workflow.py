"""Seal applications as workflow subjects: their roles, definition, guards and effects.

Roles: `applicant` (the person who applied, and the organisation's other active people),
`staff` (the business development office: the forum's staff role, and platform admins).
Imported in SealsConfig.ready().
"""

from pathlib import Path

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from workflows.registry import (
    HookContext,
    register_definitions,
    register_effect,
    register_guard,
    register_role,
)

register_role("applicant", gettext_lazy("Antragsteller:in"))
register_role("staff", gettext_lazy("Wirtschaftsförderung"))

DEFINITIONS_DIR = Path(__file__).resolve().parent / "workflows"
register_definitions(DEFINITIONS_DIR, watchers=(), escalate_role="staff")


def application_workflow_roles(application, user: User) -> set[str]:
    from .permissions import is_company_side, is_staff

    roles = set()
    if user.is_authenticated and user.is_active:
        if is_company_side(user, application):
            roles.add("applicant")
        if is_staff(user):
            roles.add("staff")
    return roles


def application_workflow_role_holders(application, role: str) -> QuerySet[User]:
    from workgroups.models import Body, Membership, Role

    if role == "applicant":
        return User.objects.filter(
            Q(pk=application.applicant_id) | Q(organisation_id=application.organisation_id), is_active=True
        )
    if role == "staff":
        staff = Membership.objects.filter(role=Role.STAFF, body__kind=Body.Kind.FORUM, left_at__isnull=True)
        return User.objects.filter(is_active=True, pk__in=staff.values("user_id"))
    return User.objects.none()


@register_guard("seal_application_complete")
def seal_application_complete(ctx: HookContext) -> str | None:
    """Every criterion has a statement."""
    from .models import Criterion

    written = set(ctx.subject.statements.exclude(text="").values_list("criterion", flat=True))
    missing = [str(label) for value, label in Criterion.choices if value not in written]
    if missing:
        return _("Bitte erst zu jedem Kriterium etwas darlegen; es fehlt: %(missing)s.") % {
            "missing": ", ".join(missing)
        }
    return None


@register_guard("seal_second_pair_of_eyes")
def seal_second_pair_of_eyes(ctx: HookContext) -> str | None:
    """Four eyes: whoever reviewed a criterion or proposed the decision cannot confirm it."""
    from .permissions import four_eyes_refusal

    if ctx.actor is None:
        return _("Die Entscheidung bestätigt eine Person der Geschäftsstelle.")
    return four_eyes_refusal(ctx.actor, ctx.subject)


def _check_decision(params: dict) -> str | None:
    return None if params.get("decision") in ("award", "refuse") else "decision must be award or refuse"


@register_guard("seal_proposed", check=_check_decision)
def seal_proposed(ctx: HookContext, *, decision: str) -> str | None:
    """The reviewer has proposed this decision (and, to award, all four criteria are met)."""
    from .services import decision_from_findings

    proposed = ctx.subject.proposed_decision
    if not proposed:
        return _("Es liegt noch kein Vorschlag zur Entscheidung vor.")
    if proposed != decision:
        return (
            _("Vorgeschlagen ist die Verleihung.")
            if proposed == "award"
            else _("Vorgeschlagen ist die Ablehnung.")
        )
    if decision == "award" and decision_from_findings(ctx.subject) != "award":
        return _("Verliehen wird nur, wenn alle vier Kriterien erfüllt sind.")
    return None


@register_effect("seal_submitted")
def seal_submitted(ctx: HookContext) -> None:
    from .services import on_submitted

    on_submitted(application=ctx.subject, actor=ctx.actor, from_state=ctx.from_state)


@register_effect("seal_review_started")
def seal_review_started(ctx: HookContext) -> None:
    from .services import on_review_started

    on_review_started(application=ctx.subject, actor=ctx.actor)


@register_effect("seal_information_requested")
def seal_information_requested(ctx: HookContext) -> None:
    from .services import on_information_requested

    on_information_requested(application=ctx.subject, actor=ctx.actor, comment=ctx.comment or "")


@register_effect("seal_awarded")
def seal_awarded(ctx: HookContext) -> None:
    from .services import on_awarded

    on_awarded(application=ctx.subject, actor=ctx.actor, comment=ctx.comment or "")


@register_effect("seal_refused")
def seal_refused(ctx: HookContext) -> None:
    from .services import on_refused

    on_refused(application=ctx.subject, actor=ctx.actor, comment=ctx.comment or "")
