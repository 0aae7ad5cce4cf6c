"""Build the genogram :class:`Drawing` from a snapshot and its layout, as at a date.

Pure Python: no Qt, no ReportLab drawing (only Helvetica metrics via
:mod:`genomap.drawing.text`).  Conventions follow McGoldrick/Gerson genograms and
the NSGC pedigree nomenclature where they overlap:

* symbols: male square, female circle, non-binary/other/unknown diamond, 40 pt;
  deceased X; subject child double outline; age inside (as at the view date);
  name (wrapped), "known-as" and dates below; pregnancy = triangle with "P";
  miscarriage = small filled circle; stillbirth = small symbol with X;
  termination = small filled circle with a slash through it (NSGC: the slash of
  termination); adopted = brackets [ ];
* partnerships: horizontal line at mid-height between the partners; married /
  civil partnership solid, cohabiting dashed, dating dotted, engaged dashed with a
  ring; separated one slash, divorced two slashes; separated but still living
  together: one slash with a small house mark beside it;
* descent: vertical drop from the partnership line's midpoint (or from a lone
  parent's side) to a horizontal sibship line, each child on a vertical; twins
  from one point (identical: a bar between them); line style gives the link:
  biological solid, adoptive dashed, foster dotted, kinship dash-dot, step
  dash-dot-dot (step/foster/... links beside a child's main parents are drawn as
  their own thinner lines);
* ties: each kind a distinct pattern readable in black and white, colour second;
  directed ties (abuse, neglect, no-contact orders) end in an arrowhead at the
  person harmed/protected;
* households: rounded outline around the people living there on the view date,
  built as the union of per-row runs of members (orthogonal rounded polygon); a
  household whose members are not adjacent is drawn as several pieces linked by a
  thin line -- a boundary never encloses a non-member;
* badges: legal/plan status tags at the symbol's top right; "PR" on the line of
  descent where parental responsibility is recorded.

Layers: "households" (boundaries), "household_labels" (their tabs), "base"
(symbols, kinship lines, labels), "ties", "badges".  Refs: ("person", id),
("partnership", id), ("parent_link", id), ("tie", id), ("household", id).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from genomap.drawing import style
from genomap.drawing.options import DrawOptions
from genomap.drawing.paths import (
    arrowhead, catmull_rom, chevron, cubic_bezier, offset, perpendicular, point_at, points_at, quad_bezier, rounded_polygon,
    simplify_orthogonal, sub_path, wave, zigzag,
)
from genomap.drawing.primitives import (
    Align, Box, Drawing, Ellipse, Fill, LegendEntry, LineStyle, Polygon, Polyline, Primitive,
    Rect, Stroke, Text,
)
from genomap.drawing.text import person_label, text_width, wrap
from genomap.drawing.ties import TieRouter, tie_geometry
from genomap.layout.engine import Layout, compact_layout, drop_parent, single_parent_side
from genomap.layout.family import is_small
from genomap.model.dates import PartialDate
from genomap.model.enums import (
    FactStatus, LegalStatusKind, ParentLinkKind, PartnershipEnd, PartnershipKind, PregnancyOutcome,
    ResidenceKind,
    Sex, TieKind, TriState, TwinKind,
)
from genomap.store.snapshot import FamilySnapshot, PartnershipView, PersonView

INK = Stroke(style.INK, style.LINE_WIDTH)
THIN_INK = Stroke(style.INK, style.THIN)

LINK_STYLE: dict[ParentLinkKind, LineStyle] = {
    ParentLinkKind.BIOLOGICAL: LineStyle.SOLID,
    ParentLinkKind.ADOPTIVE: LineStyle.DASHED,
    ParentLinkKind.FOSTER: LineStyle.DOTTED,
    ParentLinkKind.KINSHIP: LineStyle.DASH_DOT,
    ParentLinkKind.STEP: LineStyle.DASH_DOT_DOT,
}
LINK_LABEL = {
    ParentLinkKind.BIOLOGICAL: "Child (birth)",
    ParentLinkKind.ADOPTIVE: "Adopted child (line of adoption)",
    ParentLinkKind.FOSTER: "Foster child",
    ParentLinkKind.KINSHIP: "Kinship care / special guardianship",
    ParentLinkKind.STEP: "Step-parent",
}
PARTNER_STYLE: dict[PartnershipKind, LineStyle] = {
    PartnershipKind.MARRIED: LineStyle.SOLID,
    PartnershipKind.CIVIL_PARTNERSHIP: LineStyle.SOLID,
    PartnershipKind.COHABITING: LineStyle.DASHED,
    PartnershipKind.DATING: LineStyle.DOTTED,
    PartnershipKind.ENGAGED: LineStyle.DASHED,
}

# tie kind -> (colour, label); the pattern is in _tie_geometry
TIE_STYLE: dict[TieKind, tuple[str, str]] = {
    TieKind.CLOSE: ("#15803d", "Close"),
    TieKind.CONFLICT: ("#b45309", "Conflict"),
    TieKind.HOSTILE: ("#c2410c", "Hostile"),
    TieKind.ESTRANGED: ("#64748b", "Estranged / cut off"),
    TieKind.DOMESTIC_ABUSE_PHYSICAL: ("#b91c1c", "Domestic abuse (physical)"),
    TieKind.DOMESTIC_ABUSE_EMOTIONAL: ("#b91c1c", "Domestic abuse (emotional)"),
    TieKind.COERCIVE_CONTROL: ("#991b1b", "Coercive control"),
    TieKind.SEXUAL_ABUSE: ("#7f1d1d", "Sexual abuse"),
    TieKind.NEGLECT: ("#dc2626", "Neglect"),
    TieKind.COURT_ORDERED_CONTACT: ("#1d4ed8", "Court-ordered contact"),
    TieKind.NO_CONTACT_ORDER: ("#6d28d9", "No-contact order"),
}


def fmt_date(d: date) -> str:
    return f"{d.day} {d.strftime('%b')} {d.year}"


@dataclass
class _Sym:
    box: Box  # the symbol's own box (without double outline / brackets)
    cx: float
    top: float
    bottom: float
    half: float  # half width at mid-height (where partnership lines attach)
    mid_y: float
    entry: float = 0.0  # y where a line from above meets the (outer) outline


class _Builder:
    def __init__(self, snap: FamilySnapshot, lay: Layout, as_at: date, opts: DrawOptions):
        self.snap = snap
        self.lay = lay
        self.fs = lay.structure
        self.as_at = as_at
        self.opts = opts
        self.today = date.today()
        self.households_l: list[Primitive] = []
        self.household_labels: list[Primitive] = []
        self.ties_l: list[Primitive] = []
        self.lines: list[Primitive] = []
        self.symbols: list[Primitive] = []
        self.texts: list[Primitive] = []
        self.badges: list[Primitive] = []
        self.bounds: dict[tuple[str, int], Box] = {}
        self.legend: dict[str, LegendEntry] = {}
        self.sym: dict[int, _Sym] = {}
        self.visible: set[int] = set()
        self.vertical_x: dict[int, list[float]] = defaultdict(list)  # row -> x of lines entering from above
        self.down_x: dict[int, list[float]] = defaultdict(list)  # row -> x of lines leaving below
        self.extra_lane_used: dict[int, int] = defaultdict(int)
        self.label_box: dict[int, Box] = {}
        self.shape: dict[int, str] = {}  # person -> "rect" | "ellipse" | "diamond" (outline for tie ends)

    # -- visibility -------------------------------------------------------------
    def _visible(self, p: PersonView) -> bool:
        """Is ``p`` drawn at the view date?  (See :func:`visible_on` for the rules.)"""
        return visible_on(p, self.as_at, self.today) if self.opts.hide_unborn else True

    def _fresh(self, link):
        """The current snapshot's version of a parent link (PR and dates may have changed)."""
        return self.link_by_id.get(link.id, link)

    def _primary(self, child: int):
        return [self._fresh(l) for l in self.fs.primary_links[child]]

    def _primary_get(self, child: int, default=()):
        return self._primary(child) if child in self.fs.primary_links else list(default)

    def _current(self, key) -> Optional[PartnershipView]:
        """The partnership record describing a couple on the view date (latest started)."""
        recs = self.pair_records.get(key)
        if not recs:
            return None
        started = [r for r in recs if r.started_on(self.as_at)]
        return started[-1] if started else None

    def _label_backdrop(self, pid: int) -> Optional[str]:
        """Labels sit on their household's tint (or white) so crossing ties pass under them."""
        h = self.home.get(pid)
        if h is None or not self.opts.show_households:
            return "#ffffff"
        return self.household_fill(h)[0]

    def household_fill(self, hid: int) -> tuple[str, str]:
        i = self.colour_of.get(hid, 0)
        return style.HOUSEHOLD_FILLS[i % len(style.HOUSEHOLD_FILLS)]

    def legend_add(self, key: str, label: str, sample: tuple[Primitive, ...]) -> None:
        if key not in self.legend:
            self.legend[key] = LegendEntry(key, label, tuple(_strip(s) for s in sample))

    # -- symbols ------------------------------------------------------------------
    def symbol_geometry(self, p: PersonView) -> _Sym:
        x, y = self.lay.position(p.id)
        top = y - style.SYMBOL / 2
        if p.pregnancy is PregnancyOutcome.PREGNANCY:
            s = style.PREGNANCY_SYMBOL
            h = s * 0.9
            return _Sym(Box(x - s / 2, top, s, h), x, top, top + h, s / 4, top + h / 2)
        if is_small(p):
            s = style.SMALL_SYMBOL
            return _Sym(Box(x - s / 2, top, s, s), x, top, top + s, s / 2, top + s / 2)
        s = style.SYMBOL
        return _Sym(Box(x - s / 2, top, s, s), x, top, top + s, s / 2, y)

    def draw_person(self, p: PersonView) -> None:
        g = self.symbol_geometry(p)
        g.entry = g.top - (style.DOUBLE_GAP if p.is_subject and not is_small(p)
                           and p.pregnancy is PregnancyOutcome.NONE else 0.0)
        self.sym[p.id] = g
        if p.pregnancy in (PregnancyOutcome.MISCARRIAGE, PregnancyOutcome.TERMINATION) or \
                (p.pregnancy is not PregnancyOutcome.PREGNANCY and p.sex is Sex.FEMALE):
            self.shape[p.id] = "ellipse"
        elif p.pregnancy is PregnancyOutcome.PREGNANCY or p.sex is Sex.MALE:
            self.shape[p.id] = "rect"
        else:
            self.shape[p.id] = "diamond"
        ref = ("person", p.id)
        b = g.box
        fill = Fill(style.SUBJECT_FILL if p.is_subject else style.SYMBOL_FILL)
        prims: list[Primitive] = []
        dead = p.is_dead_on(self.as_at)
        key_label = None
        if p.pregnancy is PregnancyOutcome.PREGNANCY:
            tri = ((g.cx, b.y), (b.right, b.bottom), (b.x, b.bottom))
            prims.append(Polygon(tri, INK, fill, ref=ref))
            prims.append(Text(g.cx, b.y + b.h * 0.38, ("P",), size=8, bold=True, color=style.TEXT, ref=ref))
            key_label = ("symbol:pregnancy", "Pregnancy")
        elif p.pregnancy is PregnancyOutcome.MISCARRIAGE:
            prims.append(Ellipse(g.cx, g.mid_y, b.w / 2, b.h / 2, INK, Fill(style.MARK), ref=ref))
            key_label = ("symbol:miscarriage", "Miscarriage")
        elif p.pregnancy is PregnancyOutcome.TERMINATION:
            prims.append(Ellipse(g.cx, g.mid_y, b.w / 2, b.h / 2, INK, Fill(style.MARK), ref=ref))
            e = 5.0
            prims.append(Polyline(((b.x - e, b.bottom + e), (b.right + e, b.y - e)), Stroke(style.MARK, 1.6), ref=ref))
            key_label = ("symbol:termination", "Termination of pregnancy")
        else:
            prims.extend(self._sex_shape(p.sex, b, INK, fill, ref))
            if p.is_subject:
                d = style.DOUBLE_GAP
                outer = Box(b.x - d, b.y - d, b.w + 2 * d, b.h + 2 * d)
                prims[0:0] = self._sex_shape(p.sex, outer, INK, Fill(style.SYMBOL_FILL), ref)
                self.legend_add("symbol:subject", "Subject child (double outline)",
                                tuple(self._sex_shape(Sex.FEMALE, Box(11, 2, 14, 14), THIN_INK, None, None))
                                + tuple(self._sex_shape(Sex.FEMALE, Box(13.5, 4.5, 9, 9), THIN_INK, None, None)))
            if p.pregnancy is PregnancyOutcome.STILLBIRTH:
                key_label = ("symbol:stillbirth", "Stillbirth")
                dead = True
            else:
                key_label = {
                    Sex.MALE: ("symbol:male", "Male"),
                    Sex.FEMALE: ("symbol:female", "Female"),
                }.get(p.sex, ("symbol:other", "Non-binary / other / not known"))
            if dead:
                prims.extend(self._x_mark(p.sex, b, ref))
                if p.pregnancy is PregnancyOutcome.NONE:
                    self.legend_add("symbol:deceased", "Deceased", (Rect(13, 4, 10, 10, THIN_INK),)
                                    + tuple(self._x_mark(Sex.MALE, Box(13, 4, 10, 10), None)))
            elif self.opts.show_ages:
                age = p.age_on(self.as_at)
                if age is not None:
                    prims.append(Text(g.cx, g.mid_y - style.AGE_SIZE * 0.62, (str(age),), size=style.AGE_SIZE,
                                      color=style.TEXT, ref=ref))
            if p.adopted:
                gap = style.BRACKET_GAP
                l, r, t, bt = b.x - gap, b.right + gap, b.y - 3, b.bottom + 3
                prims.append(Polyline(((l + 5, t), (l, t), (l, bt), (l + 5, bt)), INK, ref=ref))
                prims.append(Polyline(((r - 5, t), (r, t), (r, bt), (r - 5, bt)), INK, ref=ref))
                self.legend_add("symbol:adopted", "Adopted (brackets)", (
                    Rect(13, 3, 12, 12, THIN_INK),
                    Polyline(((12, 1), (9, 1), (9, 17), (12, 17)), THIN_INK),
                    Polyline(((26, 1), (29, 1), (29, 17), (26, 17)), THIN_INK)))
        if key_label:
            self.legend_add(key_label[0], key_label[1], _legend_symbol(key_label[0]))
        self.symbols.extend(prims)
        box = b
        if p.is_subject:
            d = style.DOUBLE_GAP
            box = Box(b.x - d, b.y - d, b.w + 2 * d, b.h + 2 * d)
        self.bounds[ref] = box
        # label
        if self.opts.show_dates:
            lines = person_label(p, self.as_at)
        else:
            lines = tuple(l for l in person_label(p, self.as_at) if not l.soft)
        y = self.lay.row_y[self.lay.row_of[p.id]] + style.SYMBOL / 2 + style.LABEL_GAP
        if p.pregnancy is not PregnancyOutcome.NONE:
            y = g.bottom + style.LABEL_GAP  # small symbols keep their label close
        if lines:
            lw = max(l.width for l in lines)
            self.label_box[p.id] = Box(g.cx - lw / 2, y, lw, sum(l.height for l in lines))
        i = 0
        while i < len(lines):
            j = i
            while j < len(lines) and (lines[j].size, lines[j].bold, lines[j].italic, lines[j].soft) == \
                    (lines[i].size, lines[i].bold, lines[i].italic, lines[i].soft):
                j += 1
            run = lines[i:j]
            self.texts.append(Text(g.cx, y, tuple(l.text for l in run), size=run[0].size, bold=run[0].bold,
                                   italic=run[0].italic, color=style.TEXT_SOFT if run[0].soft else style.TEXT,
                                   ref=ref, background=self._label_backdrop(p.id)))
            y += sum(l.height for l in run)
            i = j
        if self.opts.show_badges:
            self._legal_badges(p, g)

    @staticmethod
    def _sex_shape(sex: Sex, b: Box, stroke, fill, ref) -> list[Primitive]:
        if sex is Sex.MALE:
            return [Rect(b.x, b.y, b.w, b.h, stroke, fill, ref=ref)]
        if sex is Sex.FEMALE:
            return [Ellipse(b.x + b.w / 2, b.y + b.h / 2, b.w / 2, b.h / 2, stroke, fill, ref=ref)]
        cx, cy = b.center
        return [Polygon(((cx, b.y), (b.right, cy), (cx, b.bottom), (b.x, cy)), stroke, fill, ref=ref)]

    @staticmethod
    def _x_mark(sex: Sex, b: Box, ref) -> list[Primitive]:
        if sex is Sex.MALE:
            inset = 0.0
        elif sex is Sex.FEMALE:
            inset = b.w / 2 * (1 - math.sqrt(0.5))
        else:
            inset = b.w / 4
        ext = -4.0  # lines run a little beyond the outline, as hand-drawn genograms do
        i = inset + ext
        st = Stroke(style.MARK, 1.3)
        return [
            Polyline(((b.x + i, b.y + i), (b.right - i, b.bottom - i)), st, ref=ref),
            Polyline(((b.right - i, b.y + i), (b.x + i, b.bottom - i)), st, ref=ref),
        ]

    def _legal_badges(self, p: PersonView, g: _Sym) -> None:
        mine = self.legal_by_person.get(p.id)
        if not mine:
            return
        kinds = sorted({ls.kind for ls in mine if ls.active_on(self.as_at)},
                       key=lambda k: list(LegalStatusKind).index(k))
        y = g.top - 6
        for k in kinds:
            code = k.short_code
            w = text_width(code, 6.5, bold=True) + 6
            x = g.cx + g.box.w / 2 - 8
            fill, ink = style.BADGE_COLOURS.get(k.value, ("#f1f5f9", "#334155"))
            ref = ("person", p.id)
            self.badges.append(Rect(x, y, w, 10, Stroke(ink, 0.8), Fill(fill), radius=3, ref=ref, layer="badges"))
            self.badges.append(Text(x + w / 2, y + 1.4, (code,), size=6.5, bold=True, color=ink, ref=ref, layer="badges"))
            self.legend_add(f"badge:{k.value}", f"{code} – {k.label}", (
                Rect(6, 4, w, 10, Stroke(ink, 0.8), Fill(fill), radius=3),
                Text(6 + w / 2, 5.4, (code,), size=6.5, bold=True, color=ink)))
            y += 11

    # -- partnerships ---------------------------------------------------------------
    def draw_unions(self) -> None:
        lay, fs = self.lay, self.fs
        for key, union in sorted(fs.unions.items()):
            a, b = key
            if a not in self.visible or b not in self.visible:
                continue
            rec = self._current(key)
            kids_visible = any(k in self.visible for k in fs.groups.get(("u", a, b), ()))
            if rec is None and self.pair_records.get(key):
                if not kids_visible:
                    continue  # not together yet
                rec = self.pair_records[key][0]
            left, right = (a, b) if lay.x[a] <= lay.x[b] else (b, a)
            ref = ("partnership", rec.id) if rec is not None else None
            if ref is None:
                links = self._primary_get(next(iter(fs.groups.get(("u", a, b), [0])), 0), [])
                ref = ("parent_link", links[0].id) if links else None
            row = lay.row_of[left]
            adjacent = self.fs.adjacent(key) and lay.row_of[right] == row
            stroke = self._partner_stroke(rec)
            if adjacent:
                gl, gr = self.sym[left], self.sym[right]
                y = lay.row_y[row]
                pts = ((gl.cx + gl.half, y), (gr.cx - gr.half, y))
                self.lines.append(Polyline(pts, stroke, ref=ref))
                marks_at = pts
            elif key in lay.low_lane:
                # a person's third+ partner on the same row: a lowered line, down from both
                # symbols (under the labels' backdrops) and across below the labels
                ly = lay.low_y(row, lay.low_lane[key])
                bl, br = self.bounds[("person", left)], self.bounds[("person", right)]
                gl, gr = self.sym[left], self.sym[right]
                pts = ((gl.cx, bl.bottom), (gl.cx, ly), (gr.cx, ly), (gr.cx, br.bottom))
                self.lines.append(Polyline(pts, stroke, ref=ref))
                self.down_x[row].extend([gl.cx, gr.cx])
                marks_at = (pts[1], pts[2])
            else:
                # partners on different rows: route over the top
                lane = self._extra_lane(row)
                ly = lay.lane_y(row, lane)
                gl, gr = self.sym[left], self.sym[right]
                pts = ((gl.cx, gl.top), (gl.cx, ly), (gr.cx, ly), (gr.cx, gr.top))
                self.lines.append(Polyline(pts, stroke, ref=ref))
                self.vertical_x[row].extend([gl.cx, gr.cx])
                marks_at = (pts[1], pts[2])
            self._partner_marks(rec, marks_at, ref)

    def _extra_lane(self, row: int) -> int:
        lane = self.lay.sib_lanes[row] + self.extra_lane_used[row]
        self.extra_lane_used[row] += 1
        return lane

    def _partner_stroke(self, rec: Optional[PartnershipView]) -> Stroke:
        if rec is None:
            self.legend_add("partner:unrecorded", "Parents (relationship not recorded)",
                            (Polyline(((2, 9), (34, 9)), Stroke(style.INK_SOFT, style.THIN)),))
            return Stroke(style.INK_SOFT, style.THIN)
        st = Stroke(style.INK, style.LINE_WIDTH, PARTNER_STYLE[rec.kind])
        label = {
            PartnershipKind.MARRIED: "Married / civil partnership",
            PartnershipKind.CIVIL_PARTNERSHIP: "Married / civil partnership",
            PartnershipKind.COHABITING: "Living together (cohabiting)",
            PartnershipKind.DATING: "Dating / intimate relationship",
            PartnershipKind.ENGAGED: "Engaged",
        }[rec.kind]
        key = "partner:married" if rec.kind in (PartnershipKind.MARRIED, PartnershipKind.CIVIL_PARTNERSHIP) else f"partner:{rec.kind.value}"
        sample: tuple[Primitive, ...] = (Polyline(((2, 9), (34, 9)), st),)
        if rec.kind is PartnershipKind.ENGAGED:
            sample += (Ellipse(18, 9, 2.6, 2.6, Stroke(style.INK, 1.1), Fill("#ffffff")),)
        self.legend_add(key, label, sample)
        return st

    def _partner_marks(self, rec: Optional[PartnershipView], seg, ref) -> None:
        if rec is None:
            return
        (x0, y0), (x1, y1) = seg
        L = abs(x1 - x0)
        if rec.kind is PartnershipKind.ENGAGED:
            self.lines.append(Ellipse(x0 + L * 0.25, y0, 2.6, 2.6, Stroke(style.INK, 1.1), Fill("#ffffff"), ref=ref))
        ended = rec.ended_on(self.as_at)
        if not ended:
            return
        end_kind = rec.end_kind
        if end_kind is PartnershipEnd.WIDOWED:
            return
        if end_kind is PartnershipEnd.NONE:
            end_kind = PartnershipEnd.SEPARATED
        st = Stroke(style.INK, 1.5)
        cx = x0 + L * 0.3
        def slash(x):
            return Polyline(((x - 3.5, y0 + 6.5), (x + 3.5, y0 - 6.5)), st, ref=ref)
        if end_kind is PartnershipEnd.DIVORCED:
            self.lines.extend([slash(cx - 2.5), slash(cx + 2.5)])
            self.legend_add("partner:divorced", "Divorced (two slashes)", (
                Polyline(((2, 9), (34, 9)), INK),
                Polyline(((12, 15.5), (19, 2.5)), st), Polyline(((17, 15.5), (24, 2.5)), st)))
        else:
            self.lines.append(slash(cx))
            if rec.living_together:
                self.lines.append(_house(cx + 9, y0 - 3, ref, "base"))
                self.legend_add("partner:separated_together", "Separated, still living together (slash + house)", (
                    Polyline(((2, 9), (34, 9)), INK),
                    Polyline(((11.5, 15.5), (18.5, 2.5)), st), _house(24, 6, None, "base")))
            else:
                self.legend_add("partner:separated", "Separated (one slash)", (
                    Polyline(((2, 9), (34, 9)), INK), Polyline(((14.5, 15.5), (21.5, 2.5)), st)))

    # -- descent --------------------------------------------------------------------
    def draw_descent(self) -> None:
        lay, fs = self.lay, self.fs
        for g, kids in sorted(fs.groups.items(), key=lambda kv: str(kv[0])):
            parents = g[1:]
            if not all(p in self.visible for p in parents):
                # a parent not yet born cannot happen; a hidden parent: draw nothing for them
                continue
            vkids = [k for k in kids if k in self.visible]
            if not vkids:
                continue
            prow = lay.row_of[parents[0]]
            py = lay.row_y[prow]
            if g[0] == "u":
                a, b = g[1], g[2]
                union = fs.unions[(a, b)]
                rec = self._current((a, b)) or (self.pair_records[(a, b)][0] if self.pair_records.get((a, b)) else None)
                ref = ("partnership", rec.id) if rec else ("parent_link", self._primary(vkids[0])[0].id)
                if fs.adjacent((a, b)):
                    drop_x = (lay.x[a] + lay.x[b]) / 2
                    start = (drop_x, py)
                    stub = None
                elif (a, b) in lay.low_lane:
                    # from the middle of the lowered partnership line
                    drop_x = (lay.x[a] + lay.x[b]) / 2
                    start = (drop_x, lay.low_y(prow, lay.low_lane[(a, b)]))
                    stub = None
                else:
                    # a hub's further partner: the line leaves from that partner's outer side
                    p, side = drop_parent(fs, g, lay.x)
                    drop_x = lay.x[p] + side * (lay.footprint[p] / 2 + style.NODE_SEP / 2)
                    stub = ((lay.x[p] + side * self.sym[p].half, py), (drop_x, py))
                    start = (drop_x, py)
            else:
                p = g[1]
                side = single_parent_side(fs, g, lay.x)
                drop_x = lay.x[p] + side * (lay.footprint[p] / 2 + style.NODE_SEP / 2)
                if side == 0:  # partners on both sides: straight down (under the label's backdrop)
                    stub = None
                    start = (drop_x, self.sym[p].bottom)
                else:
                    stub = ((lay.x[p] + side * self.sym[p].half, py), (drop_x, py))
                    start = (drop_x, py)
                ref = ("parent_link", self._primary(vkids[0])[0].id)
            self.down_x[prow].append(drop_x)
            by_row: dict[int, list[int]] = defaultdict(list)
            for k in vkids:
                by_row[lay.row_of[k]].append(k)
            head = list(stub) if stub is not None else [start]
            for r, ks in sorted(by_row.items()):
                lane = lay.group_lane.get((g, r), 0)
                ly = lay.lane_y(r, lane)
                xs = self._children_lines(ks, ly, ref)
                lo, hi = min(xs + [drop_x]), max(xs + [drop_x])
                # one polyline: (stub,) drop, and the sibship line on to its far end; a drop
                # inside the sibship line needs a second piece for the other side
                path = head + [(drop_x, ly)]
                far, near = (lo, hi) if drop_x - lo >= hi - drop_x else (hi, lo)
                if abs(far - drop_x) > 0.5:
                    path.append((far, ly))
                self.lines.append(Polyline(tuple(path), INK, ref=ref))
                if abs(near - drop_x) > 0.5:
                    self.lines.append(Polyline(((drop_x, ly), (near, ly)), INK, ref=ref))
                head = [start]

    def _children_lines(self, ks: list[int], ly: float, group_ref) -> list[float]:
        """Vertical (or twin) lines from the sibship line to each child; returns attach xs."""
        lay, fs = self.lay, self.fs
        people = self.people
        xs: list[float] = []
        twins: dict[str, list[int]] = defaultdict(list)
        for k in ks:
            if people[k].twin_group and people[k].twin_kind is not TwinKind.NONE:
                twins[people[k].twin_group].append(k)
        done: set[int] = set()
        for tg, members in twins.items():
            if len(members) < 2:
                continue
            members.sort(key=lambda k: lay.x[k])
            apex_x = sum(lay.x[k] for k in members) / len(members)
            xs.append(apex_x)
            tops = []
            for k in members:
                s = self.sym[k]
                link = self._primary(k)[0]
                st = Stroke(style.INK, style.LINE_WIDTH, LINK_STYLE.get(link.kind, LineStyle.SOLID))
                self.lines.append(Polyline(((apex_x, ly), (s.cx, s.entry)), st, ref=("parent_link", link.id)))
                tops.append((s.cx, s.entry))
                self._pr_mark(k, s.cx, ly, s.entry)
                done.add(k)
            kind = people[members[0]].twin_kind
            if kind is TwinKind.IDENTICAL:
                t = 0.5
                p0 = (apex_x + (tops[0][0] - apex_x) * t, ly + (tops[0][1] - ly) * t)
                p1 = (apex_x + (tops[-1][0] - apex_x) * t, ly + (tops[-1][1] - ly) * t)
                self.lines.append(Polyline((p0, p1), INK, ref=("person", members[0])))
                self.legend_add("twins:identical", "Identical twins (bar)", (
                    Polyline(((18, 2), (8, 16)), THIN_INK), Polyline(((18, 2), (28, 16)), THIN_INK),
                    Polyline(((13, 9), (23, 9)), THIN_INK)))
            else:
                self.legend_add("twins:fraternal", "Twins (from one point)", (
                    Polyline(((18, 2), (8, 16)), THIN_INK), Polyline(((18, 2), (28, 16)), THIN_INK)))
        for k in ks:
            if k in done:
                continue
            s = self.sym[k]
            link = self._primary(k)[0]
            st = Stroke(style.INK, style.LINE_WIDTH, LINK_STYLE.get(link.kind, LineStyle.SOLID))
            self.lines.append(Polyline(((s.cx, ly), (s.cx, s.entry)), st, ref=("parent_link", link.id)))
            self.vertical_x[lay.row_of[k]].append(s.cx)
            xs.append(s.cx)
            if link.kind is not ParentLinkKind.BIOLOGICAL:
                self._link_legend(link.kind)
            self._pr_mark(k, s.cx, ly, s.entry)
        return xs

    def _link_legend(self, kind: ParentLinkKind) -> None:
        st = Stroke(style.INK, style.LINE_WIDTH, LINK_STYLE[kind])
        self.legend_add(f"link:{kind.value}", LINK_LABEL[kind], (Polyline(((18, 1), (18, 17)), st),
                                                                   Polyline(((6, 1), (30, 1)), INK)))

    def _pr_mark(self, child: int, x: float, y0: float, y1: float) -> None:
        if not (self.opts.show_pr and self.opts.show_badges):
            return
        links = [l for l in self._primary(child) if l.parental_responsibility is TriState.YES]
        if not links:
            return
        prim = self._primary(child)
        if len(links) == len(prim):
            texts = [("PR", links[0].id)]
        else:
            texts = [(f"PR {self.people[l.parent].given_names.split(' ')[0]}", l.id) for l in links]
        y = y1 - 2 - 6.6 * len(texts)
        for t, lid in texts:
            self.badges.append(Text(x + 2.5, y, (t,), size=5.5, bold=True, color=style.INK_SOFT, align=Align.LEFT,
                                    ref=("parent_link", lid), layer="badges"))
            y += 6.6
        self.legend_add("mark:pr", "PR – parental responsibility", (
            Polyline(((14, 0), (14, 18)), INK),
            Text(16.5, 5, ("PR",), size=5.5, bold=True, color=style.INK_SOFT, align=Align.LEFT)))

    def draw_secondary(self) -> None:
        lay = self.lay
        for l in sorted((self._fresh(l) for l in self.fs.secondary_links), key=lambda l: l.id):
            if l.parent not in self.visible or l.child not in self.visible:
                continue
            ps, cs = self.sym[l.parent], self.sym[l.child]
            prow, crow = lay.row_of[l.parent], lay.row_of[l.child]
            side = 1 if lay.x[l.child] >= lay.x[l.parent] else -1
            gx = lay.x[l.parent] + side * (lay.footprint[l.parent] / 2 + style.NODE_SEP / 2 - 3)
            lane = self._extra_lane(crow)
            ly = lay.lane_y(crow, lane)
            tx = cs.cx + (7 if side < 0 else -7) if not is_small(self.people[l.child]) else cs.cx
            st = Stroke(style.INK_SOFT, 1.1, LINK_STYLE.get(l.kind, LineStyle.DASHED))
            start = (ps.cx + side * ps.half, ps.mid_y)
            if prow + 1 < crow:
                # rows in between: cross them where nobody stands
                ly1 = lay.lane_y(prow + 1, self._extra_lane(prow + 1))
                fx = self._free_x(range(prow + 1, crow), tx)
                pts = (start, (gx, ps.mid_y), (gx, ly1), (fx, ly1), (fx, ly), (tx, ly), (tx, cs.entry))
            elif prow > crow:
                fx = self._free_x(range(crow, prow), gx)
                pts = (start, (gx, ps.mid_y), (gx, ly), (tx, ly), (tx, cs.entry)) if fx == gx else \
                    (start, (gx, ps.mid_y), (gx, lay.lane_y(prow, self._extra_lane(prow))),
                     (fx, lay.lane_y(prow, self.extra_lane_used[prow] - 1 + lay.sib_lanes[prow])),
                     (fx, ly), (tx, ly), (tx, cs.entry))
            else:
                pts = (start, (gx, ps.mid_y), (gx, ly), (tx, ly), (tx, cs.entry))
            self.lines.append(Polyline(pts, st, ref=("parent_link", l.id)))
            self.vertical_x[crow].append(tx)
            self._link_legend(l.kind)
            if self.opts.show_pr and self.opts.show_badges and l.parental_responsibility is TriState.YES:
                self.badges.append(Text(tx + (2.5 if side > 0 else -2.5), ly + 2, ("PR",), size=5.5, bold=True,
                                        color=style.INK_SOFT, align=Align.LEFT if side > 0 else Align.RIGHT,
                                        ref=("parent_link", l.id), layer="badges"))
            del prow

    def _free_x(self, rows, target: float) -> float:
        """The x nearest ``target`` where a vertical line crosses ``rows`` without touching anyone."""
        lay = self.lay
        key = (rows.start, rows.stop)
        spans = self._span_cache.get(key) if hasattr(self, "_span_cache") else None
        if spans is not None:
            return self._free_from(spans, target)
        spans = []
        for r in rows:
            for p in lay.rows[r]:
                if p in self.visible:
                    half = max(lay.footprint[p], style.SYMBOL) / 2 + 3
                    spans.append((lay.x[p] - half, lay.x[p] + half))
        if not hasattr(self, "_span_cache"):
            self._span_cache = {}
        spans.sort()
        self._span_cache[key] = spans
        return self._free_from(spans, target)

    @staticmethod
    def _free_from(spans, target: float) -> float:
        import bisect

        starts = [a for a, _ in spans]
        widest = max((b - a for a, b in spans), default=0.0)

        def free(x):
            i = bisect.bisect_right(starts, x)
            j = bisect.bisect_left(starts, x - widest)
            return not any(a <= x <= b for a, b in spans[j:i])
        if free(target):
            return target
        cands = sorted({a - 3 for a, _ in spans} | {b + 3 for _, b in spans}, key=lambda c: abs(c - target))
        for c in cands:
            if free(c):
                return c
        return target

    # -- ties -------------------------------------------------------------------------
    def draw_ties(self) -> None:
        ties = [t for t in sorted(self.snap.ties, key=lambda t: t.id)
                if t.source in self.visible and t.target in self.visible and t.source != t.target
                and t.active_on(self.as_at)]
        if not ties:
            return
        router = TieRouter(self)
        by_pair: dict[tuple[int, int], list] = defaultdict(list)
        for t in ties:
            by_pair[(min(t.source, t.target), max(t.source, t.target))].append(t)
        def chord(item):  # short ties first: they have the fewest good ways round
            (p, q), _ = item
            return (math.dist(self.lay.position(p), self.lay.position(q)), p, q)

        for (p, q), group in sorted(by_pair.items(), key=chord):
            for k, t in enumerate(group):
                pts = router.route(p, q, k)
                base = pts if t.source == p else pts[::-1]
                self._draw_tie(t, base)

    def _draw_tie(self, t, base: list) -> None:
        """One tie's pattern along its routed base curve (source to target)."""
        colour, label = TIE_STYLE[t.kind]
        prims = tie_geometry(t.kind, base, colour, ("tie", t.id))
        if t.status in (FactStatus.ALLEGED, FactStatus.SUSPECTED, FactStatus.DISPUTED):
            (mx, my), (tx, ty) = point_at(base, 0.5)
            prims.append(Text(mx - ty * 9, my + tx * 9 - 4, ("?",), size=7, bold=True, color=colour,
                              ref=("tie", t.id), layer="ties"))
            self.legend_add("tie:unconfirmed", "? – alleged / suspected / disputed",
                            (Text(18, 4, ("?",), size=8, bold=True, color=style.INK),))
        self.ties_l.extend(prims)
        if f"tie:{t.kind.value}" not in self.legend:
            samp = tie_geometry(t.kind, [(4.0, 9.0), (18.0, 9.0), (32.0, 9.0)], colour, None)
            self.legend_add(f"tie:{t.kind.value}", label, tuple(samp))
        if t.kind.directed:
            self.legend_add("tie:~arrow", "Arrow: towards the person harmed / protected", (
                Polyline(((4, 9), (26, 9)), Stroke(style.INK, 1.2)),
                Polygon(arrowhead((32, 9), (1, 0), 7.5, 3.8), Stroke(style.INK, 0.8), Fill(style.INK))))

    # -- households ---------------------------------------------------------------------
    def draw_households(self) -> None:
        lay = self.lay
        members: dict[int, set[int]] = defaultdict(set)
        for pid, h in self.home.items():
            members[h].add(pid)
        # runs of members per row (visible people only; hidden slots are empty space):
        # maximal sequences of neighbours living in the same household
        runs_by_h: dict[int, list[tuple[int, float, float, float, float]]] = defaultdict(list)
        for r, row in enumerate(lay.rows):
            cur: list[int] = []
            cur_h = None
            for p in [q for q in row if q in self.visible] + [None]:  # type: ignore[list-item]
                h = self.home.get(p) if p is not None else None
                if h is not None and h == cur_h:
                    cur.append(p)
                    continue
                if cur:
                    x0 = min(lay.x[q] - max(lay.footprint[q], style.SYMBOL + 8) / 2 for q in cur) - style.HOUSEHOLD_PAD
                    x1 = max(lay.x[q] + max(lay.footprint[q], style.SYMBOL + 8) / 2 for q in cur) + style.HOUSEHOLD_PAD
                    top = lay.row_y[r] - style.SYMBOL / 2 - 10
                    lh = max(lay.label_h[q] for q in cur)
                    bottom = lay.row_y[r] + style.SYMBOL / 2 + style.LABEL_GAP + lh + style.HOUSEHOLD_PAD
                    runs_by_h[cur_h].append((r, x0, x1, top, bottom))
                cur = [p] if h is not None else []
                cur_h = h
        for hid in sorted(members):
            ms = members[hid]
            try:
                hh = self.snap.household(hid)
            except KeyError:
                continue
            fill, edge = self.household_fill(hid)
            ref = ("household", hid)
            runs = runs_by_h.get(hid, [])
            pieces = _stack_runs(runs)
            label = hh.label or "Household"
            if self.opts.show_addresses and hh.address:
                label = f"{label} · {hh.address}"
            stroke = Stroke(edge, 1.1, LineStyle.DASHED if hh.type.is_temporary else LineStyle.SOLID)
            bbox = None
            for i, piece in enumerate(pieces):
                poly = _piece_polygon(piece)
                if len(piece) == 1:
                    _, x0, x1, top, bottom = piece[0]
                    prim: Primitive = Rect(x0, top, x1 - x0, bottom - top, stroke, Fill(fill), radius=9,
                                           ref=ref, layer="households")
                else:
                    prim = Polygon(tuple(rounded_polygon(poly, 9)), stroke, Fill(fill), ref=ref, layer="households")
                self.households_l.append(prim)
                xs = [p[0] for p in poly]
                ys = [p[1] for p in poly]
                pb = Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
                bbox = pb if bbox is None else _union_box(bbox, pb)
                self._household_tab(label, piece[-1], edge, fill, ref)
            if bbox is not None:
                self.bounds[ref] = bbox
            key = "household:temporary" if hh.type.is_temporary else "household"
            lbl = "Household boundary (temporary / refuge: dashed)" if hh.type.is_temporary else "Household (lives together)"
            self.legend_add(key, lbl, (Rect(3, 2, 30, 14, Stroke(edge, 1.0, stroke.style), Fill(fill), radius=4),))

    def _household_tab(self, label: str, run, edge: str, fill: str, ref) -> None:
        r, x0, x1, top, bottom = run
        size = 6.8
        avail = max(x1 - x0 - 16, 60.0)
        lines = wrap(label, avail - 8, size, bold=True) or ("",)
        w = max(text_width(l, size, bold=True) for l in lines) + 8
        h = 10.5 + (len(lines) - 1) * size * 1.2
        # on the bottom edge, slid right until no line leaving the row crosses the tab
        obstacles = self.down_x.get(r, [])
        cands = [x0 + 8] + sorted(vx + 4 for vx in obstacles if x0 + 8 < vx + 4 < x1 - w)
        x = x0 + 8
        for c in cands:
            if not any(c - 2 <= vx <= c + w + 2 for vx in obstacles):
                x = c
                break
        y = bottom - 5.25
        self.household_labels.append(Rect(x, y, w, h, Stroke(edge, 0.9), Fill(fill), radius=3, ref=ref,
                                          layer="household_labels"))
        self.household_labels.append(Text(x + 4, y + 1.3, tuple(lines), size=size, bold=True, color=_darken(edge),
                                          align=Align.LEFT, ref=ref, layer="household_labels"))

    # -- assemble -------------------------------------------------------------------------
    def build(self) -> Drawing:
        fs = self.fs
        # people from *this* snapshot: the cached layout may come from an earlier one
        # with the same structure (names, sex, dates, flags may differ)
        self.people = {p.id: p for p in self.snap.people}
        self.visible = {pid for pid, p in self.people.items() if self._visible(p) and pid in self.lay.row_of}
        # people not yet born leave no holes: their visible siblings close up under the parents
        self.lay = compact_layout(self.lay, self.visible)
        self.link_by_id = {l.id: l for l in self.snap.parent_links}
        self.legal_by_person: dict[int, list] = defaultdict(list)
        for ls in self.snap.legal_statuses:
            self.legal_by_person[ls.person].append(ls)
        self.pair_records: dict[tuple[int, int], list[PartnershipView]] = defaultdict(list)
        for r in sorted(self.snap.partnerships, key=lambda r: ((r.start.sort_key() if r.start else ""), r.id)):
            self.pair_records[(min(r.a, r.b), max(r.a, r.b))].append(r)
        self.colour_of = {h.id: i for i, h in enumerate(sorted(self.snap.households, key=lambda h: h.id))}
        self.home: dict[int, int] = {}
        known = {h.id for h in self.snap.households}
        lives: dict[int, list[int]] = defaultdict(list)
        for r in self.snap.residences:
            if r.kind is ResidenceKind.LIVES and r.person in self.visible and r.household in known \
                    and r.active_on(self.as_at):
                lives[r.person].append(r.household)
        for pid, hs in lives.items():
            hint = self.lay.household_hint.get(pid)
            self.home[pid] = hint if hint in hs else min(hs)
        for pid in sorted(self.visible):
            self.draw_person(self.people[pid])
        self.draw_unions()
        self.draw_descent()
        self.draw_secondary()
        if self.opts.show_households:
            self.draw_households()
        if self.opts.show_ties:
            self.draw_ties()  # after the households: ties steer clear of their tabs
        prims = tuple(self.households_l + self.ties_l + self.lines + self.symbols + self.texts
                      + self.household_labels + self.badges)
        legend = tuple(sorted(self.legend.values(), key=_legend_order)) if self.opts.legend else ()
        return Drawing(
            width=self.lay.width, height=self.lay.height, primitives=prims, legend=legend,
            title=self.snap.title, as_at=fmt_date(self.as_at), bounds=self.bounds,
        )


def _seg_hits_box(a, b, box: Box) -> bool:
    """Does segment a-b pass through ``box``? (Liang-Barsky clip)"""
    x0, y0 = a
    dx, dy = b[0] - x0, b[1] - y0
    t0, t1 = 0.0, 1.0
    for pp, qq in ((-dx, x0 - box.x), (dx, box.x + box.w - x0), (-dy, y0 - box.y), (dy, box.y + box.h - y0)):
        if pp == 0.0:
            if qq < 0:
                return False
        else:
            r = qq / pp
            if pp < 0:
                if r > t0:
                    t0 = r
            elif r < t1:
                t1 = r
            if t0 > t1:
                return False
    return t1 - t0 > 1e-6


# -- who is on the picture at a date ----------------------------------------------------

PREGNANCY_DAYS = 280  # a pregnancy is shown for about nine months before its expected date
OVERDUE_DAYS = 30  # and a little after, until the birth is recorded
_DUE = re.compile(r"\bdue\s+(?:(\d{1,2})\s+)?([A-Za-z]{3,9})?\.?\s*(\d{4})\b", re.IGNORECASE)


def expected_date(p: PersonView) -> Optional[date]:
    """A pregnancy's expected date: its (birth) date, else "due Mar 2027" in its name."""
    if p.birth is not None:
        return p.birth.representative()
    for text in (p.known_as, p.given_names, p.family_name):
        m = _DUE.search(text or "")
        if m:
            try:
                return PartialDate.parse(" ".join(g for g in m.groups() if g)).representative()
            except ValueError:
                continue
    return None


def visible_on(p: PersonView, day: date, today: Optional[date] = None) -> bool:
    """Whether a person is drawn on a genogram as at ``day``.

    * people are drawn from their birth date (undated people always);
    * a current pregnancy from nine months (280 days) before its expected date until
      30 days after it (the birth may not be recorded yet) -- the expected date is the
      record's date, or "due Mar 2027" written in its name;
    * a pregnancy with no expected date at all describes the present: it is drawn only
      when the view date is within nine months of today (or later), never on views of
      the past years before it could have existed;
    * miscarriage, termination and stillbirth from their date (undated: always).
    """
    if p.pregnancy is PregnancyOutcome.PREGNANCY:
        due = expected_date(p)
        if due is None:
            return day >= (today or date.today()) - timedelta(days=PREGNANCY_DAYS)
        return due - timedelta(days=PREGNANCY_DAYS) <= day <= due + timedelta(days=OVERDUE_DAYS)
    if p.birth is None:
        return True
    return p.birth.representative() <= day


# -- helpers --------------------------------------------------------------------------------

def _strip(p: Primitive) -> Primitive:
    from dataclasses import replace

    return replace(p, ref=None, layer="legend")


_LEGEND_GROUPS = ["symbol", "twins", "partner", "link", "mark", "badge", "household", "tie"]


def _legend_order(e: LegendEntry) -> tuple:
    group = e.key.split(":")[0]
    return (_LEGEND_GROUPS.index(group) if group in _LEGEND_GROUPS else 99, e.key)


def _legend_symbol(key: str) -> tuple[Primitive, ...]:
    s = THIN_INK
    if key == "symbol:male":
        return (Rect(11, 2, 14, 14, s, Fill("#ffffff")),)
    if key == "symbol:female":
        return (Ellipse(18, 9, 7, 7, s, Fill("#ffffff")),)
    if key == "symbol:other":
        return (Polygon(((18, 1), (26, 9), (18, 17), (10, 9)), s, Fill("#ffffff")),)
    if key == "symbol:pregnancy":
        return (Polygon(((18, 2), (26, 16), (10, 16)), s, Fill("#ffffff")),
                Text(18, 8.5, ("P",), size=6, bold=True))
    if key == "symbol:miscarriage":
        return (Ellipse(18, 9, 4.5, 4.5, s, Fill(style.MARK)),)
    if key == "symbol:termination":
        return (Ellipse(18, 9, 4.5, 4.5, s, Fill(style.MARK)), Polyline(((12, 15), (24, 3)), Stroke(style.MARK, 1.2)))
    if key == "symbol:stillbirth":
        return (Rect(13, 4, 10, 10, s), Polyline(((11, 2), (25, 16)), s), Polyline(((25, 2), (11, 16)), s))
    return ()


def _house(x: float, y: float, ref, layer: str) -> Primitive:
    """A tiny house outline (pentagon) centred at x, y: 'still living together'."""
    return Polygon(((x - 3, y + 3), (x - 3, y - 1), (x, y - 4), (x + 3, y - 1), (x + 3, y + 3)),
                   Stroke(style.INK, 1.0), Fill("#ffffff"), ref=ref, layer=layer)


def _clip_radius(s: _Sym) -> float:
    return max(s.box.w, s.box.h) / 2


def _clip_ends(pts: list, ra: float, rb: float) -> list:
    a, b = pts[0], pts[-1]
    out = [p for p in pts if math.dist(p, a) >= ra and math.dist(p, b) >= rb]
    if len(out) < 2:
        return [pts[0], pts[-1]]
    return out


def _stack_runs(runs: list[tuple]) -> list[list[tuple]]:
    """Group per-row runs into pieces: a run joins the piece whose last run is on the row
    above and overlaps it horizontally (each piece takes at most one run per row)."""
    pieces: list[list[tuple]] = []
    for run in sorted(runs, key=lambda r: (r[0], r[1])):
        r, x0, x1 = run[0], run[1], run[2]
        for piece in pieces:
            last = piece[-1]
            if last[0] == r - 1 and last[1] < x1 - 20 and x0 + 20 < last[2]:
                piece.append(run)
                break
        else:
            pieces.append([run])
    return pieces


def _piece_polygon(piece: list[tuple]) -> list[tuple[float, float]]:
    """Outline of vertically stacked runs, each extended to the middle of the band between rows."""
    rects = []
    for i, (r, x0, x1, top, bottom) in enumerate(piece):
        t = top if i == 0 else (piece[i - 1][4] + top) / 2
        b = bottom if i == len(piece) - 1 else (bottom + piece[i + 1][3]) / 2
        rects.append((x0, x1, t, b))
    right = []
    left = []
    for x0, x1, t, b in rects:
        right += [(x1, t), (x1, b)]
        left += [(x0, t), (x0, b)]
    pts = right + list(reversed(left))
    return simplify_orthogonal(pts)


def _union_box(a: Box, b: Box) -> Box:
    x0, y0 = min(a.x, b.x), min(a.y, b.y)
    x1, y1 = max(a.right, b.right), max(a.bottom, b.bottom)
    return Box(x0, y0, x1 - x0, y1 - y0)


def _darken(hex_colour: str, f: float = 0.7) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return "#%02x%02x%02x" % (int(r * f), int(g * f), int(b * f))


def build_drawing(snapshot: FamilySnapshot, layout: Layout, as_at: date, options: Optional[DrawOptions] = None) -> Drawing:
    """The genogram page for ``snapshot`` as at ``as_at`` using a precomputed ``layout``."""
    return _Builder(snapshot, layout, as_at, options or DrawOptions()).build()
