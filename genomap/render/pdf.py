"""ReportLab backend: a vector PDF of a :class:`~genomap.drawing.primitives.Drawing`.

:class:`PdfPainter` translates drawing primitives into ReportLab canvas calls
(rounded rectangles, ellipses, paths, dashes from ``DASH_PATTERNS``, text lines
placed with ``Text.baseline``); it is the one place where the drawing's y-down
coordinates are flipped into PDF's y-up ones.  :func:`render_pdf` composes the
pages planned by :mod:`genomap.render.page`: page 1 with the title block, the
fitted (or overview) genogram and a legend drawn from ``Drawing.legend``; tile
pages when the genogram is too big to read on one sheet; appendix tables that
flow across pages with repeated header rows; and the protective marking in the
header and footer of every page.

Fonts: the drawing builder measures text with Helvetica metrics.  Text that
Windows-1252 can encode is set in the standard Helvetica (not embedded, exact
metrics); anything else (Polish, Cyrillic, Greek... names) in an embedded
Helvetica-metric TrueType (Liberation Sans, or Arial on Windows/macOS), with
DejaVu Sans (or a CJK font when one is installed) for characters it lacks.
Embedded fonts are subset and CID-encoded: the text stays extractable through
their ToUnicode maps but does not appear as plain bytes in the file.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterable, Optional
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, NextPageTemplate, PageBreak,
    PageTemplate, Paragraph, Spacer, Table, TableStyle,
)

from genomap.drawing.primitives import (
    DASH_PATTERNS, Align, Box, Drawing, Ellipse, LegendEntry, MultiPolyline, Polygon, Polyline, Primitive, Rect,
    Stroke, Text, shape_box,
)
from genomap.render import page as pg

log = logging.getLogger(__name__)

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
OVERVIEW_MIN_TEXT_PT = 3.0
INK = "#111111"
MUTED = "#555555"
RULE = "#888888"


# -- fonts -----------------------------------------------------------------------

_SYSTEM_FONT_DIRS = [
    Path(__file__).resolve().parents[1] / "resources" / "fonts",
    Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/liberation-sans"), Path("/usr/share/fonts/liberation"),
    Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"), Path("/usr/share/fonts/truetype/msttcorefonts"),
    Path("C:/Windows/Fonts"), Path("/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
    Path.home() / ".fonts", Path.home() / ".local/share/fonts",
]
# (regular, bold, italic, bold italic) file names per family, best first.
_PRIMARY = [
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf",
     "LiberationSans-BoldItalic.ttf"),
    ("arial.ttf", "arialbd.ttf", "ariali.ttf", "arialbi.ttf"),
    ("Arial.ttf", "Arial Bold.ttf", "Arial Italic.ttf", "Arial Bold Italic.ttf"),
]
_FALLBACK = [
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"),
]
# CJK fonts with TrueType outlines (ReportLab cannot embed CFF-based OpenType such as Noto Sans CJK)
_CJK = ["DroidSansFallbackFull.ttf", "DroidSansFallback.ttf", "wqy-microhei.ttc", "wqy-zenhei.ttc",
        "NanumGothic.ttf", "msyh.ttf", "simsun.ttc"]
MISSING_GLYPH_ORD = 0x25A1  # WHITE SQUARE, drawn where no font has the character
_HELVETICA = ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique")


def _find(name: str) -> Optional[Path]:
    for d in _SYSTEM_FONT_DIRS:
        p = d / name
        if p.is_file():
            return p
    return None


def _style_index(bold: bool, italic: bool) -> int:
    return (1 if bold else 0) + (2 if italic else 0)


class FontBook:
    """Chooses a font per text run and registers TrueType fonts with ReportLab on first use."""

    def __init__(self) -> None:
        self._families: list[tuple[str, tuple[Optional[Path], ...]]] = []
        for prefix, choices in (("GMSans", _PRIMARY), ("GMSansFallback", _FALLBACK)):
            for names in choices:
                paths = tuple(_find(n) for n in names)
                if paths[0] is not None:
                    self._families.append((prefix, paths))
                    break
        for n in _CJK:
            p = _find(n)
            if p is not None:
                self._families.append(("GMSansCJK", (p, None, None, None)))
                break
        self._cmaps: dict[str, set[int]] = {}
        self.embedded: set[str] = set()
        self.missing: set[str] = set()  # characters no available font can draw

    @lru_cache(maxsize=None)
    def _font(self, family: int, style: int) -> Optional[str]:
        prefix, paths = self._families[family]
        path = paths[style] or paths[0]
        if path is None:
            return None
        name = f"{prefix}-{style}" if paths[style] else f"{prefix}-0"
        if name not in pdfmetrics.getRegisteredFontNames():
            try:
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            except Exception as exc:  # noqa: BLE001 - a broken font file must not stop the export
                log.warning("font %s unusable: %s", path, exc)
                return None
        if name not in self._cmaps:
            self._cmaps[name] = set(pdfmetrics.getFont(name).face.charToGlyph)
        return name

    def runs(self, text: str, bold: bool = False, italic: bool = False) -> list[tuple[str, str]]:
        """``[(font name, substring), ...]`` covering ``text`` (NFC-normalised)."""
        text = unicodedata.normalize("NFC", text)
        style = _style_index(bold, italic)
        if _cp1252(text) or not self._families:
            return [(_HELVETICA[style], text if _cp1252(text) else _to_cp1252(text))]
        fonts = [f for f in (self._font(i, style) for i in range(len(self._families))) if f]
        if not fonts:
            return [(_HELVETICA[style], _to_cp1252(text))]
        primary = fonts[0]
        if all(ord(ch) in self._cmaps[primary] or ch.isspace() for ch in text):
            self.embedded.add(primary)
            return [(primary, text)]
        out: list[tuple[str, str]] = []
        for ch in text:
            font = next((f for f in fonts if ord(ch) in self._cmaps[f] or ch.isspace()), None)
            if font is None:
                # no installed font can draw it: print a visible box rather than nothing,
                # and let the caller warn (see RenderResult.missing_glyphs)
                self.missing.add(ch)
                font = next((f for f in fonts if MISSING_GLYPH_ORD in self._cmaps[f]), None)
                ch = chr(MISSING_GLYPH_ORD) if font else "?"
                font = font or fonts[0]
            self.embedded.add(font)
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + ch)
            else:
                out.append((font, ch))
        return out

    def width(self, text: str, size: float, bold: bool = False, italic: bool = False) -> float:
        return sum(pdfmetrics.stringWidth(t, f, size) for f, t in self.runs(text, bold, italic))

    def markup(self, text: str, bold: bool = False, italic: bool = False) -> str:
        """Paragraph markup for ``text``: escaped, with a font tag per run, newlines as breaks."""
        parts = []
        for line_no, line in enumerate(text.split("\n")):
            if line_no:
                parts.append("<br/>")
            for font, run in self.runs(line, bold, italic):
                parts.append(f'<font name="{font}">{escape(run)}</font>')
        return "".join(parts)


def _cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def _to_cp1252(text: str) -> str:
    """Last resort when no TrueType font exists: strip accents, mark the rest."""
    out = []
    for ch in text:
        if _cp1252(ch):
            out.append(ch)
        else:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(base or "?")
    return "".join(out)


@lru_cache(maxsize=256)
def _color(hex_color: str):
    try:
        return colors.HexColor(hex_color)
    except (ValueError, TypeError):
        return colors.black


# -- the painter -------------------------------------------------------------------

def _text_box(p: Text, fonts: FontBook) -> Box:
    w = max((fonts.width(line, p.size, p.bold, p.italic) for line in p.lines), default=0.0)
    x = p.x - (w / 2 if p.align is Align.CENTER else w if p.align is Align.RIGHT else 0)
    return Box(x, p.y, w, p.line_height * len(p.lines))


def primitive_box(p: Primitive, fonts: FontBook) -> Box:
    """Bounding box of a primitive in drawing coordinates (for culling tiles)."""
    if isinstance(p, Text):
        return _text_box(p, fonts)
    return shape_box(p)


class PdfPainter:
    """Draws drawing primitives on a ReportLab canvas; records every string it draws."""

    def __init__(self, canvas: Canvas, fonts: FontBook, sink: Optional[list[str]] = None):
        self._state: dict = {}
        self.c = canvas
        self.fonts = fonts
        self.sink = sink if sink is not None else []

    # The one y flip: the caller translates to the drawing's top-left corner on the
    # page and scales; from there drawing y (down) becomes -y (PDF y is up).
    @staticmethod
    def _y(y: float) -> float:
        return -y

    def draw(self, drawing_prims: Iterable[Primitive], left: float, top: float, scale: float,
             clip: Optional[Box] = None, boxes: Optional[list[Box]] = None) -> None:
        """Draw primitives with the drawing point (0, 0) at page point (left, top), scaled.

        With ``clip`` (drawing coordinates) only that region is shown and primitives
        wholly outside it are skipped, so a tile's content stream holds only its part;
        ``boxes`` are the primitives' precomputed bounding boxes (same order).
        """
        c = self.c
        c.saveState()
        self._state = {}
        c.translate(left, top)
        c.scale(scale, scale)
        if clip is not None:
            path = c.beginPath()
            path.rect(clip.x, self._y(clip.bottom), clip.w, clip.h)
            c.clipPath(path, stroke=0, fill=0)
        prims = list(drawing_prims)
        if clip is not None:
            boxes = boxes if boxes is not None else [primitive_box(p, self.fonts) for p in prims]
            prims = [p for p, b in zip(prims, boxes) if _touches(b, clip)]
        for p in prims:
            self.primitive(p)
        c.restoreState()
        self._state = {}

    # graphics state is only emitted when it changes (the content stream stays small)
    def _set(self, key: str, value, apply) -> None:
        if self._state.get(key, _UNSET) != value:
            self._state[key] = value
            apply(value)

    def _stroke(self, stroke: Optional[Stroke]) -> bool:
        if stroke is None or stroke.width <= 0:
            return False
        c = self.c
        self._set("stroke", stroke.color, lambda v: c.setStrokeColor(_color(v)))
        self._set("width", stroke.width, c.setLineWidth)
        pattern = DASH_PATTERNS.get(stroke.style, ())
        self._set("dash", pattern, lambda v: c.setDash(list(v), 0) if v else c.setDash([], 0))
        return True

    def _fill(self, fill) -> bool:
        if fill is None:
            return False
        self._set("fill", fill.color, lambda v: self.c.setFillColor(_color(v)))
        return True

    def primitive(self, p: Primitive) -> None:
        c = self.c
        y = self._y
        if isinstance(p, Text):
            self.text(p)
            return
        if isinstance(p, Rect):
            s, f = self._stroke(p.stroke), self._fill(p.fill)
            if not (s or f):
                return
            if p.radius > 0:
                c.roundRect(p.x, y(p.y + p.h), p.w, p.h, min(p.radius, p.w / 2, p.h / 2),
                            stroke=int(s), fill=int(f))
            else:
                c.rect(p.x, y(p.y + p.h), p.w, p.h, stroke=int(s), fill=int(f))
        elif isinstance(p, Ellipse):
            s, f = self._stroke(p.stroke), self._fill(p.fill)
            if s or f:
                c.drawPath(_ellipse_path(c, p.cx, y(p.cy), p.rx, p.ry), stroke=int(s), fill=int(f))
        elif isinstance(p, Polygon):
            s, f = self._stroke(p.stroke), self._fill(p.fill)
            if (s or f) and len(p.points) >= 2:
                c.drawPath(_poly_path(c, p.points, closed=True), stroke=int(s), fill=int(f))
        elif isinstance(p, Polyline):
            if self._stroke(p.stroke) and len(p.points) >= 2:
                c.drawPath(_poly_path(c, p.points, closed=False), stroke=1, fill=0)
        elif isinstance(p, MultiPolyline):
            if self._stroke(p.stroke):
                path = c.beginPath()
                for pts in p.paths:
                    _add_poly(path, pts)
                c.drawPath(path, stroke=1, fill=0)

    def text(self, p: Text) -> None:
        c = self.c
        self._set("fill", p.color, lambda v: c.setFillColor(_color(v)))
        for i, line in enumerate(p.lines):
            if not line:
                continue
            self.sink.append(line)
            runs = self.fonts.runs(line, p.bold, p.italic)
            width = sum(pdfmetrics.stringWidth(t, f, p.size) for f, t in runs)
            x = p.x - (width / 2 if p.align is Align.CENTER else width if p.align is Align.RIGHT else 0)
            base = self._y(p.baseline(i))
            tx = c.beginText(x, base)
            for font, run in runs:
                tx.setFont(font, p.size)
                tx.textOut(run)
            c.drawText(tx)


_UNSET = object()
_KAPPA = 0.5522847498


def _num(v: float) -> str:
    """A PDF number to 1/100 pt: ReportLab's pure-Python formatter is the export's hot spot."""
    return "%.2f" % v


def _poly_path(c: Canvas, points, closed: bool):
    """A path through drawing points (y flipped), written with the fast number formatter."""
    path = c.beginPath()
    _add_poly(path, points)
    if closed:
        path.close()
    return path


def _add_poly(path, points) -> None:
    """Add an open subpath through drawing points (y flipped) to a ReportLab path."""
    code = getattr(path, "_code", None)
    if code is None:  # a ReportLab without the internal list: the public API does the same
        path.moveTo(points[0][0], -points[0][1])
        for x, yy in points[1:]:
            path.lineTo(x, -yy)
    else:
        x0, y0 = points[0]
        path.moveTo(x0, -y0)  # through the API once: it arms the path's own bookkeeping
        code.extend(f"{_num(x)} {_num(-yy)} l" for x, yy in points[1:])


def _ellipse_path(c: Canvas, cx: float, cy: float, rx: float, ry: float):
    """An ellipse as four Bezier curves (page coordinates), fast-formatted."""
    path = c.beginPath()
    code = getattr(path, "_code", None)
    kx, ky = rx * _KAPPA, ry * _KAPPA
    segs = [
        (cx + rx, cy + ky, cx + kx, cy + ry, cx, cy + ry),
        (cx - kx, cy + ry, cx - rx, cy + ky, cx - rx, cy),
        (cx - rx, cy - ky, cx - kx, cy - ry, cx, cy - ry),
        (cx + kx, cy - ry, cx + rx, cy - ky, cx + rx, cy),
    ]
    if code is None:
        path.moveTo(cx + rx, cy)
        for sg in segs:
            path.curveTo(*sg)
    else:
        path.moveTo(cx + rx, cy)
        code.extend(" ".join(_num(v) for v in sg) + " c" for sg in segs)
    path.close()
    return path


def _touches(a: Box, b: Box) -> bool:
    return not (a.right < b.x or b.right < a.x or a.bottom < b.y or b.bottom < a.y)


# -- page furniture -------------------------------------------------------------------

@dataclass
class PdfOptions:
    """Everything about the printed document that is not the genogram itself."""

    paper: str = "A4"
    landscape: Optional[bool] = None  # None: landscape for wide drawings
    marking: str = DEFAULT_MARKING
    title: str = ""  # case title (already redacted)
    reference: str = ""  # case reference (already redacted)
    as_at: Optional[date] = None
    prepared_by: str = ""
    produced: Optional[datetime] = None
    audience: str = ""  # redaction profile label; "" or "Professionals" means unredacted
    appendix: bool = True
    sections: Optional[set[str]] = None
    allow_tiling: bool = True
    subject: str = ""  # PDF metadata subject (default built from the case)


@dataclass
class RenderResult:
    pages: int = 0
    texts: list[str] = field(default_factory=list)  # every string written (for leak checks)
    tiled: bool = False
    tiles: int = 0
    scale: float = 1.0
    paper: str = "A4"
    landscape: bool = True
    missing_glyphs: str = ""  # characters printed as boxes because no installed font has them
    legend: list[str] = field(default_factory=list)  # keys of the legend entries drawn, in order


class _DeferredCanvas(Canvas):
    """Holds pages back until the end so every page can say "Page x of y"."""

    def __init__(self, *args, decorate: Callable = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._held: list[dict] = []
        self._decorate = decorate

    def showPage(self):  # noqa: N802 - ReportLab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            if self._decorate is not None:
                self._decorate(self, self._pageNumber, total)
            Canvas.showPage(self)
        Canvas.save(self)


def _fmt_day(d: Optional[date]) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


class _Composer:
    """Draws page furniture and the genogram pages; the appendix is platypus flowables."""

    def __init__(self, drawing: Drawing, plan: pg.PagePlan, options: PdfOptions, fonts: FontBook,
                 sink: list[str]):
        self.d = drawing
        self.plan = plan
        self.o = options
        self.fonts = fonts
        self.sink = sink
        self.legend_drawn: list[str] = []

    # text helper for furniture: records strings, handles font runs
    def text(self, c: Canvas, x: float, y: float, s: str, size: float, bold: bool = False,
             italic: bool = False, align: str = "left", color: str = INK, max_w: Optional[float] = None) -> float:
        if not s:
            return 0.0
        if max_w is not None:
            s = self.ellipsize(s, size, bold, italic, max_w)
        self.sink.append(s)
        runs = self.fonts.runs(s, bold, italic)
        w = sum(pdfmetrics.stringWidth(t, f, size) for f, t in runs)
        if align == "center":
            x -= w / 2
        elif align == "right":
            x -= w
        c.setFillColor(_color(color))
        tx = c.beginText(x, y)
        for font, run in runs:
            tx.setFont(font, size)
            tx.textOut(run)
        c.drawText(tx)
        return w

    def wrap(self, s: str, size: float, max_w: float, max_lines: int = 2) -> list[str]:
        """Greedy word wrap; the last allowed line is shortened with an ellipsis if need be."""
        words = s.split()
        lines: list[str] = []
        cur = ""
        for w in words:
            trial = f"{cur} {w}".strip()
            if cur and self.fonts.width(trial, size) > max_w:
                lines.append(cur)
                cur = w
            else:
                cur = trial
        if cur:
            lines.append(cur)
        if len(lines) > max_lines:
            lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
        return [self.ellipsize(l, size, False, False, max_w) for l in lines]

    def ellipsize(self, s: str, size: float, bold: bool, italic: bool, max_w: float) -> str:
        if self.fonts.width(s, size, bold, italic) <= max_w:
            return s
        while s and self.fonts.width(s + "…", size, bold, italic) > max_w:
            s = s[:-1]
        return s.rstrip() + "…"

    # -- header and footer, on every page (drawn last, when the page count is known)
    def decorate(self, c: Canvas, page_no: int, total: int) -> None:
        plan, o = self.plan, self.o
        c.saveState()
        c.setDash([], 0)
        marking = o.marking.strip()
        header, footer = pg.furniture(*c._pagesize)
        for band, top in ((header, True), (footer, False)):
            mid_y = band.y + band.h / 2 - 3.4
            if marking:
                w = self.fonts.width(marking, 9.5, True) + 16
                c.setStrokeColor(_color(INK))
                c.setLineWidth(0.8)
                c.rect(band.x + band.w / 2 - w / 2, band.y + 3, w, band.h - 6, stroke=1, fill=0)
                self.text(c, band.x + band.w / 2, mid_y, marking, 9.5, bold=True, align="center")
            if top:
                left = self._header_left()
                self.text(c, band.x, mid_y, left, 7.5, color=MUTED, max_w=band.w / 2 - 80)
                if o.audience:
                    self.text(c, band.right, mid_y, f"Redacted copy for: {o.audience}", 7.5, bold=True,
                              align="right", max_w=band.w / 2 - 80)
            else:
                self.text(c, band.x, mid_y, f"Produced {self._produced()} with GenoMap", 7.5, color=MUTED,
                          max_w=band.w / 2 - 80)
                self.text(c, band.right, mid_y, f"Page {page_no} of {total}", 8, bold=True, align="right")
        if page_no == 1:
            self._title_page_number(c, total)
        c.restoreState()

    def _header_left(self) -> str:
        bits = [b for b in (self.o.reference, self.o.title) if b]
        return " · ".join(bits)

    def _produced(self) -> str:
        t = self.o.produced or datetime.now()
        return f"{t.day} {t:%b %Y %H:%M}"

    # -- page 1: title block
    def title_block(self, c: Canvas) -> None:
        r, o = self.plan.title, self.o
        c.saveState()
        c.setStrokeColor(_color(INK))
        c.setLineWidth(1.2)
        c.line(r.x, r.y, r.right, r.y)
        c.setLineWidth(0.4)
        c.line(r.x, r.top, r.right, r.top)
        fields_w = 250.0
        left_w = r.w - fields_w - 16
        self.text(c, r.x, r.top - 11, "GENOGRAM", 7.5, bold=True, color=MUTED)
        self.text(c, r.x, r.top - 29, o.title or "Family genogram", 17, bold=True, max_w=left_w)
        sub = []
        if o.reference:
            sub.append(f"Case reference {o.reference}")
        if self.plan.tiled and len(self.plan.tiles) == 1:
            sub.append("Overview: the genogram is printed at readable size on page 2")
        elif self.plan.tiled:
            sub.append(f"Overview: the genogram is printed at readable size on pages 2–"
                       f"{len(self.plan.tiles) + 1} (sheets {self.plan.tiles[0].label}–"
                       f"{self.plan.tiles[-1].label})")
        self.text(c, r.x, r.top - 43, "  ·  ".join(sub), 9, color=INK, max_w=left_w)
        # the fields: two columns of label/value pairs
        fx = r.right - fields_w
        c.setLineWidth(0.4)
        c.setStrokeColor(_color(RULE))
        c.line(fx - 8, r.y + 6, fx - 8, r.top - 6)
        items = [("As at", _fmt_day(o.as_at) or self.d.as_at or "—"),
                 ("Prepared by", o.prepared_by or "—"),
                 ("Produced", self._produced()),
                 ("Page", "")]
        col_w = fields_w / 2
        for i, (label, value) in enumerate(items):
            cx = fx + (i % 2) * col_w
            cy = r.top - 12 - (i // 2) * 21
            self.text(c, cx, cy, label.upper(), 6.5, bold=True, color=MUTED)
            if value:
                self._field_value(c, cx, cy - 11, value, col_w - 6, bold=(label == "As at"))
        self._page_field = (fx + col_w, r.top - 12 - 21 - 11)
        c.restoreState()

    def _field_value(self, c: Canvas, x: float, y: float, value: str, max_w: float, bold: bool) -> None:
        """A title-block value in full: smaller type for a long one, then two lines, never cut."""
        for size in (9.5, 8.5, 7.5):
            if self.fonts.width(value, size, bold) <= max_w:
                self.text(c, x, y, value, size, bold=bold, max_w=max_w)
                return
        lines = self.wrap(value, 6.2, max_w, max_lines=2)
        for i, line in enumerate(lines):
            self.text(c, x, y + 5 - i * 6.8, line, 6.2, bold=bold, max_w=max_w)

    def _title_page_number(self, c: Canvas, total: int) -> None:
        x, y = getattr(self, "_page_field", (None, None))
        if x is not None:
            self.text(c, x, y, f"1 of {total}", 9.5)

    # -- page 1: legend
    def legend(self, c: Canvas) -> None:
        lay = self.plan.legend
        if lay is None or not self.d.legend:
            return
        b = lay.box
        c.saveState()
        c.setStrokeColor(_color(INK))
        c.setLineWidth(0.6)
        c.setDash([], 0)
        c.setFillColor(colors.white)
        c.rect(b.x, b.y, b.w, b.h, stroke=1, fill=1)
        self.text(c, b.x + pg.LEGEND_PAD, b.top - pg.LEGEND_PAD - 9, "Key", 9, bold=True)
        painter = PdfPainter(c, self.fonts, self.sink)
        top0 = b.top - pg.LEGEND_PAD - pg.LEGEND_TITLE_H
        size = pg.LEGEND_TEXT_PT
        for i, entry in enumerate(self.d.legend):
            self.legend_drawn.append(entry.key)
            col, row = divmod(i, lay.rows)
            x = b.x + pg.LEGEND_PAD + col * lay.col_w
            top = top0 - row * pg.LEGEND_ROW_H
            cell_top = top - (pg.LEGEND_ROW_H - pg.LEGEND_CELL_H) / 2
            painter.draw(entry.sample, x, cell_top, 1.0)
            label_size, lines = self._legend_label(entry.label, size, lay.label_w)
            mid = cell_top - pg.LEGEND_CELL_H / 2
            lead = label_size * 1.1
            first = mid - 2.6 + (len(lines) - 1) * lead / 2
            for k, line in enumerate(lines):
                self.text(c, x + pg.LEGEND_CELL_W + 6, first - k * lead, line, label_size)
        c.restoreState()

    def _legend_label(self, label: str, size: float, width: float) -> tuple[float, list[str]]:
        """A key label in full on at most three lines of its row: smaller type before any cut."""
        for s, max_lines in ((size, 2), (size - 0.8, 2), (size - 1.4, 3), (size - 2.0, 3)):
            lines = self.wrap(label, s, width, max_lines=max_lines)
            if " ".join(lines) == " ".join(label.split()):
                return s, lines
        return size - 2.0, self.wrap(label, size - 2.0, width, max_lines=3)

    # -- the genogram on page 1 (fitted, or an overview with the tile grid)
    def genogram_page(self, c: Canvas) -> None:
        plan, d = self.plan, self.d
        self.title_block(c)
        a = plan.drawing_area
        s = plan.scale
        w, h = d.width * s, d.height * s
        left = a.x + (a.w - w) / 2
        top = a.top - (a.h - h) / 2
        if plan.tiled:
            # an overview: the whole family small, with the tile grid to find each sheet;
            # text that would print below OVERVIEW_MIN_TEXT_PT is left out (unreadable anyway)
            prims = [p for p in d.primitives
                     if not isinstance(p, Text) or p.size * s >= OVERVIEW_MIN_TEXT_PT]
            PdfPainter(c, self.fonts, self.sink).draw(prims, left, top, s)
            c.saveState()
            c.setStrokeColor(_color("#333333"))
            c.setLineWidth(0.6)
            c.setDash([3, 2], 0)
            for t in (plan.tiles if len(plan.tiles) > 1 else ()):
                x0, y0 = left + t.core.x * s, top - t.core.bottom * s
                c.rect(x0, y0, t.core.w * s, t.core.h * s, stroke=1, fill=0)
                c.setFillColor(colors.white)
                lw = self.fonts.width(t.label, 9, True) + 6
                c.rect(x0 + 2, y0 + t.core.h * s - 15, lw, 13, stroke=0, fill=1)
                self.text(c, x0 + 5, y0 + t.core.h * s - 12, t.label, 9, bold=True)
            c.restoreState()
        else:
            PdfPainter(c, self.fonts, self.sink).draw(d.primitives, left, top, s)
        self.legend(c)

    # -- a tile page
    def tile_page(self, c: Canvas, tile: pg.Tile) -> None:
        plan, d = self.plan, self.d
        area = plan.tile_area
        s = plan.tile_scale
        cap_y = area.top + 4
        neighbours = []
        for dr, dc, arrow in ((0, -1, "←"), (0, 1, "→"), (-1, 0, "↑"), (1, 0, "↓")):
            r, col = tile.row + dr, tile.col + dc
            if 0 <= r < tile.rows and 0 <= col < tile.cols:
                neighbours.append(f"{arrow} {pg.tile_label(r, col)}")
        if tile.rows * tile.cols == 1:
            caption = "The genogram at readable size"
        else:
            caption = (f"Sheet {tile.label}  (row {tile.row + 1} of {tile.rows}, column {tile.col + 1} of "
                       f"{tile.cols}): align the registration marks with the neighbouring sheets")
        self.text(c, area.x, cap_y, caption, 9, bold=True)
        if neighbours:
            self.text(c, area.right, cap_y, "Continues on " + "   ".join(neighbours), 8, align="right",
                      color=MUTED)
        left = area.x - tile.src.x * s
        top = area.top - tile.src.y * s
        if getattr(self, "_boxes", None) is None:
            self._boxes = [primitive_box(p, self.fonts) for p in d.primitives]
        PdfPainter(c, self.fonts, self.sink).draw(d.primitives, left, top, s, clip=tile.src, boxes=self._boxes)
        self._registration(c, tile, left, top, s)

    def _registration(self, c: Canvas, tile: pg.Tile, left: float, top: float, s: float) -> None:
        """Trim lines and registration marks on the core edges, repeated on the neighbour's overlap."""
        c.saveState()
        src = tile.src
        c.setStrokeColor(_color("#000000"))
        c.setLineWidth(0.5)
        # the clip keeps marks of the neighbour's edges inside this sheet's drawing area
        path = c.beginPath()
        path.rect(left + src.x * s, top - src.bottom * s, src.w * s, src.h * s)
        c.clipPath(path, stroke=0, fill=0)
        xs = sorted({t.core.x for t in self.plan.tiles if t.core.x > 0})
        ys = sorted({t.core.y for t in self.plan.tiles if t.core.y > 0})
        c.setDash([2, 3], 0)
        c.setStrokeColor(_color("#777777"))
        for x in xs:
            if src.x <= x <= src.right:
                c.line(left + x * s, top - src.y * s, left + x * s, top - src.bottom * s)
        for y in ys:
            if src.y <= y <= src.bottom:
                c.line(left + src.x * s, top - y * s, left + src.right * s, top - y * s)
        c.setDash([], 0)
        c.setStrokeColor(_color("#000000"))
        marks = [(x, y) for x in xs for y in ys]
        marks += [(x, src.y + (src.h * f)) for x in xs for f in (0.25, 0.75)]
        marks += [(src.x + (src.w * f), y) for y in ys for f in (0.25, 0.75)]
        for x, y in marks:
            px, py = left + x * s, top - y * s
            c.circle(px, py, 4, stroke=1, fill=0)
            c.line(px - 7, py, px + 7, py)
            c.line(px, py - 7, px, py + 7)
        c.restoreState()


class _PageFlowable(Flowable):
    """A whole page drawn by a callback (page 1 and the tiles), filling the frame."""

    def __init__(self, fn: Callable[[Canvas], None]):
        super().__init__()
        self.fn = fn

    def wrap(self, avail_w, avail_h):
        return avail_w, avail_h - 1

    def draw(self):
        c = self.canv
        c.saveState()
        # undo the frame's translation: page callbacks use absolute page coordinates
        x, y = self._frame_origin
        c.translate(-x, -y)
        self.fn(c)
        c.restoreState()

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802 - ReportLab's name
        self._frame_origin = (x, y)
        super().drawOn(canvas, x, y, _sW)


# -- appendix --------------------------------------------------------------------------

def _appendix_story(tables: list[pg.TableSpec], fonts: FontBook, width: float, as_at: Optional[date],
                    sink: list[str]) -> list:
    heading = ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=12.5, leading=15, spaceBefore=4,
                             spaceAfter=5, textColor=_color(INK))
    title = ParagraphStyle("t", parent=heading, fontSize=15, leading=18, spaceAfter=8)
    cell = ParagraphStyle("c", fontName="Helvetica", fontSize=7.8, leading=9.6, textColor=_color(INK))
    head = ParagraphStyle("hd", parent=cell, fontName="Helvetica-Bold")

    def para(text: str, style) -> Paragraph:
        sink.append(text)
        bold = "Bold" in style.fontName
        return Paragraph(fonts.markup(text, bold=bold), style)

    def cell_value(text: str, style, width: float):
        """A plain string when it fits on its lines in the standard font (fast), else a Paragraph."""
        room = width - 8.5  # cell padding
        if _cp1252(text) and all(
                pdfmetrics.stringWidth(line, style.fontName, style.fontSize) <= room
                for line in text.split("\n")):
            sink.append(text)
            return text
        return para(text, style)

    story: list = [para(f"Appendix: the family as at {_fmt_day(as_at)}" if as_at else "Appendix", title)]
    for t in tables:
        total = sum(t.widths)
        widths = [width * w / total for w in t.widths]
        data = [[cell_value(h, head, w) for h, w in zip(t.columns, widths)]]
        for row in t.rows:
            data.append([cell_value(v, cell, w) for v, w in zip(row, widths)])
        head_par = para(f"{t.heading} ({len(t.rows)})", heading)
        story += [CondPageBreak(80), head_par]
        # long tables go in chunks, each with the header row: ReportLab re-measures a
        # table every time it splits one across a page, which is slow for long ones
        header, body = data[:1], data[1:]
        for start in range(0, max(len(body), 1), TABLE_CHUNK_ROWS):
            chunk = header + body[start:start + TABLE_CHUNK_ROWS]
            table = Table(chunk, colWidths=widths, repeatRows=1, splitByRow=1)
            table.setStyle(_table_style(head, cell, len(chunk), start))
            story.append(table)
        story.append(Spacer(1, 12))
    return story


TABLE_CHUNK_ROWS = 40


def _fast_fp_str(*a) -> str:
    """Drop-in for ReportLab's pure-Python ``fp_str`` (used when its C accelerator is absent).

    Same output format (space-separated numbers, trailing zeros trimmed, "0" for
    tiny values) with 5 decimals, which is finer than any device resolution.
    """
    if len(a) == 1 and isinstance(a[0], (list, tuple)):
        a = a[0]
    out = []
    for v in a:
        if -1e-7 <= v <= 1e-7:
            out.append("0")
            continue
        t = ("%.5f" % v).rstrip("0")
        out.append(t[:-1] if t.endswith(".") else t)
    return " ".join(out)


@contextmanager
def _fast_reportlab():
    """Within one export: plain Flate streams (no ASCII85 layer: smaller files, faster) and a
    fast number formatter when ReportLab runs without its C accelerator.  Both restored after."""
    import importlib

    from reportlab import rl_config

    patched = []
    for name in ("reportlab.pdfgen.canvas", "reportlab.pdfgen.pathobject", "reportlab.pdfgen.textobject",
                 "reportlab.platypus.tables", "reportlab.platypus.flowables", "reportlab.pdfbase.pdfdoc"):
        mod = importlib.import_module(name)
        current = getattr(mod, "fp_str", None)
        if current is not None and getattr(current, "__name__", "") == "_py_fp_str":
            patched.append((mod, current))
            mod.fp_str = _fast_fp_str
    saved_a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        yield
    finally:
        rl_config.useA85 = saved_a85
        for mod, original in patched:
            mod.fp_str = original


def _table_style(head, cell, n_rows: int, offset: int) -> TableStyle:
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, _color("#666666")),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, _color(INK)),
        ("BACKGROUND", (0, 0), (-1, 0), _color("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, 0), head.fontName, head.fontSize, head.leading),
        ("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), _color(INK)),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for i in range(1, n_rows):  # light banding (every other family row): fine in black and white
        if (i + offset) % 2 == 0:
            style.append(("BACKGROUND", (0, i), (-1, i), _color("#f4f4f4")))
    return TableStyle(style)


# -- the whole document ----------------------------------------------------------------------

def render_pdf(drawing: Drawing, out: str | Path, options: Optional[PdfOptions] = None,
               snapshot=None) -> RenderResult:
    """Write ``drawing`` (and, with ``snapshot``, the appendix tables) as a PDF at ``out``.

    ``snapshot`` must be the same (redacted) snapshot the drawing was built from:
    tables are built from it, never from anything unredacted.
    """
    o = options or PdfOptions()
    fonts = FontBook()
    sink: list[str] = []
    plan = pg.plan_pages(drawing, o.paper, o.landscape, allow_tiling=o.allow_tiling)
    comp = _Composer(drawing, plan, o, fonts, sink)
    as_at = o.as_at

    title = o.title or drawing.title or "Family genogram"
    subject = o.subject or " · ".join(b for b in (
        f"Genogram as at {_fmt_day(as_at) or drawing.as_at}".strip(),
        f"ref {o.reference}" if o.reference else "", o.marking.strip(),
        f"redacted for {o.audience}" if o.audience else "") if b)
    meta = dict(title=title, author=o.prepared_by or "", subject=subject, creator="GenoMap",
                producer="GenoMap (ReportLab)", keywords="")
    sink += [v for v in meta.values() if v]

    doc = BaseDocTemplate(str(out), pagesize=(plan.page_w, plan.page_h), leftMargin=plan.content.x,
                          rightMargin=plan.page_w - plan.content.right, topMargin=plan.page_h - plan.content.top,
                          bottomMargin=plan.content.y, **meta)
    frame = Frame(plan.content.x, plan.content.y, plan.content.w, plan.content.h, leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0, id="content")
    templates = [PageTemplate(id="page", frames=[frame], pagesize=(plan.page_w, plan.page_h))]
    if plan.tiled:
        tw, th = plan.tile_page
        tframe = Frame(pg.MARGIN, pg.MARGIN + pg.FOOTER_H, tw - 2 * pg.MARGIN,
                       th - 2 * pg.MARGIN - pg.HEADER_H - pg.FOOTER_H, leftPadding=0, rightPadding=0,
                       topPadding=0, bottomPadding=0, id="tile")
        templates.append(PageTemplate(id="tile", frames=[tframe], pagesize=(tw, th)))
    doc.addPageTemplates(templates)
    story: list = [_PageFlowable(comp.genogram_page)]
    for tile in plan.tiles:
        story += [NextPageTemplate("tile"), PageBreak(), _PageFlowable(partial(comp.tile_page, tile=tile))]
    if o.appendix and snapshot is not None:
        tables = pg.appendix_tables(snapshot, as_at or date.today(), o.sections)
        if tables:
            story += [NextPageTemplate("page"), PageBreak()]
            story += _appendix_story(tables, fonts, plan.content.w, as_at, sink)
    with _fast_reportlab():
        doc.build(story, canvasmaker=partial(_DeferredCanvas, decorate=comp.decorate))
    pages = doc.page  # the last page number
    return RenderResult(pages, sink, plan.tiled, len(plan.tiles), plan.scale, plan.paper, plan.landscape,
                        "".join(sorted(fonts.missing)), comp.legend_drawn)
