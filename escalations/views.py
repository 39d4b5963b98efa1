"""Escalation pages: the list, raising and editing a topic, its page with the workflow and the review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from guardian.core import ObjectPermissionChecker

from core.errors import DomainError
from core.forms import add_service_errors
from workflows.selectors import workflow_panel
from workflows.views import workflow_transition_reload
from workgroups.selectors import body_get_for_user

from . import services
from .forms import EscalationForm, ReviewForm
from .models import Escalation, Review
from .permissions import may_raise
from .selectors import (
    approvals_count,
    escalation_get_for_user,
    escalations_visible,
    review_of,
    reviews_of,
    workgroups_chaired,
)

DRAFT, SUBMITTED = "draft", "submitted"


@login_required
def escalation_list(request):
    escalations = escalations_visible(user=request.user).select_related("project").order_by("-updated_at")
    return render(
        request,
        "escalations/list.html",
        {"escalations": escalations[:300], "chaired": workgroups_chaired(user=request.user)},
    )


def _form_data(form: EscalationForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@login_required
def escalation_create(request, slug: str):
    body = body_get_for_user(user=request.user, slug=slug)
    if not may_raise(request.user, body):
        raise PermissionDenied
    form = EscalationForm(request.POST or None, workgroup=body)
    if request.method == "POST" and form.is_valid():
        try:
            escalation = services.escalation_create(workgroup=body, actor=request.user, **_form_data(form))
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Entwurf gespeichert. Legen Sie ihn dem Steuerteam vor, sobald er fertig ist."),
            )
            return redirect(escalation)
    return render(request, "escalations/form.html", {"form": form, "body": body})


@login_required
def escalation_edit(request, pk: int):
    escalation = escalation_get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("escalations.change_escalation", escalation):
        raise PermissionDenied
    if escalation.state != DRAFT:
        messages.error(request, _("Nur ein Entwurf kann geändert werden."))
        return redirect(escalation)
    form = EscalationForm(
        request.POST or None, workgroup=escalation.workgroup, initial=EscalationForm.initial_of(escalation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_update(escalation=escalation, actor=request.user, **_form_data(form))
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Entwurf gespeichert."))
            return redirect(escalation)
    return render(
        request,
        "escalations/form.html",
        {"form": form, "body": escalation.workgroup, "escalation": escalation},
    )


def _rounds(escalation: Escalation) -> tuple[list[Review], list[tuple[int, list[Review]]]]:
    """Reviews of the current submission, and those of earlier ones by round (newest first); a
    draft (also one the steering team returned) is not before the team, so all are earlier."""
    current: list[Review] = []
    earlier: dict[int, list[Review]] = {}
    for review in reviews_of(escalation):
        if review.round == escalation.round and escalation.state != DRAFT:
            current.append(review)
        else:
            earlier.setdefault(review.round, []).append(review)
    return current, sorted(earlier.items(), reverse=True)


def _detail_context(request, escalation: Escalation, *, review_form: ReviewForm | None = None) -> dict:
    perms = ObjectPermissionChecker(request.user)
    may_review = (
        escalation.state == SUBMITTED
        and perms.has_perm("escalations.review_escalation", escalation)
        and "steering" in escalation.workflow_roles(request.user)
    )
    current, earlier = _rounds(escalation)
    if may_review and review_form is None:
        mine = review_of(escalation=escalation, user=request.user)
        review_form = ReviewForm(initial={"verdict": mine.verdict, "reason": mine.reason} if mine else None)
    required = escalation.approvals_required
    if escalation.state == DRAFT:
        required = services.approvals_needed(escalation)
    return {
        "escalation": escalation,
        "can_edit": escalation.state == DRAFT and perms.has_perm("escalations.change_escalation", escalation),
        "reviews": current,
        "earlier_rounds": earlier,
        "approvals_given": approvals_count(escalation) if escalation.round else 0,
        "approvals_required": required,
        "review_form": review_form if may_review else None,
        **workflow_panel(
            subject=escalation,
            user=request.user,
            action_url=reverse("escalations:transition", kwargs={"pk": escalation.pk}),
        ),
    }


@login_required
def escalation_detail(request, pk: int):
    escalation = escalation_get_for_user(user=request.user, pk=pk)
    return render(request, "escalations/detail.html", _detail_context(request, escalation))


@require_POST
@login_required
def escalation_transition(request, pk: int):
    """Submit, return, refuse or withdraw, posted from the workflow panel (htmx or a plain form)."""
    escalation = escalation_get_for_user(user=request.user, pk=pk)
    # The state changes more of the page than the panel (review, edit button): load it anew.
    return workflow_transition_reload(
        request,
        subject=escalation,
        action_url=reverse("escalations:transition", kwargs={"pk": escalation.pk}),
        take=lambda **step: services.escalation_transition(escalation=escalation, actor=request.user, **step),
        done=lambda subject: (
            _("Erledigt: „%(title)s“ steht jetzt auf „%(state)s“.")
            % {"title": subject.title, "state": subject.state_label}
        ),
    )


@require_POST
@login_required
def escalation_review(request, pk: int):
    escalation = escalation_get_for_user(user=request.user, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            review = services.escalation_review(
                escalation=escalation,
                actor=request.user,
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.reason)  # decided meanwhile: the page shows where it stands
            return redirect(escalation)
        else:
            escalation = escalation_get_for_user(user=request.user, pk=pk)
            if escalation.vote_id:
                messages.success(
                    request,
                    _(
                        "Ihre Zustimmung ist vermerkt. Damit ist das Thema freigegeben: "
                        "die Abstimmung im Forum ist geöffnet."
                    ),
                )
            elif review.verdict == Review.Verdict.APPROVE:
                messages.success(request, _("Ihre Zustimmung ist vermerkt."))
            else:
                messages.success(request, _("Ihr Einwand ist vermerkt."))
            return redirect(escalation)
    escalation.refresh_from_db()
    return render(request, "escalations/detail.html", _detail_context(request, escalation, review_form=form))
