"""The page's charts are well-formed SVG whose bars say the snapshot's figures."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from reports.charts import report_charts
from reports.selectors import report_figures
from tests.reports.conftest import END, START

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def charts(quarter):
    with translation.override("de"):
        data = report_figures(start=START, end=END)
        return data, {name: ET.fromstring(svg) for name, svg in report_charts(data).items()}


def test_the_state_chart_has_a_bar_piece_per_state_and_week_with_its_count(charts):
    data, svgs = charts
    pieces = [
        rect.find(f"{SVG}title").text
        for rect in svgs["states"].iter(f"{SVG}rect")
        if rect.find(f"{SVG}title") is not None
    ]
    expected = [
        f"{label}: {series['label']} {series['values'][i]}"
        for i, label in enumerate(data["charts"]["states"]["labels"])
        for series in data["charts"]["states"]["series"]
        if series["values"][i]
    ]
    assert pieces == expected
    assert pieces[-1] == "29.06.: abgeschlossen 1"  # the last week: Alpha completed
    assert svgs["states"].find(f"{SVG}title").text == "Projekte nach Stand im Zeitraum"


def test_the_participation_charts_name_turnout_and_attendance(charts):
    _data, svgs = charts
    votes = [t.text for t in svgs["votes"].iter(f"{SVG}text")]
    assert "Jobticket für alle?" in votes and "60 % (6)" in votes
    events = [t.text for t in svgs["events"].iter(f"{SVG}text")]
    assert events == ["Treffen im Juni", "3 / 4"]


def test_chart_text_is_escaped(quarter):
    from reports.charts import bars_svg

    svg = bars_svg([{"label": "<script>alert(1)</script>", "value": 1, "text": "1"}], title="t", ident="x")
    assert "<script>" not in svg
    ET.fromstring(svg)
