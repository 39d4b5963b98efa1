"""The PDF holds the title, the period and the figures, as text a reader (pypdf) extracts."""

import io
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from reports.selectors import report_pdf_bytes
from reports.services import report_create, report_issue
from tests.reports.conftest import END, START

pytestmark = pytest.mark.django_db


def pdf_text(report) -> str:
    reader = PdfReader(io.BytesIO(report_pdf_bytes(report)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_holds_period_title_and_figures(quarter):
    staff = quarter.world.people["staff"]
    with translation.override("de"):
        report = report_create(start=START, end=END, title="Fortschrittsbericht Q2/2015", actor=staff)
    text = pdf_text(report)
    assert "Fortschrittsbericht Q2/2015" in text
    assert "Zeitraum: 01.04.2015 bis 30.06.2015" in text
    assert "Entwurf. Stand der Zahlen" in text
    totals = report.data["totals"]
    for label, value in (
        ("Projekte im Zeitraum", totals["projects"]),
        ("Projektschritte (Zustandswechsel)", totals["steps"]),
        ("Meilensteine", totals["milestones"]),
        ("Siegel neu verliehen", totals["seals_awarded"]),
        ("Teilnehmende an Veranstaltungen", totals["event_attended"]),
        ("Forumsmitglieder am Ende", totals["members_end"]),
    ):
        assert re.search(rf"{re.escape(label)}\s+{value}\n", text), label  # the table row: label, value
    assert (totals["projects"], totals["steps"], totals["milestones"], totals["event_attended"]) == (
        4,
        5,
        4,
        3,
    )
    for name in (
        "Alpha",
        "Epsilon",
        "Jobticket für alle?",
        "Siegelträger 2",
        "Treffen im Juni",
        "AG Fachkräfte",
    ):
        assert name in text
    assert "Gamma" not in text and "Zeta" not in text
    assert "6 / 10 (60 %)" in text  # the vote's turnout


def test_the_issued_pdf_says_when_and_by_whom(quarter):
    staff = quarter.world.people["staff"]
    with translation.override("de"):
        report = report_issue(
            report=report_create(start=START, end=END, title="Q2", actor=staff), actor=staff
        )
    text = pdf_text(report)
    assert "Herausgegeben am" in text and str(staff) in text
    assert "Entwurf. Stand der Zahlen" not in text


def test_an_english_report_speaks_english(quarter):
    staff = quarter.world.people["staff"]
    with translation.override("en"):
        report = report_create(start=START, end=END, title="Progress Q2/2015", actor=staff)
    assert report.language == "en"
