"""The "connections" overlay: a chain-link badge on each person who is in other family maps.

Built from :attr:`Drawing.bounds` (the symbols are where the layout put them),
so it adds to any genogram without touching the layout.  The badge sits on the
bottom-left corner of the person's symbol -- its own slot: the risk warning
triangle owns the top-left corner, legal badges the top-right and the moves
house the bottom-right (see :data:`SLOTS`), so no two markers overlap -- and shows a chain link and the number of
*other* family maps the person is linked into; ``+1?`` adds the families where a
strong possible match lives (not yet confirmed).  People with a risk flag --
their own, or their possible match's -- get the loudest badge: solid red with
white text and a red ring round the symbol; other connected people a calm
slate badge; a possible match only, an amber dashed badge with "?".

Pure: takes ``{person id: ConnectedPerson}`` from
:func:`genomap.connections.store.case_connections`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from genomap.drawing.primitives import (
    Align, Drawing, Ellipse, Fill, LegendEntry, LineStyle, Primitive, Rect, Stroke, Text,
)
from genomap.drawing.text import text_width

LAYER = "connections"
RISK, RISK_TEXT = "#b91c1c", "#ffffff"
CALM, CALM_FILL = "#334155", "#ffffff"
MAYBE, MAYBE_FILL = "#b45309", "#fffbeb"
BADGE_H = 16.0
FONT = 8.5
# Where each family of markers sits around a person's symbol (one corner each, never shared).
SLOTS = {"risk": "top-left", "badges": "top-right", "moves": "bottom-right", LAYER: "bottom-left"}
INSET = 10.0  # how far the badge reaches in over the symbol's corner (like the risk triangle)


def badge_text(cp, case_id: int) -> str:
    """"2" = linked into two other family maps; "1 +1?" adds a strong possible match elsewhere."""
    linked = len(cp.families_other_than(case_id))
    mine = {f.case_id for f in cp.families}
    maybe = len({f.case_id for m in cp.possible_matches if m.strength == "strong" for f in m.families} - mine)
    if linked and maybe:
        return f"{linked} +{maybe}?"
    if linked:
        return str(linked)
    return f"{maybe}?" if maybe else "?"


def _chain(x: float, y: float, color: str, ref) -> list[Primitive]:
    """Two interlocking rounded links, 11 x 6 pt, top-left at (x, y)."""
    s = Stroke(color, 1.3)
    return [Rect(x, y + 1, 7, 4.5, s, None, radius=2.2, ref=ref, layer=LAYER),
            Rect(x + 4, y + 1, 7, 4.5, s, None, radius=2.2, ref=ref, layer=LAYER)]


def connection_badge(drawing: Drawing, pid: int, cp, case_id: int) -> list[Primitive]:
    box = drawing.bounds.get(("person", pid))
    if box is None:
        return []
    ref = ("person", pid)
    risky = cp.is_risk
    linked = bool(cp.families_other_than(case_id))
    text = badge_text(cp, case_id)
    w = 6 + 11 + 3 + text_width(text, FONT, True) + 6
    # bottom-left slot: bottom edge level with the moves house opposite, clear of the name below
    x, y = box.x + min(INSET, box.w / 4) - w, box.bottom + 1.5 - BADGE_H
    out: list[Primitive] = []
    if risky:
        # a ring round the symbol: seen at any zoom, in greyscale too (heavier line)
        out.append(Ellipse(box.center[0], box.center[1], box.w / 2 + 7, box.h / 2 + 7, Stroke(RISK, 2.4), None,
                           ref=ref, layer=LAYER))
        stroke, fill, ink = Stroke(RISK, 1.2), Fill(RISK), RISK_TEXT
    elif linked:
        stroke, fill, ink = Stroke(CALM, 1.2), Fill(CALM_FILL), CALM
    else:
        stroke, fill, ink = Stroke(MAYBE, 1.2, LineStyle.DASHED), Fill(MAYBE_FILL), MAYBE
    out.append(Rect(x, y, w, BADGE_H, stroke, fill, radius=BADGE_H / 2, ref=ref, layer=LAYER))
    out += _chain(x + 6, y + (BADGE_H - 6.5) / 2, ink, ref)
    out.append(Text(x + 6 + 11 + 3, y + (BADGE_H - FONT * 1.2) / 2, (text,), size=FONT, bold=True, color=ink,
                    align=Align.LEFT, ref=ref, layer=LAYER))
    return out


LEGEND = (
    LegendEntry("connections:risk", "Risk flag; in other family maps (number)",
                (Rect(4, 3, 28, 12, Stroke(RISK, 1.2), Fill(RISK), radius=6),)),
    LegendEntry("connections:linked", "Linked into other family maps (number)",
                (Rect(4, 3, 28, 12, Stroke(CALM, 1.2), Fill(CALM_FILL), radius=6),)),
    LegendEntry("connections:possible", "Possible match in another family map",
                (Rect(4, 3, 28, 12, Stroke(MAYBE, 1.2, LineStyle.DASHED), Fill(MAYBE_FILL), radius=6),)),
)


def with_connections(drawing: Drawing, connections: Mapping[int, object], case_id: int) -> Drawing:
    """``drawing`` with the connections layer (and its legend rows) added; unchanged when nobody is connected."""
    drawing = without_connections(drawing)
    prims: list[Primitive] = []
    kinds = set()
    for pid, cp in sorted(connections.items()):
        badge = connection_badge(drawing, pid, cp, case_id)
        if badge:
            prims += badge
            kinds.add("risk" if cp.is_risk else ("linked" if cp.families_other_than(case_id) else "possible"))
    if not prims:
        return drawing
    legend = tuple(e for e in LEGEND if e.key.split(":")[1] in kinds)
    return replace(drawing, primitives=drawing.primitives + tuple(prims), legend=drawing.legend + legend)


def without_connections(drawing: Drawing) -> Drawing:
    if not any(p.layer == LAYER for p in drawing.primitives):
        return drawing
    return replace(drawing, primitives=tuple(p for p in drawing.primitives if p.layer != LAYER),
                   legend=tuple(e for e in drawing.legend if not e.key.startswith("connections:")))
