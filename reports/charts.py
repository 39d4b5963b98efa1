"""The report's charts as inline SVG, drawn on the server from the snapshot (no script, no library).

The PDF draws the same charts with reportlab.graphics (reports.pdf); both take their colours here.
Only presentation attributes, no `style`: the site's Content-Security-Policy forbids inline styles.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

COLOURS = {"active": "#2b6cb0", "on_hold": "#b7791f", "completed": "#2f855a", "cancelled": "#718096"}
BAR = "#2b6cb0"
BAR_LIGHT = "#bee3f8"
INK = "#1a202c"
GRID = "#cbd5e0"


def _nice_max(value: int) -> int:
    """The top of the value axis: the smallest of 1, 2, 5 × 10ⁿ at or above `value`."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if step * top >= value:
                return max(step * top, 1)
        top *= 10


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 11, fill: str = INK) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">'
        f"{escape(content)}</text>"
    )


def states_svg(chart: dict) -> SafeString:
    """Stacked bars: for each slice of the period, the report's projects by state at its end."""
    labels, series = chart["labels"], chart["series"]
    width, height, left, right, top, bottom = 640, 280, 44, 12, 16, 74
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s["values"][i] for s in series) for i in range(len(labels))]
    peak = _nice_max(max(totals, default=0))
    title = _("Projekte nach Stand im Zeitraum")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="chart-states-title" class="report-chart">',
        f'<title id="chart-states-title">{escape(title)}</title>',
    ]
    # Whole numbers on the axis: peak is 1, 2 or 5 × 10ⁿ.
    divisions = peak if peak <= 5 else (4 if str(peak)[0] == "2" else 5)
    for step in range(divisions + 1):
        value = peak * step / divisions
        y = top + plot_h - plot_h * step / divisions
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(_text(left - 6, y + 4, f"{value:g}", anchor="end", size=10))
    slot = plot_w / max(len(labels), 1)
    bar_w = slot * 0.7
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h
        for s in series:
            value = s["values"][i]
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[s["key"]]}">'
                f"<title>{escape(label)}: {escape(s['label'])} {value}</title></rect>"
            )
        parts.append(_text(x + bar_w / 2, top + plot_h + 14, label, anchor="middle", size=9))
    x = left
    for s in series:
        parts.append(f'<rect x="{x}" y="{height - 30}" width="12" height="12" fill="{COLOURS[s["key"]]}"/>')
        parts.append(_text(x + 16, height - 20, s["label"]))
        x += 26 + 7 * len(s["label"])
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text is escaped above)


def bars_svg(rows: list[dict], *, title: str, ident: str, maximum: float | None = None) -> SafeString:
    """Horizontal bars, one row each: `label`, `value`, optional `back` (a lighter bar behind, e.g.
    registrations behind attendance) and `text` (what the row says at its end)."""
    width, label_w, row_h, top = 640, 220, 26, 8
    height = top + row_h * max(len(rows), 1) + 8
    peak = maximum or _nice_max(max([max(r["value"], r.get("back") or 0) for r in rows], default=0))
    plot_w = width - label_w - 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="chart-{ident}-title" class="report-chart">',
        f'<title id="chart-{ident}-title">{escape(title)}</title>',
    ]
    for i, row in enumerate(rows):
        y = top + row_h * i
        label = row["label"] if len(row["label"]) <= 34 else row["label"][:33] + "…"
        parts.append(_text(label_w - 8, y + 15, label, anchor="end", size=10))
        if row.get("back"):
            parts.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{plot_w * row["back"] / peak:.1f}" height="16" '
                f'fill="{BAR_LIGHT}"/>'
            )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{plot_w * row["value"] / peak:.1f}" height="16" '
            f'fill="{BAR}"/>'
        )
        parts.append(_text(label_w + plot_w + 6, y + 15, row["text"], size=10))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text is escaped above)


def vote_rows(participation: dict) -> list[dict]:
    return [
        {"label": v["label"], "value": v["percent"], "text": f"{v['percent']:g} % ({v['turnout']})"}
        for v in participation["votes"]
    ]


def event_rows(participation: dict) -> list[dict]:
    return [
        {
            "label": e["label"],
            "value": e["attended"],
            "back": e["confirmed"],
            "text": f"{e['attended']} / {e['confirmed']}",
        }
        for e in participation["events"]
    ]


def report_charts(data: dict) -> dict[str, SafeString]:
    """The page's three charts (an empty string for one with nothing to show)."""
    participation = data["charts"]["participation"]
    votes, events = vote_rows(participation), event_rows(participation)
    return {
        "states": states_svg(data["charts"]["states"]),
        "votes": bars_svg(votes, title=_("Wahlbeteiligung der Abstimmungen"), ident="votes", maximum=100)
        if votes
        else "",
        "events": bars_svg(events, title=_("Teilnahme an Veranstaltungen"), ident="events") if events else "",
    }
