"""Pure geometry for drawn lines: curves, parallel offsets and line patterns.

Every pattern is precomputed into plain polylines/polygons so all renderers draw
exactly the same thing.  Points are (x, y) tuples in points, y down.
"""

from __future__ import annotations

import math
from typing import Sequence

Pt = tuple[float, float]


def quad_bezier(a: Pt, c: Pt, b: Pt, steps: int = 24) -> list[Pt]:
    out = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        out.append((u * u * a[0] + 2 * u * t * c[0] + t * t * b[0], u * u * a[1] + 2 * u * t * c[1] + t * t * b[1]))
    return out


def cubic_bezier(a: Pt, c1: Pt, c2: Pt, b: Pt, steps: int = 24) -> list[Pt]:
    out = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        w0, w1, w2, w3 = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        out.append((w0 * a[0] + w1 * c1[0] + w2 * c2[0] + w3 * b[0], w0 * a[1] + w1 * c1[1] + w2 * c2[1] + w3 * b[1]))
    return out


def catmull_rom(points: Sequence[Pt], steps: int = 8) -> list[Pt]:
    """A smooth curve through every point (Hermite pieces with tangents scaled to the
    neighbouring piece lengths, so unevenly spaced points do not overshoot or loop)."""
    pts = list(points)
    n = len(pts)
    if n < 3:
        return pts
    tans = []
    for i in range(n):
        a, b = pts[max(0, i - 1)], pts[min(n - 1, i + 1)]
        span = math.dist(a, pts[i]) + math.dist(pts[i], b) or 1.0
        tans.append(((b[0] - a[0]) / span, (b[1] - a[1]) / span))
    out = [pts[0]]
    for i in range(n - 1):
        p0, p1 = pts[i], pts[i + 1]
        L = math.dist(p0, p1)
        m0 = (tans[i][0] * L, tans[i][1] * L)
        m1 = (tans[i + 1][0] * L, tans[i + 1][1] * L)
        for k in range(1, steps + 1):
            t = k / steps
            t2, t3 = t * t, t * t * t
            h00, h10, h01, h11 = 2 * t3 - 3 * t2 + 1, t3 - 2 * t2 + t, -2 * t3 + 3 * t2, t3 - t2
            out.append((h00 * p0[0] + h10 * m0[0] + h01 * p1[0] + h11 * m1[0],
                        h00 * p0[1] + h10 * m0[1] + h01 * p1[1] + h11 * m1[1]))
    return out


def length(pts: Sequence[Pt]) -> float:
    return sum(math.dist(p, q) for p, q in zip(pts, pts[1:]))


def _cumulative(pts: Sequence[Pt]) -> list[float]:
    acc = [0.0]
    for p, q in zip(pts, pts[1:]):
        acc.append(acc[-1] + math.dist(p, q))
    return acc


def _at(pts: Sequence[Pt], cum: list[float], d: float) -> tuple[Pt, Pt]:
    import bisect

    i = min(max(bisect.bisect_right(cum, d) - 1, 0), len(pts) - 2)
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


def resample(pts: Sequence[Pt], step: float) -> list[tuple[Pt, Pt]]:
    """Points every ``step`` along the path with unit tangents: [(point, tangent)]."""
    cum = _cumulative(pts)
    total = cum[-1]
    if total == 0:
        return [(pts[0], (1.0, 0.0))]
    n = max(1, int(round(total / step)))
    step = total / n
    out: list[tuple[Pt, Pt]] = []
    i = 0
    last = len(pts) - 2
    for k in range(n + 1):
        d = k * step
        while i < last and (cum[i + 1] < d or cum[i + 1] == cum[i]):
            i += 1
        p, q = pts[i], pts[i + 1]
        L = cum[i + 1] - cum[i]
        if L <= 0:
            out.append(_at(pts, cum, d))
            continue
        t = min(1.0, max(0.0, (d - cum[i]) / L))
        out.append(((p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t), ((q[0] - p[0]) / L, (q[1] - p[1]) / L)))
    return out


def point_at(pts: Sequence[Pt], frac: float) -> tuple[Pt, Pt]:
    """Point and unit tangent at a fraction of the path's length."""
    cum = _cumulative(pts)
    return _at(pts, cum, cum[-1] * frac)


def points_at(pts: Sequence[Pt], fracs: Sequence[float]) -> list[tuple[Pt, Pt]]:
    cum = _cumulative(pts)
    return [_at(pts, cum, cum[-1] * f) for f in fracs]


def sub_path(pts: Sequence[Pt], f0: float, f1: float) -> list[Pt]:
    """The part of a path between two fractions of its length."""
    total = length(pts)
    d0, d1 = total * f0, total * f1
    out: list[Pt] = []
    acc = 0.0
    for p, q in zip(pts, pts[1:]):
        L = math.dist(p, q)
        if L == 0:
            continue
        s, e = acc, acc + L
        if e >= d0 and s <= d1:
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
    out = []
    n = len(pts)
    for i, p in enumerate(pts):
        a = pts[max(0, i - 1)]
        b = pts[min(n - 1, i + 1)]
        dx, dy = b[0] - a[0], b[1] - a[1]
        L = math.hypot(dx, dy) or 1e-9
        nx, ny = -dy / L, dx / L
        out.append((p[0] + nx * d, p[1] + ny * d))
    return out


def zigzag(pts: Sequence[Pt], amp: float = 3.5, wavelength: float = 8.0, lead: float = 6.0) -> list[Pt]:
    """A zig-zag along the path, straight for ``lead`` points at both ends."""
    total = length(pts)
    if total < 2 * lead + wavelength:
        return list(pts)
    core = sub_path(pts, lead / total, 1 - lead / total)
    samples = resample(core, wavelength / 2)
    out = [pts[0]]
    for i, ((x, y), (tx, ty)) in enumerate(samples):
        s = 0 if i in (0, len(samples) - 1) else (amp if i % 2 else -amp)
        out.append((x - ty * s, y + tx * s))
    out.append(pts[-1])
    return out


def wave(pts: Sequence[Pt], amp: float = 3.0, wavelength: float = 12.0, lead: float = 6.0) -> list[Pt]:
    total = length(pts)
    if total < 2 * lead + wavelength:
        return list(pts)
    core = sub_path(pts, lead / total, 1 - lead / total)
    core_len = length(core)
    waves = max(1, round(core_len / wavelength))
    samples = resample(core, core_len / (waves * 12))
    out = [pts[0]]
    n = len(samples) - 1
    for i, ((x, y), (tx, ty)) in enumerate(samples):
        s = amp * math.sin(2 * math.pi * waves * i / max(n, 1))
        out.append((x - ty * s, y + tx * s))
    out.append(pts[-1])
    return out


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
    """Round every corner of a polygon (convex and concave) with quadratic fillets."""
    n = len(points)
    out: list[Pt] = []
    for i in range(n):
        p = points[i]
        a = points[i - 1]
        b = points[(i + 1) % n]
        la, lb = math.dist(p, a), math.dist(p, b)
        if la == 0 or lb == 0:
            continue
        r = min(radius, la / 2, lb / 2)
        p1 = (p[0] + (a[0] - p[0]) * r / la, p[1] + (a[1] - p[1]) * r / la)
        p2 = (p[0] + (b[0] - p[0]) * r / lb, p[1] + (b[1] - p[1]) * r / lb)
        out.extend(quad_bezier(p1, p, p2, steps))
    return out


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
