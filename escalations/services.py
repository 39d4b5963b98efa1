"""Every write to escalations: raise, edit, submit, review (approve / object), decide, withdraw."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import Conflict
from notifications.services import notify
from projects.models import Project
from votes.models import Vote
from votes.services import vote_create_raised, vote_options_clean
from workflows.models import TransitionRecord
from workflows.roles import role_holders
from workflows.services import workflow_start, workflow_transition
from workgroups.models import Body, Membership, Role

from .models import WORKFLOW_KEY, Escalation, Review, ReviewPolicy
from .permissions import escalation_grant_permissions, may_raise

KIND_RAISED, KIND_DECIDED = "escalation_raised", "escalation_decided"
EDITABLE_FIELDS = (
    "title",
    "rationale",
    "decision",
    "method",
    "options",
    "vote_days",
    "vote_secret",
    "project",
)
DRAFT, SUBMITTED = "draft", "submitted"


def _snapshot(escalation: Escalation) -> dict[str, Any]:
    return {
        name: (getattr(escalation, f"{name}_id") if name == "project" else getattr(escalation, name))
        for name in EDITABLE_FIELDS
    }


def _check(escalation: Escalation) -> None:
    errors: dict[str, Any] = {}
    if escalation.project_id and escalation.project.workgroup_id != escalation.workgroup_id:
        errors["project"] = _("Das Projekt gehört nicht zu dieser Arbeitsgruppe.")
    if escalation.method != Vote.Method.YES_NO_ABSTAIN:
        try:
            escalation.options = vote_options_clean(escalation.method, escalation.options)
        except ValidationError as error:
            errors.update(error.message_dict)
    else:
        escalation.options = []
    if not 1 <= escalation.vote_days <= 90:
        errors["vote_days"] = _("Eine Abstimmung dauert 1 bis 90 Tage.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def escalation_create(*, workgroup: Body, actor: User, **fields: Any) -> Escalation:
    """The chair of a working group raises a topic; it starts as a draft, which the group, its
    steering team and staff can read."""
    if not may_raise(actor, workgroup):
        raise PermissionDenied
    escalation = Escalation(
        workgroup=workgroup,
        created_by=actor,
        **{name: value for name, value in fields.items() if name in EDITABLE_FIELDS},
    )
    escalation.full_clean(exclude=["options"])
    _check(escalation)
    escalation.save()
    escalation_grant_permissions(escalation)
    audit_record(
        actor=actor,
        action="escalation.created",
        subject=escalation,
        scope=workgroup,
        after=_snapshot(escalation),
    )
    workflow_start(subject=escalation, key=WORKFLOW_KEY, actor=actor)
    return escalation


def _locked(escalation: Escalation) -> Escalation:
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("workflow", "workgroup")
        .get(pk=escalation.pk)
    )


@transaction.atomic
def escalation_update(*, escalation: Escalation, actor: User, **fields: Any) -> Escalation:
    """The chair edits the draft (also after the steering team returned it)."""
    escalation = _locked(escalation)
    if not actor.has_perm("escalations.change_escalation", escalation):
        raise PermissionDenied
    if escalation.state != DRAFT:
        raise Conflict(
            _(
                "Nur ein Entwurf kann geändert werden; diese Eskalation liegt beim Steuerteam "
                "oder ist entschieden."
            )
        )
    before = _snapshot(escalation)
    for name, value in fields.items():
        if name in EDITABLE_FIELDS:
            setattr(escalation, name, value)
    escalation.full_clean(exclude=["options"])
    _check(escalation)
    escalation.save()
    after = _snapshot(escalation)
    changed = [name for name in EDITABLE_FIELDS if before[name] != after[name]]
    if changed:
        audit_record(
            actor=actor,
            action="escalation.changed",
            subject=escalation,
            scope=escalation.workgroup,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return escalation


def steering_members(escalation: Escalation):
    return Membership.objects.filter(
        body_id=escalation.workgroup.parent_id, left_at__isnull=True, role=Role.MEMBER, user__is_active=True
    )


def approvals_needed(escalation: Escalation) -> int:
    """The steering team's rule, else a majority of its members (at least one approval)."""
    team = steering_members(escalation).count()
    policy = ReviewPolicy.objects.filter(steering_team_id=escalation.workgroup.parent_id).first()
    if policy is not None and policy.approvals_required:
        return max(1, min(policy.approvals_required, team or 1))
    return team // 2 + 1


def escalation_round_start(*, escalation: Escalation, actor: User | None) -> None:
    """(Effect of `submit`.) A new round: earlier votes of the team no longer count."""
    Escalation.objects.filter(pk=escalation.pk).update(
        round=escalation.round + 1, approvals_required=approvals_needed(escalation)
    )
    escalation.refresh_from_db(fields=["round", "approvals_required"])
    notify(
        kind=KIND_RAISED,
        recipients=role_holders(subject=escalation, roles=["steering"]),
        subject=escalation,
        actor=actor,
        data=escalation.workflow_notification_data(),
    )


@transaction.atomic
def escalation_review(*, escalation: Escalation, actor: User, verdict: str, reason: str) -> Review:
    """A steering team member approves or objects, with a reason; enough approvals approve the topic."""
    escalation = _locked(escalation)
    if not actor.has_perm(
        "escalations.review_escalation", escalation
    ) or "steering" not in escalation.workflow_roles(actor):
        raise PermissionDenied
    if escalation.state != SUBMITTED:
        raise Conflict(_("Diese Eskalation liegt nicht (mehr) zur Prüfung beim Steuerteam."))
    reason = (reason or "").strip()
    if verdict not in Review.Verdict.values:
        raise ValidationError({"verdict": _("Bitte zustimmen oder einen Einwand erheben.")})
    if not reason:
        raise ValidationError({"reason": _("Bitte das Votum begründen.")})
    review, created = Review.objects.update_or_create(
        escalation=escalation,
        round=escalation.round,
        reviewer=actor,
        defaults={"verdict": verdict, "reason": reason[:2000]},
    )
    audit_record(
        actor=actor,
        action="escalation.reviewed",
        subject=escalation,
        scope=escalation.workgroup,
        after={"round": escalation.round, "verdict": verdict, "reason": review.reason},
    )
    from .selectors import approvals_count

    if verdict == Review.Verdict.APPROVE and approvals_count(escalation) >= (
        escalation.approvals_required or 1
    ):
        workflow_transition(subject=escalation, name="approve", actor=actor, comment=reason)
    return review


@transaction.atomic
def escalation_transition(
    *, escalation: Escalation, actor: User, name: str, comment: str = "", expected_state=None
):
    """Submit, return, refuse, withdraw (and approve, which the last needed approval takes)."""
    if not actor.has_perm("escalations.view_escalation", escalation):
        raise PermissionDenied
    return workflow_transition(
        subject=escalation, name=name, actor=actor, comment=comment, expected_state=expected_state
    )


def escalation_vote_open(*, escalation: Escalation, actor: User | None) -> Vote:
    """(Effect of `approve`.) Open the forum vote on the topic now, for the days the group asked."""
    now = timezone.now()
    # The description is shared content of the forum: written in the platform's source language.
    with translation.override(settings.LANGUAGE_CODE):
        lines = [escalation.rationale, "", _("Erbetene Entscheidung:"), escalation.decision]
    vote = vote_create_raised(
        actor=actor,
        options=escalation.options,
        origin_body=escalation.workgroup,
        title=escalation.title,
        description="\n".join(lines),
        method=escalation.method,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=escalation.vote_days),
        secret=escalation.vote_secret,
    )
    Escalation.objects.filter(pk=escalation.pk).update(vote=vote)
    escalation.vote = vote
    return vote


def escalation_decision_notify(*, escalation: Escalation, record: TransitionRecord | None) -> None:
    """(Effect of approve / return / refuse.) The group's chair and members hear the decision."""
    notify(
        kind=KIND_DECIDED,
        recipients=role_holders(subject=escalation, roles=["member", "chair"]),
        subject=escalation,
        actor=record.actor if record else None,
        data={
            **escalation.workflow_notification_data(),
            "outcome": record.to_state if record else "",
            "transition": record.transition if record else "",
            "comment": record.comment if record else "",
        },
    )


def project_choices(workgroup: Body):
    return Project.objects.filter(workgroup=workgroup, archived_at__isnull=True).order_by("title")


@transaction.atomic
def review_policy_set(*, actor: User, steering_team: Body, approvals_required: int | None) -> ReviewPolicy:
    """Staff set how many approvals a steering team needs (None: a majority of its members)."""
    from workgroups.permissions import is_platform_staff

    if not is_platform_staff(actor):
        raise PermissionDenied
    if steering_team.kind != Body.Kind.STEERING_TEAM:
        raise ValidationError({"steering_team": _("Die Regel gilt für ein Steuerteam.")})
    if approvals_required is not None and approvals_required < 1:
        raise ValidationError({"approvals_required": _("Mindestens eine Zustimmung.")})
    policy, _created = ReviewPolicy.objects.select_for_update().get_or_create(steering_team=steering_team)
    before = policy.approvals_required
    policy.approvals_required = approvals_required
    policy.save()
    audit_record(
        actor=actor,
        action="escalation.policy_set",
        subject=policy,
        scope=steering_team,
        before={"approvals_required": before},
        after={"approvals_required": approvals_required},
    )
    return policy
