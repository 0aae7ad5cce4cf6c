"""GEDCOM dates <-> :class:`PartialDate`: the date grammar of GEDCOM 5.5.1 and 7.0.

Reading (:func:`parse_gedcom_date`) understands

* exact and partial dates: ``3 NOV 2019``, ``NOV 2019``, ``2019``, dual years
  ``1750/51`` (the first year is kept), a leading calendar escape
  ``@#DGREGORIAN@`` / ``GREGORIAN`` (``JULIAN`` dates are read as given, with a note);
* approximations ``ABT``, ``CAL``, ``EST`` (all "about"), ``BEF``, ``AFT``,
  ``BET x AND y`` (between);
* periods ``FROM x TO y``, ``FROM x``, ``TO y``: a point fact (birth, death)
  becomes "between x and y" / "after x" / "before y"; a period fact (residence)
  keeps start and end separately (see :class:`GedcomDate`);
* ``INT x (phrase)`` and a bare ``(phrase)``: the date part is used and the
  phrase is returned to be kept in notes.

Anything GenoMap cannot represent (other calendars, B.C. and years before
1000, impossible days) is returned as ``leftover`` text for the caller to keep
in notes, with a reason, never silently dropped.

Writing (:func:`format_gedcom_date`) gives the GEDCOM text of a PartialDate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from genomap.model.dates import MONTHS, PartialDate, PartialDateError, Qualifier

_GED_MONTHS = {m.upper(): i for i, m in enumerate(MONTHS, start=1)}
_LONG_MONTHS = {
    "JANUARY": 1, "FEBRUARY": 2, "MARCH": 3, "APRIL": 4, "JUNE": 6, "JULY": 7, "AUGUST": 8,
    "SEPTEMBER": 9, "SEPT": 9, "OCTOBER": 10, "NOVEMBER": 11, "DECEMBER": 12,
}
_SIMPLE = re.compile(
    r"^(?:(\d{1,2})\s+)?(?:([A-Z]{3,9})\.?\s+)?(\d{1,4})(?:/(\d{1,4}))?(\s*(?:B\.?\s?C\.?|BCE))?$"
)
_CAL_ESCAPE = re.compile(r"^(?:@#D([A-Z ]+)@|(GREGORIAN|JULIAN|HEBREW|FRENCH_R))\s*")
_PHRASE = re.compile(r"\(([^)]*)\)?\s*$")


@dataclass(frozen=True)
class GedcomDate:
    """A GEDCOM date read into GenoMap terms.

    ``point`` is the date as one (fuzzy) value; ``start``/``end`` are set for
    ``FROM``/``TO`` periods (and equal ``point`` otherwise); ``leftover`` is
    text to keep in notes (a phrase, or the whole date when unusable) and
    ``problem`` says why a date could not be used.
    """

    point: Optional[PartialDate] = None
    start: Optional[PartialDate] = None
    end: Optional[PartialDate] = None
    leftover: str = ""
    problem: str = ""
    is_period: bool = False


class _Unusable(Exception):
    pass


def _simple(text: str) -> PartialDate:
    """One GEDCOM date value (no qualifier) as an exact PartialDate."""
    t = " ".join(text.replace(",", " ").split())
    m = _SIMPLE.match(t)
    if m:
        d, mon, y, _dual, bc = m.groups()
        if bc:
            raise _Unusable(f"{text!r}: dates B.C. cannot be recorded in GenoMap")
        month = None
        if mon is not None:
            month = _GED_MONTHS.get(mon) or _LONG_MONTHS.get(mon)
            if month is None:
                raise _Unusable(f"{text!r}: {mon!r} is not a month")
        year = int(y)
        try:
            return PartialDate(year, month, int(d) if d else None)
        except PartialDateError as exc:
            raise _Unusable(str(exc)) from None
    try:  # other spellings some programs write (ISO dates, "June 3, 1900")
        pd = PartialDate.parse(t)
    except PartialDateError:
        raise _Unusable(f"{text!r} is not a GEDCOM date") from None
    if pd.qualifier is not Qualifier.EXACT:
        raise _Unusable(f"{text!r} is not a GEDCOM date")
    return pd


def parse_gedcom_date(value: str) -> GedcomDate:
    """Read a GEDCOM DATE value; never raises."""
    raw = " ".join((value or "").split())
    if not raw:
        return GedcomDate()
    t = raw.upper()
    phrase = ""
    note_bits: list[str] = []
    m = _CAL_ESCAPE.match(t)
    if m:
        cal = (m.group(1) or m.group(2) or "").strip().replace("_", " ")
        if cal not in ("GREGORIAN",):
            if cal != "JULIAN":
                return GedcomDate(leftover=raw, problem=f"{raw!r}: the {cal.title()} calendar is not supported")
            note_bits.append(f"Julian calendar date as recorded: {raw}")
        t = t[m.end():]
    if t.startswith("("):  # date phrase only
        return GedcomDate(leftover=raw.strip("() ") or raw, problem="")
    if t.startswith("INT "):
        pm = _PHRASE.search(t)
        if pm:
            phrase = raw[pm.start():].strip().strip("()").strip()
            t = t[: pm.start()].strip()
        t = t[4:].strip()
        if phrase:
            note_bits.append(f"Date phrase: {phrase}")
    leftover = "; ".join(note_bits)
    try:
        words = t.split(" ", 1)
        head, rest = words[0], (words[1] if len(words) > 1 else "")
        if head in ("ABT", "CAL", "EST", "ABOUT", "CIRCA", "C."):
            a = _simple(rest)
            return _point(PartialDate(a.year, a.month, a.day, Qualifier.ABOUT), leftover)
        if head in ("BEF", "BEFORE"):
            a = _simple(rest)
            return _point(PartialDate(a.year, a.month, a.day, Qualifier.BEFORE), leftover)
        if head in ("AFT", "AFTER"):
            a = _simple(rest)
            return _point(PartialDate(a.year, a.month, a.day, Qualifier.AFTER), leftover)
        if head == "BET":
            if " AND " not in rest:
                raise _Unusable(f"{raw!r}: BET needs an AND")
            x, y = rest.split(" AND ", 1)
            return _point(_between(_simple(x), _simple(y), raw), leftover)
        if head == "FROM" or head == "TO":
            start = end = None
            if head == "FROM":
                if " TO " in rest:
                    x, y = rest.split(" TO ", 1)
                    start, end = _simple(x), _simple(y)
                else:
                    start = _simple(rest)
            else:
                end = _simple(rest)
            if start is not None and end is not None:
                point = _between(start, end, raw)
            elif start is not None:
                point = PartialDate(start.year, start.month, start.day, Qualifier.AFTER)
            else:
                assert end is not None
                point = PartialDate(end.year, end.month, end.day, Qualifier.BEFORE)
            return GedcomDate(point=point, start=start, end=end, leftover=leftover, is_period=True)
        return _point(_simple(t), leftover)
    except _Unusable as exc:
        return GedcomDate(leftover=raw, problem=str(exc))
    except PartialDateError as exc:
        return GedcomDate(leftover=raw, problem=f"{raw!r}: {exc}")


def _between(a: PartialDate, b: PartialDate, raw: str) -> PartialDate:
    try:
        return PartialDate(a.year, a.month, a.day, Qualifier.BETWEEN, (b.year, b.month, b.day))
    except PartialDateError as exc:
        raise _Unusable(f"{raw!r}: {exc}") from None


def _point(d: PartialDate, leftover: str) -> GedcomDate:
    return GedcomDate(point=d, start=d, end=d, leftover=leftover)


def _simple_text(year: int, month: Optional[int], day: Optional[int]) -> str:
    parts = []
    if day is not None:
        parts.append(str(day))
    if month is not None:
        parts.append(MONTHS[month - 1].upper())
    parts.append(str(year))
    return " ".join(parts)


def format_gedcom_date(d: PartialDate) -> str:
    """The GEDCOM DATE value for a PartialDate (``ABT 1985``, ``BET 2001 AND 2003``)."""
    s = _simple_text(d.year, d.month, d.day)
    q = d.qualifier
    if q is Qualifier.EXACT:
        return s
    if q is Qualifier.ABOUT:
        return f"ABT {s}"
    if q is Qualifier.BEFORE:
        return f"BEF {s}"
    if q is Qualifier.AFTER:
        return f"AFT {s}"
    assert d.end is not None
    return f"BET {s} AND {_simple_text(*d.end)}"


def format_gedcom_period(start: Optional[PartialDate], end: Optional[PartialDate]) -> str:
    """A ``FROM x TO y`` value for a period whose bounds are exact-ish (qualifiers are dropped)."""
    bits = []
    if start is not None:
        bits.append(f"FROM {_simple_text(start.year, start.month, start.day)}")
    if end is not None:
        bits.append(f"TO {_simple_text(end.year, end.month, end.day)}")
    return " ".join(bits)
