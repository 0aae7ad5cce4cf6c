"""Page composition for printed genograms: paper, regions, fit-or-tile, legend grid, appendix tables.

Pure geometry and content decisions, no drawing: :func:`plan_pages` decides the
paper orientation, where the title block, genogram and legend go on page 1, the
scale, and -- when fitting the whole genogram on one sheet would make it
unreadably small -- the tiles (with overlap) that carry it across several pages.
:func:`appendix_tables` turns a (redacted) snapshot into the rows of the
appendix tables.  :mod:`genomap.render.pdf` draws what this module plans.

Units are points; page rectangles here use PDF's convention (origin bottom-left)
because they are only ever consumed by the PDF renderer; the genogram's own
coordinates (y down) are converted in exactly one place, the PDF painter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from statistics import median
from typing import Optional

from genomap.drawing.primitives import Box, Drawing, Text

MM = 72.0 / 25.4
PAPER_SIZES: dict[str, tuple[float, float]] = {  # portrait width, height
    "A4": (210 * MM, 297 * MM),
    "A3": (297 * MM, 420 * MM),
}
MARGIN = 12 * MM
HEADER_H = 20.0  # protective marking band at the top of every page
FOOTER_H = 20.0  # marking + page x of y at the bottom
TITLE_H = 50.0  # title block on page 1
GAP = 10.0

# Readability: the builder draws names at 8 pt.  Below 5 pt printed text stops
# being readable for most people, so a drawing whose typical text would shrink
# below MIN_TEXT_PT when fitted is tiled instead, at a scale giving TILE_TEXT_PT.
MIN_TEXT_PT = 5.0
TILE_TEXT_PT = 7.0
TILE_OVERLAP = 10 * MM
MAX_SCALE = 1.3  # small families are enlarged, but not to poster size
TILE_MAX_SCALE = 1.2  # content repeated on neighbouring tiles, for alignment

LEGEND_CELL_W = 36.0  # LegendEntry samples live in a 36 x 18 pt cell
LEGEND_CELL_H = 18.0
LEGEND_ROW_H = 18.0
LEGEND_COL_W = 168.0
LEGEND_COL_W_MIN = 140.0
LEGEND_COL_W_MAX = 240.0
LEGEND_TEXT_PT = 7.5
LEGEND_TITLE_H = 14.0
LEGEND_PAD = 6.0


@dataclass(frozen=True)
class Rect:
    """A page rectangle, PDF convention: (x, y) is the bottom-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


@dataclass(frozen=True)
class Tile:
    """One sheet of a tiled genogram: the part of the drawing (drawing coordinates) it shows."""

    row: int
    col: int
    rows: int
    cols: int
    src: Box  # drawing region shown, overlap included
    core: Box  # the region this tile is responsible for (without overlap)

    @property
    def label(self) -> str:
        return tile_label(self.row, self.col)


def tile_label(row: int, col: int) -> str:
    """Grid reference like a map: columns A, B, C..., rows 1, 2, 3..."""
    letters = ""
    n = col
    while True:
        letters = chr(ord("A") + n % 26) + letters
        n = n // 26 - 1
        if n < 0:
            break
    return f"{letters}{row + 1}"


@dataclass(frozen=True)
class LegendLayout:
    """Where the legend box sits on page 1 and how its entries flow into columns."""

    box: Rect
    cols: int
    rows: int
    col_w: float = LEGEND_COL_W

    @property
    def label_w(self) -> float:
        return self.col_w - LEGEND_CELL_W - 12


def legend_column_width(labels: list[str], size: float = LEGEND_TEXT_PT) -> float:
    """Wide enough for most labels on one line (long ones wrap to two), within sensible bounds."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if not labels:
        return LEGEND_COL_W
    widths = sorted(stringWidth(l, "Helvetica", size) for l in labels)
    want = widths[int(0.85 * (len(widths) - 1))]  # the long tail wraps
    return max(LEGEND_COL_W_MIN, min(LEGEND_COL_W_MAX, want + LEGEND_CELL_W + 14))


@dataclass(frozen=True)
class PagePlan:
    """Everything the PDF renderer needs to place the genogram."""

    paper: str
    landscape: bool
    page_w: float
    page_h: float
    header: Rect
    footer: Rect
    title: Rect
    body: Rect  # the whole area under the title block on page 1
    drawing_area: Rect  # where the (fitted or overview) genogram goes on page 1
    legend: Optional[LegendLayout]
    scale: float  # page-1 scale
    tiles: tuple[Tile, ...] = ()  # empty when the genogram fits on page 1
    tile_scale: float = 1.0
    tile_area: Optional[Rect] = None  # drawing area on tile pages
    content: Rect = field(default=None)  # type: ignore[assignment]  # area between header and footer
    tile_landscape: Optional[bool] = None  # orientation of the tile sheets
    tile_page: Optional[tuple[float, float]] = None  # their page size

    @property
    def tiled(self) -> bool:
        return bool(self.tiles)


def page_size(paper: str, landscape: bool) -> tuple[float, float]:
    try:
        w, h = PAPER_SIZES[paper.upper()]
    except KeyError:
        raise ValueError(f"unknown paper size {paper!r}; choose {' or '.join(PAPER_SIZES)}") from None
    return (h, w) if landscape else (w, h)


def typical_text_size(drawing: Drawing) -> float:
    """The median size of the genogram's own text (names, dates, ages): what must stay readable.

    Badges and overlay labels are drawn smaller on purpose and do not count.
    """
    sizes = [p.size for p in drawing.primitives if isinstance(p, Text) and p.layer == "base"]
    sizes = sizes or [p.size for p in drawing.primitives if isinstance(p, Text)]
    return median(sizes) if sizes else 8.0


def _legend_layout(n: int, region: Rect, side: str, col_w: float = LEGEND_COL_W
                   ) -> Optional[tuple[LegendLayout, Rect]]:
    """Legend box in ``region`` on the ``side`` ("right" or "bottom"); returns it and what's left."""
    if n == 0:
        return None
    LEGEND_COL_W = col_w  # noqa: N806 - this layout's column width
    if side == "right":
        max_rows = max(1, int((region.h - LEGEND_TITLE_H - 2 * LEGEND_PAD) // LEGEND_ROW_H))
        cols = math.ceil(n / max_rows)
        rows = math.ceil(n / cols)
        w = cols * LEGEND_COL_W + 2 * LEGEND_PAD
        h = rows * LEGEND_ROW_H + LEGEND_TITLE_H + 2 * LEGEND_PAD
        if w > region.w * 0.6:
            return None
        box = Rect(region.right - w, region.top - h, w, h)
        rest = Rect(region.x, region.y, region.w - w - GAP, region.h)
        return LegendLayout(box, cols, rows, col_w), rest
    else:
        cols = max(1, int((region.w - 2 * LEGEND_PAD) // LEGEND_COL_W))
        cols = min(cols, n)
        # a long key (overlays add many entries) takes more, narrower columns before giving up
        most_cols = max(cols, min(n, int((region.w - 2 * LEGEND_PAD) // LEGEND_COL_W_MIN)))
        while cols < most_cols and _legend_h(math.ceil(n / cols)) > region.h * 0.6:
            cols += 1
        rows = math.ceil(n / cols)
        cols = math.ceil(n / rows)  # as few columns as the rows need, then spread them out
        if n > 3:
            col_w = (region.w - 2 * LEGEND_PAD) / cols
        w = cols * col_w + 2 * LEGEND_PAD
        h = _legend_h(rows)
        if h > region.h * 0.6:
            return None
        box = Rect(region.x, region.y, w, h)
        rest = Rect(region.x, region.y + h + GAP, region.w, region.h - h - GAP)
        return LegendLayout(box, cols, rows, col_w), rest


def _legend_h(rows: int) -> float:
    return rows * LEGEND_ROW_H + LEGEND_TITLE_H + 2 * LEGEND_PAD


def _fit(drawing: Drawing, area: Rect) -> float:
    if drawing.width <= 0 or drawing.height <= 0:
        return 1.0
    return min(area.w / drawing.width, area.h / drawing.height, MAX_SCALE)


def plan_pages(drawing: Drawing, paper: str = "A4", landscape: Optional[bool] = None,
               legend_entries: Optional[int] = None, allow_tiling: bool = True) -> PagePlan:
    """Choose orientation (landscape for wide drawings unless told), legend placement and fit/tiles."""
    if landscape is None:
        landscape = drawing.width >= drawing.height * 0.8
    page_w, page_h = page_size(paper, landscape)
    content = Rect(MARGIN, MARGIN + FOOTER_H, page_w - 2 * MARGIN, page_h - 2 * MARGIN - HEADER_H - FOOTER_H)
    header = Rect(MARGIN, page_h - MARGIN - HEADER_H, content.w, HEADER_H)
    footer = Rect(MARGIN, MARGIN, content.w, FOOTER_H)
    title = Rect(content.x, content.top - TITLE_H, content.w, TITLE_H)
    body = Rect(content.x, content.y, content.w, content.h - TITLE_H - GAP)
    n = len(drawing.legend) if legend_entries is None else legend_entries
    col_w = legend_column_width([e.label for e in drawing.legend])

    best: Optional[tuple[float, Rect, Optional[LegendLayout]]] = None
    for side in ("right", "bottom"):
        got = _legend_layout(n, body, side, col_w)
        if got is None and n:
            continue
        legend, area = got if got else (None, body)
        s = _fit(drawing, area)
        if best is None or s > best[0] + 1e-9:
            best = (s, area, legend)
    if best is None:  # a huge key: as many narrow columns as fit, below the genogram
        cols = max(1, min(n, int((body.w - 2 * LEGEND_PAD) // LEGEND_COL_W_MIN)))
        rows = math.ceil(n / cols)
        col_w = (body.w - 2 * LEGEND_PAD) / cols
        h = min(_legend_h(rows), body.h * 0.75)
        legend = LegendLayout(Rect(body.x, body.y, body.w, h), cols, rows, col_w)
        area = Rect(body.x, body.y + h + GAP, body.w, body.h - h - GAP)
        best = (_fit(drawing, area), area, legend)
    scale, area, legend = best

    text = typical_text_size(drawing)
    min_scale = MIN_TEXT_PT / text
    if scale >= min_scale or not allow_tiling:
        return PagePlan(paper.upper(), landscape, page_w, page_h, header, footer, title, body, area, legend,
                        scale, content=content)

    # Tiled: page 1 keeps the title block, the legend and an overview; tiles follow, on
    # whichever orientation needs fewer sheets, enlarged to fill them when there is room.
    base_scale = max(min_scale, min(1.0, TILE_TEXT_PT / text))
    best_t = None
    for orient in (landscape, not landscape):
        tw, th = page_size(paper, orient)
        t_content = Rect(MARGIN, MARGIN + FOOTER_H, tw - 2 * MARGIN, th - 2 * MARGIN - HEADER_H - FOOTER_H)
        t_area = Rect(t_content.x, t_content.y, t_content.w, t_content.h - 16.0)  # caption line
        rows, cols = _grid(drawing, t_area, base_scale)
        if best_t is None or rows * cols < best_t[0] * best_t[1]:
            best_t = (rows, cols, orient, tw, th, t_area)
    rows, cols, t_orient, tw, th, tile_area = best_t
    fill = [TILE_MAX_SCALE]
    fill.append((tile_area.w - TILE_OVERLAP) * cols / drawing.width if cols > 1 else tile_area.w / drawing.width)
    fill.append((tile_area.h - TILE_OVERLAP) * rows / drawing.height if rows > 1
                else tile_area.h / drawing.height)
    tile_scale = max(base_scale, min(fill))
    ov = TILE_OVERLAP / tile_scale  # overlap in drawing units
    step_x, step_y = drawing.width / cols, drawing.height / rows
    tiles = []
    for r in range(rows):
        for c in range(cols):
            core = Box(c * step_x, r * step_y, step_x, step_y)
            left = ov / 2 if c else 0.0
            right = ov / 2 if c < cols - 1 else 0.0
            up = ov / 2 if r else 0.0
            down = ov / 2 if r < rows - 1 else 0.0
            src = Box(core.x - left, core.y - up, core.w + left + right, core.h + up + down)
            tiles.append(Tile(r, c, rows, cols, src, core))
    return PagePlan(paper.upper(), landscape, page_w, page_h, header, footer, title, body, area, legend,
                    scale, tuple(tiles), tile_scale, tile_area, content=content, tile_landscape=t_orient,
                    tile_page=(tw, th))


def _grid(drawing: Drawing, area: Rect, scale: float) -> tuple[int, int]:
    """Rows and columns of sheets showing ``drawing`` at ``scale`` in ``area`` with overlap.

    Cores split the drawing evenly (no sliver at the end); each sheet shows its core
    plus half the overlap on every inner side, so a middle sheet needs core + overlap
    to fit on the sheet.
    """
    ov = TILE_OVERLAP / scale
    tile_w, tile_h = area.w / scale, area.h / scale
    cols = 1 if drawing.width <= tile_w else math.ceil(drawing.width / (tile_w - ov))
    rows = 1 if drawing.height <= tile_h else math.ceil(drawing.height / (tile_h - ov))
    return rows, cols


def furniture(page_w: float, page_h: float) -> tuple[Rect, Rect]:
    """The header and footer bands of a page of this size."""
    w = page_w - 2 * MARGIN
    return (Rect(MARGIN, page_h - MARGIN - HEADER_H, w, HEADER_H), Rect(MARGIN, MARGIN, w, FOOTER_H))


# -- appendix content ------------------------------------------------------------

@dataclass(frozen=True)
class TableSpec:
    """One appendix table: heading, column headers, rows of cell text, relative widths."""

    key: str
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    note: str = ""


def fmt_date(d) -> str:
    if d is None:
        return ""
    if isinstance(d, date):
        return f"{d.day} {d:%b %Y}"
    return str(d)


def _known_by(fact, as_at: date) -> bool:
    """Had this period begun by the as-at date?  (Later facts are not part of that picture.)"""
    return fact.start is None or fact.start.representative() <= as_at


def _period(start, end, as_at: Optional[date] = None) -> str:
    """"since Mar 2019" or "Mar 2019 – Jun 2021"; an end after ``as_at`` is not known yet."""
    if as_at is not None and end is not None and end.representative() > as_at:
        end = None
    if start is None and end is None:
        return ""
    a = fmt_date(start) or "?"
    return f"{a} – {fmt_date(end)}" if end is not None else f"since {a}"


def appendix_tables(snap, as_at: date, sections: Optional[set[str]] = None) -> list[TableSpec]:
    """The appendix tables for ``snap`` (already redacted) as at ``as_at``.

    Sections: "people", "households", "agencies", "risk", "chronology", "voice".
    Empty sections are left out; columns that are empty for every row are dropped.
    """
    from genomap.analysis.chronology import KIND_LABELS, build_chronology
    from genomap.analysis.risk import risk_adults
    from genomap.model.kinship import KinshipIndex, subject_children

    want = sections or {"people", "households", "agencies", "risk", "chronology", "voice"}
    idx = KinshipIndex(snap, as_at)
    subjects = subject_children(snap)
    name = {p.id: p.name for p in snap.people}
    hh_label = {h.id: h.label or f"Household {h.id}" for h in snap.households}
    out: list[TableSpec] = []

    def person_label(pid):
        return name.get(pid, "")

    if "people" in want and snap.people:
        rel_cols = [f"Relationship to {name[s]}" for s in subjects[:2]]
        active_flags: dict[int, list[str]] = {}
        for f in snap.risk_flags:
            if f.active_on(as_at):
                active_flags.setdefault(f.person, []).append(f"{f.kind.short_code} ({f.status.label.lower()})")
        for s in snap.legal_statuses:
            if s.active_on(as_at):
                active_flags.setdefault(s.person, []).append(s.kind.short_code)
        rows = []
        order = sorted(snap.people, key=lambda p: (not p.is_subject, p.birth is None,
                                                    p.birth.sort_key() if p.birth else "", p.birth_order or 0,
                                                    p.id))
        for p in order:
            if not p.exists_on(as_at):
                continue
            flags = list(active_flags.get(p.id, []))
            if p.is_dead_on(as_at):
                flags.insert(0, "Deceased" + (f" {fmt_date(p.death)}" if p.death else ""))
            if p.is_subject:
                flags.insert(0, "Subject child")
            if p.pregnancy.value != "none":
                flags.append(p.pregnancy.label)
            if p.adopted:
                flags.append("Adopted")
            if p.looked_after:
                flags.append("Looked after")
            age = p.age_on(as_at)
            full = p.name + (f' ("{p.known_as}")' if p.known_as and p.known_as not in p.name else "")
            homes = snap.households_of(p.id, as_at)
            rels = [idx.kinship(p.id, s).label if p.id != s else "—" for s in subjects[:2]]
            rows.append((full, "" if age is None else str(age), *rels,
                         ", ".join(hh_label.get(h, "") for h in homes), "; ".join(flags)))
        out.append(TableSpec("people", "People", ("Name", "Age", *rel_cols, "Lives in", "Flags"),
                             tuple(rows), (3, 0.8, *([2.6] * len(rel_cols)), 2.4, 3)))

    if "households" in want and snap.households:
        rows = []
        for h in snap.households:
            now = []
            history = []
            for r in sorted((r for r in snap.residences if r.household == h.id and _known_by(r, as_at)),
                            key=lambda r: (r.start is not None, r.start.sort_key() if r.start else "")):
                who = person_label(r.person)
                if r.active_on(as_at) and (r.start is None or r.start.representative() <= as_at):
                    now.append(who + ("" if r.kind.value == "lives" else f" ({r.kind.label.lower()})"))
                per = _period(r.start, r.end, as_at)
                history.append(f"{who}: {r.kind.label.lower()}" + (f", {per}" if per else ""))
            label = hh_label[h.id]
            kind = "" if h.type.value == "family_home" or label == h.type.label else f"\n{h.type.label}"
            rows.append((f"{label}{kind}", h.address, "\n".join(now) or "—",
                         "\n".join(history)))
        out.append(TableSpec("households", "Households and residence history",
                             ("Household", "Address", f"Living there on {fmt_date(as_at)}", "Residence history"),
                             tuple(rows), (2.2, 2.6, 2.6, 4.2)))

    if "agencies" in want and any(_known_by(i, as_at) for i in snap.involvements):
        rows = []
        known = [i for i in snap.involvements if _known_by(i, as_at)]
        for i in sorted(known, key=lambda i: (i.agency_name, i.start.sort_key() if i.start else "")):
            target = person_label(i.person) if i.person is not None else hh_label.get(i.household, "")
            worker = "\n".join(x for x in (i.worker_name, i.worker_contact) if x)
            rows.append((f"{i.agency_name}\n{i.agency_type.short_code}", target, i.role, worker,
                         _period(i.start, i.end, as_at),
                         "open" if i.active_on(as_at) else "closed", i.notes))
        out.append(TableSpec("agencies", "Agency involvement",
                             ("Agency", "With", "Role", "Worker", "Period", "Status", "Notes"),
                             tuple(rows), (2.6, 2, 2, 2.2, 2, 1, 3)))

    if "risk" in want and any(_known_by(f, as_at) for f in snap.risk_flags):
        reach = {ra.person: ra for ra in risk_adults(snap, as_at)}
        rows = []
        known = [f for f in snap.risk_flags if _known_by(f, as_at)]
        for f in sorted(known, key=lambda f: (not f.active_on(as_at), person_label(f.person))):
            rel = idx.kinship(f.person, subjects[0]).label if subjects else ""
            ra = reach.get(f.person)
            kids = "; ".join(f"{person_label(c.child)}: {c.via}" for c in ra.contacts) if ra else ""
            detail = "\n".join(x for x in (f.detail, f.notes, f"Source: {f.source}" if f.source else "") if x)
            rows.append((person_label(f.person), rel, f"{f.kind.label}\n{f.status.label}",
                         _period(f.start, f.end, as_at), "current" if f.active_on(as_at) else "ended", kids,
                         detail))
        out.append(TableSpec("risk", "Risk summary",
                             ("Person", "Relationship", "Risk", "Period", "Status", "Contact with children",
                              "Detail"), tuple(rows), (2, 1.8, 2.2, 1.8, 1, 3.2, 3)))

    if "chronology" in want:
        events = {e.id: e for e in snap.events}
        rows = []
        for c in build_chronology(snap):
            if c.day > as_at:
                continue
            what = c.title
            ev = events.get(c.ref[1]) if c.ref and c.ref[0] == "event" else None
            if ev is not None and ev.description:
                what += "\n" + ev.description
            if ev is not None and ev.source:
                what += f"\nSource: {ev.source}"
            kind = KIND_LABELS.get(c.kind, c.kind)
            if c.ref and c.ref[0] == "event" and c.ref[1] in events:
                kind = events[c.ref[1]].kind.label
            rows.append((str(c.date), kind, what, c.status.capitalize() if c.status else ""))
        if rows:
            out.append(TableSpec("chronology", "Chronology", ("Date", "Kind", "What happened", "Status"),
                                 tuple(rows), (1.6, 1.8, 6.5, 1.2)))

    if "voice" in want:
        rows = tuple((p.name, p.child_voice) for p in snap.people if p.child_voice)
        if rows:
            out.append(TableSpec("voice", "The child's voice", ("Child", "In their own words"), rows, (2, 8)))

    return [_drop_empty_columns(t) for t in out]


def _drop_empty_columns(t: TableSpec) -> TableSpec:
    keep = [i for i in range(len(t.columns)) if any(r[i] for r in t.rows)]
    if len(keep) == len(t.columns) or not keep:
        return t
    return TableSpec(t.key, t.heading, tuple(t.columns[i] for i in keep),
                     tuple(tuple(r[i] for i in keep) for r in t.rows),
                     tuple(t.widths[i] for i in keep), t.note)
