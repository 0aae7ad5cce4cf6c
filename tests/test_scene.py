"""Qt backend: one tagged item per drawing primitive; offscreen PNG rendering."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytestmark = pytest.mark.gui

from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QGraphicsScene  # noqa: E402

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
