"""Redaction for sharing: named profiles by audience, applied to the snapshot before drawing.

A :class:`RedactionProfile` is a frozen set of switches (hide addresses, names
to initials or roles, hide selected people or households with every line to
them, hide risk/agency notes, the child's voice, ages and dates, ...).  Built-in
profiles live in :data:`BUILTIN_PROFILES`; user-edited ones round-trip through
plain dicts (:meth:`RedactionProfile.to_dict` / :meth:`from_dict`) and a JSON
file (:func:`load_profiles` / :func:`save_profiles`).

:func:`redact` works on the *data*, not the picture: it returns a new
:class:`FamilySnapshot` in which every withheld value is gone (replaced by a
role, initials, or nothing), so the drawing builder, the tables and the
metadata never see it -- there is no black box over extractable text.  Free
text that survives (event titles, notes kept by the profile) is scrubbed of
every withheld name and address.  The result also carries the withheld strings
so an exporter can verify, after rendering, that none of them reached the file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Iterable, Optional

from genomap.errors import UserFacingError
from genomap.model.enums import HouseholdType, PartnershipEnd
from genomap.store.snapshot import FamilySnapshot, PersonView

NAME_MODES = ("full", "initials", "roles")
ADDRESS_WITHHELD = "[address withheld]"
NAME_WITHHELD = "[name withheld]"
WITHHELD = "[withheld]"
GENERIC_TITLE = "Family genogram"


class RedactionError(UserFacingError):
    """A profile that cannot be used, or an export that would leak withheld data."""


@dataclass(frozen=True)
class RedactionProfile:
    """What to withhold for one audience.  Every switch defaults to "show"."""

    name: str
    label: str = ""
    description: str = ""
    names: str = "full"  # everyone: "full" | "initials" | "roles"
    third_party_names: str = "full"  # people who are not family of the subject child(ren)
    hide_addresses: bool = False
    generic_household_labels: bool = False  # "Household 1" instead of the user's label
    hide_people: frozenset[int] = frozenset()  # person ids, hidden with every line to them
    hide_households: frozenset[int] = frozenset()  # household ids, hidden with their residences
    hide_risk_notes: bool = False  # risk detail, notes and source (the marker stays)
    hide_risk_flags: bool = False  # the risk markers themselves
    hide_agency_notes: bool = False
    hide_worker_names: bool = False
    hide_worker_contacts: bool = False
    hide_notes: bool = False  # case notes on people and relationships
    hide_child_voice: bool = False
    hide_dates: bool = False  # ages, birth/death dates and every period; the family as at the date
    hide_sources: bool = False  # who reported each fact
    hide_event_details: bool = False  # event descriptions
    hide_event_titles: bool = False  # event titles become the kind of event ("Incident")
    generic_agency_names: bool = False  # "Police" instead of "Ambleford Police"
    hide_reference: bool = False  # the case reference

    def __post_init__(self) -> None:
        for f in ("names", "third_party_names"):
            if getattr(self, f) not in NAME_MODES:
                raise RedactionError(
                    f"redaction profile {self.name!r}: {f} must be one of {', '.join(NAME_MODES)}, "
                    f"not {getattr(self, f)!r}"
                )
        object.__setattr__(self, "hide_people", frozenset(int(i) for i in self.hide_people))
        object.__setattr__(self, "hide_households", frozenset(int(i) for i in self.hide_households))

    @property
    def hides_nothing(self) -> bool:
        default = RedactionProfile(self.name)
        return all(getattr(self, f.name) == getattr(default, f.name)
                   for f in fields(self) if f.name not in ("name", "label", "description"))

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = sorted(v) if isinstance(v, frozenset) else v
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "RedactionProfile":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise RedactionError(f"redaction profile: unknown setting(s) {', '.join(sorted(unknown))}")
        if not data.get("name"):
            raise RedactionError("redaction profile: a name is needed")
        kwargs = dict(data)
        for key in ("hide_people", "hide_households"):
            if key in kwargs:
                kwargs[key] = frozenset(kwargs[key])
        for f in fields(cls):
            if f.type in ("bool",) and f.name in kwargs and not isinstance(kwargs[f.name], bool):
                raise RedactionError(f"redaction profile {data['name']!r}: {f.name} must be true or false")
        return cls(**kwargs)

    def with_hidden(self, people: Iterable[int] = (), households: Iterable[int] = ()) -> "RedactionProfile":
        """A copy that also hides these people and households (chosen at export)."""
        return replace(self, hide_people=self.hide_people | frozenset(people),
                       hide_households=self.hide_households | frozenset(households))


PROFESSIONALS = RedactionProfile(
    "professionals", "Professionals", "Nothing hidden: for the case record and multi-agency meetings.")
PARENTS = RedactionProfile(
    "parents", "Parents / family",
    "For sharing with parents and family: addresses, third parties' names (carers, partners of "
    "parents, visitors: shown by role), risk and agency notes, workers' contact details, sources, "
    "case notes, event descriptions and the child's own words are withheld.",
    third_party_names="roles", hide_addresses=True, hide_risk_notes=True, hide_agency_notes=True,
    hide_worker_contacts=True, hide_notes=True, hide_child_voice=True, hide_sources=True,
    hide_event_details=True,
)
ANONYMISED = RedactionProfile(
    "anonymised", "Anonymised",
    "For training, audit and research: no names (roles like 'Mother', 'Child 2'), no addresses, "
    "no ages or dates, no notes or sources, no case reference.",
    names="roles", third_party_names="roles", hide_addresses=True, generic_household_labels=True,
    hide_risk_notes=True, hide_agency_notes=True, hide_worker_names=True, hide_worker_contacts=True,
    hide_notes=True, hide_child_voice=True, hide_dates=True, hide_sources=True,
    hide_event_details=True, hide_event_titles=True, generic_agency_names=True, hide_reference=True,
)
BUILTIN_PROFILES: dict[str, RedactionProfile] = {p.name: p for p in (PROFESSIONALS, PARENTS, ANONYMISED)}


def load_profiles(path: str | Path) -> dict[str, RedactionProfile]:
    """User-edited profiles from a JSON file (``{"profiles": [ {...}, ... ]}``)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RedactionError(f"redaction profiles file {path} was not found") from None
    except (OSError, ValueError) as exc:
        raise RedactionError(f"redaction profiles file {path} could not be read: {exc}") from None
    items = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise RedactionError(f"redaction profiles file {path}: expected {{\"profiles\": [...]}}")
    return {p.name: p for p in (RedactionProfile.from_dict(d) for d in items)}


def save_profiles(path: str | Path, profiles: Iterable[RedactionProfile]) -> None:
    """Write profiles as JSON (atomically: temp file then rename)."""
    import os
    import tempfile

    path = Path(path)
    text = json.dumps({"profiles": [p.to_dict() for p in profiles]}, indent=2, ensure_ascii=False)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def get_profile(name: str | RedactionProfile | None,
                extra: Optional[dict[str, RedactionProfile]] = None) -> RedactionProfile:
    """A profile by name (user profiles in ``extra`` first), or the profile itself."""
    if isinstance(name, RedactionProfile):
        return name
    if name is None or name == "":
        return PROFESSIONALS
    pool = {**BUILTIN_PROFILES, **(extra or {})}
    key = name.strip().lower()
    for k, p in pool.items():
        if k.lower() == key:
            return p
    raise RedactionError(f"unknown redaction profile {name!r}; choose one of {', '.join(sorted(pool))}")


# -- the redaction ---------------------------------------------------------------

@dataclass(frozen=True)
class Redacted:
    """A redacted snapshot plus what was withheld (for a final leak check)."""

    snapshot: FamilySnapshot
    profile: RedactionProfile
    withheld: tuple[str, ...] = ()
    as_at: Optional[date] = None

    @property
    def title(self) -> str:
        return self.snapshot.title

    @property
    def reference(self) -> str:
        return self.snapshot.reference

    def suggested_filename(self, ext: str) -> str:
        return suggested_filename(self.snapshot, self.profile, self.as_at, ext)

    def leaks(self, texts: Iterable[str]) -> list[str]:
        """The withheld strings found in ``texts`` (should be empty)."""
        return find_withheld(texts, self.withheld)


def normalise(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: how withheld strings are compared."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def find_withheld(texts: Iterable[str], withheld: Iterable[str]) -> list[str]:
    """Which of ``withheld`` occur (as whole words, normalised) in any of ``texts``.

    A cheap word-set test first (every word of the value must occur somewhere),
    then an exact whole-word search only for the few candidates left.
    """
    blob = "\n".join(normalise(t) for t in texts if t)
    words = set(_WORD.findall(blob))
    found = []
    for w in withheld:
        n = normalise(w)
        if not n or not all(t in words for t in _WORD.findall(n)):
            continue
        if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", blob):
            found.append(w)
    return found


_WORD = re.compile(r"\w+")


def _initials(p: PersonView) -> str:
    parts = [w for w in re.split(r"[\s\-]+", f"{p.given_names} {p.family_name}") if w]
    if not parts and p.known_as:
        parts = p.known_as.split()
    letters = [w[0].upper() for w in parts if w[0].isalpha()]
    return ".".join(letters) + "." if letters else "?"


_NOT_NAMES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "the", "and", "of", "not", "known", "unknown", "name", "baby",
    "father", "mother", "dad", "mum", "mom", "parent", "child", "son", "daughter", "brother", "sister",
    "partner", "pregnancy", "due", "unborn", "unnamed", "jr", "sr",
}


def _name_parts(p: PersonView) -> list[str]:
    """Every way this person's name might be written: full forms first, then the name words.

    Single words are kept only when they look like names (capitalised, or in a
    script without case) and are not placeholders such as "(name not known)".
    """
    whole = [f"{p.given_names} {p.family_name}", p.given_names, p.family_name, p.known_as,
             f"{p.known_as} {p.family_name}"]
    whole += [a for a in re.split(r"[;,]", p.aliases)]
    whole = [" ".join(w.split()) for w in whole]
    words = []
    for w in whole:
        for word in re.findall(r"[^\W\d_][\w'’.-]*", w):
            word = re.sub(r"(['’]s|[.'’-])+$", "", word)
            first = word[:1]
            if len(word) >= 2 and (first.isupper() or not first.islower()) and word.casefold() not in _NOT_NAMES:
                words.append(word)
                words += [x for x in re.split(r"-", word) if len(x) >= 2 and x != word]
    return [t for t in dict.fromkeys(whole + words) if len(t) >= 2]


def _address_parts(address: str) -> list[str]:
    out = [address]
    for part in address.split(","):
        part = part.strip()
        if len(part) >= 4:
            out.append(part)
            stripped = re.sub(r"^(flat|apartment|unit)?\s*\d+[a-z]?\s+", "", part, flags=re.I).strip()
            if len(stripped) >= 4 and stripped != part:
                out.append(stripped)
    return [s for s in out if s.strip()]


_STREET_TYPES = {
    "road", "street", "lane", "avenue", "crescent", "close", "court", "drive", "place", "way", "walk",
    "row", "terrace", "gardens", "grove", "hill", "park", "square", "mews", "view", "rise", "green",
    "flat", "flats", "house", "cottage", "cottages", "apartment", "apartments", "unit", "block",
    "estate", "north", "south", "east", "west", "upper", "lower", "the", "and", "farm", "lodge",
}


def _street_words(address: str) -> list[str]:
    """Distinctive words of the first line of an address ("Thistlewood" of "17 Thistlewood Crescent").

    A household label or a note that repeats one of them would still point at the
    address, so these are withheld along with it; the town and postcode are not
    (agency names such as "Ambleford Police" repeat the town harmlessly).
    """
    parts = [p.strip() for p in address.split(",")]
    lines = [p for i, p in enumerate(parts) if i == 0 or p[:1].isdigit()]
    words = [w for line in lines for w in re.findall(r"[^\W\d_][\w'’-]*", line)]
    return [w for w in words if len(w) >= 5 and w.casefold() not in _STREET_TYPES]


class _Scrubber:
    """Replaces withheld strings in free text, longest first, whole words, case-insensitively."""

    def __init__(self, pairs: list[tuple[str, str]]):
        table: dict[str, str] = {}
        for old, new in sorted(pairs, key=lambda p: -len(p[0])):
            key = unicodedata.normalize("NFC", old.strip())
            if key and key.casefold() not in {k.casefold() for k in table}:
                table[key] = new
        self.table = table
        if table:
            alternatives = "|".join(re.escape(k) for k in table)
            self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
            self.lookup = {k.casefold(): v for k, v in table.items()}
        else:
            self.pattern = None

    def __call__(self, text: str) -> str:
        if not text or self.pattern is None:
            return text
        text = unicodedata.normalize("NFC", text)
        return self.pattern.sub(lambda m: self.lookup.get(m.group(0).casefold(), WITHHELD), text)


def redact_snapshot(snapshot: FamilySnapshot, profile: RedactionProfile | str | None,
                    as_at: Optional[date] = None) -> FamilySnapshot:
    """The snapshot with everything the profile withholds removed (see :func:`redact`)."""
    return redact(snapshot, profile, as_at).snapshot


def redact(snapshot: FamilySnapshot, profile: RedactionProfile | str | None,
           as_at: Optional[date] = None) -> Redacted:
    """Apply ``profile`` to ``snapshot`` as at ``as_at`` (default today)."""
    from genomap.model.kinship import role_labels, third_parties

    profile = get_profile(profile)
    day = as_at or date.today()
    if profile.hides_nothing:
        return Redacted(snapshot, profile, (), day)
    s = snapshot
    withheld: list[str] = []
    pairs: list[tuple[str, str]] = []

    # 1. hidden households and people disappear with every fact that mentions them
    hidden_h = set(profile.hide_households) & {h.id for h in s.households}
    hidden_p = set(profile.hide_people) & {p.id for p in s.people}
    for h in s.households:
        if h.id in hidden_h:
            label = [h.label] if normalise(h.label) not in _TYPE_LABELS else []
            for t in (*label, *(_address_parts(h.address) if h.address else ())):
                if t and len(t) >= 3:
                    withheld.append(t)
                    pairs.append((t, WITHHELD))
    gone = [p for p in s.people if p.id in hidden_p]
    s = _drop(s, hidden_p, hidden_h)

    # 2. names: each person's mode is the stricter of the general and third-party settings
    third = third_parties(s, day) if profile.third_party_names != "full" else set()
    roles = role_labels(s, day) if "roles" in (profile.names, profile.third_party_names) else {}
    rank = {m: i for i, m in enumerate(NAME_MODES)}
    modes = {}
    for p in s.people:
        mode = profile.names
        if p.id in third and rank[profile.third_party_names] > rank[mode]:
            mode = profile.third_party_names
        modes[p.id] = mode
    # words still shown for someone (a shared surname) are not withheld for anyone
    kept = {t.casefold() for p in s.people if modes[p.id] == "full" for t in _name_parts(p)}
    for p in gone:
        for t in _name_parts(p):
            if t.casefold() not in kept:
                withheld.append(t)
                pairs.append((t, WITHHELD))
    twin_groups = {g: f"twins {n}" for n, g in enumerate(sorted({p.twin_group for p in s.people
                                                                 if p.twin_group}), start=1)}
    people = []
    for p in s.people:
        mode = modes[p.id]
        if mode == "full":
            people.append(p)
            continue
        new = roles[p.id] if mode == "roles" else _initials(p)
        own = {p.given_names, p.known_as, f"{p.given_names} {p.family_name}", f"{p.known_as} {p.family_name}"}
        for t in _name_parts(p):
            if t.casefold() in kept:
                continue
            withheld.append(t)
            pairs.append((t, new if t in own else NAME_WITHHELD))
        people.append(replace(p, given_names=new, family_name="", known_as="", aliases="",
                              twin_group=twin_groups.get(p.twin_group, "")))
    s = s.with_people(people)

    # 3. without dates the picture must still show the family as at the day
    if profile.hide_dates:
        s = _freeze_as_at(s, day)

    # 4. addresses
    households = []
    for n, h in enumerate(s.households, start=1):
        if profile.hide_addresses and h.address:
            for t in _address_parts(h.address) + _street_words(h.address):
                withheld.append(t)
                pairs.append((t, ADDRESS_WITHHELD))
            h = replace(h, address="")
        if profile.generic_household_labels and h.label:
            generic = h.type.label if h.type.value not in ("family_home", "other") else f"Household {n}"
            if normalise(h.label) not in _TYPE_LABELS:
                withheld.append(h.label)
                pairs.append((h.label, generic))
            h = replace(h, label=generic)
        households.append(h)
    s = replace(s, households=tuple(households), _index={})

    # 5. notes and details
    blank = ""
    if profile.hide_notes:
        withheld += [p.notes for p in snapshot.people if p.notes]
        withheld += [t.notes for t in snapshot.ties if t.notes]
        s = s.with_people(replace(p, notes=blank) for p in s.people)
        s = replace(s, ties=tuple(replace(t, notes=blank) for t in s.ties))
    if profile.hide_child_voice:
        withheld += [p.child_voice for p in snapshot.people if p.child_voice]
        s = s.with_people(replace(p, child_voice=blank) for p in s.people)
    if profile.hide_risk_flags:
        s = replace(s, risk_flags=())
    if profile.hide_risk_notes or profile.hide_risk_flags:
        for f in snapshot.risk_flags:
            withheld += [x for x in (f.detail, f.notes, f.source) if x]
        s = replace(s, risk_flags=tuple(replace(f, detail=blank, notes=blank, source=blank)
                                        for f in s.risk_flags))
    elif profile.hide_sources:
        withheld += [f.source for f in snapshot.risk_flags if f.source]
        s = replace(s, risk_flags=tuple(replace(f, source=blank) for f in s.risk_flags))
    inv = list(s.involvements)
    if profile.hide_agency_notes:
        withheld += [i.notes for i in snapshot.involvements if i.notes]
        inv = [replace(i, notes=blank) for i in inv]
    if profile.hide_worker_names:
        withheld += [i.worker_name for i in snapshot.involvements if i.worker_name]
        pairs += [(i.worker_name, "[worker]") for i in snapshot.involvements if i.worker_name]
        inv = [replace(i, worker_name=blank) for i in inv]
    if profile.hide_worker_contacts:
        withheld += [i.worker_contact for i in snapshot.involvements if i.worker_contact]
        inv = [replace(i, worker_contact=blank) for i in inv]
    s = replace(s, involvements=tuple(inv))
    ev = list(s.events)
    if profile.hide_sources:
        withheld += [e.source for e in snapshot.events if e.source]
        ev = [replace(e, source=blank) for e in ev]
    if profile.hide_event_details:
        withheld += [e.description for e in snapshot.events if e.description]
        ev = [replace(e, description=blank) for e in ev]
    if profile.hide_event_titles:
        withheld += [e.title for e in snapshot.events if e.title and e.title != e.kind.label]
        ev = [replace(e, title=e.kind.label) for e in ev]
    s = replace(s, events=tuple(ev))
    if profile.generic_agency_names:
        withheld += [i.agency_name for i in snapshot.involvements if i.agency_name]
        s = replace(s, involvements=tuple(replace(i, agency_name=i.agency_type.label)
                                          for i in s.involvements))

    # 6. scrub whatever free text survives of every withheld value: a name, an address,
    # a risk detail or a worker's name withheld in one field is withheld everywhere
    # (a value that is also a name still shown -- a source recorded as "Kerry" when Kerry
    # is the mother -- is not withheld: it is on the page anyway, by design)
    withheld = [w for w in withheld if w.strip().casefold() not in kept]
    pairs = [(a, b) for a, b in pairs if a.strip().casefold() not in kept]
    pairs += [(w, WITHHELD) for w in withheld if len(w.strip()) >= 3]
    scrub = _Scrubber(pairs)
    s = _scrub_free_text(s, scrub)
    # replacement names derived from free text (a case role such as "Dean's father") too
    s = s.with_people(replace(p, given_names=scrub(p.given_names)) if modes.get(p.id, "full") != "full"
                      else p for p in s.people)

    # 7. the case itself
    title = scrub(s.title)
    if profile.names != "full" or title != unicodedata.normalize("NFC", s.title):
        withheld.append(snapshot.title)
        title = GENERIC_TITLE
    reference = s.reference
    if profile.hide_reference and reference:
        withheld.append(reference)
        reference = ""
    s = replace(s, title=title, reference=reference, _index={})
    # notes-length strings are checked as given; drop trivially short ones (false alarms)
    uniq = sorted({w.strip() for w in withheld if w and len(w.strip()) >= 3} - {title, reference, ""},
                  key=lambda w: (-len(w), w))
    return Redacted(s, profile, tuple(uniq), day)


def _drop(s: FamilySnapshot, people: set[int], households: set[int]) -> FamilySnapshot:
    if not people and not households:
        return s
    return replace(
        s,
        people=tuple(p for p in s.people if p.id not in people),
        partnerships=tuple(r for r in s.partnerships if r.a not in people and r.b not in people),
        parent_links=tuple(l for l in s.parent_links if l.parent not in people and l.child not in people),
        ties=tuple(t for t in s.ties if t.source not in people and t.target not in people),
        households=tuple(h for h in s.households if h.id not in households),
        residences=tuple(r for r in s.residences if r.person not in people and r.household not in households),
        involvements=tuple(i for i in s.involvements
                           if (i.person is None or i.person not in people)
                           and (i.household is None or i.household not in households)),
        risk_flags=tuple(f for f in s.risk_flags if f.person not in people),
        legal_statuses=tuple(l for l in s.legal_statuses if l.person not in people),
        events=tuple(
            replace(e, people=tuple(p for p in e.people if p not in people),
                    households=tuple(h for h in e.households if h not in households))
            for e in s.events
            # an event only about withheld people or households goes with them
            if not ((e.people or e.households)
                    and all(p in people for p in e.people) and all(h in households for h in e.households))
        ),
        _index={},
    )


def _freeze_as_at(s: FamilySnapshot, day: date) -> FamilySnapshot:
    """Resolve every date against ``day``, then forget the dates themselves."""
    alive = tuple(
        replace(p, birth=None, death=None, deceased=p.is_dead_on(day), birth_order=p.birth_order)
        for p in s.people if p.exists_on(day)
    )
    ids = {p.id for p in alive}
    # birth order must survive the loss of birth dates so siblings stay in order
    order = {p.id: n for n, p in enumerate(sorted(
        (p for p in s.people if p.id in ids),
        key=lambda p: (p.birth is None, p.birth.sort_key() if p.birth else "", p.id)))}
    alive = tuple(replace(p, birth_order=p.birth_order if p.birth_order is not None else order[p.id])
                  for p in alive)
    partnerships = []
    for r in s.partnerships:
        if r.a not in ids or r.b not in ids or not r.started_on(day):
            continue
        end_kind = r.end_kind
        if r.ended_on(day) and end_kind is PartnershipEnd.NONE:
            end_kind = PartnershipEnd.SEPARATED
        if not r.ended_on(day):
            end_kind = PartnershipEnd.NONE
        partnerships.append(replace(r, start=None, end=None, end_kind=end_kind))

    def current(items, *who):
        return tuple(replace(x, start=None, end=None) for x in items
                     if x.active_on(day) and all(getattr(x, w) in ids for w in who))

    links = tuple(replace(l, start=None, end=None) for l in s.parent_links
                  if l.parent in ids and l.child in ids and (l.end is None or l.end.representative() > day))
    inv = tuple(replace(i, start=None, end=None) for i in s.involvements
                if i.active_on(day) and (i.person is None or i.person in ids))
    events = tuple(replace(e, date=None, people=tuple(p for p in e.people if p in ids))
                   for e in s.events if e.date is None or e.date.representative() <= day)
    return replace(
        s, people=alive, partnerships=tuple(partnerships), parent_links=links,
        ties=current(s.ties, "source", "target"), residences=current(s.residences, "person"),
        involvements=inv, risk_flags=current(s.risk_flags, "person"),
        legal_statuses=current(s.legal_statuses, "person"), events=events, _index={},
    )


def _scrub_free_text(s: FamilySnapshot, scrub: _Scrubber) -> FamilySnapshot:
    if scrub.pattern is None:
        return s
    people = [replace(p, notes=scrub(p.notes), child_voice=scrub(p.child_voice), role=scrub(p.role))
              for p in s.people]
    households = []
    for n, h in enumerate(s.households, start=1):
        label = scrub(h.label)
        if label != h.label and (ADDRESS_WITHHELD in label or WITHHELD in label or NAME_WITHHELD in label):
            label = f"Household {n}"  # a label that was (part of) an address or a name
        households.append(replace(h, label=label, address=scrub(h.address)))
    return replace(
        s.with_people(people),
        households=tuple(households),
        ties=tuple(replace(t, notes=scrub(t.notes)) for t in s.ties),
        involvements=tuple(replace(i, notes=scrub(i.notes), role=scrub(i.role),
                                   worker_name=scrub(i.worker_name), agency_name=scrub(i.agency_name))
                           for i in s.involvements),
        risk_flags=tuple(replace(f, detail=scrub(f.detail), notes=scrub(f.notes), source=scrub(f.source))
                         for f in s.risk_flags),
        events=tuple(replace(e, title=scrub(e.title), description=scrub(e.description),
                             source=scrub(e.source)) for e in s.events),
        _index={},
    )


_TYPE_LABELS = {normalise(t.label) for t in HouseholdType} | {"household", "family home"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def suggested_filename(snapshot: FamilySnapshot, profile: RedactionProfile | str | None,
                       as_at: Optional[date], ext: str) -> str:
    """A safe file name built only from redacted values: never a person's name or address.

    ``genogram_CP-2024-0117_parents_2025-03-01.pdf``; the case title is not used
    (it usually holds the family's surname).
    """
    profile = get_profile(profile)
    parts = ["genogram"]
    ref = _UNSAFE.sub("-", snapshot.reference).strip("-._")
    if ref:
        parts.append(ref[:40])
    parts.append(_UNSAFE.sub("-", profile.name).strip("-") or "custom")
    if as_at is not None and not profile.hide_dates:
        parts.append(as_at.isoformat())
    return "_".join(parts) + "." + ext.lstrip(".")


# -- user-edited profiles stored in the GenoMap file (table ``redactionprofile``) -----------

def load_document_profiles(document) -> dict[str, RedactionProfile]:
    """The profiles saved in an open document, by name (empty for files without the table)."""
    from sqlmodel import select

    try:
        from genomap.model.tables import RedactionProfile as Row
    except ImportError:
        return {}
    out: dict[str, RedactionProfile] = {}
    with document.read() as session:
        for row in session.scalars(select(Row).order_by(Row.id)):
            try:
                data = json.loads(row.settings or "{}")
            except ValueError:
                raise RedactionError(f"redaction profile {row.name!r} in the file is damaged") from None
            out[row.name] = RedactionProfile.from_dict({**data, "name": row.name})
    return out


def save_document_profile(document, profile: RedactionProfile) -> None:
    """Save (or replace) a user-edited profile in the document, as one undoable edit."""
    from sqlmodel import select

    from genomap.model.tables import RedactionProfile as Row

    settings = {k: v for k, v in profile.to_dict().items() if k != "name"}
    text = json.dumps(settings, ensure_ascii=False, sort_keys=True)

    def write(session) -> None:
        row = session.scalars(select(Row).where(Row.name == profile.name)).first()
        if row is None:
            session.add(Row(name=profile.name, settings=text))
        else:
            row.settings = text
            session.add(row)

    document.edit(f"Save redaction profile '{profile.label or profile.name}'", write)


def delete_document_profile(document, name: str) -> None:
    """Remove a saved profile (built-in profiles are not stored and cannot be removed)."""
    from sqlmodel import select

    from genomap.model.tables import RedactionProfile as Row

    def write(session) -> None:
        row = session.scalars(select(Row).where(Row.name == name)).first()
        if row is None:
            raise RedactionError(f"there is no saved redaction profile {name!r}")
        session.delete(row)

    document.edit(f"Delete redaction profile '{name}'", write)
