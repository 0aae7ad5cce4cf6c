"""Qt backend: one tagged item per drawing primitive; offscreen PNG rendering."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytestmark = pytest.mark.gui

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QGraphicsScene  # noqa: E402

from genomap.drawing.primitives import Drawing  # noqa: E402
from genomap.testing.sample import sample_drawing  # noqa: E402
from genomap.ui.scene import DATA_LAYER, DATA_REF, build_scene_items, populate_scene, render_png  # noqa: E402


def test_one_item_per_primitive_with_refs(qapp):
    d = sample_drawing()
    items = build_scene_items(d)
    assert len(items) == len(d.primitives)
    for item, prim in zip(items, d.primitives):
        assert item.data(DATA_REF) == prim.ref
        assert item.data(DATA_LAYER) == prim.layer


def test_populate_scene(qapp):
    d = sample_drawing()
    scene = QGraphicsScene()
    populate_scene(scene, d)
    assert len(scene.items()) == len(d.primitives)
    refs = {i.data(DATA_REF) for i in scene.items()}
    assert refs == {p.ref for p in d.primitives}
    populate_scene(scene, d)  # replaces, does not accumulate
    assert len(scene.items()) == len(d.primitives)


def test_render_png_not_blank(qapp, tmp_path):
    out = render_png(sample_drawing(), tmp_path / "s.png", dpi=72)
    img = QImage(str(out))
    assert not img.isNull() and img.width() > 100
    colours = {img.pixel(x, y) for x in range(0, img.width(), 3) for y in range(0, img.height(), 3)}
    assert len(colours) > 5


def test_scene_from_generated_family(qapp):
    from datetime import date

    from genomap.pipeline import draw_family
    from genomap.testing.generate import generate_family

    d = draw_family(generate_family(11, 60), date(2024, 6, 1))
    scene = QGraphicsScene()
    items = populate_scene(scene, d)
    assert len(items) == len(scene.items()) == len(d.primitives)
    assert {i.data(DATA_LAYER) for i in items} >= {"base", "households", "ties"}
    person_refs = {i.data(DATA_REF) for i in items if i.data(DATA_REF) and i.data(DATA_REF)[0] == "person"}
    assert person_refs == {k for k in d.bounds if k[0] == "person"}
    assert scene.sceneRect().width() == pytest.approx(d.width)
    # layers stack: households below kinship lines below badges
    z = {i.data(DATA_LAYER): i.zValue() for i in items}
    assert z["households"] < z["ties"] < z["base"] <= z.get("badges", 99)


def test_text_item_matches_measured_width(qapp):
    from genomap.drawing.primitives import Text
    from genomap.drawing.text import text_width
    from genomap.ui.scene import TextItem, font_family

    t = Text(100, 10, ("Bernadette Fitzgerald-Hughes",), size=8)
    item = TextItem(t)
    if font_family() in ("Liberation Sans", "Arial", "Helvetica"):
        assert item.boundingRect().width() - 2 == pytest.approx(text_width(t.lines[0], 8), rel=0.02)


def _scene_image(items, w: int, h: int) -> QImage:
    """``items`` in a new scene, rendered (antialiased, 1 px per point) on white."""
    scene = QGraphicsScene()
    for item in items:
        scene.addItem(item)
    return _render(scene, w, h)


def _render(scene: QGraphicsScene, w: int, h: int) -> QImage:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QPainter

    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, w, h), QRectF(0, 0, w, h))
    painter.end()
    return image


def test_multipolyline_is_one_path_item_of_all_its_strokes(qapp):
    from PySide6.QtGui import QColor

    from genomap.drawing.primitives import MultiPolyline, Polyline, Stroke
    from genomap.ui.scene import PathItem

    stroke = Stroke("#b91c1c", 2.0)
    # a deceased X (two strokes) and a two-bar divorce mark, far apart
    x_mark = (((10.0, 10.0), (30.0, 30.0)), ((30.0, 10.0), (10.0, 30.0)))
    bars = (((50.0, 5.0), (56.0, 35.0)), ((58.0, 5.0), (64.0, 35.0), (70.0, 20.0)))
    prims = (MultiPolyline(x_mark, stroke, ref=("person", 3), layer="base"),
             MultiPolyline(bars, stroke, ref=("tie", 8), layer="ties"))
    items = build_scene_items(Drawing(80, 40, prims))
    assert len(items) == 2 and all(isinstance(it, PathItem) for it in items)
    assert [(it.data(DATA_REF), it.data(DATA_LAYER)) for it in items] == [(("person", 3), "base"), (("tie", 8), "ties")]
    # geometry: one subpath per polyline, moveTo then lineTo its points
    for item, prim in zip(items, prims):
        path = item.path()
        points = [pt for sub in prim.paths for pt in sub]
        assert path.elementCount() == len(points)
        starts = {sum(len(s) for s in prim.paths[:k]) for k in range(len(prim.paths))}
        for i, (x, y) in enumerate(points):
            e = path.elementAt(i)
            assert (e.x, e.y) == (x, y) and e.isMoveTo() == (i in starts)
        assert item.pen().widthF() == 2.0 and item.brush().style() == Qt.BrushStyle.NoBrush
    # painted: the strokes and only the strokes, as separate polylines would paint them
    image = _scene_image(items, 80, 40)
    red = QColor("#b91c1c").rgb()
    assert image.pixel(20, 20) == red  # the X's crossing
    assert image.pixel(12, 12) == red and image.pixel(11, 28) == red and image.pixel(28, 11) == red
    assert image.pixel(20, 12) == QColor("#ffffff").rgb()  # between the X's arms, unfilled
    assert image.pixel(45, 20) == QColor("#ffffff").rgb()
    apart = [Polyline(sub, stroke) for prim in prims for sub in prim.paths]
    separate = _scene_image(build_scene_items(Drawing(80, 40, tuple(apart))), 80, 40)
    # the same picture (antialiased edges may differ by a few levels of 255; the X's crossing,
    # painted once by the one path and twice by two lines, is left out)
    worst = max(
        abs(((a >> shift) & 255) - ((b >> shift) & 255))
        for x in range(40, 80) for y in range(40)
        for a, b in [(image.pixel(x, y), separate.pixel(x, y))] for shift in (0, 8, 16)
    )
    assert worst <= 8


def test_refill_turns_other_items_into_multipolylines_and_back(qapp):
    from genomap.drawing.primitives import Fill, MultiPolyline, Rect, Stroke
    from genomap.ui.scene import refill_scene

    s = Stroke("#1f2933", 1.5)
    marks = MultiPolyline((((5.0, 5.0), (25.0, 25.0)), ((25.0, 5.0), (5.0, 25.0))), s, ref=("person", 1))
    box = Rect(40, 5, 20, 20, s, Fill("#fde68a"), ref=("person", 2))
    a, b = Drawing(70, 30, (box,)), Drawing(70, 30, (marks,))
    scene = QGraphicsScene()
    items = populate_scene(scene, a)
    for target in (b, a, b):
        items = refill_scene(scene, items, target.primitives)
        assert len(items) == len(scene.items()) == 1
        assert items[0].data(DATA_REF) == target.primitives[0].ref
        # a rectangle's fill does not survive into the marks
        assert _render(scene, 70, 30) == _scene_image(build_scene_items(target), 70, 30)
