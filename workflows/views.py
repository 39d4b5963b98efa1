"""Edge pieces a subject app's views use: the form of the panel and the answer to its post."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError

from .models import WorkflowSubject
from .roles import roles_per_request, roles_remember
from .selectors import workflow_panel
from .services import workflow_transition
from .services.transitions import COMMENT_MAX_LENGTH


class TransitionForm(forms.Form):
    transition = forms.SlugField(label=gettext_lazy("Schritt"), max_length=64)
    comment = forms.CharField(
        label=gettext_lazy("Kommentar"), required=False, max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea
    )
    expected_state = forms.SlugField(max_length=64, required=False)


def workflow_transition_respond(
    request: HttpRequest,
    *,
    subject: WorkflowSubject,
    action_url: str,
    redirect_url: str,
    state_badge: bool = False,
    roles: Iterable[str] | None = None,
) -> HttpResponse:
    """Take the transition posted from `workflows/_panel.html` on `subject` as the signed-in person.

    htmx gets the panel again (with the reason when refused, status 200 so htmx swaps it, and an
    `HX-Trigger: workflow-changed` event on success for other parts of the page) and, with
    `state_badge`, the page's `workflows/_state_badge.html` out of band; a plain post gets a
    message and a redirect to `redirect_url`. The caller has checked that the person may see the
    subject; the engine checks the rest. `roles`: the person's roles for the subject where the
    caller read them with it, so neither the transition nor the panel asks again.
    """
    with roles_per_request():
        if roles is not None:
            roles_remember(subject=subject, user=request.user, roles=roles)
        return _respond(
            request,
            subject=subject,
            action_url=action_url,
            redirect_url=redirect_url,
            state_badge=state_badge,
        )


def _respond(
    request: HttpRequest, *, subject: WorkflowSubject, action_url: str, redirect_url: str, state_badge: bool
) -> HttpResponse:
    form = TransitionForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Der Schritt konnte nicht gelesen werden. Bitte laden Sie die Seite neu.")
        if "comment" in form.errors:
            error = " ".join(form.errors["comment"])
    else:
        try:
            workflow_transition(
                subject=subject,
                name=form.cleaned_data["transition"],
                actor=request.user,
                comment=form.cleaned_data["comment"],
                expected_state=form.cleaned_data["expected_state"] or None,
            )
        except DomainError as exc:
            if transaction.get_rollback():
                raise  # it failed half-way in the caller's transaction, which now rolls back
            error = exc.reason
            subject.refresh_from_db()  # after a conflict, the panel shows where the subject is now
    if request.htmx:
        context = workflow_panel(subject=subject, user=request.user, action_url=action_url, error=error)
        context["state_badge"] = state_badge
        response = render(request, "workflows/_transition_answer.html", context)
        if not error:
            response["HX-Trigger"] = "workflow-changed"
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("Erledigt: %(subject)s steht jetzt auf „%(state)s“.")
            % {"subject": subject, "state": subject.state_label},
        )
    return redirect(redirect_url)
