"""The report as a PDF (reportlab): the figures of the snapshot and the same charts as the page."""

import io
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .charts import BAR, BAR_LIGHT, COLOURS, event_rows, vote_rows
from .presentation import figure_rows, format_date, group_summary, membership_rows, status_line

WIDTH = A4[0] - 36 * mm
TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#cbd5e0")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#edf2f7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _styles():
    sheet = getSampleStyleSheet()
    return sheet["Title"], sheet["Heading2"], sheet["Heading3"], sheet["BodyText"]


def _table(header: list[str], rows: list[list], widths: list[float] | None = None) -> Table:
    body = getSampleStyleSheet()["BodyText"].clone("cell", fontSize=8.5, leading=10)
    # Short cells stay plain strings (much cheaper to lay out); longer ones wrap as paragraphs.
    cells = [
        [
            str(c)
            if len(str(c)) <= 16 and "\n" not in str(c)
            else Paragraph(escape(str(c)).replace("\n", "<br/>"), body)
            for c in row
        ]
        for row in [header, *rows]
    ]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


def states_drawing(chart: dict) -> Drawing:
    drawing = Drawing(WIDTH, 200)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 30, 50, WIDTH - 40, 140
    bars.data = [s["values"] for s in chart["series"]] if chart["labels"] else [[0]]
    bars.categoryAxis.categoryNames = chart["labels"] or [""]
    bars.categoryAxis.style = "stacked"
    bars.categoryAxis.labels.fontSize = 6.5
    bars.categoryAxis.labels.angle = 45
    bars.categoryAxis.labels.boxAnchor = "ne"
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labels.fontSize = 7
    for i, s in enumerate(chart["series"]):
        bars.bars[i].fillColor = colors.HexColor(COLOURS[s["key"]])
        bars.bars[i].strokeColor = None
    drawing.add(bars)
    legend = Legend()
    legend.x, legend.y = 30, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontSize = 8
    legend.colorNamePairs = [(colors.HexColor(COLOURS[s["key"]]), s["label"]) for s in chart["series"]]
    drawing.add(legend)
    return drawing


def bars_drawing(rows: list[dict], *, maximum: float | None = None) -> Drawing:
    height = 20 + 18 * len(rows)
    drawing = Drawing(WIDTH, height)
    bars = HorizontalBarChart()
    bars.x, bars.y, bars.width, bars.height = 170, 10, WIDTH - 240, height - 16
    # The chart draws categories bottom-up; reversed, they read in the order of the tables.
    ordered = list(reversed(rows))
    if any(r.get("back") is not None for r in rows):
        bars.data = [[r.get("back") or 0 for r in ordered], [r["value"] for r in ordered]]
        bars.bars[0].fillColor = colors.HexColor(BAR_LIGHT)
        bars.bars[1].fillColor = colors.HexColor(BAR)
        bars.groupSpacing, bars.barSpacing = 4, 0
    else:
        bars.data = [[r["value"] for r in ordered]]
        bars.bars[0].fillColor = colors.HexColor(BAR)
    bars.bars.strokeColor = None
    bars.categoryAxis.categoryNames = [r["label"][:38] for r in ordered]
    bars.categoryAxis.labels.fontSize = 7
    bars.valueAxis.valueMin = 0
    if maximum:
        bars.valueAxis.valueMax = maximum
    bars.valueAxis.labels.fontSize = 7
    drawing.add(bars)
    step = bars.height / max(len(rows), 1)
    for i, row in enumerate(ordered):
        drawing.add(String(WIDTH - 64, bars.y + step * i + step / 2 - 3, row["text"], fontSize=7.5))
    return drawing


def render_report_pdf(report) -> bytes:
    """The PDF of `report` from its snapshot (`report.data`), in the language the figures were
    computed in; nothing is read from the database."""
    with translation.override(report.language or None):
        return _render(report)


def _render(report) -> bytes:
    data = report.data
    title_style, h2, h3, body = _styles()
    story = [
        Paragraph(escape(report.title), title_style),
        Paragraph(
            escape(
                _("Zeitraum: %(start)s bis %(end)s")
                % {"start": format_date(data["period"]["start"]), "end": format_date(data["period"]["end"])}
            ),
            body,
        ),
        Paragraph(escape(status_line(report)), body),
        Spacer(1, 4 * mm),
        Paragraph(escape(_("Kennzahlen")), h2),
        _table([_("Kennzahl"), _("Wert")], figure_rows(data), [WIDTH * 0.75, WIDTH * 0.25]),
        Paragraph(escape(_("Projekte nach Stand im Zeitraum")), h2),
        states_drawing(data["charts"]["states"]),
    ]
    participation = data["charts"]["participation"]
    if participation["votes"]:
        story += [
            Paragraph(escape(_("Wahlbeteiligung der Abstimmungen")), h3),
            bars_drawing(vote_rows(participation), maximum=100),
        ]
    if participation["events"]:
        story += [
            Paragraph(escape(_("Teilnahme an Veranstaltungen (teilgenommen / angemeldet)")), h3),
            bars_drawing(event_rows(participation)),
        ]
    story.append(Paragraph(escape(_("Themenfelder und Arbeitsgruppen")), h2))
    for theme in data["themes"]:
        story.append(Paragraph(escape(theme["name"]), h3))
        for group in theme["groups"]:
            summary = escape(group_summary(group["totals"]))
            story.append(Paragraph(f"<b>{escape(group['name'])}</b>: {summary}", body))
            if group["projects"]:
                rows = [
                    [
                        p["title"],
                        p["state"],
                        "\n".join(f"{format_date(s['date'])}: {s['from']} » {s['to']}" for s in p["steps"])
                        or "–",
                        "\n".join(
                            f"{format_date(m['date'])}: {m['text']}" if m["date"] else m["text"]
                            for m in p["milestones"]
                        )
                        or "–",
                    ]
                    for p in group["projects"]
                ]
                story.append(
                    _table(
                        [_("Projekt"), _("Stand am Ende"), _("Schritte"), _("Meilensteine")],
                        rows,
                        [WIDTH * 0.25, WIDTH * 0.17, WIDTH * 0.33, WIDTH * 0.25],
                    )
                )
            if group["escalations"]:
                story.append(
                    _table(
                        [_("Eskalation"), _("Stand am Ende"), _("Abstimmung")],
                        [
                            [e["title"], e["state"], _vote_result(e["vote_passed"])]
                            for e in group["escalations"]
                        ],
                        [WIDTH * 0.5, WIDTH * 0.25, WIDTH * 0.25],
                    )
                )
            story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(escape(_("Abstimmungen im Forum")), h2))
    if data["votes"]:
        story.append(
            _table(
                [_("Frage"), _("eingebracht von"), _("Beteiligung"), _("Ergebnis")],
                [
                    [
                        v["title"],
                        v["origin"],
                        f"{v['turnout']} / {v['electorate']} ({v['turnout_percent']:g} %)",
                        _vote_result(v["passed"]) if v["closed"] else _("noch offen"),
                    ]
                    for v in data["votes"]
                ],
                [WIDTH * 0.4, WIDTH * 0.2, WIDTH * 0.2, WIDTH * 0.2],
            )
        )
    else:
        story.append(Paragraph(escape(_("Keine Abstimmung im Zeitraum.")), body))
    story.append(Paragraph(escape(_("Siegel „Made in Aachen“")), h2))
    for key, heading in (
        ("awarded", _("Neu verliehen")),
        ("expired", _("Abgelaufen")),
        ("revoked", _("Entzogen")),
    ):
        seals = data["seals"][key]
        story.append(Paragraph(escape(f"{heading}: {len(seals)}"), h3))
        if seals:
            story.append(
                _table(
                    [_("Organisation"), _("gültig von"), _("gültig bis")],
                    [
                        [s["organisation"], format_date(s["valid_from"]), format_date(s["valid_until"])]
                        for s in seals
                    ],
                )
            )
    story.append(Paragraph(escape(_("Veranstaltungen")), h2))
    if data["events"]:
        story.append(
            _table(
                [
                    _("Veranstaltung"),
                    _("Datum"),
                    _("Gastgeber"),
                    _("angemeldet"),
                    _("Warteliste"),
                    _("teilgenommen"),
                ],
                [
                    [
                        e["title"],
                        format_date(e["starts"]),
                        e["host"],
                        e["confirmed"],
                        e["waiting"],
                        e["attended"],
                    ]
                    for e in data["events"]
                ],
            )
        )
    else:
        story.append(Paragraph(escape(_("Keine Veranstaltung im Zeitraum.")), body))
    story.append(Paragraph(escape(_("Mitglieder des Forums")), h2))
    story.append(_table([_("Mitglieder"), _("zu Beginn"), _("am Ende")], membership_rows(data)))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=report.title,
        author=_("Aachener Industrie-Dialog"),
        subject=_("Bericht an den Ausschuss"),
        invariant=True,
    )
    document.build(story)
    return buffer.getvalue()


def _vote_result(passed: bool | None) -> str:
    if passed is None:
        return "–"
    return _("angenommen") if passed else _("abgelehnt")
