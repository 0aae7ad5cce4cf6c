"""Items primed while dot runs draw exactly what items made afterwards draw.

``draw_family`` reports the drawing's preparation while Graphviz runs; the scene makes
the items of the shapes it forecasts (people's symbols, labels, ages, badges) then,
and ``refill_scene`` only moves them into place.  Whatever was primed, the scene must
hold one correctly tagged item per primitive, stacked as without priming, and paint
the same pixels; items nothing claims must stay out of the scene.
"""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("PySide6")
pytestmark = pytest.mark.gui

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QGraphicsScene  # noqa: E402

from genomap.drawing.primitives import Drawing, Text  # noqa: E402
from genomap.drawing.shapes import expected_shapes, shape_key  # noqa: E402
from genomap.layout.engine import clear_cache  # noqa: E402
from genomap.pipeline import draw_family  # noqa: E402
from genomap.testing.generate import generate_family  # noqa: E402
from genomap.ui.scene import (  # noqa: E402
    DATA_LAYER, DATA_REF, LAYER_Z, ItemPrimer, PrimedItems, prime_items, refill_scene,
)
from factories import demo_snapshots  # noqa: E402

DAY = date(2024, 6, 1)


def _render(scene: QGraphicsScene, d: Drawing, scale: float = 1.5) -> QImage:
    w, h = int(d.width * scale) + 1, int(d.height * scale) + 1
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, w, h), QRectF(0, 0, d.width, d.height))
    painter.end()
    return image


def _primed_drawing(snap) -> tuple[Drawing, PrimedItems]:
    """A cold draw_family whose preparation primes items while dot runs."""
    primer = ItemPrimer()
    clear_cache()
    drawing = draw_family(snap, DAY, on_prepared=primer.prime)
    primed = primer.take()
    assert primed is not None, "the preparation was reported while dot ran"
    return drawing, primed


def _assert_one_tagged_item_each_in_stacking_order(scene: QGraphicsScene, items, d: Drawing) -> None:
    assert len(items) == len(d.primitives) == len(scene.items())
    for item, prim in zip(items, d.primitives):
        assert item.primitive is prim
        assert item.data(DATA_REF) == prim.ref and item.data(DATA_LAYER) == prim.layer
    position = {id(it): i for i, it in enumerate(items)}
    painted = [position[id(it)] for it in scene.items(Qt.SortOrder.AscendingOrder)]
    assert painted == sorted(range(len(items)), key=lambda i: (LAYER_Z.get(d.primitives[i].layer, 0.0), i))


@pytest.fixture(scope="module")
def families(tmp_path_factory):
    demo = next(s for s in demo_snapshots(tmp_path_factory.mktemp("demo")) if s.reference == "BF-2025-0412")
    return {"demo": demo, "generated 150": generate_family(7, 150)}


@pytest.mark.parametrize("which", ["demo", "generated 150"])
@pytest.mark.parametrize("how", ["while dot ran", "every shape"])
def test_primed_scene_is_the_unprimed_scene(qapp, families, which, how):
    from genomap.drawing.builder import prepare_drawing

    snap = families[which]
    drawing, primed = _primed_drawing(snap)
    if how == "every shape":
        primed = prime_items(expected_shapes(prepare_drawing(snap, DAY)))
        assert primed.count > 2 * len(snap.people)  # a symbol and a label each at least
    made = primed.count
    assert made
    scene = QGraphicsScene()
    items = refill_scene(scene, [], drawing.primitives, primed=primed)
    _assert_one_tagged_item_each_in_stacking_order(scene, items, drawing)
    claimed = made - len(primed.unclaimed())
    assert claimed > made * 0.9  # the forecast is (nearly) right
    plain = QGraphicsScene()
    plain_items = refill_scene(plain, [], drawing.primitives)
    assert [type(i) for i in items] == [type(i) for i in plain_items]
    assert _render(scene, drawing) == _render(plain, drawing)


def test_unclaimed_primed_items_stay_out_of_the_scene(qapp, families):
    drawing, primed = _primed_drawing(families["generated 150"])
    extra = prime_items([Text(0.0, 0.0, ("Nobody drawn",), ref=("person", 999_999))])
    stray = extra.unclaimed()[0]
    # a drawing without some of the people primed for: their items are left over
    fewer = Drawing(drawing.width, drawing.height, tuple(p for p in drawing.primitives
                                                        if p.ref is None or p.ref[1] % 3))
    scene = QGraphicsScene()
    items = refill_scene(scene, [], fewer.primitives, primed=primed)
    refill_scene(QGraphicsScene(), [], (), primed=extra)
    _assert_one_tagged_item_each_in_stacking_order(scene, items, fewer)
    left = primed.unclaimed()
    assert left and all(item.scene() is None for item in left)
    assert stray.scene() is None
    in_scene = {id(i) for i in scene.items()}
    assert not any(id(item) in in_scene for item in left)


def test_redraw_after_priming_matches_a_fresh_scene(qapp, families):
    snap = families["generated 150"]
    drawing, primed = _primed_drawing(snap)
    scene = QGraphicsScene()
    items = refill_scene(scene, [], drawing.primitives, primed=primed)
    for day in (date(2012, 1, 1), DAY):  # a view-date change moves the same shapes
        other = draw_family(snap, day)
        items = refill_scene(scene, items, other.primitives)
        _assert_one_tagged_item_each_in_stacking_order(scene, items, other)
        fresh = QGraphicsScene()
        refill_scene(fresh, [], other.primitives)
        assert _render(scene, other) == _render(fresh, other)
    # and a relayout of another family, with items primed for it, into the same scene
    other, primed = _primed_drawing(families["demo"])
    items = refill_scene(scene, items, other.primitives, primed=primed)
    _assert_one_tagged_item_each_in_stacking_order(scene, items, other)
    fresh = QGraphicsScene()
    refill_scene(fresh, [], other.primitives)
    assert _render(scene, other) == _render(fresh, other)


def test_every_shape_forecast_is_a_shape_of_the_drawing(qapp, families):
    from genomap.drawing.builder import prepare_drawing

    snap = families["demo"]
    drawing = draw_family(snap, DAY)
    drawn = {shape_key(p) for p in drawing.primitives}
    shapes = expected_shapes(prepare_drawing(snap, DAY))
    assert shapes and all(shape_key(s) in drawn for s in shapes)


class _LoggingPrimer(ItemPrimer):
    """The real primer, remembering the items it made (to see them on the canvas)."""

    def __init__(self):
        super().__init__()
        self.made: list = []

    def prime(self, prep, dot_running=None) -> None:
        super().prime(prep, dot_running)
        self.made.extend(self._primed.unclaimed())


@pytest.mark.parametrize("threaded", [False, True])
def test_canvas_shows_items_primed_while_dot_ran(qtbot, families, threaded):
    from genomap.ui.canvas import GenogramView
    from genomap.ui.workers import DrawScheduler

    snap = families["generated 150"]
    primer = _LoggingPrimer()
    view = GenogramView()
    view.primer = primer
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    scheduler = DrawScheduler(lambda s: draw_family(s, DAY), sync_threshold=10_000 if not threaded else 0,
                              primer=primer)
    scheduler.drawing_ready.connect(lambda drawing, s: view.set_drawing(drawing, s))
    clear_cache()
    with qtbot.waitSignal(scheduler.drawing_ready, timeout=30000):
        scheduler.request(snap)
    scheduler.wait()
    drawing = view.drawing()
    items = view.primitive_items()
    assert primer.made, "the draw worker's preparation reached the GUI thread's primer"
    made = {id(i) for i in primer.made}
    shown = [i for i in items if id(i) in made]
    assert len(shown) > len(primer.made) * 0.9
    assert len(items) == len(drawing.primitives)
    assert len([i for i in view.scene().items() if not i.data(2)]) == len(drawing.primitives)
    for item, prim in zip(items, drawing.primitives):
        assert item.data(DATA_REF) == prim.ref and item.data(DATA_LAYER) == prim.layer
    # a person is found where the drawing put them, through a primed item
    ref = next(r for r in drawing.bounds if r[0] == "person")
    b = drawing.bounds[ref]
    view.set_zoom(1.0)
    view.centerOn(b.x + b.w / 2, b.y + b.h / 2)
    assert view.ref_at(view.mapFromScene(b.x + b.w / 2, b.y + b.h / 2)) == ref
