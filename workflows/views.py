"""Edge pieces a subject app's views use: the form of the panel and the answer to its post."""

from __future__ import annotations

from collections.abc import Callable, Iterable

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


def transition_take(request: HttpRequest, *, subject: WorkflowSubject, take: Callable[..., object]) -> str:
    """Read the step posted from `workflows/_panel.html` and take it with `take(name=, comment=,
    expected_state=)`, the subject's own service. Returns why it was refused ("" when it was taken);
    after a refusal `subject` is read again, so the panel shows where it is now."""
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if "comment" in form.errors:
            return " ".join(form.errors["comment"])
        return _("Der Schritt konnte nicht gelesen werden. Bitte laden Sie die Seite neu.")
    try:
        take(
            name=form.cleaned_data["transition"],
            comment=form.cleaned_data["comment"],
            expected_state=form.cleaned_data["expected_state"] or None,
        )
    except DomainError as exc:
        if transaction.get_connection().in_atomic_block and transaction.get_rollback():
            raise  # it failed half-way in the caller's transaction, which now rolls back
        subject.refresh_from_db()
        return exc.reason
    return ""


def workflow_transition_reload(
    request: HttpRequest,
    *,
    subject: WorkflowSubject,
    action_url: str,
    take: Callable[..., object],
    done: Callable[[WorkflowSubject], str],
) -> HttpResponse:
    """Take the posted step with the subject's service `take`, for subjects whose state changes more
    of their page than the panel: htmx gets the panel with the reason when refused, else a
    reload of the subject's page (HX-Redirect); a plain post a message (`done(subject)` on
    success) and a redirect to the subject."""
    error = transition_take(request, subject=subject, take=take)
    if error and request.htmx:
        context = workflow_panel(subject=subject, user=request.user, action_url=action_url, error=error)
        return render(request, "workflows/_panel.html", context)
    if error:
        messages.error(request, error)
    else:
        subject.refresh_from_db()
        messages.success(request, done(subject))
    if request.htmx:
        response = HttpResponse()
        response["HX-Redirect"] = subject.get_absolute_url()
        return response
    return redirect(subject)


def _respond(
    request: HttpRequest, *, subject: WorkflowSubject, action_url: str, redirect_url: str, state_badge: bool
) -> HttpResponse:
    error = transition_take(
        request,
        subject=subject,
        take=lambda **step: workflow_transition(subject=subject, actor=request.user, **step),
    )
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
