"""The Connections view across a whole file as a :class:`Drawing`: risk adults and the families they reach.

Left, one box per connected person (red when they carry a risk flag, or may be
the same person as someone who does); right, one box per family map with its
reference, title and children.  A solid line joins a person to each family
they are linked into, labelled with their role there; a dashed amber line
joins them to a family where a *possible match* (not yet confirmed) lives.
Graphviz (``dot``, the same executable and JSON reading as the genogram layout,
:mod:`genomap.layout.dot`) places the boxes; below the graph the same facts
are set out as a table, so the PDF a team manager or MAPPA meeting receives
(:func:`genomap.render.pdf.render_pdf` on this drawing) reads without the screen.

Pure: no Qt, no database (it takes the report from
:func:`genomap.connections.store.connections_report`).
"""

from __future__ import annotations

from typing import Iterable, Optional

from genomap.connections.store import ConnectedPerson, FamilyLink
from genomap.drawing.primitives import (
    Align, Box, Drawing, Fill, LegendEntry, LineStyle, Polyline, Primitive, Rect, Stroke, Text,
)
from genomap.drawing.text import text_width
from genomap.layout.dot import parse_positions, run_dot

LAYER = "connections"
RISK = "#b91c1c"
RISK_FILL = "#fef2f2"
INK = "#334155"
SOFT = "#64748b"
POSSIBLE = "#b45309"
FAMILY_FILL = "#f8fafc"
PERSON_W, FAMILY_W = 190.0, 230.0
LINE = 11.0
PAD = 7.0
MARGIN = 24.0
MAX_CHILDREN = 9


def _inch(pt: float) -> str:
    return f"{pt / 72.0:.4f}"


def _person_lines(cp: ConnectedPerson) -> list[tuple[str, float, bool, str]]:
    lines = [(cp.name, 9.5, True, RISK if cp.risk_flags else INK)]
    if cp.known_as:
        lines.append((f"known as {cp.known_as}", 7.5, False, SOFT))
    if cp.born:
        lines.append((f"born {cp.born}", 7.5, False, SOFT))
    for r in cp.risk_flags:
        lines.append((f"{r.code}: {r.label}", 7.5, True, RISK))
    for m in cp.possible_matches:
        if m.risk_flags and not cp.risk_flags:
            lines.append((f"may be {m.name} ({', '.join(r.code for r in m.risk_flags)})", 7.5, True, RISK))
    n = len(cp.families)
    lines.append((f"in {n} family {'map' if n == 1 else 'maps'}"
                  + (f", possible match in {cp.other_family_count} more" if cp.other_family_count else ""),
                  7.5, False, INK))
    return lines


def _family_lines(f: FamilyLink) -> list[tuple[str, float, bool, str]]:
    lines = [(f.reference or f"#{f.case_id}", 9.0, True, INK), (f.title, 7.5, False, SOFT)]
    kids = list(f.children)
    if kids:
        lines.append(("Children:", 7.5, True, INK))
        for c in kids[:MAX_CHILDREN]:
            lines.append(("  " + c.text() + ("  (subject)" if c.subject else ""), 7.5, False, INK))
        if len(kids) > MAX_CHILDREN:
            lines.append((f"  and {len(kids) - MAX_CHILDREN} more", 7.5, False, SOFT))
    else:
        lines.append(("No children recorded", 7.5, False, SOFT))
    return lines


def _height(lines) -> float:
    return 2 * PAD + sum(size * 1.25 for _t, size, _b, _c in lines)


def _fit(text: str, size: float, bold: bool, width: float) -> str:
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text + "…"


def _box_texts(x: float, y: float, w: float, lines, ref) -> list[Primitive]:
    out: list[Primitive] = []
    cy = y + PAD
    for text, size, bold, color in lines:
        out.append(Text(x + PAD, cy, (_fit(text, size, bold, w - 2 * PAD),), size=size, bold=bold, color=color,
                        align=Align.LEFT, ref=ref, layer=LAYER))
        cy += size * 1.25
    return out


def _edge_point(box: Box, toward: tuple[float, float]) -> tuple[float, float]:
    """Where the line from the box centre toward a point leaves the box."""
    cx, cy = box.center
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    sx = (box.w / 2) / abs(dx) if dx else float("inf")
    sy = (box.h / 2) / abs(dy) if dy else float("inf")
    s = min(sx, sy)
    return cx + dx * s, cy + dy * s


def _edges(people: list[ConnectedPerson]) -> list[tuple[int, int, str, bool]]:
    """(person id, case id, label, confirmed) for every line of the graph, once."""
    out: dict[tuple[int, int], tuple[int, int, str, bool]] = {}
    for cp in people:
        for f in cp.families:
            out[(cp.person_id, f.case_id)] = (cp.person_id, f.case_id, f.role or "member", True)
        for m in cp.possible_matches:
            for f in m.families:
                if (cp.person_id, f.case_id) not in out:
                    out[(cp.person_id, f.case_id)] = (
                        cp.person_id, f.case_id, f"possible match: {m.name} ({round(m.score * 100)}%)", False)
    return list(out.values())


def select_people(report: Iterable[ConnectedPerson], risk_only: bool = False) -> list[ConnectedPerson]:
    """Who the view shows: each pair of possible matches once (the flagged/linked side), risk adults first."""
    people = list(report)
    shown: list[ConnectedPerson] = []
    ids = set()
    for cp in people:
        if risk_only and not cp.is_risk:
            continue
        # a record whose only connection is a possible match with someone already shown is drawn as that line
        if len(cp.families) <= 1 and cp.possible_matches and all(m.person_id in ids for m in cp.possible_matches):
            continue
        shown.append(cp)
        ids.add(cp.person_id)
    return shown


def table_rows(people: Iterable[ConnectedPerson]) -> list[tuple[str, str, str, str, str, str]]:
    """(person, risk, family, role, children, link) rows: the table beside the graph (and the PDF's)."""
    rows = []
    for cp in people:
        risk = ", ".join(r.code for r in cp.risk_flags)
        for f in cp.families:
            rows.append((cp.display(), risk, f.label, f.role, ", ".join(c.text() for c in f.children), "linked"))
        for m in cp.possible_matches:
            for f in m.families:
                rows.append((cp.display(), risk, f.label, f.role + f" (as {m.name})",
                             ", ".join(c.text() for c in f.children),
                             f"possible match {round(m.score * 100)}%: {m.explanation}"))
    return rows


def _table(people: list[ConnectedPerson], top: float, left: float) -> tuple[list[Primitive], float, float]:
    cols = [("Person", 150.0), ("Risk", 60.0), ("Family map", 170.0), ("Role there", 130.0),
            ("Children in that family", 230.0), ("Link", 250.0)]
    prims: list[Primitive] = [Text(left, top, ("Connections table",), size=11, bold=True, color=INK,
                                   align=Align.LEFT, layer=LAYER)]
    y = top + 20
    x = left
    for name, w in cols:
        prims.append(Text(x, y, (name,), size=7.5, bold=True, color=INK, align=Align.LEFT, layer=LAYER))
        x += w
    width = x - left
    y += 12
    prims.append(Polyline(((left, y), (left + width, y)), Stroke(INK, 0.8), layer=LAYER))
    for row in table_rows(people):
        wrapped = [_wrap(cell, w - 6) for cell, (_n, w) in zip(row, cols)]
        h = max(len(c) for c in wrapped) * 9.0 + 4
        x = left
        for (name, w), cell in zip(cols, wrapped):
            color = RISK if name == "Risk" else (POSSIBLE if name == "Link" and cell[0].startswith("possible") else INK)
            prims.append(Text(x, y + 2, tuple(cell), size=7.0, bold=name == "Risk", color=color, align=Align.LEFT,
                              layer=LAYER))
            x += w
        y += h
        prims.append(Polyline(((left, y), (left + width, y)), Stroke("#cbd5e1", 0.5), layer=LAYER))
    return prims, width, y


def _wrap(text: str, width: float, size: float = 7.0) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        trial = f"{cur} {w}".strip()
        if text_width(trial, size, False) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines or [""]


def dot_source(people: list[ConnectedPerson]) -> str:
    """The DOT graph: people on the left rank, family maps on the right."""
    fams = _families(people)
    out = ["digraph connections {",
           f"  graph [rankdir=LR, nodesep={_inch(14)}, ranksep={_inch(120)}, splines=false];",
           '  node [shape=box, fixedsize=true, label=""];', "  edge [arrowhead=none];"]
    for cp in people:
        out.append(f"  p{cp.person_id} [width={_inch(PERSON_W)}, height={_inch(_height(_person_lines(cp)))}];")
    for f in fams.values():
        out.append(f"  c{f.case_id} [width={_inch(FAMILY_W)}, height={_inch(_height(_family_lines(f)))}];")
    for pid, cid, _label, confirmed in _edges(people):
        out.append(f"  p{pid} -> c{cid} [weight={4 if confirmed else 1}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _families(people: list[ConnectedPerson]) -> dict[int, FamilyLink]:
    fams: dict[int, FamilyLink] = {}
    for cp in people:
        for f in cp.families:
            fams.setdefault(f.case_id, f)
        for m in cp.possible_matches:
            for f in m.families:
                fams.setdefault(f.case_id, f)
    return fams


def build_connections_drawing(report: Iterable[ConnectedPerson], risk_only: bool = False,
                              title: str = "Connections across family maps", table: bool = True) -> Drawing:
    """The whole-file Connections view: graph (laid out by Graphviz) and, below it, the table."""
    people = select_people(report, risk_only)
    prims: list[Primitive] = []
    bounds: dict[tuple[str, int], Box] = {}
    if not people:
        prims.append(Text(MARGIN, MARGIN, ("Nobody in this file is connected to more than one family map,",
                                           "and there are no possible matches."), size=10, color=INK,
                          align=Align.LEFT, layer=LAYER))
        return Drawing(420, 80, tuple(prims), title=title)
    pos = parse_positions(run_dot(dot_source(people)))
    fams = _families(people)
    boxes: dict[str, Box] = {}
    for cp in people:
        lines = _person_lines(cp)
        w, h = PERSON_W, _height(lines)
        cx, cy = pos[f"p{cp.person_id}"]
        boxes[f"p{cp.person_id}"] = Box(cx - w / 2 + MARGIN, cy - h / 2 + MARGIN, w, h)
    for f in fams.values():
        h = _height(_family_lines(f))
        cx, cy = pos[f"c{f.case_id}"]
        boxes[f"c{f.case_id}"] = Box(cx - FAMILY_W / 2 + MARGIN, cy - h / 2 + MARGIN, FAMILY_W, h)
    # lines first, boxes over them
    labels: list[Primitive] = []
    for pid, cid, label, confirmed in _edges(people):
        a, b = boxes[f"p{pid}"], boxes[f"c{cid}"]
        p1, p2 = (a.right, a.center[1]), (b.x, b.center[1])
        risk = next(cp for cp in people if cp.person_id == pid).is_risk
        color = (RISK if risk else INK) if confirmed else POSSIBLE
        stroke = Stroke(color, 2.0 if confirmed and risk else 1.3, LineStyle.SOLID if confirmed else LineStyle.DASHED)
        prims.append(Polyline((p1, p2), stroke, ref=("person", pid), layer=LAYER))
        mx, my = p1[0] + (p2[0] - p1[0]) * 0.5, p1[1] + (p2[1] - p1[1]) * 0.5
        labels.append(Text(mx, my - 5, (_fit(label, 7, False, 150),), size=7.0, color=color, italic=not confirmed,
                           background="#ffffff", ref=("person", pid), layer=LAYER))
    for cp in people:
        box = boxes[f"p{cp.person_id}"]
        risky = cp.is_risk
        prims.append(Rect(box.x, box.y, box.w, box.h, Stroke(RISK if risky else INK, 2.2 if cp.risk_flags else 1.2),
                          Fill(RISK_FILL if risky else "#ffffff"), radius=6, ref=("person", cp.person_id), layer=LAYER))
        if cp.risk_flags:
            prims.append(Rect(box.x, box.y, 5, box.h, None, Fill(RISK), radius=2, ref=("person", cp.person_id),
                              layer=LAYER))
        prims += _box_texts(box.x + 2, box.y, box.w - 2, _person_lines(cp), ("person", cp.person_id))
        bounds[("person", cp.person_id)] = box
    for f in fams.values():
        box = boxes[f"c{f.case_id}"]
        prims.append(Rect(box.x, box.y, box.w, box.h, Stroke(SOFT, 1.0), Fill(FAMILY_FILL), radius=3,
                          ref=("case", f.case_id), layer=LAYER))
        prims += _box_texts(box.x, box.y, box.w, _family_lines(f), ("case", f.case_id))
        bounds[("case", f.case_id)] = box
    prims += labels
    width = max(b.right for b in boxes.values()) + MARGIN
    height = max(b.bottom for b in boxes.values()) + MARGIN
    if table:
        tprims, tw, bottom = _table(people, height + 10, MARGIN)
        prims += tprims
        width = max(width, tw + 2 * MARGIN)
        height = bottom + MARGIN
    legend = (
        LegendEntry("connections:risk", "Person with a risk flag (or possibly the same as one)",
                    (Rect(4, 3, 28, 12, Stroke(RISK, 2.0), Fill(RISK_FILL), radius=3),)),
        LegendEntry("connections:linked", "Linked into this family map (their role on the line)",
                    (Polyline(((2, 9), (34, 9)), Stroke(INK, 1.5)),)),
        LegendEntry("connections:possible", "Possible match, not yet confirmed",
                    (Polyline(((2, 9), (34, 9)), Stroke(POSSIBLE, 1.3, LineStyle.DASHED)),)),
    )
    return Drawing(width, height, tuple(prims), legend=legend, title=title, bounds=bounds)
