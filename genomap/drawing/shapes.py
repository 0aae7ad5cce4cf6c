"""Shapes: a drawing's primitives with their position taken out, known before the layout.

Most of a genogram's primitives -- each person's symbol, name and dates, age, badges
-- look the same wherever the layout puts them: only their position is unknown until
Graphviz has run.  A *shape* is such a primitive placed at the origin, and its *shape
key* is everything about it but the position and its tags (``ref``, ``layer``): two
primitives with the same key draw the same pixels, one moved against the other.

:func:`expected_shapes` lists, from a :class:`~genomap.drawing.builder.DrawingPrep`,
the shapes the drawing built from it is expected to have (one per primitive it will
probably hold), so a backend can make their items while ``dot`` still runs and only
move them into place afterwards (see ``genomap.ui.scene``).  The list is a forecast,
not a promise: a backend must match each primitive of the finished drawing by its
:func:`shape_key` and make what no shape matches, and throw away shapes no primitive
claims (e.g. someone the layout left out, or a label whose backdrop the builder
settles later).

Only rectangles, ellipses and text have a shape (their position is one point: a
rectangle's top-left corner, an ellipse's centre, a text's anchor); polygons and
polylines are placed point by point and are left to the build.
"""

from __future__ import annotations

from typing import Callable, Optional

from genomap.drawing.primitives import Ellipse, Primitive, Rect, Stroke, Text

__all__ = ["SHAPE_KEYS", "expected_shapes", "shape_key"]


def _stroke_key(s: Optional[Stroke]) -> Optional[tuple]:
    return None if s is None else (s.color, s.width, s.style._value_)


# Plain tuples of the primitive's fields (a frozen dataclass or an Enum hashes in
# Python; strings, floats and tuples of them hash in C): the keys are made for every
# primitive of every redraw.

def _rect_key(p: Rect) -> tuple:
    f = p.fill
    return (Rect, p.w, p.h, p.radius, _stroke_key(p.stroke), None if f is None else f.color)


def _ellipse_key(p: Ellipse) -> tuple:
    f = p.fill
    return (Ellipse, p.rx, p.ry, _stroke_key(p.stroke), None if f is None else f.color)


def _text_key(p: Text) -> tuple:
    return (Text, p.lines, p.size, p.bold, p.italic, p.color, p.align._value_, p.background)


# the shape key function of each primitive type with a shape (for hot loops)
SHAPE_KEYS: dict[type, Callable[[Primitive], tuple]] = {Rect: _rect_key, Ellipse: _ellipse_key, Text: _text_key}


def shape_key(p: Primitive) -> Optional[tuple]:
    """Everything about ``p`` but its position and tags (None: ``p`` has no shape)."""
    key = SHAPE_KEYS.get(type(p))
    return None if key is None else key(p)


_TEMPLATE_TYPES = (("lines", Text), ("w", Rect), ("rx", Ellipse))


def _shape(template: Optional[dict]) -> Optional[Primitive]:
    """The shape of a builder template (a primitive's fields, position at the origin)."""
    if not template:
        return None
    for field, cls in _TEMPLATE_TYPES:
        if field in template:
            return cls(**template)
    return None  # a polygon or polyline: placed point by point


def expected_shapes(prep) -> list[Primitive]:
    """The shapes (primitives at the origin) a drawing built from ``prep`` is expected to hold.

    Read from the prep's per-person templates (the builder fills in their position):
    symbol and its outer outline (a subject), age, a pregnancy's "P", the label's text
    runs and the legal-status badges (box and code).  Texts come first, then rectangles,
    then ellipses: the order their items cost to make, for a backend that may stop
    making them part-way (when the layout arrives).
    """
    by_type: dict[type, list[Primitive]] = {Text: [], Rect: [], Ellipse: []}
    for pp in prep.person.values():
        templates = [pp.sym_t, pp.outer_t, pp.age_t, pp.extra_t]
        templates += [template for template, _height in pp.runs]
        for _width, rect_t, text_t in pp.badges:
            templates += (rect_t, text_t)
        for template in templates:
            s = _shape(template)
            if s is not None:
                by_type[type(s)].append(s)
    return [s for shapes in by_type.values() for s in shapes]
