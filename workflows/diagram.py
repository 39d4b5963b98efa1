"""The workflow drawn as an SVG, from the definition alone: no JavaScript, nothing from outside.

Layout: the states reachable from the initial one stand in one column, in breadth-first order,
so the usual way through reads top to bottom. A step to the next row is an arrow between the
boxes; every other step runs in its own lane on the right, labelled in a column beside the lanes.
States entered only "from anywhere" (on hold, cancelled) stand in a row at the bottom, with
their ways in and out written under them. Terminal states are pills with a double border; the
current state is filled and pointed at, so neither depends on colour alone.
"""

from __future__ import annotations

import textwrap
from collections import deque

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .spec import Definition, State, Transition

BOX_W, BOX_H, ROW_GAP, LEFT, TOP = 260, 46, 34, 28, 12
LANE_GAP, SIDE_W, SIDE_GAP, NOTE_LINE = 16, 210, 24, 15
INK, MUTED, ACCENT, LINE, PANEL, TERMINAL = "#1b1f24", "#4a5560", "#0b5394", "#6b7785", "#f4f6f8", "#e6eaee"


def _main_column(definition: Definition) -> list[str]:
    """States reachable from the initial one by ordinary steps, breadth-first."""
    start = definition.initial.name
    order, queue = [start], deque([start])
    while queue:
        current = queue.popleft()
        for t in definition.transitions.values():
            if current in t.sources and not t.from_any and not t.to_previous and t.to not in order:
                order.append(t.to)
                queue.append(t.to)
    return order


def _lines(text: str, width: int, most: int) -> list[str]:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > most:
        lines = [*lines[: most - 1], textwrap.shorten(" ".join(lines[most - 1 :]), width, placeholder=" …")]
    return lines


def _text(
    x: float,
    y: float,
    lines: list[str],
    *,
    size: int = 13,
    anchor: str = "middle",
    fill: str = INK,
    weight: str = "normal",
) -> str:
    spans = "".join(
        f'<tspan x="{x:.0f}" dy="{0 if i == 0 else size + 2}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
        f'font-weight="{weight}">{spans}</text>'
    )


def _box(state: State, x: float, y: float, width: float, *, current: bool, per_line: int) -> str:
    fill = ACCENT if current else (TERMINAL if state.terminal else "#ffffff")
    ink = "#ffffff" if current else INK
    radius = BOX_H / 2 if state.terminal else 6
    notes = [_("aktueller Stand")] if current else []
    if state.terminal:
        notes.append(_("Endzustand"))
    title = state.label + (f" ({', '.join(notes)})" if notes else "")
    parts = [
        f'<g class="wf-state{" wf-current" if current else ""}{" wf-terminal" if state.terminal else ""}" '
        f'data-state="{escape(state.name)}"><title>{escape(title)}</title>',
        f'<rect x="{x}" y="{y}" width="{width}" height="{BOX_H}" rx="{radius}" fill="{fill}" '
        f'stroke="{ACCENT if current else LINE}" stroke-width="{3 if current else 1.5}"/>',
    ]
    if state.terminal:
        parts.append(
            f'<rect x="{x + 4}" y="{y + 4}" width="{width - 8}" height="{BOX_H - 8}" rx="{radius - 4}" '
            f'fill="none" stroke="{ink if current else LINE}" stroke-width="1"/>'
        )
    lines = _lines(state.label, per_line, 2)
    baseline = y + BOX_H / 2 + 5 - (len(lines) - 1) * 7.5
    parts.append(_text(x + width / 2, baseline, lines, fill=ink, weight="bold" if current else "normal"))
    if current:
        mid = y + BOX_H / 2
        parts.append(f'<path d="M6 {mid - 9} L20 {mid} L6 {mid + 9} Z" fill="{ACCENT}"/>')
    parts.append("</g>")
    return "".join(parts)


def workflow_diagram(
    *, definition: Definition, current: str | None = None, dom_id: str = "workflow-diagram"
) -> SafeString:
    """The SVG of `definition`, with `current` (a state name) marked; labels in the active language."""
    column = _main_column(definition)
    row = {name: i for i, name in enumerate(column)}
    side = [name for name in definition.states if name not in row]
    box_top = {name: TOP + i * (BOX_H + ROW_GAP) for i, name in enumerate(column)}
    right = LEFT + BOX_W
    ident = escape(dom_id)
    arrow = f"{ident}-arrow"
    body: list[str] = []

    # Steps between main states, one edge per pair of states.
    pairs: dict[tuple[str, str], list[Transition]] = {}
    for t in definition.transitions.values():
        if t.from_any or t.to_previous or t.to not in row:
            continue
        for source in t.sources:
            if source in row:
                pairs.setdefault((source, t.to), []).append(t)
    lanes = sorted(
        (pair for pair in pairs if row[pair[1]] != row[pair[0]] + 1),
        key=lambda pair: (abs(row[pair[1]] - row[pair[0]]), row[pair[0]]),
    )
    ports: dict[str, list[tuple[str, str]]] = {}
    for pair in lanes:
        for end in pair:
            ports.setdefault(end, []).append(pair)

    def port_y(state: str, pair: tuple[str, str]) -> float:
        mine = ports[state]
        return box_top[state] + (mine.index(pair) + 1) * BOX_H / (len(mine) + 1)

    for (source, target), steps in pairs.items():
        if (source, target) in lanes:
            continue
        label = " / ".join(t.label for t in steps)
        x, y1, y2 = LEFT + BOX_W / 2, box_top[source] + BOX_H, box_top[target]
        body.append(
            f'<g class="wf-step"><title>{escape(label)}</title>'
            f'<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2 - 2}" stroke="{LINE}" stroke-width="1.5" '
            f'marker-end="url(#{arrow})"/>'
            f"{_backed(x, (y1 + y2) / 2, _lines(label, 40, 1)[0])}</g>"
        )
    label_x = right + 18 + len(lanes) * LANE_GAP + 6
    used_y: list[float] = []
    label_width = 0
    for i, pair in enumerate(lanes):
        source, target = pair
        lane_x = right + 18 + i * LANE_GAP
        y1, y2 = port_y(source, pair), port_y(target, pair)
        label = " / ".join(t.label for t in pairs[pair])
        label_y = (y1 + y2) / 2
        while any(abs(label_y - other) < 14 for other in used_y):
            label_y += 14
        used_y.append(label_y)
        label_width = max(label_width, len(label))
        body.append(
            f'<g class="wf-step"><title>{escape(label)}</title>'
            f'<path d="M{right} {y1:.0f} H{lane_x} V{y2:.0f} H{right + 2}" fill="none" stroke="{LINE}" '
            f'stroke-width="1.5" marker-end="url(#{arrow})"/>'
            f'<path d="M{lane_x} {label_y:.0f} H{label_x - 3}" stroke="{LINE}" stroke-width="1" '
            f'stroke-dasharray="2 3"/>'
            f"{_text(label_x, label_y + 4, [label], size=11, anchor='start', fill=MUTED)}</g>"
        )
    for name in column:
        body.append(
            _box(definition.states[name], LEFT, box_top[name], BOX_W, current=name == current, per_line=34)
        )

    height = TOP + len(column) * (BOX_H + ROW_GAP) - ROW_GAP + TOP
    width = max(right + 12, label_x + label_width * 6.2 + 12)
    if side:
        section, notes_height = _side_section(definition, side, current=current, top=height + 12)
        body.append(section)
        height += 12 + 22 + BOX_H + notes_height + TOP
        width = max(width, LEFT + len(side) * (SIDE_W + SIDE_GAP))

    title = _("Ablauf „%(workflow)s“") % {"workflow": definition.label}
    if current in definition.states:
        title += " – " + _("aktueller Stand: %(state)s") % {"state": definition.states[current].label}
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{ident}" class="workflow-diagram" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(_describe(definition, column + side))}</desc>'
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 Z" fill="{LINE}"/></marker></defs>'
        + "".join(body)
        + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text in it went through escape()


def _backed(x: float, y: float, label: str) -> str:
    """A label across an arrow, on a white ground so that neither hides the other."""
    width = len(label) * 6 + 8
    return (
        f'<rect x="{x - width / 2:.0f}" y="{y - 8:.0f}" width="{width}" height="15" fill="#ffffff"/>'
        + _text(x, y + 4, [label], size=11, fill=MUTED)
    )


def _side_section(
    definition: Definition, side: list[str], *, current: str | None, top: float
) -> tuple[str, float]:
    parts = [
        f'<line x1="{LEFT}" y1="{top}" x2="{LEFT + len(side) * (SIDE_W + SIDE_GAP) - SIDE_GAP}" '
        f'y2="{top}" stroke="{LINE}" stroke-dasharray="4 4"/>',
        _text(LEFT, top + 16, [_("Jederzeit möglich")], size=12, anchor="start", fill=MUTED, weight="bold"),
    ]
    box_y = top + 22
    tallest = 0.0
    for i, name in enumerate(side):
        x = LEFT + i * (SIDE_W + SIDE_GAP)
        parts.append(_box(definition.states[name], x, box_y, SIDE_W, current=name == current, per_line=27))
        notes: list[str] = []
        for t in definition.transitions.values():
            if t.to == name and t.from_any:
                notes.append(_("← %(step)s: aus jedem offenen Schritt") % {"step": t.label})
            elif t.to == name:
                sources = ", ".join(definition.states[s].label for s in t.sources)
                notes.append(_("← %(step)s: aus %(states)s") % {"step": t.label, "states": sources})
            if name in t.sources and t.to_previous:
                notes.append(_("→ %(step)s: zurück zum vorherigen Schritt") % {"step": t.label})
            elif name in t.sources and not t.from_any and t.to in definition.states:
                notes.append(
                    _("→ %(step)s: nach %(state)s")
                    % {"step": t.label, "state": definition.states[t.to].label}
                )
        lines = [line for note in notes for line in _lines(note, 32, 3)]
        if lines:
            parts.append(_text(x, box_y + BOX_H + 16, lines, size=11, anchor="start", fill=MUTED))
        tallest = max(tallest, len(lines) * NOTE_LINE + 6)
    return "".join(parts), tallest


def _describe(definition: Definition, order: list[str]) -> str:
    states = "; ".join(
        f"{i}. {definition.states[name].label}"
        + (f" ({_('Endzustand')})" if definition.states[name].terminal else "")
        for i, name in enumerate(order, start=1)
    )
    steps = []
    for t in definition.transitions.values():
        origin = (
            _("jedem offenen Schritt")
            if t.from_any
            else ", ".join(definition.states[s].label for s in t.sources)
        )
        target = _("vorheriger Schritt") if t.to_previous else definition.states[t.to].label
        steps.append(f"{t.label}: {origin} → {target}")
    return _("Schritte: %(states)s. Übergänge: %(steps)s.") % {"states": states, "steps": "; ".join(steps)}
