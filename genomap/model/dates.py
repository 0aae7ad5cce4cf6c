"""Partial dates: the fuzzy dates practitioners actually record.

A :class:`PartialDate` is a year, optionally a month and day, with a qualifier
(exact, about, before, after, between).  It parses what people type
("about 1985", "Jun 2018", "2019-11-03", "03/11/2019", "between 2001 and 2003",
GEDCOM's "ABT 1985"), prints a canonical form that parses back to the same
value, and stores as a string that sorts chronologically.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum


class PartialDateError(ValueError):
    """Text that is not a date GenoMap understands; the message says why."""


class Qualifier(str, Enum):
    EXACT = "exact"
    ABOUT = "about"
    BEFORE = "before"
    AFTER = "after"
    BETWEEN = "between"


MONTHS = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
]
_MONTH_LOOKUP: dict[str, int] = {}
for _i, _m in enumerate(MONTHS, start=1):
    _MONTH_LOOKUP[_m.lower()] = _i
    _MONTH_LOOKUP[calendar.month_name[_i].lower()] = _i
_MONTH_LOOKUP["sept"] = 9

_QUALIFIER_WORDS = {
    "about": Qualifier.ABOUT, "abt": Qualifier.ABOUT, "approx": Qualifier.ABOUT,
    "approximately": Qualifier.ABOUT, "circa": Qualifier.ABOUT, "ca": Qualifier.ABOUT,
    "c": Qualifier.ABOUT, "est": Qualifier.ABOUT, "estimated": Qualifier.ABOUT,
    "cal": Qualifier.ABOUT, "around": Qualifier.ABOUT, "~": Qualifier.ABOUT,
    "before": Qualifier.BEFORE, "bef": Qualifier.BEFORE,
    "after": Qualifier.AFTER, "aft": Qualifier.AFTER,
}

MIN_YEAR = 1000
MAX_YEAR = 2999
ABOUT_SLACK_YEARS = 2  # "about 1985" is taken as 1983..1987 when checking rules


def _check_ymd(year: int, month: int | None, day: int | None, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PartialDateError(f"{text!r}: year {year} is out of range ({MIN_YEAR}-{MAX_YEAR})")
    if month is None:
        if day is not None:
            raise PartialDateError(f"{text!r}: a day needs a month")
        return
    if not 1 <= month <= 12:
        raise PartialDateError(f"{text!r}: there is no month {month}")
    if day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise PartialDateError(
                f"{text!r} is not a real date: {calendar.month_name[month]} {year} has {last} days"
            )


@dataclass(frozen=True)
class _Ymd:
    year: int
    month: int | None = None
    day: int | None = None

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        if self.month is None:
            return date(self.year, 12, 31)
        if self.day is None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, self.month, self.day)

    def storage(self) -> str:
        return f"{self.year:04d}-{self.month or 0:02d}-{self.day or 0:02d}"

    def display(self) -> str:
        if self.month is None:
            return f"{self.year}"
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_SLASH = re.compile(r"^(?:(\d{1,2})[/.])?(\d{1,2})[/.](\d{4})$")
_WORDS = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\.?,?\s+(\d{4})$")
_US_WORDS = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


def _parse_simple(text: str, original: str) -> _Ymd:
    t = text.strip().lower()
    if not t:
        raise PartialDateError(f"{original!r}: a date is missing")
    m = _ISO.match(t)
    if m:
        y, mo, d = (int(g) if g else None for g in m.groups())
        assert y is not None
        _check_ymd(y, mo, d, original)
        return _Ymd(y, mo, d)
    m = _SLASH.match(t)
    if m:  # UK order: day/month/year or month/year
        d, mo, y = (int(g) if g else None for g in m.groups())
        assert y is not None
        _check_ymd(y, mo, d, original)
        return _Ymd(y, mo, d)
    m = _WORDS.match(t) or None
    if m:
        d_s, mon_s, y_s = m.groups()
        if mon_s not in _MONTH_LOOKUP:
            raise PartialDateError(f"{original!r}: {mon_s!r} is not a month name")
        y, mo, d = int(y_s), _MONTH_LOOKUP[mon_s], int(d_s) if d_s else None
        _check_ymd(y, mo, d, original)
        return _Ymd(y, mo, d)
    m = _US_WORDS.match(t)
    if m and m.group(1) in _MONTH_LOOKUP:
        y, mo, d = int(m.group(3)), _MONTH_LOOKUP[m.group(1)], int(m.group(2))
        _check_ymd(y, mo, d, original)
        return _Ymd(y, mo, d)
    raise PartialDateError(
        f"{original!r} is not a date GenoMap understands; try forms like "
        "'2019-11-03', '3 Nov 2019', 'Jun 2018', '1985', 'about 1985' or 'between 2001 and 2003'"
    )


_BETWEEN = re.compile(r"^(?:between|bet|btw)\s+(.+?)\s+(?:and|&|to)\s+(.+)$")
_RANGE = re.compile(r"^(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)\s*(?:\.\.|–|—|\s-\s|\s+to\s+)\s*(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)$")


@dataclass(frozen=True)
class PartialDate:
    """A possibly incomplete, possibly approximate date.

    ``year``/``month``/``day`` are the anchor; ``end`` is the upper bound of a
    BETWEEN date.  Instances are immutable and hashable.
    """

    year: int
    month: int | None = None
    day: int | None = None
    qualifier: Qualifier = Qualifier.EXACT
    end: tuple[int, int | None, int | None] | None = None

    def __post_init__(self) -> None:
        text = self._start.display()
        _check_ymd(self.year, self.month, self.day, text)
        if self.qualifier is Qualifier.BETWEEN:
            if self.end is None:
                raise PartialDateError("a 'between' date needs an end")
            _check_ymd(*self.end, _Ymd(*self.end).display())
            if _Ymd(*self.end).last_day() < self._start.first_day():
                raise PartialDateError(
                    f"between {text} and {_Ymd(*self.end).display()}: the second date is before the first"
                )
        elif self.end is not None:
            raise PartialDateError("only a 'between' date has an end")

    # -- construction -------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Parse what a practitioner typed; raise :class:`PartialDateError` with a clear reason."""
        if not isinstance(text, str):
            raise PartialDateError(f"{text!r} is not text")
        original = text
        t = " ".join(text.strip().lower().replace(",", ", ").split())
        t = t.replace(" ,", ",")
        if not t:
            raise PartialDateError("the date is empty")
        m = _BETWEEN.match(t) or _RANGE.match(t)
        if m:
            a = _parse_simple(m.group(1), original)
            b = _parse_simple(m.group(2), original)
            return cls(a.year, a.month, a.day, Qualifier.BETWEEN, (b.year, b.month, b.day))
        if t.startswith("~"):
            t = "~ " + t[1:].strip()
        first, _, rest = t.partition(" ")
        word = first.rstrip(".")
        if word in _QUALIFIER_WORDS and rest:
            ymd = _parse_simple(rest, original)
            return cls(ymd.year, ymd.month, ymd.day, _QUALIFIER_WORDS[word])
        ymd = _parse_simple(t, original)
        return cls(ymd.year, ymd.month, ymd.day)

    @classmethod
    def from_date(cls, d: date) -> "PartialDate":
        return cls(d.year, d.month, d.day)

    @classmethod
    def coerce(cls, value: "PartialDate | date | str | None") -> "PartialDate | None":
        """Accept a PartialDate, a ``datetime.date``, text, or None/empty."""
        if value is None or isinstance(value, PartialDate):
            return value
        if isinstance(value, date):
            return cls.from_date(value)
        if isinstance(value, str):
            return cls.parse(value) if value.strip() else None
        raise PartialDateError(f"{value!r} is not a date")

    # -- storage ------------------------------------------------------------
    def to_storage(self) -> str:
        """A string that sorts chronologically (by anchor) and round-trips exactly."""
        s = self._start.storage()
        if self.qualifier is Qualifier.EXACT:
            return s
        if self.qualifier is Qualifier.BETWEEN:
            assert self.end is not None
            return f"{s}~between~{_Ymd(*self.end).storage()}"
        return f"{s}~{self.qualifier.value}"

    @classmethod
    def from_storage(cls, s: str) -> "PartialDate":
        parts = s.split("~")

        def ymd(p: str) -> tuple[int, int | None, int | None]:
            y, mo, d = (int(x) for x in p.split("-"))
            return y, mo or None, d or None

        y, mo, d = ymd(parts[0])
        if len(parts) == 1:
            return cls(y, mo, d)
        q = Qualifier(parts[1])
        if q is Qualifier.BETWEEN:
            return cls(y, mo, d, q, ymd(parts[2]))
        return cls(y, mo, d, q)

    # -- reading ------------------------------------------------------------
    @property
    def _start(self) -> _Ymd:
        return _Ymd(self.year, self.month, self.day)

    # Dates are immutable and read over and over (labels, ages, sorting, every redraw),
    # so what is derived from one is worked out once and kept on the instance (outside
    # the dataclass fields: equality, hashing and pickling are unaffected).
    def _memo(self, key: str, make):
        d = self.__dict__
        try:
            return d[key]
        except KeyError:
            value = d[key] = make()
            return value

    def __str__(self) -> str:
        return self._memo("_str", self._text)

    def _text(self) -> str:
        s = self._start.display()
        if self.qualifier is Qualifier.EXACT:
            return s
        if self.qualifier is Qualifier.BETWEEN:
            assert self.end is not None
            return f"between {s} and {_Ymd(*self.end).display()}"
        return f"{self.qualifier.value} {s}"

    @property
    def is_exact_day(self) -> bool:
        return self.qualifier is Qualifier.EXACT and self.day is not None

    def earliest(self) -> date:
        """The earliest day this date could be (``date.min`` when open-ended)."""
        return self._memo("_earliest", self._earliest)

    def _earliest(self) -> date:
        q = self.qualifier
        if q is Qualifier.BEFORE:
            return date.min
        if q is Qualifier.AFTER:
            return self._start.last_day() + timedelta(days=1) if self._start.last_day() < date.max else date.max
        if q is Qualifier.ABOUT:
            return date(max(1, self.year - ABOUT_SLACK_YEARS), 1, 1)
        return self._start.first_day()

    def latest(self) -> date:
        """The latest day this date could be (``date.max`` when open-ended)."""
        return self._memo("_latest", self._latest)

    def _latest(self) -> date:
        q = self.qualifier
        if q is Qualifier.BEFORE:
            return self._start.first_day() - timedelta(days=1)
        if q is Qualifier.AFTER:
            return date.max
        if q is Qualifier.ABOUT:
            return date(self.year + ABOUT_SLACK_YEARS, 12, 31)
        if q is Qualifier.BETWEEN:
            assert self.end is not None
            return _Ymd(*self.end).last_day()
        return self._start.last_day()

    def representative(self) -> date:
        """One day standing for this date: used to place it on a timeline and for 'as at' views."""
        return self._memo("_rep", self._representative)

    def _representative(self) -> date:
        if self.qualifier is Qualifier.BEFORE:
            return self.latest()
        if self.qualifier is Qualifier.AFTER:
            return self.earliest()
        return self._start.first_day()

    def sort_key(self) -> str:
        return self._memo("_key", self.to_storage)

    def definitely_before(self, other: "PartialDate") -> bool:
        """True only when every reading of self is before every reading of other."""
        return self.latest() < other.earliest()

    def on_or_before(self, day: date) -> bool:
        """Has this date (as best known) happened by ``day``?"""
        return self.representative() <= day


def age_on(birth: PartialDate | None, day: date) -> int | None:
    """Age in whole years on ``day`` (None when birth unknown or in the future)."""
    if birth is None:
        return None
    b = birth.representative()
    if b > day:
        return None
    years = day.year - b.year - ((day.month, day.day) < (b.month, b.day))
    return max(years, 0)
