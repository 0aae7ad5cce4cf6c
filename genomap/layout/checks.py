"""Reusable geometric checks of a finished genogram (layout + drawing).

Each check returns a list of human-readable violations (empty = fine); counts that
are allowed but should be small (crossings, split households) are numbers.
:func:`run_checks` runs them all and returns a :class:`CheckReport`; tests assert
on it and the benchmark prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from genomap.drawing import style
from genomap.drawing.primitives import Box, Drawing, Ellipse, Polygon, Polyline, Rect, Text
from genomap.drawing.text import prim_box, text_box, text_width, wrap
from genomap.layout.engine import Layout
from genomap.layout.family import birth_key
from genomap.store.snapshot import FamilySnapshot

EPS = 0.6


@dataclass
class CheckReport:
    violations: dict[str, list[str]] = field(default_factory=dict)
    crossings: int = 0  # between main kinship lines (partnerships, descent)
    secondary_crossings: int = 0  # involving step/foster/kinship/extra adoptive lines
    household_pieces: int = 0  # pieces beyond one per household (split households)
    non_adjacent_partners: int = 0  # third+ partners of one person, routed over the top
    tie_hits: int = 0  # symbols and labels that ties pass through (their own people's symbols excepted)
    ties: int = 0

    @property
    def ok(self) -> bool:
        return not any(self.violations.values())

    def summary(self) -> str:
        bad = {k: len(v) for k, v in self.violations.items() if v}
        return (f"violations={bad or 'none'} crossings={self.crossings}+{self.secondary_crossings} "
                f"split_households={self.household_pieces} over_the_top={self.non_adjacent_partners} "
                f"tie_hits={self.tie_hits}/{self.ties}")


# -- geometry helpers -----------------------------------------------------------------



def person_label_boxes(d: Drawing) -> dict[int, Box]:
    """The box around all label text of each person (base layer)."""
    out: dict[int, Box] = {}
    for p in d.primitives:
        if isinstance(p, Text) and p.layer == "base" and p.ref and p.ref[0] == "person":
            sym = d.bounds.get(p.ref)
            if sym is not None and p.y < sym.bottom - 1:
                continue  # the age inside the symbol
            b = text_box(p)
            pid = p.ref[1]
            out[pid] = _union(out[pid], b) if pid in out else b
    return out


def _union(a: Box, b: Box) -> Box:
    x0, y0 = min(a.x, b.x), min(a.y, b.y)
    return Box(x0, y0, max(a.right, b.right) - x0, max(a.bottom, b.bottom) - y0)


def _segments(pts) -> Iterable[tuple[tuple[float, float], tuple[float, float]]]:
    return zip(pts, pts[1:])


def _seg_hits_box(a, b, box: Box) -> bool:
    """Does segment a-b pass through the interior of ``box``? (Liang-Barsky clip)"""
    x0, y0 = a
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - box.x), (dx, box.right - x0), (-dy, y0 - box.y), (dy, box.bottom - y0)):
        if abs(p) < 1e-12:
            if q < 0:
                return False
        else:
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
            if t0 > t1:
                return False
    return t1 - t0 > 1e-6


def _point_in_polygon(x: float, y: float, pts) -> bool:
    inside = False
    n = len(pts)
    for i in range(n):
        (x1, y1), (x2, y2) = pts[i], pts[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                inside = not inside
    return inside


def _inside_shape(x: float, y: float, shape) -> bool:
    if isinstance(shape, Rect):
        return shape.x <= x <= shape.x + shape.w and shape.y <= y <= shape.y + shape.h
    if isinstance(shape, Polygon):
        return _point_in_polygon(x, y, shape.points)
    return False


def _kinship_lines(d: Drawing) -> list[Polyline]:
    return [p for p in d.primitives if isinstance(p, Polyline) and p.layer == "base"
            and p.ref is not None and p.ref[0] in ("partnership", "parent_link")]


# -- checks ------------------------------------------------------------------------

def check_rows(snapshot: FamilySnapshot, layout: Layout, d: Drawing) -> list[str]:
    """Every generation on one row (same symbol top); parents above their children."""
    out = []
    tops: dict[int, set[float]] = {}
    for pid, r in layout.row_of.items():
        box = d.bounds.get(("person", pid))
        if box is None:
            continue
        top = box.y + (style.DOUBLE_GAP if snapshot.person(pid).is_subject else 0.0)
        tops.setdefault(r, set()).add(round(top, 1))
    for r, ts in tops.items():
        if max(ts) - min(ts) > EPS:
            out.append(f"row {r}: symbol tops differ {sorted(ts)}")
    fs = layout.structure
    for child, links in fs.primary_links.items():
        for l in links:
            if layout.row_y[layout.row_of[l.parent]] >= layout.row_y[layout.row_of[child]]:
                out.append(f"parent {l.parent} not above child {child}")
    return out


def check_partners(layout: Layout) -> tuple[list[str], int]:
    """Partners on one row, side by side with nothing between (except a hub's 3rd+ partner)."""
    out = []
    over = 0
    fs = layout.structure
    for key in fs.unions:
        a, b = key
        if layout.row_of[a] != layout.row_of[b]:
            out.append(f"partners {a} and {b} on different rows")
            continue
        row = layout.rows[layout.row_of[a]]
        gap = abs(row.index(a) - row.index(b))
        if gap != 1:
            if fs.adjacent(key):
                out.append(f"partners {a} and {b} not adjacent")
            else:
                over += 1
    return out, over


def check_overlaps(d: Drawing, pad: float = 1.0) -> list[str]:
    """No two people's symbols or labels overlap."""
    boxes: list[tuple[int, Box]] = []
    labels = person_label_boxes(d)
    for ref, box in d.bounds.items():
        if ref[0] != "person":
            continue
        boxes.append((ref[1], box))
        if ref[1] in labels:
            boxes.append((ref[1], labels[ref[1]]))
    boxes.sort(key=lambda t: t[1].x)
    out = []
    for i, (pa, ba) in enumerate(boxes):
        for pb, bb in boxes[i + 1:]:
            if bb.x > ba.right + pad:
                break
            if pa != pb and ba.intersects(bb, margin=-pad):
                out.append(f"person {pa} overlaps person {pb}")
    return out


def check_households(snapshot: FamilySnapshot, d: Drawing, as_at: date) -> tuple[list[str], int]:
    """Every member's symbol inside its household boundary and no one else's inside it."""
    shapes: dict[int, list] = {}
    for p in d.primitives:
        if p.layer == "households" and isinstance(p, (Rect, Polygon)) and p.ref and p.ref[0] == "household":
            shapes.setdefault(p.ref[1], []).append(p)
    out = []
    persons = {ref[1]: box for ref, box in d.bounds.items() if ref[0] == "person"}
    members: dict[int, set[int]] = {}
    for pid in persons:
        for h in snapshot.households_of(pid, as_at):
            members.setdefault(h, set()).add(pid)
    for hid, ms in members.items():
        if hid not in shapes and any(h.id == hid for h in snapshot.households):
            out.append(f"household {hid} has members but no boundary")
    pieces = 0
    for hid, shs in shapes.items():
        pieces += len(shs) - 1
        ms = members.get(hid, set())
        for pid, box in persons.items():
            corners = [(box.x + 1, box.y + 1), (box.right - 1, box.y + 1), (box.x + 1, box.bottom - 1),
                       (box.right - 1, box.bottom - 1), box.center]
            inside = [any(_inside_shape(x, y, s) for s in shs) for x, y in corners]
            if pid in ms and not all(inside):
                # a member of two households at once is drawn in one of them
                if not any(pid in members.get(h, ()) and h != hid and h in shapes and
                           all(any(_inside_shape(x, y, s) for s in shapes[h]) for x, y in corners)
                           for h in members):
                    out.append(f"member {pid} outside household {hid}")
            if pid not in ms and any(inside):
                out.append(f"non-member {pid} inside household {hid}")
    return out, pieces


def check_connectors(d: Drawing) -> list[str]:
    """Kinship lines never pass through a symbol (touching its outline is fine)."""
    out = []
    boxes = [(ref[1], Box(b.x + 2.5, b.y + 2.5, b.w - 5, b.h - 5))
             for ref, b in d.bounds.items() if ref[0] == "person" and b.w > 6]
    boxes.sort(key=lambda t: t[1].x)
    xs = [b.x for _, b in boxes]
    import bisect

    for line in _kinship_lines(d):
        for a, b in _segments(line.points):
            lo, hi = min(a[0], b[0]), max(a[0], b[0])
            i = bisect.bisect_left(xs, lo - 80)
            for pid, box in boxes[i:]:
                if box.x > hi:
                    break
                if _seg_hits_box(a, b, box):
                    out.append(f"{line.ref} passes through person {pid}")
                    break
    return out


def crossing_count(d: Drawing, only=None, exclude=frozenset()) -> int:
    """Proper crossings between kinship connector segments of different lines.

    ``exclude``: refs left out; ``only``: if given, count only crossings that involve
    at least one line whose ref is in it.
    """
    hs, vs = [], []
    lines = [l for l in _kinship_lines(d) if l.ref not in exclude]
    flag = [only is None or l.ref in only for l in lines]
    for i, line in enumerate(lines):
        for a, b in _segments(line.points):
            if abs(a[1] - b[1]) < 1e-6 and abs(a[0] - b[0]) > 1e-6:
                hs.append((min(a[0], b[0]), max(a[0], b[0]), a[1], i))
            elif abs(a[0] - b[0]) < 1e-6 and abs(a[1] - b[1]) > 1e-6:
                vs.append((a[0], min(a[1], b[1]), max(a[1], b[1]), i))
    n = 0
    vs.sort()
    import bisect

    vx = [v[0] for v in vs]
    for x0, x1, y, i in hs:
        j = bisect.bisect_right(vx, x0 + EPS)
        while j < len(vs) and vs[j][0] < x1 - EPS:
            x, y0, y1, k = vs[j]
            if k != i and y0 + EPS < y < y1 - EPS and (flag[i] or flag[k]):
                n += 1
            j += 1
    return n


def check_sibling_order(layout: Layout) -> list[str]:
    """Children of one couple (or lone parent) left to right in birth order."""
    out = []
    fs = layout.structure
    for g, kids in fs.groups.items():
        by_row: dict[int, list[int]] = {}
        for k in kids:
            by_row.setdefault(layout.row_of[k], []).append(k)
        for ks in by_row.values():
            xs = [layout.x[k] for k in sorted(ks, key=lambda k: birth_key(fs.people[k]))]
            if any(a > b for a, b in zip(xs, xs[1:])):
                out.append(f"children of {g} not in birth order")
    return out


def check_labels(snapshot: FamilySnapshot, d: Drawing) -> list[str]:
    """Names wrap within the label width and no part of a name is lost."""
    out = []
    texts: dict[int, list[str]] = {}
    for p in d.primitives:
        if isinstance(p, Text) and p.layer == "base" and p.ref and p.ref[0] == "person" and p.size == style.NAME_SIZE:
            for line in p.lines:
                if text_width(line, p.size, p.bold, p.italic) > style.LABEL_WIDTH + 0.5:
                    out.append(f"person {p.ref[1]}: label line wider than {style.LABEL_WIDTH}pt: {line!r}")
            texts.setdefault(p.ref[1], []).extend(p.lines)
    for pid, lines in texts.items():
        person = snapshot.person(pid)
        joined = "".join("".join(lines).split()).replace("-", "")
        for word in person.name.split():
            if word.replace("-", "") not in joined:
                out.append(f"person {pid}: {word!r} missing from label")
    return out


ELLIPSIS = "\u2026"


def check_text_fits(d: Drawing, data_strings: Iterable[str] = (), key_label_width: float | None = None) -> list[str]:
    """Text is never cut off and fits where it is drawn.

    * no text line ends with an ellipsis unless some string in ``data_strings`` does;
    * person label lines are no wider than the label width (dates: +10 pt);
    * each household tab / badge text sits inside the tab / badge rectangle drawn
      just before it (same ref and layer);
    * legend entries: every sample inside its 36 x 18 pt cell; on a sheet (when
      ``key_label_width`` is given) each key label line no wider than that and the
      wrapped lines re-join to the full legend label.
    """
    out = []
    allowed = {s for s in data_strings if s.rstrip().endswith(ELLIPSIS)}
    prev = None
    for p in d.primitives:
        if isinstance(p, Text):
            for line in p.lines:
                if line.rstrip().endswith(ELLIPSIS) and not any(line.rstrip() in a or a.endswith(line.rstrip())
                                                                for a in allowed):
                    out.append(f"{p.layer} text cut off with an ellipsis: {line!r}")
            if p.layer == "base" and p.ref and p.ref[0] == "person":
                limit = style.LABEL_WIDTH + (10 if p.size == style.DETAIL_SIZE else 0) + 0.5
                for line in p.lines:
                    if text_width(line, p.size, p.bold, p.italic) > limit:
                        out.append(f"person {p.ref[1]}: label line {line!r} wider than {limit:.0f}pt")
            if p.layer in ("household_labels", "badges") and isinstance(prev, Rect) and prev.ref == p.ref \
                    and prev.layer == p.layer:
                tb, rb = text_box(p), prim_box(prev)
                if tb.x < rb.x - 0.5 or tb.right > rb.right + 0.5 or tb.y < rb.y - 0.5 or tb.bottom > rb.bottom + 1.5:
                    out.append(f"{p.layer} text {p.lines!r} does not fit its box")
        prev = p
    for e in d.legend:
        for s in e.sample:
            b = prim_box(s)
            if b.x < -0.5 or b.y < -0.5 or b.right > 36.5 or b.bottom > 18.5:
                out.append(f"legend sample of {e.key} outside its cell: {b}")
    if key_label_width is not None and d.legend:
        labels = {e.label for e in d.legend}
        found = set()
        for p in d.primitives:
            if isinstance(p, Text) and p.layer == "legend" and p.size < 9:
                for line in p.lines:
                    if text_width(line, p.size, p.bold, p.italic) > key_label_width + 0.5:
                        out.append(f"key label line {line!r} wider than {key_label_width:.0f}pt")
                found.add(" ".join(p.lines))
        for lbl in labels:
            if " ".join(lbl.split()) not in found:
                out.append(f"key label {lbl!r} not shown in full")
    return out


def tie_obstacle_hits(d: Drawing) -> tuple[int, int]:
    """(symbols and labels passed through by ties, number of ties drawn).

    Each tie is judged by its longest polyline (its base curve or the pattern along
    it).  Its two people are those whose symbol (grown by 6 pt) holds an end of that
    line; their symbols do not count, their labels do, and so does every other
    person's symbol and label the line passes through.
    """
    longest: dict = {}
    for p in d.primitives:
        if p.layer == "ties" and isinstance(p, Polyline) and p.ref is not None:
            n = len(p.points)
            if p.ref not in longest or n > len(longest[p.ref].points):
                longest[p.ref] = p
    if not longest:
        return 0, 0
    symbols = [(ref[1], Box(b.x + 1, b.y + 1, b.w - 2, b.h - 2)) for ref, b in d.bounds.items() if ref[0] == "person"]
    labels = person_label_boxes(d)
    total = 0
    for line in longest.values():
        pts = line.points
        ends = set()
        for pid, b in symbols:
            for x, y in (pts[0], pts[-1]):
                if b.x - 7 <= x <= b.right + 7 and b.y - 7 <= y <= b.bottom + 7:
                    ends.add(pid)
        xs = [x for x, _ in pts]
        ys = [y for _, y in pts]
        bb = Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        obstacles = [b for pid, b in symbols if pid not in ends] + list(labels.values())
        for box in obstacles:
            if not bb.intersects(box):
                continue
            if any(_seg_hits_box(a, b, box) for a, b in _segments(pts)):
                total += 1
    return total, len(longest)


def run_checks(snapshot: FamilySnapshot, layout: Layout, d: Drawing, as_at: date) -> CheckReport:
    rep = CheckReport()
    rep.violations["rows"] = check_rows(snapshot, layout, d)
    partners, rep.non_adjacent_partners = check_partners(layout)
    rep.violations["partners"] = partners
    rep.violations["overlaps"] = check_overlaps(d)
    hh, rep.household_pieces = check_households(snapshot, d, as_at)
    rep.violations["households"] = hh
    rep.violations["connectors"] = check_connectors(d)
    rep.violations["sibling_order"] = check_sibling_order(layout)
    rep.violations["labels"] = check_labels(snapshot, d)
    rep.violations["text_fits"] = check_text_fits(d, [p.name for p in snapshot.people])
    secondary = frozenset(("parent_link", l.id) for l in layout.structure.secondary_links)
    rep.crossings = crossing_count(d, exclude=secondary)
    rep.secondary_crossings = crossing_count(d, only=secondary)
    rep.tie_hits, rep.ties = tie_obstacle_hits(d)
    return rep


__all__ = [
    "CheckReport", "run_checks", "check_rows", "check_partners", "check_overlaps", "check_households",
    "check_connectors", "crossing_count", "check_sibling_order", "check_labels", "check_text_fits", "tie_obstacle_hits", "person_label_boxes",
    "wrap", "Ellipse",
]
