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
