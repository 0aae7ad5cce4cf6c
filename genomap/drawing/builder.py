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

Two steps.  :func:`prepare_drawing` (snapshot, date, options -> :class:`DrawingPrep`)
does everything that needs no layout: who is visible on the date, each person's
label lines (wrapped and measured) and backdrop, symbol kind, marks and legend keys,
legal-status badges and their widths, partnership records current/ended on the date,
each person's household, household labels and styles -- with the primitives as field
templates.  It is pure Python and only reads the snapshot, so the caller can run it
while Graphviz ``dot`` computes the layout.  :func:`build_drawing` (snapshot, layout,
date, options, ``prep=``) then only fills in positions: symbols, label boxes, lines,
household outlines and tabs, ties.  Without ``prep`` it makes one itself; the drawing
is identical either way.

Layers: "households" (boundaries), "household_labels" (their tabs), "base"
(symbols, kinship lines, labels), "ties", "badges".  Refs: ("person", id),
("partnership", id), ("parent_link", id), ("tie", id), ("household", id).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from genomap.drawing import style
from genomap.drawing.options import DrawOptions
from genomap.drawing.paths import arrowhead, point_at, rounded_polygon, simplify_orthogonal
from genomap.drawing.primitives import (
    Align, Box, Drawing, Ellipse, Fill, LegendEntry, LineStyle, MultiPolyline, Polygon, Polyline, Primitive,
    Rect, Stroke, Text,
)
from genomap.drawing.text import label_runs, person_label, text_width, wrap
from genomap.drawing.tie_patterns import tie_geometry
from genomap.drawing.ties import TieRouter
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

# tie kind -> (colour, label); the pattern is in tie_patterns.tie_geometry
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


@dataclass(slots=True)
class _Sym:
    box: Box  # the symbol's own box (without double outline / brackets)
    cx: float
    top: float
    bottom: float
    half: float  # half width at mid-height (where partnership lines attach)
    mid_y: float
    entry: float = 0.0  # y where a line from above meets the (outer) outline


# -- fast construction of primitives -------------------------------------------------
# The primitives are frozen dataclasses, whose generated __init__ sets each field through
# object.__setattr__ (about 2 us a primitive).  A drawing has tens of thousands of them,
# so the builder makes them by filling the instance dict in one go: the same objects
# (same class, fields, equality, hash, pickling), a quarter of the cost.  Every field is
# given, in declaration order; _check_fast_fields() guards against the classes changing.

_new = object.__new__
_setattr = object.__setattr__


def _box(x: float, y: float, w: float, h: float) -> Box:
    o = _new(Box)
    _setattr(o, "__dict__", {"x": x, "y": y, "w": w, "h": h})
    return o


def _rect(x, y, w, h, stroke, fill, radius, ref, layer) -> Rect:
    o = _new(Rect)
    _setattr(o, "__dict__", {"x": x, "y": y, "w": w, "h": h, "stroke": stroke, "fill": fill, "radius": radius,
                             "ref": ref, "layer": layer})
    return o


def _ellipse(cx, cy, rx, ry, stroke, fill, ref, layer) -> Ellipse:
    o = _new(Ellipse)
    _setattr(o, "__dict__", {"cx": cx, "cy": cy, "rx": rx, "ry": ry, "stroke": stroke, "fill": fill, "ref": ref,
                             "layer": layer})
    return o


def _polygon(points, stroke, fill, ref, layer) -> Polygon:
    o = _new(Polygon)
    _setattr(o, "__dict__", {"points": points, "stroke": stroke, "fill": fill, "ref": ref, "layer": layer})
    return o


def _polyline(points, stroke, ref, layer="base") -> Polyline:
    o = _new(Polyline)
    _setattr(o, "__dict__", {"points": points, "stroke": stroke, "ref": ref, "layer": layer})
    return o


def _multi(paths, stroke, ref, layer="base") -> MultiPolyline:
    o = _new(MultiPolyline)
    _setattr(o, "__dict__", {"paths": paths, "stroke": stroke, "ref": ref, "layer": layer})
    return o


def _text(x, y, lines, size, bold, italic, color, align, ref, layer, background) -> Text:
    o = _new(Text)
    _setattr(o, "__dict__", {"x": x, "y": y, "lines": lines, "size": size, "bold": bold, "italic": italic,
                             "color": color, "align": align, "ref": ref, "layer": layer, "background": background})
    return o


def _text_from(template: dict, x: float, y: float) -> Text:
    """A Text from a prepared field dict (see :func:`_text_template`) placed at x, y."""
    d = template.copy()
    d["x"] = x
    d["y"] = y
    o = _new(Text)
    _setattr(o, "__dict__", d)
    return o


def _text_template(lines, size, bold, italic, color, ref, background, layer="base") -> dict:
    return {"x": 0.0, "y": 0.0, "lines": lines, "size": size, "bold": bold, "italic": italic, "color": color,
            "align": Align.CENTER, "ref": ref, "layer": layer, "background": background}


def _from(cls, template: dict, **fields):
    """A ``cls`` primitive from a field dict (all fields, in order), some fields replaced."""
    o = _new(cls)
    d = o.__dict__
    d.update(template)
    d.update(fields)
    return o


def _add_shape(add, code: int, template: dict, x: float, y: float, w: float, h: float) -> None:
    """A square (0), circle (1) or diamond (2) filling box x, y, w, h, from its template."""
    if code == 0:
        add(_from(Rect, template, x=x, y=y))
    elif code == 1:
        add(_from(Ellipse, template, cx=x + w / 2, cy=y + h / 2))
    else:
        cx, cy = x + w / 2, y + h / 2
        add(_from(Polygon, template, points=((cx, y), (x + w, cy), (cx, y + h), (x, cy))))


def _check_fast_fields() -> None:
    from dataclasses import fields

    made = (
        (Box, _box(1.0, 2.0, 3.0, 4.0)),
        (Rect, _rect(1.0, 2.0, 3.0, 4.0, None, None, 0.0, None, "base")),
        (Ellipse, _ellipse(1.0, 2.0, 3.0, 4.0, None, None, None, "base")),
        (Polygon, _polygon((), None, None, None, "base")),
        (Polyline, _polyline((), None, None, "base")),
        (MultiPolyline, _multi((), None, None, "base")),
        (Text, _text(1.0, 2.0, (), 8.0, False, False, "#000000", Align.CENTER, None, "base", None)),
        (Text, _text_from(_text_template((), 8.0, False, False, "#000000", None, None), 1.0, 2.0)),
    )
    for cls, obj in made:
        if tuple(f.name for f in fields(cls)) != tuple(obj.__dict__):
            raise RuntimeError(f"genomap.drawing.builder: fast constructor out of date for {cls.__name__}")


_check_fast_fields()

# shared (immutable) strokes and fills
_MARK_STROKE = Stroke(style.MARK, 1.3)  # X of the deceased
_TERMINATION_STROKE = Stroke(style.MARK, 1.6)
_SLASH_STROKE = Stroke(style.INK, 1.5)
_RING_STROKE = Stroke(style.INK, 1.1)
_WHITE = Fill("#ffffff")
_MARK_FILL = Fill(style.MARK)
_SYMBOL_FILL = Fill(style.SYMBOL_FILL)
_SUBJECT_FILL = Fill(style.SUBJECT_FILL)
_UNRECORDED_STROKE = Stroke(style.INK_SOFT, style.THIN)
_PARTNER_STROKE = {k: Stroke(style.INK, style.LINE_WIDTH, v) for k, v in PARTNER_STYLE.items()}
_LINK_STROKE = {k: Stroke(style.INK, style.LINE_WIDTH, LINK_STYLE.get(k, LineStyle.SOLID)) for k in ParentLinkKind}
_SECONDARY_STROKE = {k: Stroke(style.INK_SOFT, 1.1, LINK_STYLE.get(k, LineStyle.DASHED)) for k in ParentLinkKind}
_AGE_DY = style.AGE_SIZE * 0.62
_LEGAL_ORDER = {k: i for i, k in enumerate(LegalStatusKind)}
_KIND_NORMAL, _KIND_PREGNANCY, _KIND_MISCARRIAGE, _KIND_TERMINATION = range(4)
_CENTER, _LEFT, _RIGHT = Align.CENTER, Align.LEFT, Align.RIGHT
_TWIN_NONE = TwinKind.NONE
# a PR mark on a line of descent (x, y, lines, ref filled in)
_PR_TEXT = {"x": 0.0, "y": 0.0, "lines": (), "size": 5.5, "bold": True, "italic": False, "color": style.INK_SOFT,
            "align": Align.LEFT, "ref": None, "layer": "badges", "background": None}


# -- position-free preparation -------------------------------------------------------

_P_NONE, _P_PREGNANCY, _P_MISCARRIAGE, _P_TERMINATION, _P_STILLBIRTH = (
    PregnancyOutcome.NONE, PregnancyOutcome.PREGNANCY, PregnancyOutcome.MISCARRIAGE, PregnancyOutcome.TERMINATION,
    PregnancyOutcome.STILLBIRTH)
_MALE, _FEMALE = Sex.MALE, Sex.FEMALE
_LIVES = ResidenceKind.LIVES
_SEX_KEY = {Sex.MALE: ("symbol:male", "Male"), Sex.FEMALE: ("symbol:female", "Female")}
_OTHER_KEY = ("symbol:other", "Non-binary / other / not known")


class _PersonPrep:
    """Everything about drawing one person that does not depend on where they stand."""

    __slots__ = ("ref", "kind", "small", "subject", "shape", "sex_code", "sym_t", "outer_t", "xi", "mark_t",
                 "age_t", "bracket_t", "extra_t", "close_label", "runs", "label_w", "label_h", "late_backdrop",
                 "badges")


class _HouseholdStyle:
    """How a household of one palette colour is drawn (shared by every drawing)."""

    __slots__ = ("fill", "edge", "fill_obj", "tab_ink", "tab_stroke", "stroke", "legend_key", "legend_entry")

    def __init__(self, fill: str, edge: str, temporary: bool):
        self.fill, self.edge, self.fill_obj = fill, edge, Fill(fill)
        self.tab_ink = _darken(edge)
        self.tab_stroke = Stroke(edge, 0.9)
        self.stroke = Stroke(edge, 1.1, LineStyle.DASHED if temporary else LineStyle.SOLID)
        self.legend_key = "household:temporary" if temporary else "household"
        lbl = "Household boundary (temporary / refuge: dashed)" if temporary else "Household (lives together)"
        self.legend_entry = LegendEntry(self.legend_key, lbl, tuple(_strip(s) for s in (
            Rect(3, 2, 30, 14, Stroke(edge, 1.0, self.stroke.style), Fill(fill), radius=4),)))


_HOUSEHOLD_STYLES: dict[tuple[int, bool], _HouseholdStyle] = {}


def _household_style(colour: int, temporary: bool) -> _HouseholdStyle:
    got = _HOUSEHOLD_STYLES.get((colour, temporary))
    if got is None:
        fill, edge = style.HOUSEHOLD_FILLS[colour]
        got = _HOUSEHOLD_STYLES[(colour, temporary)] = _HouseholdStyle(fill, edge, temporary)
    return got


class DrawingPrep:
    """The part of a genogram drawing that needs no layout: see :func:`prepare_drawing`.

    Made for one snapshot, view date and set of options; :func:`build_drawing` checks
    that it is given the matching ones.  Read-only once made, so one prep may serve any
    number of builds with that snapshot, date and options (e.g. with a recomputed
    layout).  Attributes:

    * ``people`` -- the snapshot's people by id; ``visible`` -- the ids drawn on the
      date, in snapshot order (the builder keeps those the layout places);
    * ``person`` -- per visible person: symbol kind and shape, fills, deceased / age /
      adopted marks, label lines wrapped, measured and grouped into Text runs (with
      their household backdrop), legal-status badges and their widths, legend keys;
    * ``link_by_id``, ``legal_by_person``, ``pair_records`` (partnership records per
      couple, by start), ``current`` (the record describing each couple on the date),
      ``ended`` (record id -> ended by the date);
    * ``lives`` -- the households each visible person lives in on the date; ``home``
      -- the one their boundary and label backdrop use, for everyone living in just one
      (someone living in several is drawn in the layout's ``household_hint`` one if
      they live there, else the lowest-numbered: the builder settles that);
      ``colour_of`` and ``households`` (each household's label and palette style);
    * ``legend_entries`` -- the legend rows for the people's keys, made once.
    """

    def __init__(self, snapshot: FamilySnapshot, as_at: date, options: Optional[DrawOptions] = None):
        opts = options or DrawOptions()
        self.snapshot = snapshot
        self.as_at = as_at
        self.options = opts
        self.today = date.today()
        self.legend_entries: dict[str, LegendEntry] = {}
        self.legend_people: dict[str, list[int]] = {}  # legend key -> the people who need it
        people = self.people = {p.id: p for p in snapshot.people}
        if opts.hide_unborn:
            today = self.today
            self.visible: tuple[int, ...] = tuple(pid for pid, p in people.items() if visible_on(p, as_at, today))
        else:
            self.visible = tuple(people)
        visible = set(self.visible)
        self.link_by_id = {l.id: l for l in snapshot.parent_links}
        self.legal_by_person: dict[int, list] = defaultdict(list)
        for ls in snapshot.legal_statuses:
            self.legal_by_person[ls.person].append(ls)
        pair_records: dict[tuple[int, int], list[PartnershipView]] = {}
        for r in sorted(snapshot.partnerships, key=lambda r: ((r.start.sort_key() if r.start else ""), r.id)):
            a, b = r.a, r.b
            key = (a, b) if a <= b else (b, a)
            if key in pair_records:
                pair_records[key].append(r)
            else:
                pair_records[key] = [r]
        self.pair_records = pair_records
        self.current: dict[tuple[int, int], Optional[PartnershipView]] = {}
        for key, recs in pair_records.items():
            started = [r for r in recs if r.started_on(as_at)]
            self.current[key] = started[-1] if started else None
        self.ended = {r.id: r.ended_on(as_at) for r in snapshot.partnerships}
        # households: who lives where on the date
        self.colour_of = {h.id: i for i, h in enumerate(sorted(snapshot.households, key=lambda h: h.id))}
        known = {h.id: h for h in snapshot.households}
        lives: dict[int, list[int]] = {}
        for r in snapshot.residences:
            if r.kind is _LIVES and r.person in visible and r.household in known and r.active_on(as_at):
                if r.person in lives:
                    lives[r.person].append(r.household)
                else:
                    lives[r.person] = [r.household]
        self.lives = lives
        self.home = {pid: hs[0] for pid, hs in lives.items() if len(set(hs)) == 1}
        n = len(style.HOUSEHOLD_FILLS)
        self.households: dict[int, tuple[str, _HouseholdStyle]] = {}
        for hid, hh in known.items():
            label = hh.label or "Household"
            if opts.show_addresses and hh.address:
                label = f"{label} · {hh.address}"
            self.households[hid] = (label, _household_style(self.colour_of.get(hid, 0) % n, hh.type.is_temporary))
        self.person: dict[int, _PersonPrep] = {}
        show_households, home, lives = opts.show_households, self.home, self.lives
        for pid in self.visible:
            if not show_households or pid not in lives:
                backdrop = "#ffffff"
            elif pid in home:
                backdrop = self.household_fill(home[pid])[0]
            else:
                backdrop = None  # settled by the builder
            self.person[pid] = self._person(people[pid], backdrop)

    def household_fill(self, hid: int) -> tuple[str, str]:
        i = self.colour_of.get(hid, 0)
        return style.HOUSEHOLD_FILLS[i % len(style.HOUSEHOLD_FILLS)]

    def _entry(self, key: str, label: str, sample) -> str:
        """Make the legend row ``key`` (once; ``sample`` is a function giving its primitives)."""
        if key not in self.legend_entries:
            self.legend_entries[key] = LegendEntry(key, label, tuple(_strip(s) for s in sample()))
        return key

    def _person(self, p: PersonView, backdrop: Optional[str]) -> _PersonPrep:
        """A person's drawing, minus positions: primitives as field dicts (templates)
        whose position fields the builder fills in, legend keys, label runs, badges."""
        opts, as_at = self.options, self.as_at
        le = self.legend_entries
        pp = _PersonPrep()
        ref = pp.ref = ("person", p.id)
        preg = p.pregnancy
        sex = p.sex
        subject = pp.subject = p.is_subject
        pp.small = small = preg is _P_MISCARRIAGE or preg is _P_TERMINATION or preg is _P_STILLBIRTH  # is_small
        pp.close_label = preg is not _P_NONE  # small symbols keep their label close
        if preg is _P_MISCARRIAGE or preg is _P_TERMINATION or (preg is not _P_PREGNANCY and sex is _FEMALE):
            pp.shape = "ellipse"
        elif preg is _P_PREGNANCY or sex is _MALE:
            pp.shape = "rect"
        else:
            pp.shape = "diamond"
        fill = _SUBJECT_FILL if subject else _SYMBOL_FILL
        keys: list[str] = []
        pp.outer_t = pp.mark_t = pp.age_t = pp.bracket_t = pp.extra_t = None
        if preg is _P_NONE or preg is _P_STILLBIRTH:
            pp.kind = _KIND_NORMAL
            s = style.SMALL_SYMBOL if small else style.SYMBOL
            code = pp.sex_code = 0 if sex is _MALE else 1 if sex is _FEMALE else 2
            pp.sym_t = _shape_template(code, s, s, fill, ref)
            if subject:
                d2 = 2 * style.DOUBLE_GAP
                pp.outer_t = _shape_template(code, s + d2, s + d2, _SYMBOL_FILL, ref)
                keys.append("symbol:subject")
                if "symbol:subject" not in le:
                    self._entry("symbol:subject", "Subject child (double outline)", lambda: tuple(
                        _Builder._sex_shape(Sex.FEMALE, Box(11, 2, 14, 14), THIN_INK, None, None))
                        + tuple(_Builder._sex_shape(Sex.FEMALE, Box(13.5, 4.5, 9, 9), THIN_INK, None, None)))
            if preg is _P_STILLBIRTH:
                key_label = ("symbol:stillbirth", "Stillbirth")
                dead = True
            else:
                key_label = _SEX_KEY.get(sex, _OTHER_KEY)
                dead = p.is_dead_on(as_at)
            if dead:
                if sex is _MALE:
                    inset = 0.0
                elif sex is _FEMALE:
                    inset = s / 2 * (1 - math.sqrt(0.5))
                else:
                    inset = s / 4
                ext = -4.0  # lines run a little beyond the outline, as hand-drawn genograms do
                pp.xi = inset + ext
                pp.mark_t = (_MARK_STROKE, ref)
                if preg is _P_NONE:
                    keys.append("symbol:deceased")
                    if "symbol:deceased" not in le:
                        self._entry("symbol:deceased", "Deceased", lambda: (Rect(13, 4, 10, 10, THIN_INK),)
                                    + tuple(_Builder._x_mark(Sex.MALE, Box(13, 4, 10, 10), None)))
            elif opts.show_ages:
                age = p.age_on(as_at)
                if age is not None:
                    pp.age_t = {"x": 0.0, "y": 0.0, "lines": (str(age),), "size": style.AGE_SIZE, "bold": False,
                                "italic": False, "color": style.TEXT, "align": _CENTER, "ref": ref, "layer": "base",
                                "background": None}
            if p.adopted:
                pp.bracket_t = (INK, ref)
                keys.append("symbol:adopted")
                if "symbol:adopted" not in le:
                    self._entry("symbol:adopted", "Adopted (brackets)", lambda: (
                        Rect(13, 3, 12, 12, THIN_INK),
                        MultiPolyline((((12, 1), (9, 1), (9, 17), (12, 17)), ((26, 1), (29, 1), (29, 17), (26, 17))),
                                      THIN_INK)))
        elif preg is _P_PREGNANCY:
            pp.kind = _KIND_PREGNANCY
            key_label = ("symbol:pregnancy", "Pregnancy")
            pp.sym_t = {"points": (), "stroke": INK, "fill": fill, "ref": ref, "layer": "base"}
            pp.extra_t = {"x": 0.0, "y": 0.0, "lines": ("P",), "size": 8, "bold": True, "italic": False,
                          "color": style.TEXT, "align": _CENTER, "ref": ref, "layer": "base", "background": None}
        else:
            s = style.SMALL_SYMBOL
            pp.sym_t = {"cx": 0.0, "cy": 0.0, "rx": s / 2, "ry": s / 2, "stroke": INK, "fill": _MARK_FILL, "ref": ref,
                        "layer": "base"}
            if preg is _P_MISCARRIAGE:
                pp.kind = _KIND_MISCARRIAGE
                key_label = ("symbol:miscarriage", "Miscarriage")
            else:
                pp.kind = _KIND_TERMINATION
                key_label = ("symbol:termination", "Termination of pregnancy")
                pp.extra_t = {"points": (), "stroke": _TERMINATION_STROKE, "ref": ref, "layer": "base"}
        key = key_label[0]
        if key not in le:
            self._entry(key, key_label[1], lambda: _legend_symbol(key))
        keys.append(key)
        # label: runs of lines in one font, as Text templates
        runs = label_runs(p, as_at)
        if runs and not opts.show_dates and runs[-1][4]:
            runs.pop()  # the dates (the only soft run, always last)
        pp.late_backdrop = backdrop is None
        if runs:
            widths: list[float] = []
            heights: list[float] = []
            out = []
            for lines, size, bold, italic, soft in runs:
                for t in lines:
                    widths.append(text_width(t, size, bold, italic))
                hs = [size * 1.2] * len(lines)  # LabelLine.height
                heights += hs
                out.append(({"x": 0.0, "y": 0.0, "lines": lines, "size": size, "bold": bold, "italic": italic,
                             "color": style.TEXT_SOFT if soft else style.TEXT, "align": _CENTER, "ref": ref,
                             "layer": "base", "background": backdrop}, sum(hs)))
            pp.runs = out
            pp.label_w = max(widths)
            pp.label_h = sum(heights)
        else:
            pp.runs = ()
        # legal / plan status badges
        mine = self.legal_by_person.get(p.id) if opts.show_badges else None
        pp.badges = ()
        if mine:
            badges = []
            kinds = sorted({ls.kind for ls in mine if ls.active_on(as_at)}, key=_LEGAL_ORDER.__getitem__)
            for k in kinds:
                code = k.short_code
                w = text_width(code, 6.5, bold=True) + 6
                fill, ink = style.BADGE_COLOURS.get(k.value, ("#f1f5f9", "#334155"))
                key = f"badge:{k.value}"
                keys.append(key)
                if key not in le:
                    self._entry(key, f"{code} – {k.label}", lambda: (
                        Rect(6, 4, w, 10, Stroke(ink, 0.8), Fill(fill), radius=3),
                        Text(6 + w / 2, 5.4, (code,), size=6.5, bold=True, color=ink)))
                rect_t = {"x": 0.0, "y": 0.0, "w": w, "h": 10, "stroke": Stroke(ink, 0.8), "fill": Fill(fill),
                          "radius": 3, "ref": ref, "layer": "badges"}
                text_t = {"x": 0.0, "y": 0.0, "lines": (code,), "size": 6.5, "bold": True, "italic": False,
                          "color": ink, "align": _CENTER, "ref": ref, "layer": "badges", "background": None}
                badges.append((w, rect_t, text_t))
            pp.badges = badges
        for key in keys:
            holders = self.legend_people.get(key)
            if holders is None:
                self.legend_people[key] = [p.id]
            else:
                holders.append(p.id)
        return pp


def _shape_template(code: int, w: float, h: float, fill: Fill, ref) -> dict:
    """Field dict of a person's square (0), circle (1) or diamond (2) of size w x h."""
    if code == 0:
        return {"x": 0.0, "y": 0.0, "w": w, "h": h, "stroke": INK, "fill": fill, "radius": 0.0, "ref": ref,
                "layer": "base"}
    if code == 1:
        return {"cx": 0.0, "cy": 0.0, "rx": w / 2, "ry": h / 2, "stroke": INK, "fill": fill, "ref": ref,
                "layer": "base"}
    return {"points": (), "stroke": INK, "fill": fill, "ref": ref, "layer": "base"}


def prepare_drawing(snapshot: FamilySnapshot, as_at: date, options: Optional[DrawOptions] = None) -> DrawingPrep:
    """The position-independent part of :func:`build_drawing`, to run before the layout is known.

    Typically started while Graphviz ``dot`` computes the layout in its own process;
    pass the result to ``build_drawing(snapshot, layout, as_at, options, prep=...)``.
    Pure Python and thread-safe (it only reads the snapshot).
    """
    return DrawingPrep(snapshot, as_at, options)


class _Builder:
    def __init__(self, snap: FamilySnapshot, lay: Layout, as_at: date, opts: DrawOptions,
                 prep: Optional[DrawingPrep] = None):
        if prep is None:
            prep = DrawingPrep(snap, as_at, opts)
        elif prep.snapshot is not snap or prep.as_at != as_at or prep.options != opts:
            raise ValueError("build_drawing: the DrawingPrep was made for another snapshot, date or options")
        self.prep = prep
        self.snap = snap
        self.lay = lay
        self.fs = lay.structure
        self.as_at = as_at
        self.opts = opts
        self.today = prep.today
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
        self._prim_cache: dict[int, list] = {}
        self._child_cache: dict[int, tuple] = {}
        self._span_cache: dict[tuple[int, int], tuple] = {}

    # -- visibility -------------------------------------------------------------
    def _visible(self, p: PersonView) -> bool:
        """Is ``p`` drawn at the view date?  (See :func:`visible_on` for the rules.)"""
        return visible_on(p, self.as_at, self.today) if self.opts.hide_unborn else True

    def _fresh(self, link):
        """The current snapshot's version of a parent link (PR and dates may have changed)."""
        return self.link_by_id.get(link.id, link)

    def _primary(self, child: int):
        got = self._prim_cache.get(child)
        if got is None:
            get = self.link_by_id.get
            got = self._prim_cache[child] = [get(l.id, l) for l in self.fs.primary_links[child]]
        return got

    def _primary_get(self, child: int, default=()):
        return list(self._primary(child)) if child in self.fs.primary_links else list(default)

    def _current(self, key) -> Optional[PartnershipView]:
        """The partnership record describing a couple on the view date (latest started)."""
        return self.prep.current.get(key)

    def _label_backdrop(self, pid: int) -> Optional[str]:
        """Labels sit on their household's tint (or white) so crossing ties pass under them."""
        h = self.home.get(pid)
        if h is None or not self.opts.show_households:
            return "#ffffff"
        return self.household_fill(h)[0]

    def household_fill(self, hid: int) -> tuple[str, str]:
        return self.prep.household_fill(hid)

    def legend_add(self, key: str, label: str, sample: tuple[Primitive, ...]) -> None:
        if key not in self.legend:
            self.legend[key] = LegendEntry(key, label, tuple(_strip(s) for s in sample))

    # -- symbols ------------------------------------------------------------------
    def draw_people(self) -> None:
        """Symbols, labels and badges of the visible people: the prepared templates with
        their positions filled in (the arithmetic of each coordinate as in the docstring's
        conventions, so every number is exactly what it always was)."""
        prep = self.prep
        lay = self.lay
        X, row_of, row_y = lay.x, lay.row_of, lay.row_y
        person = prep.person
        sym, shape, bounds, label_box = self.sym, self.shape, self.bounds, self.label_box
        add, add_text, add_badge = self.symbols.append, self.texts.append, self.badges.append
        new = _new
        half = style.SYMBOL / 2
        big = style.SYMBOL
        small_s = style.SMALL_SYMBOL
        d = style.DOUBLE_GAP
        d2 = 2 * d
        label_gap = style.LABEL_GAP
        for pid in sorted(self.visible):
            pp = person[pid]
            ref = pp.ref
            x = X[pid]
            y = row_y[row_of[pid]]
            top = y - half
            if pp.kind == _KIND_NORMAL:
                s = small_s if pp.small else big
                bx = x - s / 2
                bottom = top + s
                right = bx + s
                box = _box(bx, top, s, s)
                if pp.small:
                    g = _Sym(box, x, top, bottom, s / 2, top + s / 2, top)
                else:
                    g = _Sym(box, x, top, bottom, s / 2, y, top - d if pp.subject else top)
                code = pp.sex_code
                if pp.subject:
                    ox, oy, ow, oh = bx - d, top - d, s + d2, s + d2
                    bounds[ref] = _box(ox, oy, ow, oh)
                    _add_shape(add, code, pp.outer_t, ox, oy, ow, oh)
                else:
                    bounds[ref] = box
                # the symbol (inlined _add_shape: the commonest primitive)
                if code == 0:
                    o = new(Rect)
                    od = o.__dict__
                    od.update(pp.sym_t)
                    od["x"] = bx
                    od["y"] = top
                elif code == 1:
                    o = new(Ellipse)
                    od = o.__dict__
                    od.update(pp.sym_t)
                    od["cx"] = bx + s / 2
                    od["cy"] = top + s / 2
                else:
                    cx, cy = bx + s / 2, top + s / 2
                    o = new(Polygon)
                    od = o.__dict__
                    od.update(pp.sym_t)
                    od["points"] = ((cx, top), (right, cy), (cx, bottom), (bx, cy))
                add(o)
                if pp.mark_t is not None:  # deceased: X
                    i = pp.xi
                    add(_multi((((bx + i, top + i), (right - i, bottom - i)),
                                ((right - i, top + i), (bx + i, bottom - i))), *pp.mark_t))
                elif pp.age_t is not None:
                    o = new(Text)
                    od = o.__dict__
                    od.update(pp.age_t)
                    od["x"] = x
                    od["y"] = g.mid_y - _AGE_DY
                    add(o)
                if pp.bracket_t is not None:  # adopted: [ ]
                    gap = style.BRACKET_GAP
                    l, r, t, bt = bx - gap, right + gap, top - 3, bottom + 3
                    add(_multi((((l + 5, t), (l, t), (l, bt), (l + 5, bt)), ((r - 5, t), (r, t), (r, bt), (r - 5, bt))),
                               *pp.bracket_t))
            else:
                g = self._draw_pregnancy(pp, x, top)
                bounds[ref] = _box(g.box.x - d, top - d, g.box.w + d2, g.box.h + d2) if pp.subject else g.box
            sym[pid] = g
            shape[pid] = pp.shape
            # label
            runs = pp.runs
            if runs:
                ly = g.bottom + label_gap if pp.close_label else y + half + label_gap
                lw = pp.label_w
                label_box[pid] = _box(x - lw / 2, ly, lw, pp.label_h)
                bg = self._label_backdrop(pid) if pp.late_backdrop else None  # lives in several households
                for tmpl, rh in runs:
                    o = new(Text)
                    od = o.__dict__
                    od.update(tmpl)
                    od["x"] = x
                    od["y"] = ly
                    if bg is not None:
                        od["background"] = bg
                    add_text(o)
                    ly += rh
            if pp.badges:
                by = top - 6
                bxx = x + g.box.w / 2 - 8
                for w, rect_t, text_t in pp.badges:
                    o = new(Rect)
                    od = o.__dict__
                    od.update(rect_t)
                    od["x"] = bxx
                    od["y"] = by
                    add_badge(o)
                    o = new(Text)
                    od = o.__dict__
                    od.update(text_t)
                    od["x"] = bxx + w / 2
                    od["y"] = by + 1.4
                    add_badge(o)
                    by += 11
        # the legend rows of the symbols and badges drawn
        legend, entries, vis = self.legend, prep.legend_entries, self.visible
        for key, holders in prep.legend_people.items():
            if key not in legend:
                for pid in holders:
                    if pid in vis:
                        legend[key] = entries[key]
                        break

    def _draw_pregnancy(self, pp: _PersonPrep, x: float, top: float) -> _Sym:
        """Pregnancy (triangle with P), miscarriage (small filled circle), termination (+ slash)."""
        add = self.symbols.append
        if pp.kind == _KIND_PREGNANCY:
            s = style.PREGNANCY_SYMBOL
            h = s * 0.9
            bx, bw, bh = x - s / 2, s, h
            g = _Sym(_box(bx, top, s, h), x, top, top + h, s / 4, top + h / 2, top)
        else:
            s = style.SMALL_SYMBOL
            bx, bw, bh = x - s / 2, s, s
            g = _Sym(_box(bx, top, s, s), x, top, top + s, s / 2, top + s / 2, top)
        right, bottom = bx + bw, top + bh
        if pp.kind == _KIND_PREGNANCY:
            add(_from(Polygon, pp.sym_t, points=((x, top), (right, bottom), (bx, bottom))))
            add(_from(Text, pp.extra_t, x=x, y=top + bh * 0.38))
        else:
            add(_from(Ellipse, pp.sym_t, cx=x, cy=g.mid_y))
            if pp.kind == _KIND_TERMINATION:
                e = 5.0
                add(_from(Polyline, pp.extra_t, points=((bx - e, bottom + e), (right + e, top - e))))
        return g

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
        return [MultiPolyline((((b.x + i, b.y + i), (b.right - i, b.bottom - i)),
                               ((b.right - i, b.y + i), (b.x + i, b.bottom - i))), _MARK_STROKE, ref=ref)]

    # -- partnerships ---------------------------------------------------------------
    def draw_unions(self) -> None:
        lay, fs = self.lay, self.fs
        vis = self.visible
        X, row_of, row_y = lay.x, lay.row_of, lay.row_y
        groups, low_lane = fs.groups, lay.low_lane
        pair_records, current = self.pair_records, self.prep.current
        sym, lines = self.sym, self.lines
        for key in sorted(fs.unions):
            a, b = key
            if a not in vis or b not in vis:
                continue
            rec = current.get(key)
            if rec is None and pair_records.get(key):
                if not any(k in vis for k in groups.get(("u", a, b), ())):
                    continue  # not together yet
                rec = pair_records[key][0]
            left, right = (a, b) if X[a] <= X[b] else (b, a)
            if rec is not None:
                ref = ("partnership", rec.id)
            else:
                links = self._primary_get(next(iter(groups.get(("u", a, b), [0])), 0), [])
                ref = ("parent_link", links[0].id) if links else None
            row = row_of[left]
            adjacent = fs.adjacent(key) and row_of[right] == row
            stroke = self._partner_stroke(rec)
            gl, gr = sym[left], sym[right]
            if adjacent:
                y = row_y[row]
                pts = ((gl.cx + gl.half, y), (gr.cx - gr.half, y))
                lines.append(_polyline(pts, stroke, ref))
                marks_at = pts
            elif key in low_lane:
                # a person's third+ partner on the same row: a lowered line, down from both
                # symbols (under the labels' backdrops) and across below the labels
                ly = lay.low_y(row, low_lane[key])
                bl, br = self.bounds[("person", left)], self.bounds[("person", right)]
                pts = ((gl.cx, bl.bottom), (gl.cx, ly), (gr.cx, ly), (gr.cx, br.bottom))
                lines.append(_polyline(pts, stroke, ref))
                self.down_x[row].extend([gl.cx, gr.cx])
                marks_at = (pts[1], pts[2])
            else:
                # partners on different rows: route over the top
                lane = self._extra_lane(row)
                ly = lay.lane_y(row, lane)
                pts = ((gl.cx, gl.top), (gl.cx, ly), (gr.cx, ly), (gr.cx, gr.top))
                lines.append(_polyline(pts, stroke, ref))
                self.vertical_x[row].extend([gl.cx, gr.cx])
                marks_at = (pts[1], pts[2])
            if rec is not None:
                self._partner_marks(rec, marks_at, ref)

    def _extra_lane(self, row: int) -> int:
        lane = self.lay.sib_lanes[row] + self.extra_lane_used[row]
        self.extra_lane_used[row] += 1
        return lane

    def _partner_stroke(self, rec: Optional[PartnershipView]) -> Stroke:
        if rec is None:
            if "partner:unrecorded" not in self.legend:
                self.legend_add("partner:unrecorded", "Parents (relationship not recorded)",
                                (Polyline(((2, 9), (34, 9)), Stroke(style.INK_SOFT, style.THIN)),))
            return _UNRECORDED_STROKE
        st = _PARTNER_STROKE[rec.kind]
        key = "partner:married" if rec.kind in (PartnershipKind.MARRIED, PartnershipKind.CIVIL_PARTNERSHIP) else f"partner:{rec.kind.value}"
        if key not in self.legend:
            label = {
                PartnershipKind.MARRIED: "Married / civil partnership",
                PartnershipKind.CIVIL_PARTNERSHIP: "Married / civil partnership",
                PartnershipKind.COHABITING: "Living together (cohabiting)",
                PartnershipKind.DATING: "Dating / intimate relationship",
                PartnershipKind.ENGAGED: "Engaged",
            }[rec.kind]
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
            self.lines.append(_ellipse(x0 + L * 0.25, y0, 2.6, 2.6, _RING_STROKE, _WHITE, ref, "base"))
        ended = self.prep.ended.get(rec.id)
        if ended is None:
            ended = rec.ended_on(self.as_at)
        if not ended:
            return
        end_kind = rec.end_kind
        if end_kind is PartnershipEnd.WIDOWED:
            return
        if end_kind is PartnershipEnd.NONE:
            end_kind = PartnershipEnd.SEPARATED
        st = _SLASH_STROKE
        cx = x0 + L * 0.3

        def slash(x):
            return _polyline(((x - 3.5, y0 + 6.5), (x + 3.5, y0 - 6.5)), st, ref)
        if end_kind is PartnershipEnd.DIVORCED:
            self.lines.extend([slash(cx - 2.5), slash(cx + 2.5)])
            if "partner:divorced" not in self.legend:
                self.legend_add("partner:divorced", "Divorced (two slashes)", (
                    Polyline(((2, 9), (34, 9)), INK),
                    Polyline(((12, 15.5), (19, 2.5)), st), Polyline(((17, 15.5), (24, 2.5)), st)))
        else:
            self.lines.append(slash(cx))
            if rec.living_together:
                self.lines.append(_house(cx + 9, y0 - 3, ref, "base"))
                if "partner:separated_together" not in self.legend:
                    self.legend_add("partner:separated_together", "Separated, still living together (slash + house)", (
                        Polyline(((2, 9), (34, 9)), INK),
                        Polyline(((11.5, 15.5), (18.5, 2.5)), st), _house(24, 6, None, "base")))
            elif "partner:separated" not in self.legend:
                self.legend_add("partner:separated", "Separated (one slash)", (
                    Polyline(((2, 9), (34, 9)), INK), Polyline(((14.5, 15.5), (21.5, 2.5)), st)))

    # -- descent --------------------------------------------------------------------
    def draw_descent(self) -> None:
        lay, fs = self.lay, self.fs
        vis = self.visible
        X, row_of, row_y, footprint = lay.x, lay.row_of, lay.row_y, lay.footprint
        group_lane = lay.group_lane
        pair_records, current = self.pair_records, self.prep.current
        sym, lines, down_x = self.sym, self.lines, self.down_x
        half_sep = style.NODE_SEP / 2
        for g, kids in sorted(fs.groups.items(), key=lambda kv: str(kv[0])):
            if g[0] == "u":
                a, b = g[1], g[2]
                if a not in vis or b not in vis:
                    # a parent not yet born cannot happen; a hidden parent: draw nothing for them
                    continue
            elif g[1] not in vis:
                continue
            vkids = [k for k in kids if k in vis]
            if not vkids:
                continue
            prow = row_of[g[1]]
            py = row_y[prow]
            if g[0] == "u":
                rec = current.get((a, b)) or (pair_records[(a, b)][0] if pair_records.get((a, b)) else None)
                ref = ("partnership", rec.id) if rec else self._child(vkids[0])[2]
                if fs.adjacent((a, b)):
                    drop_x = (X[a] + X[b]) / 2
                    start = (drop_x, py)
                    stub = None
                elif (a, b) in lay.low_lane:
                    # from the middle of the lowered partnership line
                    drop_x = (X[a] + X[b]) / 2
                    start = (drop_x, lay.low_y(prow, lay.low_lane[(a, b)]))
                    stub = None
                else:
                    # a hub's further partner: the line leaves from that partner's outer side
                    p, side = drop_parent(fs, g, X)
                    drop_x = X[p] + side * (footprint[p] / 2 + half_sep)
                    stub = ((X[p] + side * sym[p].half, py), (drop_x, py))
                    start = (drop_x, py)
            else:
                p = g[1]
                side = single_parent_side(fs, g, X)
                drop_x = X[p] + side * (footprint[p] / 2 + half_sep)
                if side == 0:  # partners on both sides: straight down (under the label's backdrop)
                    stub = None
                    start = (drop_x, sym[p].bottom)
                else:
                    stub = ((X[p] + side * sym[p].half, py), (drop_x, py))
                    start = (drop_x, py)
                ref = self._child(vkids[0])[2]
            down_x[prow].append(drop_x)
            r0 = row_of[vkids[0]]
            if all(row_of[k] == r0 for k in vkids):
                rows = ((r0, vkids),)
            else:
                by_row: dict[int, list[int]] = {}
                for k in vkids:
                    r = row_of[k]
                    if r in by_row:
                        by_row[r].append(k)
                    else:
                        by_row[r] = [k]
                rows = sorted(by_row.items())
            head = list(stub) if stub is not None else [start]
            for r, ks in rows:
                lane = group_lane.get((g, r), 0)
                ly = lay.lane_y(r, lane)
                xs = self._children_lines(ks, ly, ref)
                xs.append(drop_x)
                lo, hi = min(xs), max(xs)
                # one polyline: (stub,) drop, and the sibship line on to its far end; a drop
                # inside the sibship line needs a second piece for the other side
                path = head + [(drop_x, ly)]
                far, near = (lo, hi) if drop_x - lo >= hi - drop_x else (hi, lo)
                if abs(far - drop_x) > 0.5:
                    path.append((far, ly))
                lines.append(_polyline(tuple(path), INK, ref))
                if abs(near - drop_x) > 0.5:
                    lines.append(_polyline(((drop_x, ly), (near, ly)), INK, ref))
                head = [start]

    def _child(self, k: int) -> tuple:
        """A child's main line of descent: (link, stroke, ref, PR marks: ((text, link id), ...))."""
        got = self._child_cache.get(k)
        if got is None:
            prim = self._primary(k)
            link = prim[0]
            pr = ()
            if self.opts.show_pr and self.opts.show_badges:
                links = [l for l in prim if l.parental_responsibility is TriState.YES]
                if len(links) == len(prim):
                    pr = (("PR", links[0].id),) if links else ()
                else:
                    pr = tuple((f"PR {self.people[l.parent].given_names.split(' ')[0]}", l.id) for l in links)
            got = self._child_cache[k] = (link, _LINK_STROKE[link.kind], ("parent_link", link.id), pr)
        return got

    def _children_lines(self, ks: list[int], ly: float, group_ref) -> list[float]:
        """Vertical (or twin) lines from the sibship line to each child; returns attach xs."""
        lay = self.lay
        people = self.people
        sym, lines = self.sym, self.lines
        xs: list[float] = []
        done: set[int] = set()
        twins: Optional[dict[str, list[int]]] = None
        for k in ks:
            pk = people[k]
            if pk.twin_group and pk.twin_kind is not _TWIN_NONE:
                if twins is None:
                    twins = defaultdict(list)
                twins[pk.twin_group].append(k)
        if twins is not None:
            for tg, members in twins.items():
                if len(members) < 2:
                    continue
                members.sort(key=lambda k: lay.x[k])
                apex_x = sum(lay.x[k] for k in members) / len(members)
                xs.append(apex_x)
                tops = []
                for k in members:
                    s = sym[k]
                    link, stroke, ref, pr = self._child(k)
                    lines.append(_polyline(((apex_x, ly), (s.cx, s.entry)), stroke, ref))
                    tops.append((s.cx, s.entry))
                    if pr:
                        self._pr_mark(pr, s.cx, s.entry)
                    done.add(k)
                kind = people[members[0]].twin_kind
                if kind is TwinKind.IDENTICAL:
                    t = 0.5
                    p0 = (apex_x + (tops[0][0] - apex_x) * t, ly + (tops[0][1] - ly) * t)
                    p1 = (apex_x + (tops[-1][0] - apex_x) * t, ly + (tops[-1][1] - ly) * t)
                    lines.append(_polyline((p0, p1), INK, ("person", members[0])))
                    if "twins:identical" not in self.legend:
                        self.legend_add("twins:identical", "Identical twins (bar)", (
                            Polyline(((18, 2), (8, 16)), THIN_INK), Polyline(((18, 2), (28, 16)), THIN_INK),
                            Polyline(((13, 9), (23, 9)), THIN_INK)))
                elif "twins:fraternal" not in self.legend:
                    self.legend_add("twins:fraternal", "Twins (from one point)", (
                        Polyline(((18, 2), (8, 16)), THIN_INK), Polyline(((18, 2), (28, 16)), THIN_INK)))
        row_of = lay.row_of
        vertical_x = self.vertical_x
        biological = ParentLinkKind.BIOLOGICAL
        add = lines.append
        for k in ks:
            if k in done:
                continue
            s = sym[k]
            link, stroke, ref, pr = self._child(k)
            cx = s.cx
            o = _new(Polyline)
            od = o.__dict__
            od["points"] = ((cx, ly), (cx, s.entry))
            od["stroke"] = stroke
            od["ref"] = ref
            od["layer"] = "base"
            add(o)
            vertical_x[row_of[k]].append(cx)
            xs.append(cx)
            if link.kind is not biological:
                self._link_legend(link.kind)
            if pr:
                self._pr_mark(pr, cx, s.entry)
        return xs

    def _link_legend(self, kind: ParentLinkKind) -> None:
        key = f"link:{kind.value}"
        if key in self.legend:
            return
        st = Stroke(style.INK, style.LINE_WIDTH, LINK_STYLE[kind])
        self.legend_add(key, LINK_LABEL[kind], (Polyline(((18, 1), (18, 17)), st),
                                                Polyline(((6, 1), (30, 1)), INK)))

    def _pr_mark(self, texts, x: float, y1: float) -> None:
        """'PR' (or 'PR <name>' per parent) just above where a child's line meets the symbol."""
        y = y1 - 2 - 6.6 * len(texts)
        add = self.badges.append
        for t, lid in texts:
            o = _new(Text)
            od = o.__dict__
            od.update(_PR_TEXT)
            od["x"] = x + 2.5
            od["y"] = y
            od["lines"] = (t,)
            od["ref"] = ("parent_link", lid)
            add(o)
            y += 6.6
        if "mark:pr" not in self.legend:
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
            st = _SECONDARY_STROKE[l.kind]
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
            self.lines.append(_polyline(pts, st, ("parent_link", l.id)))
            self.vertical_x[crow].append(tx)
            self._link_legend(l.kind)
            if self.opts.show_pr and self.opts.show_badges and l.parental_responsibility is TriState.YES:
                self.badges.append(Text(tx + (2.5 if side > 0 else -2.5), ly + 2, ("PR",), size=5.5, bold=True,
                                        color=style.INK_SOFT, align=Align.LEFT if side > 0 else Align.RIGHT,
                                        ref=("parent_link", l.id), layer="badges"))

    def _free_x(self, rows, target: float) -> float:
        """The x nearest ``target`` where a vertical line crosses ``rows`` without touching anyone."""
        key = (rows.start, rows.stop)
        spans = self._span_cache.get(key)
        if spans is None:
            lay = self.lay
            vis = self.visible
            X, footprint = lay.x, lay.footprint
            sp = []
            for r in rows:
                for p in lay.rows[r]:
                    if p in vis:
                        half = max(footprint[p], style.SYMBOL) / 2 + 3
                        sp.append((X[p] - half, X[p] + half))
            sp.sort()
            spans = self._span_cache[key] = _FreeSpans(sp)
        return spans.nearest_free(target)

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
        home = self.home
        members: dict[int, set[int]] = defaultdict(set)
        for pid, h in home.items():
            members[h].add(pid)
        # runs of members per row (visible people only; hidden slots are empty space):
        # maximal sequences of neighbours living in the same household
        runs_by_h: dict[int, list[tuple[int, float, float, float, float]]] = defaultdict(list)
        vis = self.visible
        run = self._run
        for r, row in enumerate(lay.rows):
            cur: list[int] = []
            cur_h = None
            for p in row:
                if p not in vis:
                    continue
                h = home.get(p)
                if h is not None and h == cur_h:
                    cur.append(p)
                    continue
                if cur:
                    runs_by_h[cur_h].append(run(r, cur))
                cur = [p] if h is not None else []
                cur_h = h
            if cur:
                runs_by_h[cur_h].append(run(r, cur))
        households = self.prep.households
        legend = self.legend
        add = self.households_l.append
        for hid in sorted(members):
            got = households.get(hid)
            if got is None:
                continue
            label, hp = got
            ref = ("household", hid)
            runs = runs_by_h.get(hid, [])
            pieces = _stack_runs(runs)
            stroke, fill_obj = hp.stroke, hp.fill_obj
            bbox = None
            for piece in pieces:
                if len(piece) == 1:
                    _, x0, x1, top, bottom = piece[0]
                    o = _new(Rect)
                    od = o.__dict__
                    od["x"] = x0
                    od["y"] = top
                    od["w"] = w = x1 - x0
                    od["h"] = h = bottom - top
                    od["stroke"] = stroke
                    od["fill"] = fill_obj
                    od["radius"] = 9
                    od["ref"] = ref
                    od["layer"] = "households"
                    # (its outline, simplified, is these four corners: the same box)
                    pb = _box(x0, top, w, h)
                else:
                    poly = _piece_polygon(piece)
                    o = _polygon(tuple(rounded_polygon(poly, 9)), stroke, fill_obj, ref, "households")
                    xs = [p[0] for p in poly]
                    ys = [p[1] for p in poly]
                    pb = _box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
                add(o)
                bbox = pb if bbox is None else _union_box(bbox, pb)
                self._household_tab(label, piece[-1], hp.edge, hp.fill, ref, hp)
            if bbox is not None:
                self.bounds[ref] = bbox
            if hp.legend_key not in legend:
                legend[hp.legend_key] = hp.legend_entry

    def _run(self, r: int, cur: list[int]) -> tuple[int, float, float, float, float]:
        """One row's run of neighbours in a household: (row, x0, x1, top, bottom)."""
        lay = self.lay
        X, footprint, label_h = lay.x, lay.footprint, lay.label_h
        least = style.SYMBOL + 8
        q = cur[0]
        f = footprint[q]
        hw = (f if f > least else least) / 2  # max(footprint, least) / 2
        lo, hi, lh = X[q] - hw, X[q] + hw, label_h[q]
        for q in cur[1:]:
            f = footprint[q]
            hw = (f if f > least else least) / 2
            x = X[q]
            if x - hw < lo:
                lo = x - hw
            if x + hw > hi:
                hi = x + hw
            if label_h[q] > lh:
                lh = label_h[q]
        x0 = lo - style.HOUSEHOLD_PAD
        x1 = hi + style.HOUSEHOLD_PAD
        top = lay.row_y[r] - style.SYMBOL / 2 - 10
        bottom = lay.row_y[r] + style.SYMBOL / 2 + style.LABEL_GAP + lh + style.HOUSEHOLD_PAD
        return (r, x0, x1, top, bottom)

    def _household_tab(self, label: str, run, edge: str, fill: str, ref, hp: Optional[_HouseholdStyle] = None) -> None:
        r, x0, x1, top, bottom = run
        size = 6.8
        avail = max(x1 - x0 - 16, 60.0)
        lines = wrap(label, avail - 8, size, bold=True) or ("",)
        w = max(text_width(l, size, bold=True) for l in lines) + 8
        h = 10.5 + (len(lines) - 1) * size * 1.2
        # on the bottom edge, slid right until no line leaving the row crosses the tab
        obstacles = self._sorted_down_x(r)
        x = x0 + 8
        if obstacles:
            # candidates: x0 + 8, then each obstacle + 4 inside the run (in order); the
            # first one whose span [c - 2, c + w + 2] holds no obstacle
            plus4 = obstacles[1]
            obs = obstacles[0]
            cands = [x0 + 8] + plus4[bisect_right(plus4, x0 + 8):bisect_left(plus4, x1 - w)]
            for c in cands:
                i = bisect_left(obs, c - 2)
                if not (i < len(obs) and obs[i] <= c + w + 2):
                    x = c
                    break
        y = bottom - 5.25
        if hp is None:
            hp = _HouseholdStyle(fill, edge, False)
        self.household_labels.append(_rect(x, y, w, h, hp.tab_stroke, hp.fill_obj, 3, ref, "household_labels"))
        self.household_labels.append(_text(x + 4, y + 1.3, tuple(lines), size, True, False, hp.tab_ink, Align.LEFT, ref,
                                           "household_labels", None))

    def _sorted_down_x(self, r: int):
        """x of the lines leaving row ``r`` downwards, sorted, and the same plus 4."""
        cache = self.__dict__.setdefault("_down_sorted", {})
        got = cache.get(r)
        if got is None:
            obs = sorted(self.down_x.get(r, ()))
            got = cache[r] = (obs, [vx + 4 for vx in obs]) if obs else None
        return got

    # -- assemble -------------------------------------------------------------------------
    def build(self) -> Drawing:
        prep = self.prep
        # people from *this* snapshot: the cached layout may come from an earlier one
        # with the same structure (names, sex, dates, flags may differ)
        self.people = prep.people
        row_of = self.lay.row_of
        self.visible = {pid for pid in prep.visible if pid in row_of}
        # people not yet born leave no holes: their visible siblings close up under the parents
        self.lay = compact_layout(self.lay, self.visible)
        self.link_by_id = prep.link_by_id
        self.legal_by_person = prep.legal_by_person
        self.pair_records = prep.pair_records
        self.colour_of = prep.colour_of
        vis = self.visible
        # each person's household: the only one they live in on the date, else the one
        # the layout grouped them with if they live there, else the lowest-numbered
        settled, hint = prep.home, self.lay.household_hint
        self.home = home = {}
        for pid, hs in prep.lives.items():
            if pid in vis:
                if pid in settled:
                    home[pid] = settled[pid]
                else:
                    h = hint.get(pid)
                    home[pid] = h if h in hs else min(hs)
        self.draw_people()
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


class _FreeSpans:
    """The people's spans across some rows, for finding where a vertical line passes clear."""

    __slots__ = ("spans", "starts", "widest", "cands", "_set", "_rank")

    def __init__(self, spans: list[tuple[float, float]]):
        self.spans = spans
        self.starts = [a for a, _ in spans]
        self.widest = max((b - a for a, b in spans), default=0.0)
        # candidate places: just outside each span (the order of this set breaks ties in
        # distance, as a stable sort of it by distance would)
        self._set = {a - 3 for a, _ in spans} | {b + 3 for _, b in spans}
        self.cands = sorted(self._set)
        self._rank: Optional[dict[float, int]] = None

    def free(self, x: float) -> bool:
        spans = self.spans
        i = bisect_right(self.starts, x)
        j = bisect_left(self.starts, x - self.widest)
        for k in range(j, i):
            a, b = spans[k]
            if a <= x <= b:
                return False
        return True

    def nearest_free(self, target: float) -> float:
        """``target`` if free, else the free candidate nearest it (else ``target``)."""
        if self.free(target):
            return target
        cands = self.cands
        n = len(cands)
        hi = bisect_left(cands, target)
        lo = hi - 1
        inf = math.inf
        while lo >= 0 or hi < n:
            dl = abs(cands[lo] - target) if lo >= 0 else inf
            dh = abs(cands[hi] - target) if hi < n else inf
            dist = dl if dl <= dh else dh
            group = []
            while lo >= 0 and abs(cands[lo] - target) == dist:
                group.append(cands[lo])
                lo -= 1
            while hi < n and abs(cands[hi] - target) == dist:
                group.append(cands[hi])
                hi += 1
            if len(group) > 1:
                if self._rank is None:
                    self._rank = {c: i for i, c in enumerate(self._set)}
                group.sort(key=self._rank.__getitem__)
            for c in group:
                if self.free(c):
                    return c
        return target


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


def build_drawing(snapshot: FamilySnapshot, layout: Layout, as_at: date, options: Optional[DrawOptions] = None,
                  prep: Optional[DrawingPrep] = None) -> Drawing:
    """The genogram page for ``snapshot`` as at ``as_at`` using a precomputed ``layout``.

    ``prep`` is :func:`prepare_drawing`'s result for the same snapshot, date and options
    (made beforehand, e.g. while the layout was computed); without it one is made here.
    The drawing is the same either way.
    """
    return _Builder(snapshot, layout, as_at, options or DrawOptions(), prep).build()
