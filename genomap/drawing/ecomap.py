"""The ecomap as a :class:`~genomap.drawing.primitives.Drawing`: centre circle, surroundings, connections.

Built from :func:`genomap.analysis.ecomap.build_ecomap` (see there for how the
nature of each connection is *derived*: the model has no "connection quality"
field -- close ties are strong, conflict/hostile/abuse ties stressful, ended or
estranged ties tenuous, active agency involvement a supportive arrow towards the
child).  The centre (a child, or a household) is a large circle; people,
households and agencies sit around it on a ring, people at the top, agencies
below, grouped by sector.  Lines follow the classic ecomap notation and stay
readable in black and white:

* strong: a thick solid line;  normal: a thin solid line;
* tenuous: a dashed line;      stressful: a zig-zag (red);
* arrows: the direction support (or harm) flows; both ends when mutual.

Agency nodes reuse the genogram badges' colours and short codes; a person with a
flag about harm to others gets the red warning triangle.  Because it is a plain
Drawing, the Qt canvas shows it and the PNG/PDF renderers export it like the
genogram.  Pure Python, no Qt.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Optional

from genomap.analysis.ecomap import BOTH, FROM_CENTRE, NORMAL, STRESSFUL, STRONG, TENUOUS, TO_CENTRE, build_ecomap
from genomap.drawing.overlays import AGENCY_COLOURS, RISK_RED, warning_triangle
from genomap.drawing.paths import arrowhead, zigzag
from genomap.drawing.primitives import (
    Box, Drawing, Ellipse, Fill, LegendEntry, LineStyle, Polygon, Polyline, Primitive, Rect, Stroke, Text,
)
from genomap.drawing.text import wrap
from genomap.model.enums import AgencyType
from genomap.store.snapshot import FamilySnapshot

INK = "#334155"
STRESS = "#b91c1c"
CENTRE_R = 64.0
NODE_R = 40.0
MARGIN = 36.0
LINE = {
    STRONG: Stroke(INK, 4.0),
    NORMAL: Stroke(INK, 1.5),
    TENUOUS: Stroke(INK, 1.5, LineStyle.DASHED),
    STRESSFUL: Stroke(STRESS, 1.6),
}
WORDS = {STRONG: "strong", NORMAL: "normal", TENUOUS: "tenuous", STRESSFUL: "stressful"}


def _fmt(d: date) -> str:
    return f"{d.day} {d.strftime('%b')} {d.year}"


def _agency_type(code: str) -> AgencyType:
    for t in AgencyType:
        if t.short_code == code:
            return t
    return AgencyType.OTHER


def _connection(a, b, nature: str, ref, layer: str = "base") -> list[Primitive]:
    st = LINE[nature]
    if nature == STRESSFUL:
        return [Polyline(tuple(zigzag([a, b], 4.0, 9.0, 8.0)), st, ref, layer)]
    return [Polyline((a, b), st, ref, layer)]


def _arrow(tip, frm, colour: str, ref) -> Primitive:
    d = (tip[0] - frm[0], tip[1] - frm[1])
    L = math.hypot(*d) or 1.0
    return Polygon(arrowhead(tip, (d[0] / L, d[1] / L), 9.0, 4.6), Stroke(colour, 0.8), Fill(colour), ref)


def ecomap_drawing(snapshot: FamilySnapshot, as_at: date, centre: Optional[tuple[str, int]] = None,
                   legend: bool = True) -> Drawing:
    """The ecomap of ``centre`` (default: the subject child) as at ``as_at``."""
    eco = build_ecomap(snapshot, as_at, centre)
    n = len(eco.nodes)
    ring = max(200.0, (n * (2 * NODE_R + 26)) / (2 * math.pi))
    size = 2 * (ring + NODE_R + 60) + 2 * MARGIN
    cx = cy = size / 2
    prims_lines: list[Primitive] = []
    prims: list[Primitive] = []
    bounds: dict[tuple[str, int], Box] = {}

    # centre
    centre_ref = eco.centre if eco.centre[0] in ("person", "household") else None
    prims.append(Ellipse(cx, cy, CENTRE_R, CENTRE_R, Stroke(INK, 2.2), Fill("#f1f5f9"), centre_ref))
    prims.append(Ellipse(cx, cy, CENTRE_R - 4, CENTRE_R - 4, Stroke(INK, 1.0), None, centre_ref))
    title = wrap(eco.title, 2 * CENTRE_R - 24, 9.5, bold=True) or ("",)
    sub = wrap(("with " + ", ".join(m.split(" ")[0] for m in eco.members)) if eco.members else "", 2 * CENTRE_R - 22,
               6.8)[:4]
    h = len(title) * 9.5 * 1.2 + len(sub) * 6.8 * 1.2
    y = cy - h / 2
    prims.append(Text(cx, y, title, size=9.5, bold=True, color="#0f172a", ref=centre_ref))
    if sub:
        prims.append(Text(cx, y + len(title) * 9.5 * 1.2, sub, size=6.8, color="#475569", ref=centre_ref))
    if centre_ref:
        bounds[centre_ref] = Box(cx - CENTRE_R, cy - CENTRE_R, 2 * CENTRE_R, 2 * CENTRE_R)

    # ring: people on top, agencies below (start at the top, clockwise)
    natures: set[str] = set()
    arrows = False
    for i, node in enumerate(eco.nodes):
        angle = -math.pi / 2 + 2 * math.pi * (i + 0.5) / max(n, 1) - (math.pi / max(n, 1) if n > 1 else 0)
        nx, ny = cx + ring * math.cos(angle), cy + ring * math.sin(angle)
        ux, uy = math.cos(angle), math.sin(angle)
        a = (cx + ux * (CENTRE_R + 3), cy + uy * (CENTRE_R + 3))
        b = (nx - ux * (NODE_R + 3), ny - uy * (NODE_R + 3))
        ref = node.ref
        colour = STRESS if node.nature == STRESSFUL else INK
        prims_lines.extend(_connection(a, b, node.nature, ref))
        natures.add(node.nature)
        if node.support in (TO_CENTRE, BOTH):
            prims_lines.append(_arrow(a, b, colour, ref))
            arrows = True
        if node.support in (FROM_CENTRE, BOTH):
            prims_lines.append(_arrow(b, a, colour, ref))
            arrows = True
        # the node
        if node.kind == "agency":
            fill, ink = AGENCY_COLOURS.get(_agency_type(node.code), AGENCY_COLOURS[AgencyType.OTHER])
            prims.append(Ellipse(nx, ny, NODE_R, NODE_R, Stroke(ink, 1.4), Fill(fill), ref))
            head = (node.code,)
            head_colour = ink
        elif node.kind == "household":
            prims.append(Rect(nx - NODE_R, ny - NODE_R * 0.8, 2 * NODE_R, 1.6 * NODE_R, Stroke(INK, 1.4),
                              Fill("#e0f2fe"), 10.0, ref))
            head, head_colour = ("HOME",), "#0369a1"
        else:
            border = Stroke(RISK_RED, 2.2) if node.risk else Stroke(INK, 1.4)
            prims.append(Ellipse(nx, ny, NODE_R, NODE_R, border, Fill("#ffffff"), ref))
            head, head_colour = (), INK
        name = wrap(node.label, 2 * NODE_R - 12, 6.6, bold=True)[:3]
        why = wrap("; ".join(node.reasons), 2 * NODE_R - 8, 5.6)[:4]
        lines_h = len(head) * 8 * 1.2 + len(name) * 6.6 * 1.2 + len(why) * 5.6 * 1.2
        ty = ny - lines_h / 2
        if head:
            prims.append(Text(nx, ty, head, size=8, bold=True, color=head_colour, ref=ref))
            ty += 8 * 1.2
        prims.append(Text(nx, ty, name, size=6.6, bold=True, color="#0f172a", ref=ref))
        ty += len(name) * 6.6 * 1.2
        if why:
            prims.append(Text(nx, ty, why, size=5.6, color="#475569", ref=ref))
        if node.risk:
            prims.extend(warning_triangle(nx - NODE_R * 0.72, ny - NODE_R * 0.72, 15.0, RISK_RED, ref, "base"))
        if ref is not None:
            bounds.setdefault(ref, Box(nx - NODE_R, ny - NODE_R, 2 * NODE_R, 2 * NODE_R))

    entries: list[LegendEntry] = []
    if legend:
        for nature in (STRONG, NORMAL, TENUOUS, STRESSFUL):
            if nature in natures:
                sample = _connection((3.0, 9.0), (33.0, 9.0), nature, None, "legend")
                entries.append(LegendEntry(f"ecomap:{nature}", f"{WORDS[nature].capitalize()} connection", tuple(sample)))
        if arrows:
            entries.append(LegendEntry("ecomap:arrow", "Arrow: direction of support (or of harm)", (
                Polyline(((3, 9), (27, 9)), Stroke(INK, 1.5), layer="legend"),
                Polygon(arrowhead((33, 9), (1, 0), 8, 4), Stroke(INK, 0.8), Fill(INK), layer="legend"))))
        if any(nd.risk for nd in eco.nodes):
            entries.append(LegendEntry("ecomap:risk", "Risk to others (flag active at the date)",
                                       tuple(warning_triangle(18, 9, 13, RISK_RED, None, "legend"))))
    return Drawing(width=size, height=size, primitives=tuple(prims_lines + prims), legend=tuple(entries),
                   title=f"Ecomap: {eco.title}", as_at=_fmt(as_at), bounds=bounds)
