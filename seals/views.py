"""Seal pages: the public register, verification, badge and logo; applying, the application, review."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.forms import add_service_errors
from core.storage import private_storage
from workflows.selectors import workflow_panel
from workflows.views import workflow_transition_reload

from . import permissions, selectors, services
from .forms import EvidenceForm, FindingForm, LogoForm, ProposalForm, RevokeForm, StatementsForm
from .models import Application, Criterion, Seal
from .uploads import keep_upload_names


def _verification_url(request, seal: Seal) -> str:
    return request.build_absolute_uri(seal.get_absolute_url())


@require_GET
def register(request):
    """Public: the organisations that hold the seal today."""
    return render(request, "seals/register.html", {"seals": selectors.seals_current()})


@require_GET
def verify(request, public_id):
    """Public: is this seal valid, expired or revoked, with the dates."""
    seal = selectors.seal_get_public(public_id=public_id)
    today = timezone.localdate()
    return render(
        request,
        "seals/verify.html",
        {
            "seal": seal,
            "status": seal.status_on(today),
            "today": today,
            "verification_url": _verification_url(request, seal),
            "may_revoke": request.user.is_authenticated and permissions.may_revoke(request.user),
            "revoke_form": RevokeForm(),
        },
    )


@require_GET
def badge(request, public_id):
    """Public: the seal as an SVG for the holder's website, naming the verification URL."""
    seal = selectors.seal_get_public(public_id=public_id)
    response = render(
        request,
        "seals/badge.svg",
        {"seal": seal, "verification_url": _verification_url(request, seal)},
        content_type="image/svg+xml; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def logo(request, public_id):
    """Public: the logo of an organisation that holds the seal today (nothing of anyone else)."""
    seal = selectors.seal_current_by_public_id(public_id=public_id)
    logo = seal.organisation.logo
    if not logo:
        raise Http404
    try:
        handle = private_storage().open(logo.name, "rb")
    except OSError:
        raise Http404 from None
    content_type = "image/png" if logo.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
def application_list(request):
    """The company's applications (start one, renew) and, for staff, the queue."""
    return render(request, "seals/list.html", _list_context(request))


def _list_context(request, *, logo_form: LogoForm | None = None) -> dict:
    user = request.user
    is_staff = permissions.is_staff(user)
    organisation = user.organisation if permissions.may_apply(user) else None
    own = (
        selectors.applications_list(user=user)
        .filter(organisation=organisation)
        .order_by("-created_at", "-pk")
        if organisation
        else Application.objects.none()
    )
    seals = list(selectors.seals_of_organisation(organisation_id=organisation.pk)) if organisation else []
    today = timezone.localdate()
    context = {
        "organisation": organisation,
        "logo_form": (logo_form or LogoForm()) if organisation else None,
        "own": own,
        "seals": [(seal, seal.status_on(today)) for seal in seals],
        "renewable": [s for s in seals if s.status_on(today) in (Seal.Status.VALID, Seal.Status.PENDING)],
        "has_open": any(a.state in services.OPEN_STATES for a in own),
        "is_staff": is_staff,
        "queue": selectors.applications_queue(user=user)[:200] if is_staff else [],
        "recent": (
            selectors.applications_list(user=user).exclude(state__in=("submitted", "in_review"))[:50]
            if is_staff
            else []
        ),
    }
    return context


@keep_upload_names
@require_POST
@login_required
def organisation_logo(request):
    """The company's people set the logo the public register shows beside its seal."""
    organisation = request.user.organisation if permissions.may_apply(request.user) else None
    if organisation is None:
        raise Http404
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.organisation_logo_set(
                organisation=organisation, actor=request.user, upload=form.cleaned_data["logo"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Das Logo ist gespeichert."))
            return redirect("seals:applications")
    return render(request, "seals/list.html", _list_context(request, logo_form=form), status=400)


@require_POST
@login_required
def application_create(request):
    user = request.user
    if not permissions.may_apply(user):
        raise PermissionDenied
    renews = None
    if request.POST.get("renews"):
        renews = (
            selectors.seals_of_organisation(organisation_id=user.organisation_id)
            .filter(pk=request.POST["renews"])
            .first()
        )
        if renews is None:
            raise Http404
    try:
        application = services.application_create(organisation=user.organisation, actor=user, renews=renews)
    except (ValidationError, DomainError) as exc:
        messages.error(request, exc.reason if isinstance(exc, DomainError) else " ".join(exc.messages))
        return redirect("seals:applications")
    messages.success(request, _("Antrag angelegt. Legen Sie zu jedem Kriterium dar, wie Sie es erfüllen."))
    return redirect(application)


def _detail_context(request, application: Application, **forms) -> dict:
    user = request.user
    details = selectors.application_details(application)
    may_edit = permissions.may_edit(user, application)
    criteria = [
        {
            "value": value,
            "label": label,
            "statement": details["statements"].get(value),
            "evidence": details["evidence"].get(value, []),
            "review": details["reviews"].get(value),
        }
        for value, label in Criterion.choices
    ]
    seal = Seal.objects.filter(application=application).first()
    return {
        "application": application,
        "criteria": criteria,
        "may_edit": may_edit,
        "may_review": permissions.may_review(user, application),
        "is_staff": permissions.is_staff(user),
        "seal": seal,
        "evidence_form": forms.get("evidence_form") or (EvidenceForm() if may_edit else None),
        "max_bytes": settings.SEAL_EVIDENCE_MAX_BYTES,
        **workflow_panel(
            subject=application,
            user=user,
            action_url=reverse("seals:transition", kwargs={"pk": application.pk}),
        ),
    }


@login_required
def application_detail(request, pk: int):
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    return render(request, "seals/detail.html", _detail_context(request, application))


@login_required
def statements_edit(request, pk: int):
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    if not permissions.may_edit(request.user, application):
        messages.error(
            request, _("Der Antrag liegt zur Prüfung bei der Geschäftsstelle und kann nicht geändert werden.")
        )
        return redirect(application)
    initial = {s.criterion: s.text for s in application.statements.all()}
    form = StatementsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.statements_update(application=application, actor=request.user, texts=form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Darlegungen gespeichert."))
            return redirect(application)
    return render(request, "seals/statements.html", {"application": application, "form": form})


@keep_upload_names
@require_POST
@login_required
def evidence_upload(request, pk: int):
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence = services.evidence_add(
                application=application,
                actor=request.user,
                criterion=form.cleaned_data["criterion"],
                upload=form.cleaned_data["file"],
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Nachweis „%(name)s“ hochgeladen.") % {"name": evidence.name})
            return redirect(f"{application.get_absolute_url()}#evidence")
    response = render(request, "seals/detail.html", _detail_context(request, application, evidence_form=form))
    response.status_code = 400
    return response


@require_GET
def evidence_download(request, pk: int, evidence_pk: int):
    """The file, as an attachment, for those who may see the application; 404 for everyone else."""
    evidence = selectors.evidence_get_for_user(user=request.user, application_pk=pk, pk=evidence_pk)
    try:
        handle = private_storage().open(evidence.file.name, "rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def evidence_delete(request, pk: int, evidence_pk: int):
    evidence = selectors.evidence_get_for_user(user=request.user, application_pk=pk, pk=evidence_pk)
    try:
        services.evidence_delete(evidence=evidence, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Nachweis „%(name)s“ entfernt.") % {"name": evidence.name})
    return redirect(f"{evidence.application.get_absolute_url()}#evidence")


@require_POST
@login_required
def application_transition(request, pk: int):
    """Submit, start the review, ask back, confirm, withdraw: posted from the workflow panel."""
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    # The state changes more of the page than the panel (editing, evidence, the seal): load it anew.
    return workflow_transition_reload(
        request,
        subject=application,
        action_url=reverse("seals:transition", kwargs={"pk": pk}),
        take=lambda **step: services.application_transition(
            application=application, actor=request.user, **step
        ),
        done=lambda subject: (
            _("Erledigt: Der Antrag steht jetzt auf „%(state)s“.") % {"state": subject.state_label}
        ),
    )


def _review_context(request, application: Application, *, finding_forms=None, proposal_form=None) -> dict:
    context = _detail_context(request, application)
    finding_forms = finding_forms or {}
    for item in context["criteria"]:
        review = item["review"]
        item["form"] = finding_forms.get(item["value"]) or FindingForm(
            prefix=item["value"],
            initial={
                "criterion": item["value"],
                "met": ("yes" if review.met else "no") if review else None,
                "comment": review.comment if review else "",
            },
        )
    context.update(
        {
            "engagement": selectors.organisation_engagement(organisation_id=application.organisation_id),
            "proposal_form": proposal_form
            or ProposalForm(initial={"decision": services.decision_from_findings(application)}),
            "suggested_decision": services.decision_from_findings(application),
            "four_eyes": permissions.four_eyes_refusal(request.user, application),
        }
    )
    return context


@login_required
def application_review(request, pk: int):
    """Staff: the findings per criterion beside the statements and what the platform knows."""
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    if not permissions.is_staff(request.user):
        raise Http404
    finding_forms = {}
    if request.method == "POST":
        criterion = request.POST.get("criterion_prefix", "")
        if criterion not in Criterion.values:
            raise Http404
        form = FindingForm(request.POST, prefix=criterion)
        if form.is_valid():
            try:
                services.criterion_review_set(
                    application=application,
                    actor=request.user,
                    criterion=form.cleaned_data["criterion"],
                    met=form.cleaned_data["met"] == "yes",
                    comment=form.cleaned_data["comment"],
                )
            except (ValidationError, DomainError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Prüfergebnis gespeichert."))
                return redirect(reverse("seals:review", kwargs={"pk": pk}) + f"#criterion-{criterion}")
        finding_forms[criterion] = form
    return render(
        request, "seals/review.html", _review_context(request, application, finding_forms=finding_forms)
    )


@require_POST
@login_required
def application_propose(request, pk: int):
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    if not permissions.is_staff(request.user):
        raise Http404
    form = ProposalForm(request.POST)
    if form.is_valid():
        try:
            services.application_propose(
                application=application,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Vorschlag gespeichert. Eine zweite Person der Geschäftsstelle bestätigt ihn.")
            )
            return redirect(application)
    response = render(request, "seals/review.html", _review_context(request, application, proposal_form=form))
    response.status_code = 400
    return response


@require_POST
@login_required
def seal_revoke(request, public_id):
    seal = selectors.seal_get_public(public_id=public_id)
    if not permissions.may_revoke(request.user):
        raise Http404
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.seal_revoke(seal=seal, actor=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Das Siegel ist entzogen; das Unternehmen ist benachrichtigt."))
            return redirect(seal)
    today = timezone.localdate()
    response = render(
        request,
        "seals/verify.html",
        {
            "seal": seal,
            "status": seal.status_on(today),
            "today": today,
            "verification_url": _verification_url(request, seal),
            "may_revoke": True,
            "revoke_form": form,
        },
    )
    response.status_code = 400
    return response


def nav_visible(user) -> bool:
    """Whoever belongs to an organisation (who may apply, or staff) or runs the platform; no query,
    since the entry is on every page."""
    return bool(user.is_authenticated and user.is_active and (user.organisation_id or user.is_superuser))
