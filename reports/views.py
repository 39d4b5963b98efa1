"""Report pages (staff only; anyone else gets 404): the list with a new draft, the report, its PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import add_service_errors
from workgroups.permissions import is_platform_staff

from . import services
from .charts import report_charts
from .forms import ReportForm
from .presentation import figure_rows, membership_rows, status_line
from .selectors import report_get_for_user, report_pdf_bytes, reports_visible


def _staff_only(request) -> None:
    if not is_platform_staff(request.user):
        raise Http404


@login_required
def report_list(request):
    _staff_only(request)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                title=form.cleaned_data["title"],
                actor=request.user,
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Der Entwurf ist berechnet. Prüfen Sie ihn und geben Sie ihn heraus.")
            )
            return redirect(report)
    reports = reports_visible(user=request.user).defer("data")
    return render(request, "reports/list.html", {"form": form, "reports": reports[:200]})


@login_required
def report_detail(request, pk: int):
    report = report_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "data": report.data,
            "charts": report_charts(report.data),
            "figures": figure_rows(report.data),
            "membership": membership_rows(report.data),
            "status_line": status_line(report),
        },
    )


@login_required
def report_pdf(request, pk: int):
    report = report_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(report_pdf_bytes(report), content_type="application/pdf")
    filename = (
        f"{slugify(report.title) or 'bericht'}-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}.pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _act(request, pk: int, action, success: str):
    report = report_get_for_user(user=request.user, pk=pk)
    try:
        action(report=report, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, success)
    return redirect(report)


@require_POST
@login_required
def report_regenerate(request, pk: int):
    return _act(request, pk, services.report_regenerate, _("Die Zahlen sind neu berechnet."))


@require_POST
@login_required
def report_issue(request, pk: int):
    return _act(
        request, pk, services.report_issue, _("Der Bericht ist herausgegeben; er bleibt nun unverändert.")
    )


@require_POST
@login_required
def report_delete(request, pk: int):
    report = report_get_for_user(user=request.user, pk=pk)
    try:
        services.report_delete(report=report, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect(report)
    messages.success(request, _("Der Entwurf ist gelöscht."))
    return redirect("reports:list")
