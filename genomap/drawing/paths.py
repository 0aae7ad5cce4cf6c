"""Pure geometry for drawn lines: curves, parallel offsets and line patterns.

Every pattern is precomputed into plain polylines/polygons so all renderers draw
exactly the same thing.  Points are (x, y) tuples in points, y down.
"""

from __future__ import annotations

import math
from functools import lru_cache
from bisect import bisect_right
from itertools import accumulate
from typing import Sequence

Pt = tuple[float, float]


def quad_bezier(a: Pt, c: Pt, b: Pt, steps: int = 24) -> list[Pt]:
    a0, a1 = a
    c0, c1 = c
    b0, b1 = b
    out = []
    append = out.append
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        w0, w1, w2 = u * u, 2 * u * t, t * t
        append((w0 * a0 + w1 * c0 + w2 * b0, w0 * a1 + w1 * c1 + w2 * b1))
    return out


def cubic_bezier(a: Pt, c1: Pt, c2: Pt, b: Pt, steps: int = 24) -> list[Pt]:
    a0, a1 = a
    p0, p1 = c1
    q0, q1 = c2
    b0, b1 = b
    out = []
    append = out.append
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        w0, w1, w2, w3 = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        append((w0 * a0 + w1 * p0 + w2 * q0 + w3 * b0, w0 * a1 + w1 * p1 + w2 * q1 + w3 * b1))
    return out


def catmull_tangents(pts: Sequence[Pt]) -> list[Pt]:
    """The tangent at each point of :func:`catmull_rom`: neighbour to neighbour, scaled
    by the lengths of the two pieces meeting there."""
    n = len(pts)
    dist = math.dist
    tans = []
    for i in range(n):
        a, b = pts[max(0, i - 1)], pts[min(n - 1, i + 1)]
        span = dist(a, pts[i]) + dist(pts[i], b) or 1.0
        tans.append(((b[0] - a[0]) / span, (b[1] - a[1]) / span))
    return tans


def catmull_rom(points: Sequence[Pt], steps: int = 8) -> list[Pt]:
    """A smooth curve through every point (Hermite pieces with tangents scaled to the
    neighbouring piece lengths, so unevenly spaced points do not overshoot or loop)."""
    pts = list(points)
    n = len(pts)
    if n < 3:
        return pts
    dist = math.dist
    tans = catmull_tangents(pts)
    basis = []  # the Hermite weights at each step, the same for every piece
    for k in range(1, steps + 1):
        t = k / steps
        t2, t3 = t * t, t * t * t
        basis.append((2 * t3 - 3 * t2 + 1, t3 - 2 * t2 + t, -2 * t3 + 3 * t2, t3 - t2))
    out = [pts[0]]
    append = out.append
    for i in range(n - 1):
        p0, p1 = pts[i], pts[i + 1]
        L = dist(p0, p1)
        x0, y0 = p0
        x1, y1 = p1
        mx0, my0 = tans[i][0] * L, tans[i][1] * L
        mx1, my1 = tans[i + 1][0] * L, tans[i + 1][1] * L
        for h00, h10, h01, h11 in basis:
            append((h00 * x0 + h10 * mx0 + h01 * x1 + h11 * mx1,
                    h00 * y0 + h10 * my0 + h01 * y1 + h11 * my1))
    return out


def length(pts: Sequence[Pt]) -> float:
    return sum(map(math.dist, pts, pts[1:]))


def _cumulative(pts: Sequence[Pt]) -> list[float]:
    return list(accumulate(map(math.dist, pts, pts[1:]), initial=0.0))


def _at(pts: Sequence[Pt], cum: list[float], d: float) -> tuple[Pt, Pt]:
    i = min(max(bisect_right(cum, d) - 1, 0), len(pts) - 2)
    p, q = pts[i], pts[i + 1]
    L = cum[i + 1] - cum[i]
    if L <= 0:
        # degenerate segment: look for a neighbour with length
        for j in range(len(pts) - 1):
            if cum[j + 1] > cum[j]:
                p, q, i = pts[j], pts[j + 1], j
                L = cum[j + 1] - cum[j]
                break
        else:
            return pts[0], (1.0, 0.0)
    t = min(1.0, max(0.0, (d - cum[i]) / L))
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t), ((q[0] - p[0]) / L, (q[1] - p[1]) / L)


def _resample(pts: Sequence[Pt], step: float, amp: float = 0.0, pattern=None) -> list:
    """:func:`resample`'s points, each pushed ``amp * pattern[k]`` along its normal (when a
    pattern is given: the zig-zag and the wave) -- or its (point, tangent) pairs."""
    cum = _cumulative(pts)
    total = cum[-1]
    if total == 0:
        if pattern is None:
            return [(pts[0], (1.0, 0.0))]
        return [pts[0]]
    n = max(1, int(round(total / step)))
    step = total / n
    out: list = []
    append = out.append
    i = -1
    last = len(pts) - 2
    ci = nxt = 0.0
    L = x0 = y0 = dx = dy = 0.0
    tan = None
    for k in range(n + 1):
        d = k * step
        if i < 0 or (i < last and (nxt < d or nxt == ci)):
            if i < 0:
                i = 0
            while i < last and (cum[i + 1] < d or cum[i + 1] == cum[i]):
                i += 1
            ci, nxt = cum[i], cum[i + 1]
            L = nxt - ci
            (x0, y0), (x1, y1) = pts[i], pts[i + 1]
            dx, dy = x1 - x0, y1 - y0
            if L > 0:
                tan = (dx / L, dy / L)
        if L <= 0:
            pt, tn = _at(pts, cum, d)
            if pattern is None:
                append((pt, tn))
            else:
                s = pattern[k]
                append((pt[0] - tn[1] * s, pt[1] + tn[0] * s))
            continue
        t = (d - ci) / L
        if not t > 0.0:  # min(1.0, max(0.0, t)), NaN and -0.0 included
            t = 0.0
        elif not t < 1.0:
            t = 1.0
        if pattern is None:
            append(((x0 + dx * t, y0 + dy * t), tan))
        else:
            s = pattern[k]
            append((x0 + dx * t - tan[1] * s, y0 + dy * t + tan[0] * s))
    return out


def resample(pts: Sequence[Pt], step: float) -> list[tuple[Pt, Pt]]:
    """Points every ``step`` along the path with unit tangents: [(point, tangent)]."""
    return _resample(pts, step)


def point_at(pts: Sequence[Pt], frac: float) -> tuple[Pt, Pt]:
    """Point and unit tangent at a fraction of the path's length."""
    cum = _cumulative(pts)
    return _at(pts, cum, cum[-1] * frac)


def points_at(pts: Sequence[Pt], fracs: Sequence[float]) -> list[tuple[Pt, Pt]]:
    cum = _cumulative(pts)
    total = cum[-1]
    return [_at(pts, cum, total * f) for f in fracs]


def sub_path(pts: Sequence[Pt], f0: float, f1: float) -> list[Pt]:
    """The part of a path between two fractions of its length."""
    seg = list(map(math.dist, pts, pts[1:]))
    total = sum(seg)
    d0, d1 = total * f0, total * f1
    out: list[Pt] = []
    acc = 0.0
    for k, L in enumerate(seg):
        if L == 0:
            continue
        s, e = acc, acc + L
        if e >= d0 and s <= d1:
            p, q = pts[k], pts[k + 1]
            t0 = max(0.0, (d0 - s) / L)
            t1 = min(1.0, (d1 - s) / L)
            a = (p[0] + (q[0] - p[0]) * t0, p[1] + (q[1] - p[1]) * t0)
            b = (p[0] + (q[0] - p[0]) * t1, p[1] + (q[1] - p[1]) * t1)
            if not out:
                out.append(a)
            out.append(b)
        acc = e
    return out or [pts[0], pts[-1]]


def offset(pts: Sequence[Pt], d: float) -> list[Pt]:
    """A parallel path at distance ``d`` (left of the direction of travel is negative)."""
    if not pts:
        return []
    hypot = math.hypot
    out = []
    append = out.append
    # neighbours: the ends use themselves on one side
    for a, p, b in zip([pts[0]] + list(pts[:-1]), pts, list(pts[1:]) + [pts[-1]]):
        dx, dy = b[0] - a[0], b[1] - a[1]
        L = hypot(dx, dy) or 1e-9
        append((p[0] + -dy / L * d, p[1] + dx / L * d))
    return out


def zigzag(pts: Sequence[Pt], amp: float = 3.5, wavelength: float = 8.0, lead: float = 6.0) -> list[Pt]:
    """A zig-zag along the path, straight for ``lead`` points at both ends."""
    total = length(pts)
    if total < 2 * lead + wavelength:
        return list(pts)
    core = sub_path(pts, lead / total, 1 - lead / total)
    # (as many samples as resample makes: a pattern long enough)
    n = max(1, int(round(length(core) / (wavelength / 2))))
    pattern = [(amp if i % 2 else -amp) for i in range(n + 1)]
    pattern[0] = pattern[-1] = 0
    return [pts[0]] + _resample(core, wavelength / 2, amp, pattern) + [pts[-1]]


def wave(pts: Sequence[Pt], amp: float = 3.0, wavelength: float = 12.0, lead: float = 6.0) -> list[Pt]:
    total = length(pts)
    if total < 2 * lead + wavelength:
        return list(pts)
    core = sub_path(pts, lead / total, 1 - lead / total)
    core_len = length(core)
    waves = max(1, round(core_len / wavelength))
    step = core_len / (waves * 12)
    n = max(1, int(round(core_len / step))) if core_len else 0
    m = max(n, 1)
    sin, k = math.sin, 2 * math.pi * waves
    pattern = [amp * sin(k * i / m) for i in range(n + 1)]
    return [pts[0]] + _resample(core, step, amp, pattern) + [pts[-1]]


def arrowhead(tip: Pt, direction: Pt, size: float = 7.0, width: float = 4.0) -> tuple[Pt, Pt, Pt]:
    tx, ty = direction
    bx, by = tip[0] - tx * size, tip[1] - ty * size
    return (tip, (bx - ty * width, by + tx * width), (bx + ty * width, by - tx * width))


def perpendicular(p: Pt, direction: Pt, half: float) -> tuple[Pt, Pt]:
    tx, ty = direction
    return ((p[0] - ty * half, p[1] + tx * half), (p[0] + ty * half, p[1] - tx * half))


def chevron(p: Pt, direction: Pt, size: float = 3.5) -> tuple[Pt, Pt, Pt]:
    tx, ty = direction
    back = (p[0] - tx * size, p[1] - ty * size)
    return ((back[0] - ty * size, back[1] + tx * size), p, (back[0] + ty * size, back[1] - tx * size))


def rounded_polygon(points: Sequence[Pt], radius: float, steps: int = 5) -> list[Pt]:
    """Round every corner of a polygon (convex and concave) with quadratic fillets.

    Each fillet is :func:`quad_bezier` from the point ``r`` before the corner, via the
    corner, to the point ``r`` after it; the same arithmetic with the weights computed
    once per ``steps`` (household outlines have many corners and are drawn on every
    redraw)."""
    inner = _fillet_weights(steps)
    n = len(points)
    out: list[Pt] = []
    add = out.append
    for i in range(n):
        p = points[i]
        a = points[i - 1]
        b = points[(i + 1) % n]
        la, lb = math.dist(p, a), math.dist(p, b)
        if la == 0 or lb == 0:
            continue
        r = min(radius, la / 2, lb / 2)
        px, py = p
        ax, ay = px + (a[0] - px) * r / la, py + (a[1] - py) * r / la
        bx, by = px + (b[0] - px) * r / lb, py + (b[1] - py) * r / lb
        add((ax, ay))  # t = 0 and t = 1 are the fillet's ends themselves
        for w0, w1, w2 in inner:
            add((w0 * ax + w1 * px + w2 * bx, w0 * ay + w1 * py + w2 * by))
        add((bx, by))
    return out


@lru_cache(maxsize=8)
def _fillet_weights(steps: int) -> tuple[tuple[float, float, float], ...]:
    """quad_bezier's weights (grouped as it groups them) for t strictly between 0 and 1."""
    out = []
    for i in range(1, steps):
        t = i / steps
        u = 1 - t
        out.append((u * u, 2 * u * t, t * t))
    return tuple(out)


def simplify_orthogonal(points: list[Pt]) -> list[Pt]:
    """Drop repeated and collinear vertices of an orthogonal polygon."""
    pts: list[Pt] = []
    for p in points:
        if not pts or (abs(p[0] - pts[-1][0]) > 1e-6 or abs(p[1] - pts[-1][1]) > 1e-6):
            pts.append(p)
    if len(pts) > 1 and abs(pts[0][0] - pts[-1][0]) < 1e-6 and abs(pts[0][1] - pts[-1][1]) < 1e-6:
        pts.pop()
    changed = True
    while changed and len(pts) > 4:
        changed = False
        for i in range(len(pts)):
            a, p, b = pts[i - 1], pts[i], pts[(i + 1) % len(pts)]
            if (abs(a[0] - p[0]) < 1e-6 and abs(p[0] - b[0]) < 1e-6) or (abs(a[1] - p[1]) < 1e-6 and abs(p[1] - b[1]) < 1e-6):
                pts.pop(i)
                changed = True
                break
    return pts
