"""Text measurement and wrapping with Helvetica metrics (what PDF uses; Liberation
Sans/Arial on screen are metric-compatible), and the label lines under a symbol.

Pure functions; the layout uses :func:`person_label` to size each person's
footprint so labels never overlap, the drawing uses it to emit the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Optional

from reportlab.pdfbase.pdfmetrics import stringWidth

from genomap.drawing import style
from genomap.drawing.primitives import Align, Box, Primitive, Text, shape_box
from genomap.model.enums import PregnancyOutcome
from genomap.store.snapshot import PersonView


@lru_cache(maxsize=20000)
def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Advance width of one line in points."""
    font = "Helvetica"
    if bold and italic:
        font = "Helvetica-BoldOblique"
    elif bold:
        font = "Helvetica-Bold"
    elif italic:
        font = "Helvetica-Oblique"
    return stringWidth(text, font, size)


def wrap(text: str, width: float, size: float, bold: bool = False, italic: bool = False) -> tuple[str, ...]:
    """Greedy word wrap; words longer than ``width`` are split (never cut off)."""
    words = text.split()
    if not words:
        return ()
    joined = " ".join(words)
    if text_width(joined, size, bold, italic) <= width:
        # everything fits on one line: every word and every greedy trial line is a
        # prefix of ``joined`` and no wider, so the loop below would give just this
        return (joined,)
    lines: list[str] = []
    cur = ""
    for word in words:
        while text_width(word, size, bold, italic) > width and len(word) > 1:
            # split an over-long word, keeping a hyphen at the break
            if cur:
                lines.append(cur)
                cur = ""
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut] + "-", size, bold, italic) > width:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        trial = f"{cur} {word}" if cur else word
        if text_width(trial, size, bold, italic) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = word
    if cur:
        lines.append(cur)
    return tuple(lines)


_new = object.__new__
_setattr = object.__setattr__


@dataclass(frozen=True)
class LabelLine:
    text: str
    size: float
    bold: bool = False
    italic: bool = False
    soft: bool = False  # secondary colour

    @property
    def width(self) -> float:
        return text_width(self.text, self.size, self.bold, self.italic)

    @property
    def height(self) -> float:
        return self.size * 1.2


def _line(text: str, size: float, bold: bool = False, italic: bool = False, soft: bool = False) -> LabelLine:
    """``LabelLine(text, size, bold, italic, soft)``, built without the frozen dataclass's slow ``__init__``."""
    o = _new(LabelLine)
    _setattr(o, "__dict__", {"text": text, "size": size, "bold": bold, "italic": italic, "soft": soft})
    return o


def _year_text(d) -> str:
    return str(d) if d is not None else ""


def dates_text(person: PersonView, as_at: Optional[date] = None) -> str:
    """'b. 2019', 'b. 1950 – d. 2021' (death only shown once it happened by ``as_at``)."""
    parts = []
    if person.birth is not None:
        parts.append(f"b. {person.birth}")
    dead = person.is_dead_on(as_at) if as_at is not None else (person.death is not None or person.deceased)
    if dead:
        if person.death is not None:
            parts.append(f"d. {person.death}")
        elif not parts:
            parts.append("deceased")
    return " – ".join(parts)


_NONE = PregnancyOutcome.NONE
LabelRun = tuple  # (lines, size, bold, italic, soft)


def label_runs(person: PersonView, as_at: Optional[date] = None) -> list[LabelRun]:
    """The label under a symbol as runs of lines in one font, each
    ``(lines, size, bold, italic, soft)``: the wrapped name, the "known-as", the dates
    (soft); empty runs are left out.  :func:`person_label` gives the same lines one by one.
    """
    runs: list[LabelRun] = []
    name = person.name
    if person.pregnancy is not _NONE and name == "(unnamed)":
        name = person.pregnancy.label
    bold = person.is_subject
    lines = wrap(name, style.LABEL_WIDTH, style.NAME_SIZE, bold)
    if lines:
        runs.append((lines, style.NAME_SIZE, bold, False, False))
    known_as = person.known_as
    if known_as and known_as != name:
        lines = wrap(f"“{known_as}”", style.LABEL_WIDTH, style.NAME_SIZE, False, True)
        if lines:
            runs.append((lines, style.NAME_SIZE, False, True, False))
    dt = dates_text(person, as_at)
    if dt:
        lines = wrap(dt, style.LABEL_WIDTH + 10, style.DETAIL_SIZE)
        if lines:
            runs.append((lines, style.DETAIL_SIZE, False, False, True))
    return runs


def person_label(person: PersonView, as_at: Optional[date] = None) -> tuple[LabelLine, ...]:
    """The lines printed under a symbol: wrapped name, "known-as", dates."""
    return tuple(_line(ln, size, bold, italic, soft)
                 for lines, size, bold, italic, soft in label_runs(person, as_at) for ln in lines)


def label_size(lines: tuple[LabelLine, ...]) -> tuple[float, float]:
    return (max((l.width for l in lines), default=0.0), sum(l.height for l in lines))


def text_box(t: Text) -> Box:
    """Where a :class:`Text` is drawn, measured with Helvetica's metrics."""
    w = max((text_width(line, t.size, t.bold, t.italic) for line in t.lines), default=0.0)
    x = t.x - w / 2 if t.align is Align.CENTER else (t.x - w if t.align is Align.RIGHT else t.x)
    return Box(x, t.y, w, len(t.lines) * t.line_height)


def prim_box(p: Primitive) -> Box:
    """Bounding box of one primitive (text measured with Helvetica's metrics)."""
    return text_box(p) if type(p) is Text else shape_box(p)
