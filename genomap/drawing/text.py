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


def person_label(person: PersonView, as_at: Optional[date] = None) -> tuple[LabelLine, ...]:
    """The lines printed under a symbol: wrapped name, "known-as", dates."""
    lines: list[LabelLine] = []
    name = person.name
    if person.pregnancy is not PregnancyOutcome.NONE and name == "(unnamed)":
        name = person.pregnancy.label
    for ln in wrap(name, style.LABEL_WIDTH, style.NAME_SIZE, bold=person.is_subject):
        lines.append(LabelLine(ln, style.NAME_SIZE, bold=person.is_subject))
    if person.known_as and person.known_as != name:
        for ln in wrap(f"“{person.known_as}”", style.LABEL_WIDTH, style.NAME_SIZE, italic=True):
            lines.append(LabelLine(ln, style.NAME_SIZE, italic=True))
    dt = dates_text(person, as_at)
    if dt:
        for ln in wrap(dt, style.LABEL_WIDTH + 10, style.DETAIL_SIZE):
            lines.append(LabelLine(ln, style.DETAIL_SIZE, soft=True))
    return tuple(lines)


def label_size(lines: tuple[LabelLine, ...]) -> tuple[float, float]:
    return (max((l.width for l in lines), default=0.0), sum(l.height for l in lines))
