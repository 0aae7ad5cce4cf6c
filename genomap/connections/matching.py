"""Possible matches between person records: scored, explained, and found fast through a blocking index.

The same man may be "Darren Skelwith" in one family map and "Darran Skelwyth,
known as Daz" in another.  :func:`compare` scores two :class:`PersonRecord`
objects on three kinds of evidence and says why in plain English:

* **given names** -- every given name, the known-as name and alias forenames are
  tried against each other: same name, a known short form ("'Daz' is a known
  short form of 'Darren'"), one letter different, sounds alike (Soundex), a
  prefix ("Sam"/"Samantha") or an initial;
* **family names** -- the surname, its hyphenated parts and alias surnames:
  same, one letter different ("Skelwith/Skelwyth"), sounds alike, similar;
* **dates of birth** -- same date, day and month swapped, one digit different,
  partial dates that agree (same month and year, same year, "about 1979"),
  or unknown.  Dates that cannot be the same day *veto* a match: a father and
  son with the same name are not proposed.

A record with male and female recorded the other way is penalised, not vetoed
(records are sometimes wrong).  The score is a weighted sum in [0, 1]; a match
needs the given names to agree *and* either the surnames to agree or an exact
date of birth (a change of surname).  :data:`POSSIBLE` and :data:`STRONG` are
the two thresholds the editor uses.

:class:`MatchIndex` finds candidates without comparing everyone with everyone:
each record is filed under *blocking keys* -- Soundex and one-deletion variants
of its surnames, its exact date of birth (and the day/month swap), and each
given-name family with each possible birth year -- built once and updated record
by record.  A new person is compared only with the records sharing a key
(typically a few dozen out of 10,000).

Pure Python, no database and no Qt: :mod:`genomap.connections.store` feeds it
rows from a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

from genomap.connections.names import (
    are_nicknames, deletion_keys, edit_distance, jaro_winkler, nickname_families, normalise, soundex,
    tokens,
)
from genomap.model.dates import PartialDate, Qualifier
from genomap.model.enums import Sex

POSSIBLE = 0.72
"""Score from which a pair is shown as a possible match."""
STRONG = 0.85
"""Score from which a pair is a strong possible match (marked on the genogram)."""

W_GIVEN, W_FAMILY, W_BIRTH = 0.35, 0.35, 0.30
UNKNOWN_BIRTH = 0.30  # score of the birth evidence when either date is unknown
SEX_PENALTY = 0.25
MAX_YEAR_SPAN = 6  # a vaguer birth date is filed under no more than this many years


@dataclass(frozen=True)
class PersonRecord:
    """What matching needs to know about one person record."""

    id: int
    given_names: str = ""
    family_name: str = ""
    known_as: str = ""
    aliases: str = ""
    birth: Optional[PartialDate] = None
    sex: Sex = Sex.UNKNOWN

    @property
    def name(self) -> str:
        full = " ".join(p for p in (self.given_names, self.family_name) if p).strip()
        return full or self.known_as or "(unnamed)"


@dataclass(frozen=True)
class _Name:
    norm: str  # normalised, for comparing
    shown: str  # as written, for explanations
    primary: bool  # first given name / main surname (other variants weigh a little less)
    source: str  # "given", "middle", "known as", "alias", "surname"


@dataclass(frozen=True)
class Prepared:
    """A record with its name variants worked out once (what the index stores)."""

    record: PersonRecord
    given: tuple[_Name, ...]
    family: tuple[_Name, ...]

    @property
    def id(self) -> int:
        return self.record.id


def _shown_words(text: str) -> list[str]:
    return [w for w in text.replace("-", " ").split() if any(c.isalpha() for c in w)]


def _is_description(text: str) -> bool:
    """Known-as text that describes rather than names ("Dean's father (name not known)")."""
    return any(ch.isdigit() or ch in "()[]" for ch in text) or len(text.split()) > 3


def prepare(record: PersonRecord) -> Prepared:
    """Work out the given-name and surname variants of a record."""
    given: dict[str, _Name] = {}
    family: dict[str, _Name] = {}

    def add(target: dict[str, _Name], shown: str, primary: bool, source: str) -> None:
        norm = normalise(shown)
        if len(norm) >= 1 and norm not in target:
            target[norm] = _Name(norm, shown.strip(" '\""), primary, source)

    for i, word in enumerate(_shown_words(record.given_names)):
        add(given, word, i == 0, "given" if i == 0 else "middle")
    surname = record.family_name.strip()
    if surname:
        add(family, surname, True, "surname")
        parts = _shown_words(surname)
        if len(parts) > 1:
            for part in parts:
                add(family, part, False, "surname")
    known = record.known_as.strip()
    if known and not _is_description(known):
        words = _shown_words(known)
        if words:
            add(given, words[0], True, "known as")
        if len(words) >= 2:
            add(family, words[-1], False, "known as")
    for alias in (record.aliases or "").split(";"):
        alias = alias.strip()
        if not alias or _is_description(alias):
            continue
        words = _shown_words(alias)
        if len(words) == 1:
            add(family, words[0], False, "alias")
            add(given, words[0], False, "alias")
        elif words:
            add(given, words[0], False, "alias")
            add(family, words[-1], False, "alias")
    return Prepared(record, tuple(given.values()), tuple(family.values()))


# -- comparing names ------------------------------------------------------------------


@dataclass(frozen=True)
class NameEvidence:
    score: float
    kind: str  # same, nickname, one_letter, sounds_alike, similar, prefix, initial, different
    a: Optional[_Name] = None
    b: Optional[_Name] = None


def name_similarity(a: str, b: str, given: bool) -> tuple[float, str]:
    """How alike two normalised names are, and in which way."""
    if not a or not b:
        return 0.0, "different"
    if a == b:
        return 1.0, "same"
    if given and are_nicknames(a, b):
        return 0.92, "nickname"
    shortest = min(len(a), len(b))
    dist = edit_distance(a, b)
    if dist == 1 and given and len(a) == len(b) == 4:
        return 0.78, "one_letter"  # short first names one letter apart are often other names (Sean/Dean)
    if dist == 1 and shortest >= 4:
        return 0.88, "one_letter"
    jw = jaro_winkler(a, b)
    if shortest >= 3 and soundex(a) == soundex(b) and jw >= 0.84:
        return 0.82, "sounds_alike"
    if given and shortest >= 3 and (a.startswith(b) or b.startswith(a)):
        return 0.80, "prefix"
    if dist == 2 and shortest >= 7 and jw >= 0.9:
        return 0.78, "similar"
    if dist == 1 and shortest >= 3 and jw >= 0.85:
        return 0.76, "one_letter"
    if given and shortest == 1 and a[0] == b[0]:
        return 0.55, "initial"
    return 0.0, "different"


def _best(xs: Iterable[_Name], ys: Iterable[_Name], given: bool) -> NameEvidence:
    best = NameEvidence(0.0, "different")
    for x in xs:
        for y in ys:
            score, kind = name_similarity(x.norm, y.norm, given)
            if not (x.primary and y.primary):
                score *= 0.92  # a middle name or alias: a little less telling than the first name
            if score > best.score or (score == best.score and kind == "same" and best.kind != "same"):
                best = NameEvidence(score, kind, x, y)
    return best


# -- comparing dates of birth ----------------------------------------------------------


@dataclass(frozen=True)
class BirthEvidence:
    score: float  # 0 with veto = cannot be the same day
    kind: str
    veto: bool = False


def _digits_differ_once(x: int, y: int, width: int) -> bool:
    sx, sy = f"{x:0{width}d}", f"{y:0{width}d}"
    diff = [i for i in range(width) if sx[i] != sy[i]]
    if len(diff) == 1:
        return True
    # two neighbouring digits swapped (1979 / 1997)
    return len(diff) == 2 and diff[1] == diff[0] + 1 and sx[diff[0]] == sy[diff[1]] and sx[diff[1]] == sy[diff[0]]


def birth_similarity(a: Optional[PartialDate], b: Optional[PartialDate]) -> BirthEvidence:
    """How well two recorded dates of birth agree."""
    if a is None or b is None:
        return BirthEvidence(UNKNOWN_BIRTH, "unknown")
    if a.is_exact_day and b.is_exact_day:
        if (a.year, a.month, a.day) == (b.year, b.month, b.day):
            return BirthEvidence(1.0, "same")
        if a.year == b.year and a.month == b.day and a.day == b.month:
            return BirthEvidence(0.82, "swapped")
        if a.year == b.year and a.month == b.month and _digits_differ_once(a.day, b.day, 2):
            return BirthEvidence(0.72, "day_typo")
        if a.year == b.year and a.day == b.day and _digits_differ_once(a.month, b.month, 2):
            return BirthEvidence(0.60, "month_typo")
        if (a.month, a.day) == (b.month, b.day) and abs(a.year - b.year) < 10 and _digits_differ_once(a.year, b.year, 4):
            # only the last digit: further apart could be a parent and child sharing a birthday
            return BirthEvidence(0.68, "year_typo")
        return BirthEvidence(0.0, "different", veto=True)
    if a.latest() < b.earliest() or b.latest() < a.earliest():
        return BirthEvidence(0.0, "different", veto=True)
    exactish = (Qualifier.EXACT,)
    if a.qualifier in exactish and b.qualifier in exactish:
        if a.month is not None and b.month is not None:
            return BirthEvidence(0.70, "same_month")
        return BirthEvidence(0.48, "same_year")
    return BirthEvidence(0.40, "compatible")


# -- the score -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A possible match: ``a`` and ``b`` may be the same person."""

    a: int
    b: int
    score: float
    explanation: str
    reasons: tuple[str, ...] = ()

    @property
    def pair(self) -> frozenset[int]:
        return frozenset((self.a, self.b))

    @property
    def strong(self) -> bool:
        return self.score >= STRONG

    @property
    def strength(self) -> str:
        return "strong" if self.strong else "possible"

    def other(self, person_id: int) -> int:
        return self.b if person_id == self.a else self.a


def _fmt_date(d: PartialDate) -> str:
    return str(d)


def _name_reason(ev: NameEvidence, what: str) -> Optional[str]:
    a, b = ev.a, ev.b
    if a is None or b is None:
        return None
    pair = f"{a.shown}/{b.shown}"
    if ev.kind == "same":
        return f"same {what} ({a.shown})"
    if ev.kind == "nickname":
        short, long_ = (a, b) if len(a.norm) <= len(b.norm) else (b, a)
        return f"'{short.shown}' is a known short form of '{long_.shown}'"
    if ev.kind == "one_letter":
        return f"{what} differs by one letter ({pair})"
    if ev.kind == "sounds_alike":
        return f"{what} sounds the same ({pair})"
    if ev.kind == "prefix":
        return f"'{min(a.shown, b.shown, key=len)}' may be short for '{max(a.shown, b.shown, key=len)}'"
    if ev.kind == "similar":
        return f"{what} spelt similarly ({pair})"
    if ev.kind == "initial":
        return f"initial matches first name ({pair})"
    return None


def _birth_reason(ev: BirthEvidence, a: Optional[PartialDate], b: Optional[PartialDate]) -> str:
    if ev.kind == "same":
        return f"same date of birth ({_fmt_date(a)})"
    if ev.kind == "unknown":
        return "date of birth not recorded for " + ("either record" if a is None and b is None else "one record")
    pair = f"{_fmt_date(a)} / {_fmt_date(b)}"
    return {
        "swapped": f"date of birth with day and month swapped ({pair})",
        "day_typo": f"date of birth differs by one digit in the day ({pair})",
        "month_typo": f"date of birth differs by one digit in the month ({pair})",
        "year_typo": f"date of birth differs by one digit in the year ({pair})",
        "same_month": f"same month and year of birth ({pair})",
        "same_year": f"same year of birth ({pair})",
        "compatible": f"dates of birth could agree ({pair})",
    }.get(ev.kind, f"dates of birth {pair}")


def compare(pa: Prepared, pb: Prepared) -> Optional[Match]:
    """Score two prepared records; None when they are not a possible match (below :data:`POSSIBLE`)."""
    if pa.id == pb.id or not pa.given or not pb.given:
        return None
    ra, rb = pa.record, pb.record
    birth = birth_similarity(ra.birth, rb.birth)
    if birth.veto:
        return None
    given = _best(pa.given, pb.given, given=True)
    if given.score < 0.75:
        return None
    family = _best(pa.family, pb.family, given=False)
    family_score = family.score
    changed_surname = False
    if family_score < 0.75:
        if birth.kind == "same" and given.score >= 0.88:
            family_score = 0.5  # a change of name (marriage, alias) with the same birthday
            changed_surname = bool(pa.family and pb.family)
        elif not pa.family or not pb.family:
            family_score = 0.4  # surname unknown on one side
        else:
            return None
    score = W_GIVEN * given.score + W_FAMILY * family_score + W_BIRTH * birth.score
    reasons: list[str] = []
    sex_clash = {ra.sex, rb.sex} == {Sex.MALE, Sex.FEMALE}
    if sex_clash:
        score -= SEX_PENALTY
    if score < POSSIBLE:
        return None
    reasons.append(_birth_reason(birth, ra.birth, rb.birth))
    if changed_surname:
        reasons.append(f"different surname ({pa.family[0].shown}/{pb.family[0].shown}): could be a change of name")
    elif family.score >= 0.75:
        r = _name_reason(family, "surname")
        if r:
            reasons.append(r)
    else:
        reasons.append("surname not recorded for one record")
    r = _name_reason(given, "first name")
    if r:
        reasons.append(r)
    # the first names as written, when the best evidence came from another variant ("Daz")
    fa = next((n for n in pa.given if n.source == "given"), None)
    fb = next((n for n in pb.given if n.source == "given"), None)
    if fa and fb and (given.a, given.b) != (fa, fb) and (given.a, given.b) != (fb, fa):
        s, kind = name_similarity(fa.norm, fb.norm, given=True)
        if s >= 0.75:
            r2 = _name_reason(NameEvidence(s, kind, fa, fb), "first name")
            if r2 and r2 not in reasons:
                reasons.append(r2)
    if sex_clash:
        reasons.append("but recorded as male in one record and female in the other")
    score = round(max(0.0, min(1.0, score)), 3)
    a, b = sorted((ra.id, rb.id))
    return Match(a, b, score, "; ".join(reasons), tuple(reasons))


def match_records(a: PersonRecord, b: PersonRecord) -> Optional[Match]:
    """:func:`compare` for two plain records (tests, one-off checks)."""
    return compare(prepare(a), prepare(b))


# -- the blocking index ------------------------------------------------------------------------


def _years(d: Optional[PartialDate]) -> range:
    if d is None:
        return range(0)
    lo, hi = d.earliest().year, d.latest().year
    if d.qualifier in (Qualifier.BEFORE, Qualifier.AFTER) or hi - lo > MAX_YEAR_SPAN:
        return range(0)
    return range(lo, hi + 1)


def _given_keys(p: Prepared) -> set[str]:
    keys: set[str] = set()
    for n in p.given:
        if len(n.norm) < 2:
            continue
        keys.add(soundex(n.norm))
        keys.update(f"n{f}" for f in nickname_families(n.norm))
    return keys


def blocking_keys(p: Prepared) -> set[str]:
    """The keys a record is filed under (see the module docstring)."""
    keys: set[str] = set()
    for n in p.family:
        if len(n.norm) >= 2:
            keys.add("S" + soundex(n.norm))
            keys.update("D" + k for k in deletion_keys(n.norm))
    b = p.record.birth
    if b is not None and b.is_exact_day:
        keys.add(f"B{b.year}-{b.month}-{b.day}")
    years = _years(b)
    if years:
        for g in _given_keys(p):
            keys.update(f"G{g}:{y}" for y in years)
    return keys


def _query_keys(p: Prepared) -> set[str]:
    keys = blocking_keys(p)
    b = p.record.birth
    if b is not None and b.is_exact_day and b.day <= 12 and b.day != b.month:
        keys.add(f"B{b.year}-{b.day}-{b.month}")  # day and month swapped
    return keys


class MatchIndex:
    """Person records filed under blocking keys; finds possible matches for one record quickly.

    ``excluded`` holds pairs (frozensets of two ids) never to propose: rejected
    by a user.  Build it once (``MatchIndex(records)``) and keep it current with
    :meth:`add` / :meth:`discard` as people are added, edited and deleted.
    """

    def __init__(self, records: Iterable[PersonRecord] = (), excluded: Iterable[frozenset[int]] = ()):
        self._prepared: dict[int, Prepared] = {}
        self._keys: dict[int, set[str]] = {}
        self._buckets: dict[str, set[int]] = {}
        self.excluded: set[frozenset[int]] = set(excluded)
        for r in records:
            self.add(r)

    def __len__(self) -> int:
        return len(self._prepared)

    def __contains__(self, person_id: int) -> bool:
        return person_id in self._prepared

    def record(self, person_id: int) -> PersonRecord:
        return self._prepared[person_id].record

    def add(self, record: PersonRecord) -> None:
        """File a record (replacing an older version with the same id)."""
        self.discard(record.id)
        p = prepare(record)
        keys = blocking_keys(p)
        self._prepared[record.id] = p
        self._keys[record.id] = keys
        for k in keys:
            self._buckets.setdefault(k, set()).add(record.id)

    def discard(self, person_id: int) -> None:
        keys = self._keys.pop(person_id, None)
        self._prepared.pop(person_id, None)
        for k in keys or ():
            bucket = self._buckets.get(k)
            if bucket is not None:
                bucket.discard(person_id)
                if not bucket:
                    del self._buckets[k]

    def exclude(self, a: int, b: int) -> None:
        self.excluded.add(frozenset((a, b)))

    def candidates(self, record: PersonRecord | Prepared) -> set[int]:
        """Ids sharing at least one blocking key with ``record`` (not itself)."""
        p = record if isinstance(record, Prepared) else prepare(record)
        found: set[int] = set()
        for k in _query_keys(p):
            bucket = self._buckets.get(k)
            if bucket:
                found |= bucket
        found.discard(p.id)
        return found

    def matches_for(self, record: PersonRecord | int, threshold: float = POSSIBLE) -> list[Match]:
        """Possible matches of one record (filed or not), best first."""
        if isinstance(record, int):
            p = self._prepared[record]
        else:
            p = prepare(record)
        out = []
        for other in self.candidates(p):
            if frozenset((p.id, other)) in self.excluded:
                continue
            m = compare(p, self._prepared[other])
            if m is not None and m.score >= threshold:
                out.append(m)
        out.sort(key=lambda m: (-m.score, m.a, m.b))
        return out

    def all_matches(self, threshold: float = POSSIBLE) -> list[Match]:
        """Every possible match among the filed records, each pair once, best first."""
        seen: set[frozenset[int]] = set()
        out: list[Match] = []
        for pid in sorted(self._prepared):
            for m in self.matches_for(pid, threshold):
                if m.pair not in seen:
                    seen.add(m.pair)
                    out.append(m)
        out.sort(key=lambda m: (-m.score, m.a, m.b))
        return out

    def __iter__(self) -> Iterator[PersonRecord]:
        return (p.record for p in self._prepared.values())
