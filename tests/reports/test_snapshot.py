"""A draft follows the data when regenerated; an issued report is a frozen snapshot for good."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError

from core.errors import Conflict, DomainError
from reports.models import Report, ReportFrozen
from reports.selectors import report_pdf_bytes
from reports.services import report_create, report_delete, report_issue, report_regenerate
from tests.reports.conftest import END, START, at, give_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(quarter):
    return quarter.world.people["staff"]


def more_activity(quarter) -> None:
    """Later data about the period: Beta moves on in May after all, recorded late."""
    give_history(quarter.projects["delta"], "generic", [(at(2015, 6, 2), "execution")])


def test_regenerating_a_draft_takes_in_later_data(quarter, staff):
    report = report_create(start=START, end=END, title="Bericht Q2/2015", actor=staff)
    assert report.data["totals"]["steps"] == 5
    more_activity(quarter)
    report = report_regenerate(report=report, actor=staff)
    report.refresh_from_db()
    assert report.data["totals"]["steps"] == 6
    assert report.status == Report.Status.DRAFT


def test_an_issued_report_never_changes_when_the_data_does(quarter, staff):
    report = report_issue(report=report_create(start=START, end=END, title="Q2", actor=staff), actor=staff)
    data, pdf = report.data, report_pdf_bytes(report)
    more_activity(quarter)
    with pytest.raises(Conflict):
        report_regenerate(report=report, actor=staff)
    with pytest.raises(Conflict):
        report_issue(report=report, actor=staff)
    report = Report.objects.get(pk=report.pk)
    assert report.data == data and report.data["totals"]["steps"] == 5
    assert report_pdf_bytes(report) == pdf
    assert (report.status, report.issued_by) == (Report.Status.ISSUED, staff)


def test_an_issued_report_refuses_a_direct_save_delete_and_update(quarter, staff):
    report = report_issue(report=report_create(start=START, end=END, title="Q2", actor=staff), actor=staff)
    report.title = "Geändert"
    with pytest.raises(ReportFrozen):
        report.save()
    with pytest.raises(ReportFrozen):
        report.delete()
    with pytest.raises(Conflict):
        report_delete(report=report, actor=staff)
    # The database refuses too, whatever code tries (a queryset update bypasses save()).
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(data={"forged": True})
    assert Report.objects.get(pk=report.pk).title == "Q2"


def test_a_draft_may_be_deleted(quarter, staff):
    report = report_create(start=START, end=END, title="Q2", actor=staff)
    report_delete(report=report, actor=staff)
    assert not Report.objects.exists()


@pytest.mark.parametrize("role", ["member", "chair", "steering", "forum_member", "outsider"])
def test_only_staff_may_write_reports(quarter, staff, role):
    person = quarter.world.people[role]
    with pytest.raises(PermissionDenied):
        report_create(start=START, end=END, title="Q2", actor=person)
    report = report_create(start=START, end=END, title="Q2", actor=staff)
    for action in (report_regenerate, report_issue, report_delete):
        with pytest.raises(PermissionDenied):
            action(report=report, actor=person)


def test_a_period_ending_before_it_starts_or_too_long_is_refused(quarter, staff):
    with pytest.raises(DomainError, match="vor seinem Beginn"):
        report_create(start=END, end=START, title="Q2", actor=staff)
    with pytest.raises(DomainError, match="höchstens"):
        report_create(start=START.replace(year=2013), end=END, title="Q2", actor=staff)
    with pytest.raises(DomainError, match="Titel"):
        report_create(start=START, end=END, title="  ", actor=staff)
    assert not Report.objects.exists()
