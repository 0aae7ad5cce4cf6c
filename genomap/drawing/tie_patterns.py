"""Each tie kind's pattern along a routed base curve: zig-zags, double lines,
chevrons, bars and arrowheads, distinguishable in black and white.

Pure Python, no Qt or ReportLab: part of the renderer-agnostic drawing.  The base
curve comes from :class:`genomap.drawing.ties.TieRouter`.
"""

from __future__ import annotations

from genomap.drawing.paths import (
    arrowhead, chevron, length, offset, perpendicular, point_at, points_at, sub_path, wave, zigzag,
)
from genomap.drawing.primitives import Ellipse, Fill, LineStyle, MultiPolyline, Polygon, Polyline, Primitive, Stroke
from genomap.model.enums import TieKind


def tie_geometry(kind: TieKind, base: list, colour: str, ref) -> list[Primitive]:
    """The primitives of one tie along ``base`` (a polyline from source to target)."""
    layer = "ties"
    w = 1.3

    def line(pts, width=w, st=LineStyle.SOLID):
        return Polyline(tuple(pts), Stroke(colour, width, st), ref=ref, layer=layer)

    def marks(paths, width):  # the small marks along a tie: one primitive
        return MultiPolyline(tuple(tuple(path) for path in paths), Stroke(colour, width), ref=ref, layer=layer)

    out: list[Primitive] = []
    end, direction = point_at(base, 1.0)
    shorten = kind.directed
    core = sub_path(base, 0.0, 1.0 - min(0.3, 7.0 / max(1.0, length(base)))) if shorten else base
    if kind is TieKind.CLOSE:
        out += [line(offset(base, -1.8)), line(offset(base, 1.8))]
    elif kind is TieKind.CONFLICT:
        out.append(line(zigzag(base, 3.5, 8.0)))
    elif kind is TieKind.HOSTILE:
        out += [line(zigzag(base, 4.0, 8.0)), line(offset(base, -2.2), 0.9), line(offset(base, 2.2), 0.9)]
    elif kind is TieKind.ESTRANGED:
        out += [line(sub_path(base, 0.0, 0.42)), line(sub_path(base, 0.58, 1.0))]
        out.append(marks([perpendicular(p, d, 5.0) for p, d in points_at(base, [0.42, 0.58])], w))
    elif kind is TieKind.DOMESTIC_ABUSE_PHYSICAL:
        out += [line(core, 1.0), line(zigzag(core, 4.5, 7.0), 1.7)]
    elif kind is TieKind.DOMESTIC_ABUSE_EMOTIONAL:
        out.append(line(wave(core, 3.2, 11.0), 1.5))
    elif kind is TieKind.COERCIVE_CONTROL:
        out.append(line(core, 1.4))
        n = max(1, min(int(length(core) // 13), 120))  # (very long ties: marks spaced out)
        if n > 1:
            out.append(marks([chevron(p, d, 3.6) for p, d in points_at(core, [i / n for i in range(1, n)])], 1.3))
    elif kind is TieKind.SEXUAL_ABUSE:
        out += [line(offset(core, -1.6), 1.2), line(offset(core, 1.6), 1.2)]
        n = max(1, min(int(length(core) // 10), 120))
        if n > 1:
            out.append(marks([perpendicular(p, d, 4.0) for p, d in points_at(core, [i / n for i in range(1, n)])], 1.2))
    elif kind is TieKind.NEGLECT:
        out.append(line(core, 1.5, LineStyle.DASHED))
    elif kind is TieKind.COURT_ORDERED_CONTACT:
        out += [line(offset(base, -1.8), 1.1, LineStyle.DASHED), line(offset(base, 1.8), 1.1, LineStyle.DASHED)]
    elif kind is TieKind.NO_CONTACT_ORDER:
        out.append(line(core, 1.4))
        p, d = point_at(core, 0.5)
        out.append(Ellipse(p[0], p[1], 5.0, 5.0, Stroke(colour, 1.4), Fill("#ffffff"), ref=ref, layer=layer))
        out.append(line(((p[0] - 3.5, p[1] + 3.5), (p[0] + 3.5, p[1] - 3.5)), 1.4))
    if kind.directed:
        out.append(Polygon(arrowhead(end, direction, 7.5, 3.8), Stroke(colour, 0.8), Fill(colour), ref=ref, layer=layer))
    return out
