"""Escalations as workflow subjects: their guards and effects (registered in EscalationsConfig.ready()).

Roles are a working group's: member and chair of the group, steering (its steering team),
staff and forum (the forum), resolved like a project's (projects.workflow).
"""

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.workflow import ROLE_LABELS
from workflows.registry import (
    HookContext,
    register_definitions,
    register_effect,
    register_guard,
    register_role,
)

# The roles of a working group's escalation, with the same meaning (and labels) as a project's.
for _name in ("member", "chair", "steering", "staff"):
    register_role(_name, ROLE_LABELS[_name])

# The escalation's definition; it names its watchers (none: its effects tell whom it concerns).
DEFINITIONS_DIR = Path(__file__).resolve().parent / "workflows"
register_definitions(DEFINITIONS_DIR, watchers=(), escalate_role="steering")


@register_effect("escalation_submitted")
def escalation_submitted(ctx: HookContext) -> None:
    """A new round of review: fix how many approvals it needs and tell the steering team."""
    from .services import escalation_round_start

    escalation_round_start(escalation=ctx.subject, actor=ctx.actor)


@register_guard("escalation_approvals_reached")
def escalation_approvals_reached(ctx: HookContext) -> str | None:
    """The steering team has given as many approvals as this submission needs."""
    from .selectors import approvals_count

    escalation = ctx.subject
    given = approvals_count(escalation)
    needed = escalation.approvals_required or 1
    if given >= needed:
        return None
    return ngettext(
        "Noch %(missing)d Zustimmung des Steuerteams nötig (%(given)d von %(needed)d).",
        "Noch %(missing)d Zustimmungen des Steuerteams nötig (%(given)d von %(needed)d).",
        needed - given,
    ) % {"missing": needed - given, "given": given, "needed": needed}


@register_effect("escalation_open_vote")
def escalation_open_vote(ctx: HookContext) -> None:
    """The approved topic goes to the forum: its vote opens now."""
    from .services import escalation_vote_open

    escalation_vote_open(escalation=ctx.subject, actor=ctx.actor)


@register_effect("escalation_decided")
def escalation_decided(ctx: HookContext) -> None:
    """Tell the group's chair and members what the steering team decided, with the comment."""
    from .services import escalation_decision_notify

    escalation_decision_notify(escalation=ctx.subject, record=ctx.record)


@register_guard("escalation_vote_passed")
def escalation_vote_passed(ctx: HookContext) -> str | None:
    """For a project: a topic it raised has been decided by the forum, and the vote passed."""
    from votes.models import Vote

    votes = Vote.objects.filter(escalation__project_id=ctx.subject.pk)
    if votes.filter(status=Vote.Status.CLOSED, passed=True).exists():
        return None
    if votes.exclude(status=Vote.Status.CLOSED).exists():
        return _("Die Abstimmung im Forum läuft noch.")
    return _("Dafür braucht es eine angenommene Abstimmung des Forums zu einem Thema dieses Projekts.")


def decided_title(notification) -> str:
    """The headline of an escalation_decided notification, in the reader's language: what was decided."""
    decisions = {
        "approve": _("freigegeben, das Forum stimmt ab"),
        "return": _("zur Überarbeitung zurückgegeben"),
        "refuse": _("abgelehnt"),
    }
    data = notification.data
    decision = decisions.get(data.get("transition"), data.get("outcome") or "")
    return _("„%(title)s“: %(decision)s") % {"title": data.get("title", ""), "decision": decision}
