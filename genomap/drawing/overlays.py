"""Overlays on a finished genogram: agencies, risk, second households and moves.

:func:`add_overlays` is a pure step *after* the base drawing
(:func:`genomap.pipeline.draw_family`): it reads the base :class:`Drawing`'s
``bounds`` (each person's symbol, each household's outline) and primitives (label
extents, household tabs, legal badges -- to keep clear of them), and appends new
primitives, each overlay in its own layer, plus legend entries for exactly the
overlay kinds present.  The base layout is never recomputed, so changing only the
overlays (or toggling them) is cheap: the canvas hides/shows layers without a
rebuild, and exports pass the enabled overlays only.

Layers (legend keys start with the layer name and a colon):

``"agencies"``
    One badge per agency working with a person (under their name) or a household
    (on the top edge of its outline) as at the view date: the agency type's short
    code (CSC, POL, HV, ...) on a tint of its colour.  The badge *shape* tells the
    sector in black and white: square corners statutory (social care, police,
    probation, MAPPA, youth justice), rounded health, pointed ends education,
    cut corners other support.  Ref ``("involvement", id)`` (the canvas tooltip
    shows agency, role, worker and contact).
``"risk"``
    A bold red-bordered warning triangle at the symbol's top-left, a red ring round
    the symbol of anyone with a flag about harm to others (solid when confirmed,
    dashed otherwise), and a red-bordered tag per active flag under the name:
    code and status ("RSO confirmed", "DA alleged").  Mental-health and substance
    flags (a parent's vulnerability) get the triangle and tag in amber, no ring.
    From each risk adult (harm flags) a red dashed line over a pale band runs to
    every child they reach as at the date (:func:`genomap.analysis.risk.risk_adults`),
    ending in an arrowhead at the child.  Ref ``("risk_flag", id)``.
``"stays"``
    A dashed connector in the household's colour from a person's symbol to the
    outline of a second household they stay at regularly / visit / stay overnight
    at (:func:`genomap.analysis.stays.stays_on`), and a dashed tag in words under
    their name ("stays regularly at 27 Millbank Road", "stays overnight (alleged);
    visits at 4 Rowan Close"); both exist only while the residence period lasts.
    Ref ``("residence", id)``.
``"moves"``
    A small house with the number of moves in the chosen period (default: the 12
    months before the view date) at the symbol's bottom-right; temporary
    accommodation and refuges get a "TEMP" / "REFUGE" tag beside their household
    tab and a hatched strip along the top of their outline.

Overlay geometry never depends on which overlays are enabled (a disabled layer's
primitives are simply left out), so toggling one adds or removes exactly its own
primitives.  Pure Python, no Qt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Callable, Iterable, Optional

from genomap.analysis.agencies import Involved, agency_group, involved_on
from genomap.analysis.moves import moves_in_period
from genomap.analysis.risk import HARM_KINDS, active_flags, risk_adults
from genomap.analysis.stays import stays_on
from genomap.drawing.paths import arrowhead, point_at, quad_bezier
from genomap.drawing.primitives import (
    Box, Drawing, Ellipse, Fill, LegendEntry, LineStyle, Polygon, Polyline, Primitive, Rect,
    Stroke, Text,
)
from genomap.drawing.text import prim_box, text_width, wrap
from genomap.model.enums import AgencyType, FactStatus, HouseholdType
from genomap.store.snapshot import FamilySnapshot

OVERLAY_KINDS: tuple[str, ...] = ("agencies", "risk", "stays", "moves")
OVERLAY_LABELS: dict[str, str] = {
    "agencies": "Agency involvement",
    "risk": "Risk flags and reach",
    "stays": "Stays and visits",
    "moves": "Moves and temporary accommodation",
}

# -- palette (meaning is carried by text and shape too, so greyscale loses nothing) ------
RISK_RED = "#b91c1c"
RISK_DARK = "#7f1d1d"
RISK_LINE = "#dc2626"
RISK_BAND = "#fde2e2"
WARN_FILL = "#fde047"
VULN_AMBER = "#b45309"
MOVES_INK = "#334155"
TEMP_FILL = "#fde68a"
TEMP_INK = "#78350f"

AGENCY_COLOURS: dict[AgencyType, tuple[str, str]] = {  # (fill, ink)
    AgencyType.SOCIAL_CARE: ("#dbeafe", "#1e3a8a"),
    AgencyType.POLICE: ("#e0e7ff", "#312e81"),
    AgencyType.PROBATION: ("#ede9fe", "#4c1d95"),
    AgencyType.MAPPA: ("#f3e8ff", "#581c87"),
    AgencyType.YOUTH_JUSTICE: ("#fae8ff", "#701a75"),
    AgencyType.HEALTH_VISITOR: ("#dcfce7", "#14532d"),
    AgencyType.GP: ("#d1fae5", "#064e3b"),
    AgencyType.SCHOOL_NURSE: ("#ecfccb", "#365314"),
    AgencyType.CAMHS: ("#ccfbf1", "#134e4a"),
    AgencyType.PSYCHOLOGY: ("#cffafe", "#164e63"),
    AgencyType.MIDWIFERY: ("#e0f2fe", "#0c4a6e"),
    AgencyType.ADULT_MENTAL_HEALTH: ("#d1fae5", "#065f46"),
    AgencyType.SUBSTANCE_SERVICE: ("#f0fdf4", "#166534"),
    AgencyType.SCHOOL: ("#fef3c7", "#78350f"),
    AgencyType.NURSERY: ("#fef9c3", "#713f12"),
    AgencyType.EARLY_HELP: ("#ffedd5", "#7c2d12"),
    AgencyType.HOUSING: ("#f5f5f4", "#292524"),
    AgencyType.DOMESTIC_ABUSE_SERVICE: ("#fce7f3", "#831843"),
    AgencyType.OTHER: ("#f1f5f9", "#1e293b"),
}
GROUP_WORDS = {
    "statutory": "square corners: statutory",
    "health": "rounded: health",
    "education": "pointed: education",
    "support": "cut corners: other support",
}

CHIP_H = 9.0
CHIP_SIZE = 5.8
TAG_SIZE = 6.0
STACK_GAP = 2.0
MIN_STACK_W = 60.0


@dataclass(frozen=True)
class OverlayOptions:
    """Which overlays to draw, and the period the moves overlay counts over."""

    agencies: bool = True
    risk: bool = True
    stays: bool = True
    moves: bool = True
    moves_months: int = 12  # window before the view date (when moves_start is not given)
    moves_start: Optional[date] = None
    moves_end: Optional[date] = None  # default: the view date
    risk_line_kinds: frozenset = field(default=HARM_KINDS)

    @property
    def enabled(self) -> tuple[str, ...]:
        return tuple(k for k in OVERLAY_KINDS if getattr(self, k))

    def only(self, layers: Iterable[str]) -> "OverlayOptions":
        """The same options with exactly ``layers`` enabled."""
        on = set(layers)
        return replace(self, **{k: (k in on) for k in OVERLAY_KINDS})

    def moves_window(self, as_at: date) -> tuple[date, date]:
        end = self.moves_end or as_at
        start = self.moves_start or (end - timedelta(days=round(self.moves_months * 365.25 / 12)))
        return start, end

    def moves_caption(self, as_at: date) -> str:
        if self.moves_start is None and self.moves_end is None:
            return f"the {self.moves_months} months before the view date"
        start, end = self.moves_window(as_at)
        return f"{_fmt(start)} – {_fmt(end)}"


ALL_OVERLAYS = OverlayOptions()
NO_OVERLAYS = OverlayOptions(agencies=False, risk=False, stays=False, moves=False)


def _fmt(d: date) -> str:
    return f"{d.day} {d.strftime('%b')} {d.year}"


# -- geometry helpers ----------------------------------------------------------------------

def _nearest_on_segment(p, a, b):
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / L2))
    return (ax + t * dx, ay + t * dy)


def _outline(p: Primitive) -> list[tuple[float, float]]:
    """A household piece's outline as a closed point list."""
    if isinstance(p, Rect):
        return [(p.x, p.y), (p.x + p.w, p.y), (p.x + p.w, p.y + p.h), (p.x, p.y + p.h), (p.x, p.y)]
    pts = list(p.points)
    return pts + pts[:1]


def _nearest_on_outline(pt, outline):
    best, best_d = None, None
    for a, b in zip(outline, outline[1:]):
        q = _nearest_on_segment(pt, a, b)
        d = (q[0] - pt[0]) ** 2 + (q[1] - pt[1]) ** 2
        if best_d is None or d < best_d:
            best, best_d = q, d
    return best


def _exit_point(box: Box, towards, gap: float = 3.0):
    """Where a ray from the box centre towards ``towards`` leaves the box (plus ``gap``)."""
    cx, cy = box.center
    dx, dy = towards[0] - cx, towards[1] - cy
    L = math.hypot(dx, dy) or 1.0
    ux, uy = dx / L, dy / L
    tx = (box.w / 2) / abs(ux) if abs(ux) > 1e-9 else math.inf
    ty = (box.h / 2) / abs(uy) if abs(uy) > 1e-9 else math.inf
    t = min(tx, ty) + gap
    return (cx + ux * t, cy + uy * t)


def _clip_radius(box: Box) -> float:
    return max(box.w, box.h) / 2


def _darken(hex_colour: str, f: float = 0.62) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return "#%02x%02x%02x" % (int(r * f), int(g * f), int(b * f))


# -- shapes ----------------------------------------------------------------------------------

def agency_chip(t: AgencyType, x: float, y: float, ref=None, layer: str = "agencies") -> tuple[list[Primitive], float]:
    """The badge of one agency type with its top-left at (x, y); returns (primitives, width)."""
    code = t.short_code
    fill, ink = AGENCY_COLOURS.get(t, AGENCY_COLOURS[AgencyType.OTHER])
    group = agency_group(t)
    tw = text_width(code, CHIP_SIZE, bold=True)
    pad = 5.0 if group in ("education", "support") else 3.2
    w = tw + 2 * pad
    h = CHIP_H
    st = Stroke(ink, 0.9)
    if group == "statutory":
        shape: Primitive = Rect(x, y, w, h, st, Fill(fill), 0.0, ref, layer)
    elif group == "health":
        shape = Rect(x, y, w, h, st, Fill(fill), h / 2, ref, layer)
    elif group == "education":
        m = h / 2
        shape = Polygon(((x, y + m), (x + 3.2, y), (x + w - 3.2, y), (x + w, y + m), (x + w - 3.2, y + h),
                         (x + 3.2, y + h)), st, Fill(fill), ref, layer)
    else:
        c = 2.4
        shape = Polygon(((x + c, y), (x + w - c, y), (x + w, y + c), (x + w, y + h - c), (x + w - c, y + h),
                         (x + c, y + h), (x, y + h - c), (x, y + c)), st, Fill(fill), ref, layer)
    text = Text(x + w / 2, y + (h - CHIP_SIZE * 1.2) / 2, (code,), size=CHIP_SIZE, bold=True, color=ink,
                ref=ref, layer=layer)
    return [shape, text], w


def chip_width(t: AgencyType) -> float:
    pad = 5.0 if agency_group(t) in ("education", "support") else 3.2
    return text_width(t.short_code, CHIP_SIZE, bold=True) + 2 * pad


def warning_triangle(cx: float, cy: float, size: float, border: str = RISK_RED, ref=None,
                     layer: str = "risk") -> list[Primitive]:
    """A bold-bordered warning triangle with "!" centred at (cx, cy)."""
    h = size * 0.9
    pts = ((cx, cy - h / 2), (cx + size / 2, cy + h / 2), (cx - size / 2, cy + h / 2))
    fs = size * 0.62
    return [
        Polygon(pts, Stroke(border, 1.8), Fill(WARN_FILL), ref, layer),
        Text(cx, cy - h / 2 + h * 0.30, ("!",), size=fs, bold=True, color=RISK_DARK, ref=ref, layer=layer),
    ]


def house(cx: float, bottom: float, w: float, h: float, stroke: Stroke, fill: Optional[Fill], ref=None,
          layer: str = "moves") -> Polygon:
    roof = h * 0.38
    x0, x1 = cx - w / 2, cx + w / 2
    top = bottom - h
    return Polygon(((x0, bottom), (x0, top + roof), (cx, top), (x1, top + roof), (x1, bottom)), stroke, fill,
                   ref, layer)


def _tag(x: float, y: float, text: str, ink: str, ref, layer: str, fill: str = "#ffffff",
         border: float = 1.0, size: float = TAG_SIZE) -> tuple[list[Primitive], float]:
    w = text_width(text, size, bold=True) + 6
    return [Rect(x, y, w, CHIP_H, Stroke(ink, border), Fill(fill), 1.5, ref, layer),
            Text(x + w / 2, y + (CHIP_H - size * 1.2) / 2, (text,), size=size, bold=True, color=ink, ref=ref,
                 layer=layer)], w


def _legend(key: str, label: str, sample: Iterable[Primitive]) -> LegendEntry:
    return LegendEntry(key, label, tuple(replace(p, ref=None, layer="legend") for p in sample))


def reach_children(ra) -> tuple[int, ...]:
    """Children a risk adult reaches *other than* by living in the same household.

    Those are drawn as reach lines; children who live with the risk adult are inside
    the same household outline already (and are listed in the risk banner).
    """
    co_resident = {c.child for c in ra.contacts if c.via.startswith("lives in the same household")}
    return tuple(c for c in ra.children if c not in co_resident)


def vulnerability_mark(cx: float, cy: float, size: float, ref=None, layer: str = "risk") -> list[Primitive]:
    """An amber-bordered hexagon with "!": a parent's vulnerability, not a risk to others."""
    r = size / 2
    pts = tuple((cx + r * math.cos(math.radians(a)), cy + r * math.sin(math.radians(a))) for a in range(0, 360, 60))
    return [Polygon(pts, Stroke(VULN_AMBER, 1.6), Fill("#fef3c7"), ref, layer),
            Text(cx, cy - size * 0.36, ("!",), size=size * 0.6, bold=True, color="#451a03", ref=ref, layer=layer)]


# -- the overlay builder -----------------------------------------------------------------------

class _Overlays:
    def __init__(self, drawing: Drawing, snap: FamilySnapshot, as_at: date, opts: OverlayOptions):
        self.d = drawing
        self.snap = snap
        self.day = as_at
        self.opts = opts
        self.out: dict[str, list[Primitive]] = {k: [] for k in OVERLAY_KINDS}
        self.under: dict[str, list[Primitive]] = {k: [] for k in OVERLAY_KINDS}  # lines, drawn first
        self.legend: dict[str, dict[str, LegendEntry]] = {k: {} for k in OVERLAY_KINDS}
        self.person_box: dict[int, Box] = {}
        self.household_box: dict[int, Box] = {}
        for ref, box in drawing.bounds.items():
            if ref[0] == "person":
                self.person_box[ref[1]] = box
            elif ref[0] == "household":
                self.household_box[ref[1]] = box
        self.label_bottom: dict[int, float] = {pid: b.bottom for pid, b in self.person_box.items()}
        self.label_width: dict[int, float] = {}
        self.pieces: dict[int, list[Primitive]] = {}
        self.tabs: dict[int, list[Box]] = {}
        self.obstacles: list[Box] = []  # what under-label stacks and household badges keep clear of
        for p in drawing.primitives:
            ref = p.ref
            if ref is None:
                continue
            layer = p.layer
            if layer == "base" and ref[0] == "person" and isinstance(p, Text):
                pid = ref[1]
                box = self.person_box.get(pid)
                if box is not None and p.y >= box.bottom - 0.5:
                    b = prim_box(p)
                    if b.bottom > self.label_bottom.get(pid, 0.0):
                        self.label_bottom[pid] = b.bottom
                    if b.w > self.label_width.get(pid, 0.0):
                        self.label_width[pid] = b.w
            elif layer == "households" and ref[0] == "household" and isinstance(p, (Rect, Polygon)):
                self.pieces.setdefault(ref[1], []).append(p)
            elif layer == "household_labels" and isinstance(p, Rect):
                b = prim_box(p)
                self.tabs.setdefault(ref[1], []).append(b)
                self.obstacles.append(b)
            elif layer == "badges" and isinstance(p, Rect):
                self.obstacles.append(prim_box(p))
        self.stack_y: dict[int, float] = {pid: y + STACK_GAP for pid, y in self.label_bottom.items()}

    # -- placement -------------------------------------------------------------------
    def _free_y(self, x0: float, x1: float, y: float, h: float) -> float:
        """The first y >= ``y`` where a row [x0, x1] of height h clears every obstacle."""
        for _ in range(12):
            row = Box(x0, y, x1 - x0, h)
            hit = [o for o in self.obstacles if o.intersects(row, margin=0.8)]
            if not hit:
                return y
            y = max(o.bottom for o in hit) + 1.5
        return y

    def _stack_rows(self, pid: int, widths: list[float]) -> list[tuple[float, float]]:
        """Top-left corners for items of ``widths`` centred in rows under person ``pid``'s label."""
        box = self.person_box[pid]
        cx = box.center[0]
        limit = max(self.label_width.get(pid, 0.0), MIN_STACK_W)
        rows: list[list[int]] = [[]]
        used = 0.0
        for i, w in enumerate(widths):
            if rows[-1] and used + 2 + w > limit:
                rows.append([])
                used = 0.0
            used += (2 if rows[-1] else 0) + w
            rows[-1].append(i)
        pos: list[tuple[float, float]] = [(0.0, 0.0)] * len(widths)
        y = self.stack_y[pid]
        for row in rows:
            total = sum(widths[i] for i in row) + 2 * (len(row) - 1)
            x = cx - total / 2
            y = self._free_y(x, x + total, y, CHIP_H)
            for i in row:
                pos[i] = (x, y)
                x += widths[i] + 2
            self.obstacles.append(Box(cx - total / 2, y, total, CHIP_H))
            y += CHIP_H + 1.5
        self.stack_y[pid] = y
        return pos

    # -- moves ----------------------------------------------------------------------
    def moves(self) -> None:
        out = self.out["moves"]
        leg = self.legend["moves"]
        temp = {h.id: h for h in self.snap.households if h.type.is_temporary}
        for hid, hh in sorted(temp.items()):
            pieces = self.pieces.get(hid)
            if not pieces:
                continue
            ref = ("household", hid)
            word = "REFUGE" if hh.type is HouseholdType.REFUGE else "TEMP"
            for piece in pieces:
                self._hatch(piece, ref)
            for tab in self.tabs.get(hid, []) or [self.household_box[hid]]:
                prims, w = _tag(tab.right + 3, tab.y, word, TEMP_INK, ref, "moves", fill=TEMP_FILL, border=1.2,
                                size=6.4)
                out.extend(prims)
                self.obstacles.append(Box(tab.right + 3, tab.y, w, CHIP_H))
            key = f"moves:temp:{word.lower()}"
            if key not in leg:
                prims, _ = _tag(4, 4.5, word, TEMP_INK, None, "legend", fill=TEMP_FILL, border=1.2, size=6.4)
                hatch = [Polyline(((x, 17.5), (x + 3.5, 14)), Stroke(TEMP_INK, 0.8), layer="legend")
                         for x in (4.0, 8.0, 12.0, 16.0, 20.0, 24.0)]
                what = "Refuge" if word == "REFUGE" else "Temporary accommodation"
                leg[key] = _legend(key, f"{word} – {what} (hatched edge)", prims + hatch)
        start, end = self.opts.moves_window(self.day)
        counts = moves_in_period(self.snap, end, start)
        for pid, box in sorted(self.person_box.items()):
            m = counts.get(pid)
            if m is None or m.moves <= 0:
                continue
            ref = ("person", pid)
            cx = box.right + 5.0
            bottom = box.bottom + 1.5
            out.append(house(cx, bottom, 12.0, 13.0, Stroke(MOVES_INK, 1.1), Fill("#ffffff"), ref, "moves"))
            out.append(Text(cx, bottom - 7.6, (str(m.moves),), size=6.5, bold=True, color=MOVES_INK, ref=ref,
                            layer="moves"))
        if any(c.moves > 0 and pid in self.person_box for pid, c in counts.items()):
            caption = self.opts.moves_caption(self.day)
            leg["moves:count"] = _legend("moves:count", f"House with a number: moves in {caption}", (
                house(18, 16, 12, 13, Stroke(MOVES_INK, 1.1), Fill("#ffffff")),
                Text(18, 16 - 7.6, ("2",), size=6.5, bold=True, color=MOVES_INK)))

    def _hatch(self, piece: Primitive, ref) -> None:
        """Short diagonal strokes along the inside of a piece's top edge."""
        if isinstance(piece, Rect):
            x0, x1, top = piece.x + 10, piece.x + piece.w - 10, piece.y
        else:
            top = min(q[1] for q in piece.points)
            xs = [q[0] for q in piece.points if abs(q[1] - top) < 0.5]
            x0, x1 = min(xs) + 4, max(xs) - 4
        st = Stroke(TEMP_INK, 0.8)
        x = x0
        while x + 4 <= x1:
            self.under["moves"].append(Polyline(((x, top + 7.0), (x + 4.0, top + 2.0)), st, ref, "moves"))
            x += 5.0

    # -- risk -----------------------------------------------------------------------
    def risk(self) -> None:
        out = self.out["risk"]
        leg = self.legend["risk"]
        flags = active_flags(self.snap, self.day)
        for pid in sorted(flags):
            box = self.person_box.get(pid)
            if box is None:
                continue
            fl = flags[pid]
            main = fl[0]
            ref = ("risk_flag", main.id)
            harm = [f for f in fl if f.kind in HARM_KINDS]
            if harm:
                confirmed = any(f.status is FactStatus.CONFIRMED for f in harm)
                st = Stroke(RISK_RED, 2.0, LineStyle.SOLID if confirmed else LineStyle.DASHED)
                out.extend(self._ring(pid, box, st, ("risk_flag", harm[0].id)))
            if harm:
                out.extend(warning_triangle(box.x + 1.0, box.y + 1.0, 17.0, RISK_RED, ref))
            else:
                out.extend(vulnerability_mark(box.x + 1.0, box.y + 1.0, 15.0, ref))
            self.obstacles.append(Box(box.x - 8.5, box.y - 7.0, 17.0, 16.0))
            tags = [(f, f"{f.kind.short_code} {f.status.label.lower()}") for f in fl]
            inks = [RISK_RED if f.kind in HARM_KINDS else VULN_AMBER for f, _ in tags]
            widths = [text_width(t, TAG_SIZE, bold=True) + 6 for _, t in tags]
            for (f, text), ink, (x, y) in zip(tags, inks, self._stack_rows(pid, widths)):
                prims, _ = _tag(x, y, text, ink, ("risk_flag", f.id), "risk", border=1.3)
                out.extend(prims)
                key = f"risk:kind:{f.kind.value}"
                if key not in leg:
                    prims, _ = _tag(2, 4.5, f.kind.short_code, ink, None, "legend", border=1.3)
                    leg[key] = _legend(key, f"{f.kind.short_code} – {f.kind.label} (with status: alleged, "
                                            f"suspected, confirmed…)", prims)
            if harm and "risk:harm" not in leg:
                leg["risk:harm"] = _legend("risk:harm", "Risk to others: warning triangle, red ring "
                                                        "(dashed unless confirmed)", (
                    Rect(12, 2.5, 13, 13, Stroke(RISK_RED, 1.6, LineStyle.SOLID), None),
                    *warning_triangle(12, 3, 10)))
            if not harm and "risk:vulnerability" not in leg:
                leg["risk:vulnerability"] = _legend("risk:vulnerability", "Vulnerability flag, e.g. mental health "
                                                                          "(amber hexagon)",
                                                    vulnerability_mark(18, 9, 14))
        # reach lines
        drawn = False
        for ra in risk_adults(self.snap, self.day, self.opts.risk_line_kinds):
            a = self.person_box.get(ra.person)
            if a is None:
                continue
            ref = ("risk_flag", ra.flags[0].id)
            for child in reach_children(ra):
                b = self.person_box.get(child)
                if b is None:
                    continue
                self.under["risk"].extend(self._reach_line(a, b, ref))
                drawn = True
        if drawn:
            leg["risk:reach"] = _legend("risk:reach", "Risk adult's contact with a child outside their own "
                                                      "household: visits, stays, ties (arrow to the child)", (
                Polyline(((3, 9), (28, 9)), Stroke(RISK_BAND, 3.2)),
                Polyline(((3, 9), (28, 9)), Stroke(RISK_LINE, 1.0, LineStyle.DASHED)),
                Polygon(arrowhead((33, 9), (1, 0), 6.0, 3.0), Stroke(RISK_LINE, 0.6), Fill(RISK_LINE))))

    def _ring(self, pid: int, box: Box, st: Stroke, ref) -> list[Primitive]:
        g = 3.5
        try:
            sex = self.snap.person(pid).sex.value
        except KeyError:
            sex = "unknown"
        b = Box(box.x - g, box.y - g, box.w + 2 * g, box.h + 2 * g)
        if sex == "male":
            return [Rect(b.x, b.y, b.w, b.h, st, None, 2.0, ref, "risk")]
        if sex == "female":
            return [Ellipse(b.center[0], b.center[1], b.w / 2, b.h / 2, st, None, ref, "risk")]
        cx, cy = b.center
        return [Polygon(((cx, b.y - 2), (b.right + 2, cy), (cx, b.bottom + 2), (b.x - 2, cy)), st, None, ref, "risk")]

    def _reach_line(self, a: Box, b: Box, ref) -> list[Primitive]:
        A, B = a.center, b.center
        dx, dy = B[0] - A[0], B[1] - A[1]
        d = math.hypot(dx, dy) or 1.0
        bow = 0.14 * d
        c = ((A[0] + B[0]) / 2 + dy / d * bow, (A[1] + B[1]) / 2 - dx / d * bow)
        pts = quad_bezier(A, c, B, max(24, int(d / 4)))  # fine enough to clip close to each symbol
        ra, rb = _clip_radius(a) + 4, _clip_radius(b) + 5
        pts = [p for p in pts if math.dist(p, A) >= ra and math.dist(p, B) >= rb]
        if len(pts) < 2:
            return []
        end, direction = point_at(pts, 1.0)
        return [
            Polyline(tuple(pts), Stroke(RISK_BAND, 3.2), ref, "risk"),
            Polyline(tuple(pts), Stroke(RISK_LINE, 1.0, LineStyle.DASHED), ref, "risk"),
            Polygon(arrowhead(end, direction, 6.0, 3.0), Stroke(RISK_LINE, 0.6), Fill(RISK_LINE), ref, "risk"),
        ]

    # -- agencies ---------------------------------------------------------------------
    def agencies(self) -> None:
        out = self.out["agencies"]
        leg = self.legend["agencies"]
        present: dict[AgencyType, None] = {}
        involved = involved_on(self.snap, self.day)
        for (kind, oid), items in sorted(involved.items()):
            if kind == "person":
                if oid not in self.person_box:
                    continue
                widths = [chip_width(i.agency_type) for i in items]
                for item, (x, y) in zip(items, self._stack_rows(oid, widths)):
                    prims, _ = agency_chip(item.agency_type, x, y, ("involvement", item.main.id))
                    out.extend(prims)
                    present[item.agency_type] = None
            else:
                if oid not in self.household_box:
                    continue
                self._household_chips(oid, items, out)
                for item in items:
                    present[item.agency_type] = None
        for t in sorted(present, key=lambda t: list(AgencyType).index(t)):
            prims, w = agency_chip(t, 4, 4.5, None, "legend")
            leg[f"agencies:{t.value}"] = _legend(f"agencies:{t.value}", f"{t.short_code} – {t.label}", prims)
        if present:
            groups = sorted({agency_group(t) for t in present}, key=list(GROUP_WORDS).index)
            leg["agencies:~shape"] = _legend("agencies:~shape", "Badge shape – " + "; ".join(
                GROUP_WORDS[g] for g in groups), ())

    def _household_chips(self, hid: int, items: list[Involved], out: list[Primitive]) -> None:
        pieces = self.pieces.get(hid)
        if pieces:
            top_piece = min(pieces, key=lambda p: prim_box(p).y)
            pb = prim_box(top_piece)
        else:
            pb = self.household_box[hid]
        widths = [chip_width(i.agency_type) for i in items]
        total = sum(widths) + 2 * (len(widths) - 1)
        y = pb.y - CHIP_H / 2
        x = pb.x + 12
        limit = pb.right - 8 - total
        while x <= limit:
            row = Box(x, y, total, CHIP_H)
            hit = [o for o in self.obstacles if o.intersects(row, margin=1.0)]
            if not hit:
                break
            x = max(o.right for o in hit) + 2.0
        if x > limit:
            x = max(pb.x + 12, limit)
        self.obstacles.append(Box(x, y, total, CHIP_H))
        for item, w in zip(items, widths):
            prims, _ = agency_chip(item.agency_type, x, y, ("involvement", item.main.id))
            out.extend(prims)
            x += w + 2

    # -- stays --------------------------------------------------------------------------
    def stays(self) -> None:
        under = self.under["stays"]
        out = self.out["stays"]
        drawn = False
        for s in stays_on(self.snap, self.day):
            box = self.person_box.get(s.person)
            pieces = self.pieces.get(s.household)
            if box is None or not pieces:
                continue
            if any(prim_box(p).intersects(box) for p in pieces):
                continue  # drawn inside (or touching) that household already
            c = box.center
            best, best_piece, best_d = None, None, None
            for p in pieces:
                q = _nearest_on_outline(c, _outline(p))
                d = math.dist(q, c)
                if best_d is None or d < best_d:
                    best, best_piece, best_d = q, p, d
            start = _exit_point(box, best)
            edge = best_piece.stroke.color if best_piece.stroke is not None else MOVES_INK
            ink = _darken(edge)
            ref = ("residence", s.residences[0].id)
            under.append(Polyline((start, best), Stroke(edge, 1.7, LineStyle.DASHED), ref, "stays"))
            out.append(Ellipse(best[0], best[1], 2.8, 2.8, Stroke(ink, 0.8), Fill(edge), ref, "stays"))
            out.append(Ellipse(start[0], start[1], 1.8, 1.8, None, Fill(edge), ref, "stays"))
            out.extend(self._stay_tag(s.person, f"{s.label} at {self._household_label(s.household)}", edge, ink, ref))
            drawn = True
        if drawn:
            self.legend["stays"]["stays:connector"] = _legend(
                "stays:connector", "Dashed connector to another household: stays regularly / visits / "
                                   "stays overnight there", (
                    Ellipse(4, 9, 1.8, 1.8, None, Fill("#0284c7")),
                    Polyline(((4, 9), (30, 9)), Stroke("#0284c7", 1.7, LineStyle.DASHED)),
                    Ellipse(31, 9, 2.8, 2.8, Stroke("#01557a", 0.8), Fill("#0284c7"))))

    def _household_label(self, hid: int) -> str:
        try:
            return self.snap.household(hid).label or "another household"
        except KeyError:
            return "another household"

    def _stay_tag(self, pid: int, text: str, edge: str, ink: str, ref) -> list[Primitive]:
        """The connector's words in a dashed tag under the person's name (clear of everything else)."""
        box = self.person_box[pid]
        size = 6.2
        lines = wrap(text, max(self.label_width.get(pid, 0.0), 92.0), size, bold=True, italic=True) or ("",)
        w = max(text_width(line, size, bold=True, italic=True) for line in lines) + 6
        h = len(lines) * size * 1.2 + 2.5
        x = box.center[0] - w / 2
        y = self._free_y(x, x + w, self.stack_y[pid], h)
        self.obstacles.append(Box(x, y, w, h))
        self.stack_y[pid] = y + h + 1.5
        return [Rect(x, y, w, h, Stroke(edge, 0.9, LineStyle.DASHED), Fill("#ffffff"), 2.0, ref, "stays"),
                Text(x + w / 2, y + 1.25, lines, size=size, bold=True, italic=True, color=ink, ref=ref, layer="stays")]

    # -- assemble --------------------------------------------------------------------------
    def build(self) -> Drawing:
        # fixed order, whatever is enabled, so geometry never depends on the options
        self.moves()
        self.risk()
        self.agencies()
        self.stays()
        prims: list[Primitive] = []
        legend: list[LegendEntry] = []
        enabled = self.opts.enabled
        for kind in ("stays", "moves", "risk", "agencies"):  # lines under, markers over
            if kind in enabled:
                prims.extend(self.under[kind])
        for kind in ("stays", "moves", "agencies", "risk"):
            if kind in enabled:
                prims.extend(self.out[kind])
        for kind in OVERLAY_KINDS:
            if kind in enabled:
                legend.extend(self.legend[kind].values())
        base_legend = tuple(e for e in self.d.legend if e.key.split(":")[0] not in OVERLAY_KINDS)
        return replace(self.d, primitives=self.d.primitives + tuple(prims),
                       legend=base_legend + tuple(legend) if self.d.legend or legend else (),
                       bounds=self.d.bounds)


def add_overlays(drawing: Drawing, snapshot: FamilySnapshot, as_at: date,
                 options: Optional[OverlayOptions] = None) -> Drawing:
    """``drawing`` (a base genogram of ``snapshot`` as at ``as_at``) with the enabled overlays added.

    Each overlay's primitives are in its own layer (``"agencies"``, ``"risk"``,
    ``"stays"``, ``"moves"``); legend entries are appended for exactly the overlay
    kinds drawn.  ``drawing`` itself is not changed.
    """
    return _Overlays(drawing, snapshot, as_at, options or ALL_OVERLAYS).build()


def without_layers(drawing: Drawing, layers: Iterable[str]) -> Drawing:
    """``drawing`` without the primitives and legend entries of ``layers`` (hidden overlays)."""
    drop = set(layers)
    if not drop:
        return drawing
    return replace(drawing, primitives=tuple(p for p in drawing.primitives if p.layer not in drop),
                   legend=tuple(e for e in drawing.legend if e.key.split(":")[0] not in drop),
                   bounds=drawing.bounds)


def overlay_layers(drawing: Drawing) -> set[str]:
    """The overlay layers present in ``drawing``."""
    return drawing.layers() & set(OVERLAY_KINDS)


def draw_with_overlays(snapshot: FamilySnapshot, as_at: Optional[date] = None, draw_options=None,
                       overlay_options: Optional[OverlayOptions] = None) -> Drawing:
    """The base genogram (:func:`genomap.pipeline.draw_family`, cached layout) plus overlays."""
    from genomap.pipeline import draw_family

    day = as_at or date.today()
    return add_overlays(draw_family(snapshot, day, draw_options), snapshot, day, overlay_options)


def export_draw(overlay_options: Optional[OverlayOptions] = None) -> Callable:
    """A ``draw(snapshot, day, draw_options)`` for :func:`genomap.export.export_case`: exports then
    show exactly the enabled overlays (and their legend entries)."""
    opts = overlay_options or ALL_OVERLAYS

    def draw(snapshot: FamilySnapshot, day: date, draw_options=None) -> Drawing:
        return draw_with_overlays(snapshot, day, draw_options, opts)

    return draw
