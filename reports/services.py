"""Every write to a report: create a draft, regenerate it, issue it (after which it never changes)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Conflict, DomainError
from workgroups.permissions import is_platform_staff

from .models import Report
from .pdf import render_report_pdf
from .periods import MAX_PERIOD_DAYS, Period
from .selectors import report_figures


def _check_actor(actor: User) -> None:
    if not is_platform_staff(actor):
        raise PermissionDenied


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise DomainError(_("Das Ende des Zeitraums liegt vor seinem Beginn."))
    if Period(start, end).days > MAX_PERIOD_DAYS:
        raise DomainError(
            _("Ein Bericht umfasst höchstens %(days)s Tage; wählen Sie einen kürzeren Zeitraum.")
            % {"days": MAX_PERIOD_DAYS}
        )


def _fill(report: Report) -> None:
    report.data = report_figures(start=report.period_start, end=report.period_end)
    report.language = get_language() or "de"
    report.generated_at = timezone.now()
    report.pdf = render_report_pdf(report)


@transaction.atomic
def report_create(*, start: date, end: date, title: str, actor: User) -> Report:
    """A draft for the period, its figures computed now (in the actor's language) and its PDF rendered."""
    _check_actor(actor)
    _check_period(start, end)
    title = title.strip()
    if not title:
        raise DomainError(_("Bitte geben Sie dem Bericht einen Titel."))
    report = Report(title=title, period_start=start, period_end=end, created_by=actor)
    _fill(report)
    report.save()
    return report


@transaction.atomic
def report_regenerate(*, report: Report, actor: User, title: str | None = None) -> Report:
    """Recompute a draft's figures and PDF from the current data; an issued report refuses (409)."""
    _check_actor(actor)
    # Lock: regenerating and issuing at once must not store figures nobody looked at as issued.
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_issued:
        raise Conflict(
            _("Dieser Bericht ist herausgegeben und bleibt unverändert; legen Sie einen neuen an.")
        )
    if title is not None:
        if not title.strip():
            raise DomainError(_("Bitte geben Sie dem Bericht einen Titel."))
        report.title = title.strip()
    _fill(report)
    report.save()
    return report


@transaction.atomic
def report_issue(*, report: Report, actor: User) -> Report:
    """Issue the draft as it stands: its figures are kept for good; the PDF is rendered once more with
    the issue date. Issuing twice answers 409."""
    _check_actor(actor)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_issued:
        raise Conflict(_("Dieser Bericht ist bereits herausgegeben."))
    report.status = Report.Status.ISSUED
    report.issued_by = actor
    report.issued_at = timezone.now()
    report.pdf = render_report_pdf(report)
    report.save()
    return report


@transaction.atomic
def report_delete(*, report: Report, actor: User) -> None:
    """Delete a draft; an issued report is kept for good (409)."""
    _check_actor(actor)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_issued:
        raise Conflict(_("Ein herausgegebener Bericht wird nicht gelöscht."))
    report.delete()
