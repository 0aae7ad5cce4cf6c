"""The interactive genogram: :class:`GenogramView`, a ``QGraphicsView`` over a Drawing.

The view shows one :class:`~genomap.drawing.primitives.Drawing` (turned into items by
:mod:`genomap.ui.scene`, one item per primitive) on a white page, and owns everything
interactive about it: zoom, pan, selection by model ref, hover facts, keyboard
navigation, find, and overlay toggles.  It never edits anything; it *asks* the
editor through signals (``edit_requested``, ``context_menu_requested``).

Selection is a list of refs such as ``("person", 12)`` kept by the view, not Qt item
selection, because one person is several items (symbol, age, name...) and items are
thrown away on every redraw.  :meth:`GenogramView.set_drawing` keeps zoom, the
on-screen position of what the user was looking at, selection and hidden layers.

Input choices (documented for the editor and the help page):

* **Mouse wheel zooms** around the cursor, as in map viewers: a genogram is a picture
  one explores, rarely a long column.  **Shift+wheel** scrolls sideways, **Alt+wheel**
  scrolls up/down.  Set ``wheel_zooms = False`` to get document-style scrolling
  (then Ctrl+wheel zooms).  **Touchpad** two-finger scrolling always pans and
  **pinch** zooms (native gesture on macOS/Wayland, ``QPinchGesture`` on touch screens).
* Pan: middle-button drag, or hold **Space** and drag; scrollbars.
* Left-drag on empty paper: rubber band (Ctrl/Shift adds to the selection).
* Keys: arrows move to the nearest person in that direction, Home = first subject
  child, Enter = edit, Esc = clear selection, Ctrl+= / Ctrl++ / Ctrl+- / Ctrl+0 zoom.
  Window-level actions with the same shortcuts (see :meth:`GenogramView.create_zoom_actions`)
  take precedence and do the same thing.

API for the editor (see each docstring):

* ``set_drawing(drawing, snapshot=None, as_at=None)`` -- show / redraw.
* selection: ``select_refs``, ``selected_refs``, ``clear_selection``, ``current_ref``;
  signal ``selection_changed(list)``.  Refs not drawn yet are selected on arrival.
* ``edit_requested(ref)`` on double-click / Enter; ``context_menu_requested(ref|None,
  global QPoint, scene QPointF)`` on right-click or the Menu key (build the QMenu there).
* zoom: ``zoom_in``, ``zoom_out``, ``fit``, ``reset_zoom``, ``set_zoom``, ``zoom_factor``,
  ``min_zoom``/``max_zoom``, ``create_zoom_actions(parent)``; signal ``zoom_changed(float)``.
* ``find(text, reveal=True)``, ``center_on_ref(ref)``, ``ensure_ref_visible(ref)``.
* overlays: ``set_layer_visible(layer, bool)``, ``is_layer_visible``, ``layers()``.
* hit-testing and facts: ``ref_at(viewport_pos)``, ``tooltip_html(ref)``;
  signal ``hovered_changed(ref|None)`` (for a status bar).
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, Optional

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction, QColor, QKeySequence, QPainter, QPainterPath,
    QPainterPathStroker, QPalette, QPen, QTransform,
)
from PySide6.QtWidgets import (
    QAbstractGraphicsShapeItem, QApplication, QFrame, QGraphicsEllipseItem, QGraphicsItem,
    QGraphicsLineItem, QGraphicsPathItem, QGraphicsPolygonItem, QGraphicsRectItem,
    QGraphicsScene, QGraphicsView, QLabel, QRubberBand, QToolTip, QWidget,
)

from genomap.drawing.primitives import Drawing, Text
from genomap.model.dates import PartialDate, PartialDateError
from genomap.store.snapshot import FamilySnapshot
from genomap.ui.canvas_overlay import DATA_OVERLAY, HaloItem, PathHaloItem
from genomap.ui.canvas_tooltip import link_tooltip_html, person_tooltip_html
from genomap.ui.scene import DATA_LAYER, DATA_REF, TextItem, refill_scene

Ref = tuple[str, int]

__all__ = ["GenogramView", "DATA_REF", "DATA_LAYER", "DATA_OVERLAY"]

PAGE_MARGIN = 24.0  # pt of white paper around the drawing
MAX_ZOOM = 8.0
MIN_ZOOM = 0.1  # lowered further for drawings that need it to fit
FIT_MAX_ZOOM = 2.0  # fitting a tiny drawing never blows it up beyond this
ZOOM_STEP = 1.25  # one key press / toolbar click
READABLE_ZOOM = 0.75  # center_on_ref zooms in to 100 % when below this
SURROUND_PX = 22.0  # grey around the page, in screen pixels
HIT_PX = 4.0  # click tolerance in screen pixels
LOD_TEXT_PX = 3.0  # text smaller than this on screen is not drawn
AREA_KINDS = frozenset({"household"})  # refs selected by their outline/label, not their inside
PERSON = "person"


def _item_path(item: QGraphicsItem) -> tuple[QPainterPath, bool]:
    """(outline in scene coordinates, is_filled) of a drawing item, for hit tests and halos."""
    path = QPainterPath()
    filled = False
    if isinstance(item, TextItem):  # (a rect item underneath) its box, hit anywhere
        path.addRect(item.boundingRect())
        return item.sceneTransform().map(path), True
    if isinstance(item, QGraphicsPathItem):
        path = item.path()
    elif isinstance(item, QGraphicsEllipseItem):
        path.addEllipse(item.rect())
    elif isinstance(item, QGraphicsRectItem):
        path.addRect(item.rect())
    elif isinstance(item, QGraphicsPolygonItem):
        path.addPolygon(item.polygon())
        path.closeSubpath()
    elif isinstance(item, QGraphicsLineItem):
        line = item.line()
        path.moveTo(line.p1())
        path.lineTo(line.p2())
    else:  # text and anything custom: its box
        path.addRect(item.boundingRect())
        filled = True
    if isinstance(item, QAbstractGraphicsShapeItem):
        filled = item.brush().style() != Qt.BrushStyle.NoBrush
    return item.sceneTransform().map(path), filled


def _pen_width(item: QGraphicsItem) -> float:
    if isinstance(item, (QAbstractGraphicsShapeItem, QGraphicsLineItem)) and not isinstance(item, TextItem):
        pen = item.pen()
        if pen.style() != Qt.PenStyle.NoPen:
            return pen.widthF()
    return 0.0


def _parse_as_at(text: str) -> date:
    text = (text or "").strip()
    if text:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return PartialDate.parse(text).representative()
        except (PartialDateError, ValueError):
            pass
    return date.today()


class GenogramView(QGraphicsView):
    """Interactive, zoomable view of one genogram drawing.

    Signals:
        selection_changed(list): refs now selected (after clicks, rubber band, keys,
            :meth:`select_refs`, or a redraw that dropped selected objects).
        edit_requested(object): a ref the user double-clicked or pressed Enter on.
        context_menu_requested(object, QPoint, QPointF): ref under the cursor or None,
            global position for ``QMenu.exec``, and scene position (for "Add person here").
        zoom_changed(float): the new zoom factor (1.0 = 100 %, one point per pixel).
        hovered_changed(object): the ref under the mouse, or None.
    """

    selection_changed = Signal(list)
    edit_requested = Signal(object)
    context_menu_requested = Signal(object, QPoint, QPointF)
    zoom_changed = Signal(float)
    hovered_changed = Signal(object)

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.wheel_zooms = True

        scene = QGraphicsScene(self)
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setScene(scene)

        self._drawing: Optional[Drawing] = None
        self._snapshot: Optional[FamilySnapshot] = None
        self._as_at: date = date.today()
        self._page = QRectF()
        self._items: list[QGraphicsItem] = []
        self._items_by_ref: dict[Ref, list[QGraphicsItem]] = {}
        self._layer_items: dict[str, list[QGraphicsItem]] = {}
        self._hidden_layers: set[str] = set()
        self._text_groups: dict[float, list[QGraphicsItem]] = {}
        self._lod_hidden_sizes: set[float] = set()
        self._person_boxes: dict[Ref, QRectF] = {}
        self._selection: list[Ref] = []
        self._pending_selection: list[Ref] = []
        self._emitted: list[Ref] = []
        self._current: Optional[Ref] = None
        self._halos: dict[Ref, QGraphicsItem] = {}
        self._hover_ref: Optional[Ref] = None
        self._hover_item: Optional[QGraphicsItem] = None
        self._fit_mode = False
        self._pending_fit = False

        # interaction state
        self._pan_last: Optional[QPoint] = None
        self._space_held = False
        self._band_origin: Optional[QPoint] = None
        self._band_base: list[Ref] = []
        self._band_active = False
        self._band = QRubberBand(QRubberBand.Shape.Rectangle, self.viewport())

        self._setup_rendering()
        self._setup_overlays()

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName("Genogram")
        self.setToolTip("")  # tooltips are produced per person in viewportEvent

    # ------------------------------------------------------------------ setup
    def _setup_rendering(self) -> None:
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Only the changed region is repainted (halo moves), but Qt may merge many
        # small updates into one rectangle: right for a large, mostly static scene.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        # Our items and scene.py's set their own pens/brushes/fonts on every paint.
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self._update_colors()

    def _setup_overlays(self) -> None:
        self._as_at_label = QLabel(self)
        self._as_at_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._as_at_label.hide()
        self._zoom_toast = QLabel(self)
        self._zoom_toast.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._zoom_toast.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._zoom_toast.hide()
        self._toast_timer = QTimer(self)
        self._toast_timer.setSingleShot(True)
        self._toast_timer.setInterval(900)
        self._toast_timer.timeout.connect(self._zoom_toast.hide)
        self._style_pills()

    def _style_pills(self) -> None:
        dark = self._is_dark()
        bg = "rgba(32,36,43,215)" if dark else "rgba(255,255,255,225)"
        fg = "#e5e7eb" if dark else "#374151"
        border = "#4b5563" if dark else "#d1d5db"
        css = (f"QLabel {{ background:{bg}; color:{fg}; border:1px solid {border};"
               f" border-radius:10px; padding:2px 10px; }}")
        self._as_at_label.setStyleSheet(css)
        self._zoom_toast.setStyleSheet(css)

    def _is_dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Window).lightness() < 128

    def _update_colors(self) -> None:
        if self._is_dark():
            self._surround = QColor("#2b2f36")
            self._shadow = QColor(0, 0, 0)
            self._page_edge = QColor("#1f2329")
        else:
            self._surround = QColor("#eceef1")
            self._shadow = QColor(15, 23, 42)
            self._page_edge = QColor("#d5d9df")
        self.resetCachedContent()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._update_colors()
            if hasattr(self, "_as_at_label"):
                self._style_pills()
        super().changeEvent(event)

    # ---------------------------------------------------------------- drawing
    def drawing(self) -> Optional[Drawing]:
        return self._drawing

    def snapshot(self) -> Optional[FamilySnapshot]:
        return self._snapshot

    def set_drawing(self, drawing: Drawing, snapshot: Optional[FamilySnapshot] = None,
                    as_at: Optional[date] = None) -> None:
        """Show ``drawing`` (replacing what was there), keeping zoom, focus and selection.

        ``snapshot`` supplies hover facts and find-by-name; ``as_at`` the day ages are
        counted to (defaults to the drawing's ``as_at`` text, else today).
        The first drawing is fitted to the view.
        """
        first = self._drawing is None
        anchor = None if first else self._capture_anchor()
        old_selection = list(self._selection)
        old_current = self._current

        self._drawing = drawing
        self._snapshot = snapshot
        self._as_at = as_at or _parse_as_at(drawing.as_at)
        self._rebuild_scene(drawing)
        self._apply_lod()

        present = set(self._items_by_ref) | set(drawing.bounds)
        arrived = [r for r in self._pending_selection if r in present]
        self._pending_selection = [r for r in self._pending_selection if r not in present]
        if arrived:  # select_refs() named these before they were drawn (a just-added person)
            old_selection = [*old_selection, *arrived]
            old_current = arrived[-1]
        self._selection = list(dict.fromkeys(r for r in old_selection if r in present))
        self._current = old_current if old_current in present else (self._selection[-1] if self._selection else None)
        self._refresh_halos()

        self._update_as_at_label()
        if first:
            self._request_fit()
        else:
            self._update_scene_rect()
            self._restore_anchor(anchor)
            if arrived:
                self.ensure_ref_visible(arrived[-1])
        self.resetCachedContent()
        self._emit_selection()

    def _rebuild_scene(self, drawing: Drawing) -> None:
        self._drop_overlays()
        # The new drawing reuses the old items (scene.refill_scene: resetting an item is
        # far cheaper than deleting one and making another), so whatever a layer toggle
        # or the level of detail hid is shown first and hidden afresh below.
        for item in self._hidden_items():
            item.setVisible(True)
        old = self._items
        self._items = []
        self._items_by_ref = {}
        self._layer_items = {}
        self._text_groups = {}  # (nothing may point at old items if the refill fails)
        self._lod_hidden_sizes = set()
        self._person_boxes = {}
        try:
            items = refill_scene(self.scene(), old, drawing.primitives)
        except BaseException:
            self.scene().clear()  # no half-reused leftovers the next redraw cannot see
            raise
        del old
        by_ref = self._items_by_ref
        by_layer = self._layer_items
        hidden = self._hidden_layers
        text_groups: dict[float, list[QGraphicsItem]] = {}
        # refill_scene returns one item per primitive in drawing order, so the
        # primitive gives ref/layer without asking the item.
        for item, prim in zip(items, drawing.primitives):
            ref, layer = prim.ref, prim.layer
            if ref is not None:
                by_ref.setdefault(tuple(ref), []).append(item)
            by_layer.setdefault(layer, []).append(item)
            if type(prim) is Text:
                text_groups.setdefault(prim.size, []).append(item)
            if layer in hidden:
                item.setVisible(False)
        self._text_groups = text_groups
        self._lod_hidden_sizes = set()
        self._items = items
        self._person_boxes = {
            tuple(ref): QRectF(b.x, b.y, b.w, b.h)
            for ref, b in drawing.bounds.items() if ref[0] == PERSON
        }
        self._page = QRectF(0, 0, drawing.width, drawing.height).adjusted(
            -PAGE_MARGIN, -PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)

    def _hidden_items(self) -> list[QGraphicsItem]:
        """Drawing items hidden now, by a hidden layer or by the level of detail."""
        out: list[QGraphicsItem] = []
        for layer in self._hidden_layers:
            out.extend(self._layer_items.get(layer, ()))
        for size in self._lod_hidden_sizes:
            out.extend(self._text_groups.get(size, ()))
        return out

    def _apply_lod(self) -> None:
        """Hide text too small to read at this zoom (< LOD_TEXT_PX pixels tall).

        Text is most of the paint cost of a big family, and at overview zoom it is
        illegible anyway: a 1,600-person fit repaints about ten times faster without it.
        """
        z = self.zoom_factor()
        for size, items in self._text_groups.items():
            hide = size * z < LOD_TEXT_PX
            if hide == (size in self._lod_hidden_sizes):
                continue
            if hide:
                self._lod_hidden_sizes.add(size)
            else:
                self._lod_hidden_sizes.discard(size)
            for item in items:
                layer_shown = self._item_layer_visible(item)
                item.setVisible(layer_shown and not hide)

    def _item_layer_visible(self, item: QGraphicsItem) -> bool:
        if not self._hidden_layers:
            return True
        return item.primitive.layer not in self._hidden_layers

    def _lod_hides(self, item: QGraphicsItem) -> bool:
        if not self._lod_hidden_sizes:
            return False
        prim = getattr(item, "primitive", None)
        return type(prim) is Text and prim.size in self._lod_hidden_sizes

    def primitive_items(self) -> list[QGraphicsItem]:
        """The drawing's items, one per primitive, in drawing order (no overlays)."""
        return list(self._items)

    def items_for_ref(self, ref: Ref) -> list[QGraphicsItem]:
        return list(self._items_by_ref.get(tuple(ref), ()))

    def overlay_items(self) -> list[QGraphicsItem]:
        return [i for i in self.scene().items() if i.data(DATA_OVERLAY)]

    def _update_as_at_label(self) -> None:
        text = self._drawing.as_at if self._drawing is not None else ""
        if text:
            self._as_at_label.setText(f"As at {text}")
            self._as_at_label.adjustSize()
            self._as_at_label.show()
        else:
            self._as_at_label.hide()
        self._place_pills()

    def _place_pills(self) -> None:
        vp = self.viewport().geometry()
        self._as_at_label.move(vp.left() + 12, vp.top() + 10)
        t = self._zoom_toast
        t.move(vp.right() - t.width() - 12, vp.bottom() - t.height() - 12)

    # -------------------------------------------------------- anchor on redraw
    def _capture_anchor(self):
        """What the user is looking at: a visible selected person, else the one nearest the centre."""
        vp = self.viewport().rect()
        centre_view = vp.center()
        centre_scene = self.mapToScene(centre_view)
        visible = QRectF(self.mapToScene(vp).boundingRect())
        ref = None
        for r in reversed(self._selection):
            box = self._ref_rect(r)
            if box is not None and visible.contains(box.center()):
                ref = r
                break
        if ref is None:
            best = None
            for r, box in self._person_boxes.items():
                c = box.center()
                if not visible.contains(c):
                    continue
                d = (c.x() - centre_scene.x()) ** 2 + (c.y() - centre_scene.y()) ** 2
                if best is None or d < best:
                    best, ref = d, r
        if ref is not None:
            return ref, self.mapFromScene(self._ref_rect(ref).center()), centre_scene, centre_view
        return None, None, centre_scene, centre_view

    def _restore_anchor(self, anchor) -> None:
        if anchor is None:
            return
        ref, view_pos, centre_scene, centre_view = anchor
        box = self._ref_rect(ref) if ref is not None else None
        if box is not None:
            self._place(box.center(), view_pos)
        else:
            self._place(centre_scene, centre_view)

    def _place(self, scene_pt: QPointF, view_pt: QPoint) -> None:
        """Scroll so that ``scene_pt`` shows at viewport position ``view_pt`` (as far as possible)."""
        now = self.mapFromScene(scene_pt)
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + now.x() - view_pt.x())
        v.setValue(v.value() + now.y() - view_pt.y())

    # ----------------------------------------------------------- zoom and fit
    def zoom_factor(self) -> float:
        """Current zoom: 1.0 shows one drawing point per screen pixel."""
        return self.transform().m11()

    def min_zoom(self) -> float:
        return min(MIN_ZOOM, self._fit_scale() * 0.5)

    def max_zoom(self) -> float:
        return MAX_ZOOM

    def set_zoom(self, factor: float, anchor: Optional[QPoint] = None) -> None:
        """Zoom to ``factor`` keeping the scene point under ``anchor`` (default: view centre) still."""
        factor = max(self.min_zoom(), min(self.max_zoom(), factor))
        old = self.zoom_factor()
        self._fit_mode = False
        self._pending_fit = False
        if abs(factor - old) < 1e-9:
            return
        if anchor is None:
            anchor = self.viewport().rect().center()
        scene_pt = self.mapToScene(anchor)
        self.setTransform(QTransform.fromScale(factor, factor))
        self._update_scene_rect()
        self._place(scene_pt, anchor)
        self._zoom_changed()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom_factor() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom_factor() / ZOOM_STEP)

    def reset_zoom(self) -> None:
        """Actual size (100 %)."""
        self.set_zoom(1.0)

    def fit(self) -> None:
        """Fit the whole page in the view (and keep fitting on resize until the user zooms)."""
        self._fit(toast=True)

    def _fit(self, toast: bool) -> None:
        if self._drawing is None:
            return
        self._pending_fit = False
        z = min(self._fit_scale(), FIT_MAX_ZOOM)
        self.setTransform(QTransform.fromScale(z, z))
        self._update_scene_rect()
        self.centerOn(self._page.center())
        self._fit_mode = True
        self._zoom_changed(toast=toast)

    def _fit_scale(self) -> float:
        if self._page.isEmpty():
            return 1.0
        size = self.maximumViewportSize()
        w = max(size.width() - 2 * SURROUND_PX - 2, 50)
        h = max(size.height() - 2 * SURROUND_PX - 2, 50)
        return max(min(w / self._page.width(), h / self._page.height()), 1e-3)

    def _request_fit(self) -> None:
        if self.isVisible() and self.viewport().width() > 1:
            self._fit(toast=False)
        else:
            self._pending_fit = True
            self.setTransform(QTransform())
            self._update_scene_rect()

    def _zoom_changed(self, toast: bool = True) -> None:
        self._apply_lod()
        px = 1.0 / self.zoom_factor()
        for halo in self._halos.values():
            halo.set_px(px)
        if self._hover_item is not None:
            self._hover_item.set_px(px)
        self.resetCachedContent()
        if toast:
            self._show_zoom_toast()
        self.zoom_changed.emit(self.zoom_factor())

    def _show_zoom_toast(self) -> None:
        if not self.isVisible():
            return
        self._zoom_toast.setText(f"{round(self.zoom_factor() * 100)} %")
        self._zoom_toast.adjustSize()
        self._zoom_toast.setMinimumWidth(self._zoom_toast.sizeHint().width())
        self._place_pills()
        self._zoom_toast.show()
        self._zoom_toast.raise_()
        self._toast_timer.start()

    def _update_scene_rect(self) -> None:
        """Page plus grey surroundings; when zoomed past the viewport, room to bring
        any page edge to the middle of the view (so zooming at an edge never jumps)."""
        if self._page.isEmpty():
            self.setSceneRect(QRectF(0, 0, 1, 1))
            return
        z = self.zoom_factor()
        size = self.maximumViewportSize()
        vw, vh = size.width(), size.height()
        border = SURROUND_PX / z
        r = self._page.adjusted(-border, -border, border, border)
        mx = 0.5 * vw / z if r.width() * z > vw + 1 else 0.0
        my = 0.5 * vh / z if r.height() * z > vh + 1 else 0.0
        self.setSceneRect(r.adjusted(-mx, -my, mx, my))

    def create_zoom_actions(self, parent) -> dict[str, QAction]:
        """Standard Zoom In / Zoom Out / Fit / Actual Size actions wired to this view.

        For the editor's View menu and toolbar; their window-level shortcuts replace the
        view's own key handling.
        """
        spec = {
            "zoom_in": ("Zoom &In", [QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")], self.zoom_in),
            "zoom_out": ("Zoom &Out", [QKeySequence(QKeySequence.StandardKey.ZoomOut)], self.zoom_out),
            "fit": ("&Fit to Window", [QKeySequence("Ctrl+0")], self.fit),
            "actual_size": ("&Actual Size", [QKeySequence("Ctrl+1")], self.reset_zoom),
        }
        out = {}
        for key, (text, seqs, slot) in spec.items():
            act = QAction(text, parent)
            act.setShortcuts([s for s in seqs if not s.isEmpty()])
            act.triggered.connect(slot)
            out[key] = act
        return out

    # -------------------------------------------------------------- selection
    def selected_refs(self) -> list[Ref]:
        return list(self._selection)

    def current_ref(self) -> Optional[Ref]:
        """The keyboard focus: the person arrows move from and Enter edits."""
        return self._current

    def select_refs(self, refs: Iterable[Ref]) -> None:
        """Select exactly ``refs``; emits selection_changed if that changed the selection.

        Refs not in the current drawing are remembered and selected when a drawing
        that contains them arrives (the editor selects a person it has just added
        before the new layout is ready); any other selection change forgets them.
        """
        refs = [tuple(r) for r in refs]
        self._set_selection(refs)
        self._pending_selection = [r for r in refs if not self._has_ref(r)]

    def clear_selection(self) -> None:
        self._set_selection([])

    def _set_selection(self, refs: Iterable[Ref], emit: bool = True, current: Optional[Ref] = None) -> None:
        self._pending_selection = []
        seen = set()
        sel = []
        for r in refs:
            r = tuple(r)
            if r in seen or not self._has_ref(r):
                continue
            seen.add(r)
            sel.append(r)
        self._selection = sel
        if current is not None and current in seen:
            self._current = current
        elif self._current not in seen:
            self._current = sel[-1] if sel else None
        self._refresh_halos()
        if emit:
            self._emit_selection()

    def _emit_selection(self) -> None:
        if self._selection != self._emitted:
            self._emitted = list(self._selection)
            self.selection_changed.emit(list(self._selection))

    def _has_ref(self, ref: Ref) -> bool:
        return ref in self._items_by_ref or (self._drawing is not None and ref in self._drawing.bounds)

    def _ref_rect(self, ref: Ref) -> Optional[QRectF]:
        """Scene rect of a ref: its symbol bounds if the drawing has them, else its items' union."""
        box = self._person_boxes.get(ref)
        if box is not None:
            return box
        if self._drawing is not None and ref in self._drawing.bounds:
            b = self._drawing.bounds[ref]
            return QRectF(b.x, b.y, b.w, b.h)
        items = self._items_by_ref.get(ref)
        if not items:
            return None
        r = QRectF()
        for it in items:
            r = r.united(it.sceneBoundingRect())
        return r

    def _ref_visible(self, ref: Ref) -> bool:
        items = self._items_by_ref.get(ref)
        return not items or any(it.isVisible() for it in items)

    def _make_halo(self, ref: Ref, role: str) -> Optional[QGraphicsItem]:
        px = 1.0 / self.zoom_factor()
        if ref in self._person_boxes:
            halo = HaloItem(self._person_boxes[ref], role, px)
        else:
            paths = [_item_path(it)[0] for it in self._items_by_ref.get(ref, ())]
            if not paths:
                rect = self._ref_rect(ref)
                if rect is None:
                    return None
                path = QPainterPath()
                path.addRect(rect)
                paths = [path]
            halo = PathHaloItem(paths, role, px)
        self.scene().addItem(halo)
        return halo

    def _refresh_halos(self) -> None:
        wanted = set(self._selection)
        for ref in list(self._halos):
            if ref not in wanted:
                self.scene().removeItem(self._halos.pop(ref))
        for ref in self._selection:
            halo = self._halos.get(ref)
            if halo is None:
                halo = self._make_halo(ref, "selection")
                if halo is None:
                    continue
                self._halos[ref] = halo
            halo.setVisible(self._ref_visible(ref))
        if self._hover_ref is not None and self._hover_ref in wanted:
            self._set_hover(None)

    def _drop_overlays(self) -> None:
        for halo in self._halos.values():
            self.scene().removeItem(halo)
        self._halos.clear()
        if self._hover_item is not None:
            self.scene().removeItem(self._hover_item)
            self._hover_item = None
        self._hover_ref = None

    def _set_hover(self, ref: Optional[Ref]) -> None:
        if ref == self._hover_ref:
            return
        if self._hover_item is not None:
            self.scene().removeItem(self._hover_item)
            self._hover_item = None
        self._hover_ref = ref
        if ref is not None and ref not in self._halos:
            self._hover_item = self._make_halo(ref, "hover")
        self.hovered_changed.emit(ref)

    # --------------------------------------------------------------- hit test
    def ref_at(self, view_pos: QPoint | QPointF) -> Optional[Ref]:
        """The model ref under a viewport position: people first, then lines, then areas."""
        if self._drawing is None:
            return None
        if isinstance(view_pos, QPointF):
            view_pos = view_pos.toPoint()
        p = self.mapToScene(view_pos)
        tol = HIT_PX / self.zoom_factor()
        probe = QRectF(p.x() - tol, p.y() - tol, 2 * tol, 2 * tol)
        items = self.scene().items(probe, Qt.ItemSelectionMode.IntersectsItemBoundingRect,
                                   Qt.SortOrder.DescendingOrder)
        best_person = None
        best_d = None
        line_hit = None
        area_hit = None
        for item in items:
            if not item.isVisible() or item.data(DATA_OVERLAY):
                continue
            ref = item.data(DATA_REF)
            if ref is None:
                continue
            ref = tuple(ref)
            box = self._person_boxes.get(ref)
            if box is not None and box.adjusted(-tol, -tol, tol, tol).contains(p):
                c = box.center()
                d = (c.x() - p.x()) ** 2 + (c.y() - p.y()) ** 2
                if best_d is None or d < best_d:
                    best_d, best_person = d, ref
                continue
            if best_person is not None:
                continue
            if ref[0] in AREA_KINDS or item.data(DATA_LAYER) == "households":
                if area_hit is None and self._hits(item, p, tol, outline_only=True):
                    area_hit = ref
            elif line_hit is None and self._hits(item, p, tol, outline_only=False):
                line_hit = ref
        return best_person or line_hit or area_hit

    @staticmethod
    def _hits(item: QGraphicsItem, p: QPointF, tol: float, outline_only: bool) -> bool:
        path, filled = _item_path(item)
        if isinstance(item, TextItem) or not isinstance(item, (QAbstractGraphicsShapeItem, QGraphicsLineItem)):
            return path.contains(p)  # text: its box
        if filled and not outline_only and path.contains(p):
            return True
        stroker = QPainterPathStroker()
        stroker.setWidth(2 * tol + _pen_width(item))
        return stroker.createStroke(path).contains(p)

    def refs_in_rect(self, scene_rect: QRectF) -> list[Ref]:
        """People whose symbol intersects ``scene_rect`` (rubber band), in reading order."""
        out = []
        for ref, box in self._person_boxes.items():
            if box.intersects(scene_rect) and self._ref_visible(ref):
                out.append(ref)
        out.sort(key=lambda r: (self._person_boxes[r].top(), self._person_boxes[r].left()))
        return out

    # ------------------------------------------------------------ find / move
    def find(self, text: str, reveal: bool = True) -> list[Ref]:
        """People whose name, known-as or aliases contain ``text`` (case-insensitive).

        Matches come in reading order (top to bottom, left to right).  With ``reveal``
        the first match is centred and selected (:meth:`center_on_ref`).
        """
        needle = (text or "").strip().casefold()
        if not needle or self._drawing is None:
            return []
        hits: list[Ref] = []
        if self._snapshot is not None:
            for p in self._snapshot.people:
                ref = (PERSON, p.id)
                if not self._has_ref(ref):
                    continue
                hay = " | ".join((p.name, p.given_names, p.family_name, p.known_as, p.aliases)).casefold()
                if needle in hay:
                    hits.append(ref)
        else:  # no snapshot: search the person labels of the drawing itself
            for ref, items in self._items_by_ref.items():
                if ref[0] != PERSON:
                    continue
                for it in items:
                    lines = getattr(getattr(it, "text", None), "lines", None)
                    if lines and any(needle in line.casefold() for line in lines):
                        hits.append(ref)
                        break

        def order(r: Ref):
            rect = self._ref_rect(r)
            return (rect.top(), rect.left()) if rect is not None else (0.0, 0.0)

        hits.sort(key=order)
        if hits and reveal:
            self.center_on_ref(hits[0])
        return hits

    def center_on_ref(self, ref: Ref, select: bool = True) -> bool:
        """Centre the view on ``ref`` (zooming in to 100 % if it is too small to read) and select it."""
        ref = tuple(ref)
        rect = self._ref_rect(ref)
        if rect is None:
            return False
        if select:
            self._set_selection([ref], current=ref)
        if self.zoom_factor() < READABLE_ZOOM:
            self.set_zoom(1.0)
        self.centerOn(rect.center())
        self._fit_mode = False
        return True

    def ensure_ref_visible(self, ref: Ref) -> None:
        """Scroll just enough to show ``ref`` with its label (no zoom change, no selection change)."""
        rect = self._ref_rect(ref)
        if rect is not None:
            self.ensureVisible(rect.adjusted(0, 0, 0, 28), 60, 60)  # room for the name under it
            self._fit_mode = False

    def neighbour(self, ref: Ref, direction: str) -> Optional[Ref]:
        """Nearest person from ``ref`` towards "left", "right", "up" or "down"."""
        box = self._person_boxes.get(ref)
        if box is None:
            return None
        c = box.center()
        horizontal = direction in ("left", "right")
        sign = -1.0 if direction in ("left", "up") else 1.0
        cands = []
        for r, b in self._person_boxes.items():
            if r == ref or not self._ref_visible(r):
                continue
            bc = b.center()
            dx, dy = bc.x() - c.x(), bc.y() - c.y()
            primary = sign * (dx if horizontal else dy)
            secondary = abs(dy if horizontal else dx)
            if primary <= 1.0:
                continue
            cands.append((primary, secondary, r, b))
        if not cands:
            return None
        if horizontal:
            # same row first (vertical overlap), nearest along it
            row = [t for t in cands if t[3].top() < box.bottom() and t[3].bottom() > box.top()]
            if row:
                return min(row, key=lambda t: (t[0], t[1]))[2]
            return min(cands, key=lambda t: t[0] + 3.0 * t[1])[2]
        # next generation row in that direction, then the horizontally closest in it
        nearest = min(t[0] for t in cands)
        band = max(box.height(), 1.0)
        row = [t for t in cands if t[0] <= nearest + band]
        return min(row, key=lambda t: (t[1], t[0]))[2]

    def first_subject(self) -> Optional[Ref]:
        """The first subject child in reading order, else the top-left person."""
        refs = []
        if self._snapshot is not None:
            refs = [(PERSON, p.id) for p in self._snapshot.people
                    if p.is_subject and (PERSON, p.id) in self._person_boxes]
        if not refs:
            refs = list(self._person_boxes)
        if not refs:
            return None
        return min(refs, key=lambda r: (self._person_boxes[r].top(), self._person_boxes[r].left()))

    def _move_to(self, ref: Optional[Ref], extend: bool = False) -> None:
        if ref is None:
            return
        if extend:
            self._set_selection([*self._selection, ref], current=ref)
        else:
            self._set_selection([ref], current=ref)
        self.ensure_ref_visible(ref)

    # -------------------------------------------------------- layer overlays
    def layers(self) -> list[str]:
        return sorted(self._layer_items)

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        """Show or hide every item of ``layer`` (no rebuild); remembered across redraws."""
        if visible:
            self._hidden_layers.discard(layer)
        else:
            self._hidden_layers.add(layer)
        for item in self._layer_items.get(layer, ()):
            item.setVisible(visible and not self._lod_hides(item))
        for ref, halo in self._halos.items():
            halo.setVisible(self._ref_visible(ref))
        if self._hover_ref is not None and not self._ref_visible(self._hover_ref):
            self._set_hover(None)

    def is_layer_visible(self, layer: str) -> bool:
        return layer not in self._hidden_layers

    # -------------------------------------------------------------- painting
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt name
        painter.fillRect(rect, self._surround)
        if self._page.isEmpty():
            return
        px = 1.0 / max(self.zoom_factor(), 1e-6)
        page = self._page
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        # soft drop shadow, constant in screen pixels
        for grow, dy, alpha in ((6, 3, 6), (4, 2, 10), (2, 1, 16), (1, 1, 22)):
            c = QColor(self._shadow)
            c.setAlpha(alpha)
            painter.setBrush(c)
            g = grow * px
            painter.drawRoundedRect(page.adjusted(-g, -g + dy * px, g, g + dy * px), 2 * g, 2 * g)
        painter.setBrush(QColor("#ffffff"))
        pen = QPen(self._page_edge, 1.0)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.drawRect(page)
        painter.restore()

    # ------------------------------------------------------------ Qt events
    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if self._pending_fit:
            self._fit(toast=False)  # stays in fit mode, so the first real resize refits

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        centre = self.mapToScene(self.viewport().rect().center()) if self._drawing is not None else None
        super().resizeEvent(event)
        self._place_pills()
        if self._drawing is None:
            return
        if self._fit_mode or self._pending_fit:
            self._fit(toast=False)
        else:
            self._update_scene_rect()
            if centre is not None:
                self._place(centre, self.viewport().rect().center())

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt name
        et = event.type()
        if et == QEvent.Type.ToolTip:
            ref = self.ref_at(event.pos())
            html = self.tooltip_html(ref) if ref is not None else None
            if html:
                rect = self._ref_rect(ref)
                area = self.mapFromScene(rect).boundingRect() if rect is not None else QRect()
                QToolTip.showText(event.globalPos(), html, self.viewport(), area)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        if et == QEvent.Type.Leave:
            self._set_hover(None)
        elif et == QEvent.Type.NativeGesture:
            return self._native_gesture(event) or super().viewportEvent(event)
        if et == QEvent.Type.Gesture:
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if pinch is not None:
                anchor = self.viewport().mapFromGlobal(pinch.centerPoint().toPoint())
                self.set_zoom(self.zoom_factor() * pinch.scaleFactor(), anchor)
                event.accept()
                return True
        return super().viewportEvent(event)

    def _native_gesture(self, event) -> bool:
        kind = event.gestureType()
        anchor = event.position().toPoint()
        if kind == Qt.NativeGestureType.ZoomNativeGesture:
            self.set_zoom(self.zoom_factor() * (1.0 + event.value()), anchor)
            return True
        if kind == Qt.NativeGestureType.SmartZoomNativeGesture:
            if self._fit_mode:
                self.set_zoom(1.0, anchor)
            else:
                self.fit()
            return True
        return False

    def tooltip_html(self, ref: Optional[Ref]) -> Optional[str]:
        """The hover text for ``ref`` (rich text), or None when there is nothing to say."""
        if ref is None or self._snapshot is None:
            return None
        ref = tuple(ref)
        try:
            if ref[0] == PERSON:
                return person_tooltip_html(self._snapshot, ref[1], self._as_at)
            return link_tooltip_html(self._snapshot, ref, self._as_at)
        except KeyError:
            return None

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt name
        mods = event.modifiers()
        angle = event.angleDelta()
        dev = event.pointingDevice()
        touchpad = (dev is not None and dev.type() == dev.DeviceType.TouchPad) or (
            not event.pixelDelta().isNull() and event.phase() != Qt.ScrollPhase.NoScrollPhase)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if mods & Qt.KeyboardModifier.ShiftModifier and not ctrl:
            d = angle.y() or angle.x()
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - d)
            event.accept()
            return
        if mods & Qt.KeyboardModifier.AltModifier and not ctrl:
            d = angle.y() or angle.x()  # some platforms turn Alt+wheel into x
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() - d)
            event.accept()
            return
        if ctrl or (self.wheel_zooms and not touchpad):
            steps = angle.y() / 120.0
            if steps == 0 and not event.pixelDelta().isNull():
                steps = event.pixelDelta().y() / 60.0
            if steps:
                self.set_zoom(self.zoom_factor() * (1.2 ** steps), event.position().toPoint())
            event.accept()
            return
        self._fit_mode = False
        super().wheelEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt name
        pos = event.position().toPoint()
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self._space_held):
            self._pan_last = pos
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if button != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        mods = event.modifiers()
        toggle = bool(mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier))
        extend = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        ref = self.ref_at(pos)
        if ref is not None:
            if toggle:
                if ref in self._selection:
                    self._set_selection([r for r in self._selection if r != ref])
                else:
                    self._set_selection([*self._selection, ref], current=ref)
            elif extend:
                self._set_selection([*self._selection, ref], current=ref)
            else:
                self._set_selection([ref], current=ref)
        else:
            self._band_origin = pos
            self._band_active = False
            self._band_base = list(self._selection) if (toggle or extend) else []
            if not (toggle or extend):
                self._set_selection([], emit=False)
        event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt name
        pos = event.position().toPoint()
        if self._pan_last is not None:
            d = pos - self._pan_last
            self._pan_last = pos
            h, v = self.horizontalScrollBar(), self.verticalScrollBar()
            h.setValue(h.value() - d.x())
            v.setValue(v.value() - d.y())
            self._fit_mode = False
            event.accept()
            return
        if self._band_origin is not None:
            if not self._band_active and (pos - self._band_origin).manhattanLength() >= QApplication.startDragDistance():
                self._band_active = True
                self._band.show()
            if self._band_active:
                r = QRect(self._band_origin, pos).normalized()
                self._band.setGeometry(r)
                scene_rect = self.mapToScene(r).boundingRect()
                self._set_selection([*self._band_base, *self.refs_in_rect(scene_rect)], emit=False)
            event.accept()
            return
        ref = self.ref_at(pos)
        self._set_hover(ref)
        if self._space_held:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif ref is not None:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.viewport().unsetCursor()
        event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt name
        if self._pan_last is not None and event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton):
            self._pan_last = None
            if self._space_held:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                self.viewport().unsetCursor()
            event.accept()
            return
        if self._band_origin is not None and event.button() == Qt.MouseButton.LeftButton:
            self._band_origin = None
            self._band_active = False
            self._band.hide()
            self._emit_selection()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt name
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseDoubleClickEvent(event)
            return
        ref = self.ref_at(event.position().toPoint())
        if ref is not None:
            self._set_selection([ref], current=ref)
            self.edit_requested.emit(ref)
        event.accept()

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt name
        if event.reason() == event.Reason.Mouse:
            view_pos = event.pos()
            ref = self.ref_at(view_pos)
        else:  # keyboard menu key: act on the current person
            ref = self._current
            rect = self._ref_rect(ref) if ref is not None else None
            view_pos = self.mapFromScene(rect.center()) if rect is not None else self.viewport().rect().center()
        if ref is not None and ref not in self._selection:
            self._set_selection([ref], current=ref)
        global_pos = self.viewport().mapToGlobal(view_pos)
        self.context_menu_requested.emit(ref, global_pos, self.mapToScene(view_pos))
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        key = event.key()
        mods = event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if ctrl and key in (Qt.Key.Key_Equal, Qt.Key.Key_Plus):
            self.zoom_in()
        elif ctrl and key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_out()
        elif ctrl and key == Qt.Key.Key_0:
            self.fit()
        elif not ctrl and key in _ARROWS:
            start = self._current if self._current in self._person_boxes else None
            if start is None:
                self._move_to(self._nearest_to_centre() or self.first_subject())
            else:
                extend = bool(mods & Qt.KeyboardModifier.ShiftModifier)
                self._move_to(self.neighbour(start, _ARROWS[key]), extend=extend)
        elif key == Qt.Key.Key_Home and not ctrl:
            self._move_to(self.first_subject())
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._current is not None:
            self.edit_requested.emit(self._current)
        elif key == Qt.Key.Key_Escape and self._selection:
            self.clear_selection()
        elif key == Qt.Key.Key_Space and not event.isAutoRepeat() and not ctrl:
            self._space_held = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif key == Qt.Key.Key_Space:
            pass  # auto-repeat while held
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event) -> None:  # noqa: N802 - Qt name
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = False
            if self._pan_last is None:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt name
        self._space_held = False
        super().focusOutEvent(event)

    def _nearest_to_centre(self) -> Optional[Ref]:
        vp = self.viewport().rect()
        visible = QRectF(self.mapToScene(vp).boundingRect())
        c = visible.center()
        best, ref = None, None
        for r, box in self._person_boxes.items():
            bc = box.center()
            if not visible.contains(bc):
                continue
            d = (bc.x() - c.x()) ** 2 + (bc.y() - c.y()) ** 2
            if best is None or d < best:
                best, ref = d, r
        return ref

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt name
        return QSize(900, 640)


_ARROWS = {
    Qt.Key.Key_Left: "left",
    Qt.Key.Key_Right: "right",
    Qt.Key.Key_Up: "up",
    Qt.Key.Key_Down: "down",
}
