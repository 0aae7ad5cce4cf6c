"""The significant adults register: every adult around one child, as at a date.

A school's Designated Safeguarding Lead needs more than the two names on the
admission form.  :func:`build_register` derives, from a
:class:`~genomap.store.snapshot.FamilySnapshot` and the stored register entries
(:class:`~genomap.model.tables.SignificantAdult`), the adults connected to a
child on a day:

* parents and carers of any kind (parent links not ended by the day);
* current partners of those parents; grandparents;
* every adult present, on the day, in a household where the child lives or
  stays (living there, staying, visiting);
* adults with a recorded tie to the child (including court-ordered contact and
  no-contact orders);
* adults added to the register directly.

Each row says how the adult is related to the child (:mod:`genomap.model.kinship`),
parental responsibility (from parent links), whether they live with the child,
the child stays with them, or they visit, contact arrangements and restrictions
(a ``no_contact_order`` tie reads "No contact (court order)"), may collect,
emergency-contact priority, risk markers (:mod:`genomap.analysis.risk`), notes
and when the entry was last checked.  Siblings of every kind are listed
alongside with the household they live in.

The derivation is pure; the small section at the end reads entries from and
writes them to a database session (edit functions for :mod:`genomap.commands`),
including :func:`add_adult`, which records a new adult *in the family map* with
the links that make the register derive them, so the genogram and the register
never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Optional, Sequence

from genomap.analysis.risk import HARM_KINDS, active_flags
from genomap.model.dates import PartialDate
from genomap.model.enums import (
    ContactRestriction, FactStatus, ParentLinkKind, PartnershipKind, ResidenceKind,
    Sex, TieKind, TriState,
)
from genomap.model.kinship import KinshipIndex, subject_children
from genomap.store.snapshot import FamilySnapshot

REVIEW_MONTHS = 12

# how the adult is present where the child is
LIVES_WITH = "lives_with"  # lives in the household where the child lives
CHILD_STAYS = "child_stays"  # lives where the child stays (e.g. weekends)
STAYS = "stays"  # stays overnight / regularly where the child lives or stays
VISITS = "visits"  # visits a household where the child lives or stays
PRESENCE_ORDER = (LIVES_WITH, CHILD_STAYS, STAYS, VISITS, "")

_STAY_KINDS = (ResidenceKind.STAYS_REGULARLY, ResidenceKind.STAYS_OVERNIGHT)
_CHILD_KINDS = (ResidenceKind.LIVES, *_STAY_KINDS)  # the child's own homes
_HARM_TIES = frozenset({TieKind.SEXUAL_ABUSE, TieKind.DOMESTIC_ABUSE_PHYSICAL,
                        TieKind.DOMESTIC_ABUSE_EMOTIONAL, TieKind.COERCIVE_CONTROL, TieKind.NEGLECT,
                        TieKind.HOSTILE})


# -- what is stored -----------------------------------------------------------------

@dataclass(frozen=True)
class RegisterEntry:
    """The stored register fields for one adult–child pair (a detached ``SignificantAdult``)."""

    child: int
    adult: int
    id: Optional[int] = None
    contact_arrangement: str = ""
    restriction: ContactRestriction = ContactRestriction.NONE
    may_collect: TriState = TriState.UNKNOWN
    emergency_priority: Optional[int] = None
    notes: str = ""
    last_checked: Optional[PartialDate] = None
    status: FactStatus = FactStatus.REPORTED
    source: str = ""


# -- what is derived ----------------------------------------------------------------

@dataclass(frozen=True)
class RiskMarker:
    """One active risk flag, or a harmful tie to the child, in words."""

    code: str  # "RSO", "MAPPA", "DA", "ABUSE"
    label: str  # "Registered sex offender"
    status: FactStatus
    detail: str = ""

    @property
    def text(self) -> str:
        return f"{self.code}: {self.label} ({self.status.label.lower()})"


@dataclass(frozen=True)
class AdultRow:
    """One line of the register."""

    person: int
    name: str
    relationship: str  # "Mother", "Mother's partner", "Visitor"
    category: str  # kinship category (parent, step, partner_of_parent, household...)
    reasons: tuple[str, ...]  # why listed: "parent", "partner of a parent", "household", "tie", "added"
    parental_responsibility: Optional[TriState]  # None: not a parent, so not applicable
    presence: str  # one of PRESENCE_ORDER
    presence_text: str  # "Lives with the child (4 Rowan Close)"
    households: tuple[int, ...]  # the child's households where they are present
    contact: str  # contact arrangement in words
    restrictions: tuple[str, ...]  # "No contact (court order)", "Supervised contact only"
    court_order: bool  # a no-contact or contact order is recorded as a tie
    may_collect: TriState  # what the school acts on (No when contact is barred)
    may_collect_recorded: TriState
    emergency_priority: Optional[int]
    risks: tuple[RiskMarker, ...]
    notes: str
    last_checked: Optional[PartialDate]
    entry_id: Optional[int] = None
    warnings: tuple[str, ...] = ()  # register and family map disagree, e.g. may collect + no contact
    vulnerabilities: tuple[RiskMarker, ...] = ()  # mental health / substance misuse flags (not harm)

    @property
    def has_risk(self) -> bool:
        return bool(self.risks)

    @property
    def no_contact(self) -> bool:
        return any(r.startswith("No contact") for r in self.restrictions)

    @property
    def risk_text(self) -> str:
        return "; ".join(r.text for r in self.risks)

    @property
    def pr_text(self) -> str:
        return "—" if self.parental_responsibility is None else self.parental_responsibility.label

    @property
    def priority_text(self) -> str:
        return "" if self.emergency_priority is None else str(self.emergency_priority)


@dataclass(frozen=True)
class SiblingRow:
    person: int
    name: str
    relationship: str  # "Half-sister", "Step-brother"
    kind: str  # full | half | adoptive | step | foster
    households: tuple[str, ...]  # where they live on the day
    lives_with_child: bool
    age: Optional[int] = None

    @property
    def household_text(self) -> str:
        where = ", ".join(self.households) or "Not recorded"
        return f"{where} (with the child)" if self.lives_with_child else where


@dataclass(frozen=True)
class Register:
    child: int
    child_name: str
    as_at: date
    homes: tuple[tuple[int, str, ResidenceKind], ...]  # the child's households: (id, label, kind)
    adults: tuple[AdultRow, ...]
    siblings: tuple[SiblingRow, ...]

    def adult(self, pid: int) -> AdultRow:
        for a in self.adults:
            if a.person == pid:
                return a
        raise KeyError(pid)

    @property
    def people(self) -> set[int]:
        return {a.person for a in self.adults}

    def due_for_review(self, today: Optional[date] = None, months: int = REVIEW_MONTHS) -> list[AdultRow]:
        """Entries never checked, or last checked more than ``months`` months before ``today``."""
        today = today or date.today()
        cutoff = _months_before(today, months)
        return [a for a in self.adults
                if a.last_checked is None or a.last_checked.representative() < cutoff]

    @property
    def homes_text(self) -> str:
        bits = []
        for _hid, label, kind in self.homes:
            bits.append(f"lives at {label}" if kind is ResidenceKind.LIVES else f"{kind.label.lower()} at {label}")
        return "; ".join(bits)


def _months_before(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    for d in (day.day, 28):
        try:
            return date(y, m, min(d, 28) if d == 28 else d)
        except ValueError:
            continue
    return date(y, m, 28)


def default_child(snap: FamilySnapshot) -> Optional[int]:
    """The first subject child of the family map (oldest first), or None."""
    subjects = subject_children(snap)
    return subjects[0] if subjects else None


def _is_adult(snap: FamilySnapshot, pid: int, day: date) -> bool:
    return snap.person(pid).is_adult_on(day)


def _alive_child(snap: FamilySnapshot, pid: int, day: date) -> bool:
    return snap.person(pid).is_living_on(day)


def build_register(snap: FamilySnapshot, child: int, as_at: Optional[date] = None,
                   entries: Iterable[RegisterEntry] = ()) -> Register:
    """The register of significant adults around ``child`` on ``as_at`` (default today)."""
    day = as_at or date.today()
    idx = KinshipIndex(snap, day)
    people = idx.people
    if child not in people:
        raise KeyError(f"person {child} is not in this family map")
    stored = {e.adult: e for e in entries if e.child == child and e.adult in people}
    labels = {h.id: h.label or "Household" for h in snap.households}
    reasons: dict[int, list[str]] = {}

    def add(pid: int, why: str) -> None:
        if pid != child and pid in people and _is_adult(snap, pid, day):
            bucket = reasons.setdefault(pid, [])
            if why not in bucket:
                bucket.append(why)

    # parents and carers (links not ended by the day)
    links = [l for l in snap.parent_links if l.child == child and l.parent in people
             and (l.start is None or l.start.representative() <= day)
             and (l.end is None or l.end.representative() > day)]
    for l in links:
        add(l.parent, "parent")
    # partners and parents of the child's legal parents (not of step-parents or foster carers)
    legal = {l.parent for l in links
             if l.kind in (ParentLinkKind.BIOLOGICAL, ParentLinkKind.ADOPTIVE, ParentLinkKind.KINSHIP)}
    # current partners of parents, and grandparents
    for parent in legal:
        for other, r in idx.partners.get(parent, []):
            if r.started_on(day) and not r.ended_on(day):
                add(other, "partner of a parent")
        for gp, kind in idx.parents.get(parent, {}).items():
            add(gp, "grandparent")
    # the child's homes on the day, and everyone present there
    homes: dict[int, ResidenceKind] = {}
    for r in snap.residences:
        if r.person == child and r.kind in _CHILD_KINDS and r.active_on(day):
            if homes.get(r.household) is not ResidenceKind.LIVES:
                homes[r.household] = r.kind
    present: dict[int, dict[int, set[ResidenceKind]]] = {}  # person -> {household: their kinds}
    for r in snap.residences:
        if r.household in homes and r.person != child and r.active_on(day):
            present.setdefault(r.person, {}).setdefault(r.household, set()).add(r.kind)
            add(r.person, "household")
    # ties with the child
    ties: dict[int, list] = {}
    for t in snap.ties:
        if child in (t.source, t.target) and t.active_on(day):
            other = t.target if t.source == child else t.source
            ties.setdefault(other, []).append(t)
            add(other, "tie")
    for pid in stored:
        add(pid, "added")

    flags = active_flags(snap, day)
    rows = []
    for pid, why in reasons.items():
        p = people[pid]
        kin = idx.kinship(pid, child)
        my_links = [l for l in links if l.parent == pid]
        pr: Optional[TriState] = None
        if my_links:
            values = {l.parental_responsibility for l in my_links}
            pr = (TriState.YES if TriState.YES in values else
                  TriState.NO if values == {TriState.NO} else TriState.UNKNOWN)
        presence, presence_text, hh = _presence(present.get(pid, {}), homes, labels)
        entry = stored.get(pid)
        restrictions: list[str] = []
        contact_bits: list[str] = []
        court = False
        risks: list[RiskMarker] = []
        for t in sorted(ties.get(pid, ()), key=lambda t: t.id):
            if t.kind is TieKind.NO_CONTACT_ORDER:
                court = True
                restrictions.append("No contact (court order)")
            elif t.kind is TieKind.COURT_ORDERED_CONTACT:
                court = True
                contact_bits.append("Contact by court order" + (f": {t.notes}" if t.notes else ""))
            elif t.kind in _HARM_TIES and t.source == pid:
                risks.append(RiskMarker("HARM", f"{t.kind.label} of the child", t.status))
        if entry is not None:
            if entry.restriction is not ContactRestriction.NONE:
                text = entry.restriction.label
                if text not in restrictions and not (entry.restriction is ContactRestriction.NO_CONTACT
                                                     and court):
                    restrictions.append(text)
            if entry.contact_arrangement:
                contact_bits.insert(0, entry.contact_arrangement)
        vulnerabilities = []
        for f in flags.get(pid, ()):
            marker = RiskMarker(f.kind.short_code, f.kind.label, f.status, f.detail)
            if f.kind in HARM_KINDS:  # flags first (most serious first), then harmful ties to the child
                risks.insert(len([r for r in risks if r.code != "HARM"]), marker)
            else:  # a parent's vulnerability (mental health, substance misuse): noted, not a risk marker
                vulnerabilities.append(marker)
        recorded = entry.may_collect if entry is not None else TriState.UNKNOWN
        barred = any(r.startswith("No contact") for r in restrictions)
        may_collect = TriState.NO if barred else recorded
        warnings = []
        if barred and recorded is TriState.YES:
            warnings.append("Recorded as allowed to collect, but contact is barred")
        if recorded is TriState.YES and any(f.kind in HARM_KINDS for f in flags.get(pid, ())):
            warnings.append("Allowed to collect, but has a risk flag")
        rows.append(AdultRow(
            person=pid, name=p.name, relationship=kin.label, category=kin.category, reasons=tuple(why),
            parental_responsibility=pr, presence=presence, presence_text=presence_text, households=hh,
            contact="; ".join(contact_bits), restrictions=tuple(restrictions), court_order=court,
            may_collect=may_collect, may_collect_recorded=recorded,
            emergency_priority=entry.emergency_priority if entry else None, risks=tuple(risks),
            notes=entry.notes if entry else "", last_checked=entry.last_checked if entry else None,
            entry_id=entry.id if entry else None, warnings=tuple(warnings), vulnerabilities=tuple(vulnerabilities),
        ))
    rows.sort(key=lambda a: (_group(a), PRESENCE_ORDER.index(a.presence), a.relationship, a.name, a.person))

    siblings = []
    for sib, how in idx.siblings_of(child).items():
        if not _alive_child(snap, sib, day):
            continue
        s = people[sib]
        lives = [r.household for r in snap.residences
                 if r.person == sib and r.kind is ResidenceKind.LIVES and r.active_on(day)]
        siblings.append(SiblingRow(
            person=sib, name=s.name, relationship=idx.kinship(sib, child).label, kind=how,
            households=tuple(labels.get(h, "Household") for h in lives),
            lives_with_child=any(homes.get(h) is ResidenceKind.LIVES for h in lives), age=s.age_on(day),
        ))
    siblings.sort(key=lambda s: (["full", "half", "adoptive", "step", "foster"].index(s.kind)
                                 if s.kind in ("full", "half", "adoptive", "step", "foster") else 9,
                                 -(s.age or 0), s.name))
    home_rows = tuple(sorted(((h, labels.get(h, "Household"), k) for h, k in homes.items()),
                             key=lambda x: (x[2] is not ResidenceKind.LIVES, x[1])))
    return Register(child, people[child].name, day, home_rows, tuple(rows), tuple(siblings))


def _group(a: AdultRow) -> int:
    if "parent" in a.reasons:
        return 0
    if a.presence in (LIVES_WITH, CHILD_STAYS) or "partner of a parent" in a.reasons:
        return 1
    if a.presence:
        return 2
    if "grandparent" in a.reasons or a.category in ("grandparent", "extended"):
        return 3
    return 4


def _presence(mine: dict[int, set[ResidenceKind]], homes: dict[int, ResidenceKind],
              labels: dict[int, str]) -> tuple[str, str, tuple[int, ...]]:
    """How an adult is present in the child's homes, strongest first, in words."""
    found: list[tuple[int, str, str]] = []
    for hid, kinds in mine.items():
        child_kind = homes[hid]
        where = labels.get(hid, "Household")
        for kind in kinds:
            if kind is ResidenceKind.LIVES and child_kind is ResidenceKind.LIVES:
                found.append((0, LIVES_WITH, f"Lives with the child ({where})"))
            elif kind is ResidenceKind.LIVES:
                found.append((1, CHILD_STAYS, f"Child {child_kind.label.lower()} at their home ({where})"))
            elif kind in _STAY_KINDS:
                found.append((2, STAYS, f"{kind.label} at {where}"))
            else:
                found.append((3, VISITS, f"Visits {where}"))
    if not found:
        return "", "", ()
    found.sort()
    text = "; ".join(dict.fromkeys(t for _, _, t in found))
    return found[0][1], text, tuple(sorted(mine))


# -- register rows as plain text (CLI, PDF, checks) -------------------------------------

COLUMNS = ("Name", "Relationship", "PR", "Where", "Contact / restrictions", "May collect", "Priority",
           "Risk", "Notes", "Last checked")


def restriction_text(a: AdultRow) -> str:
    bits = [*(r.upper() if r.startswith("No contact") else r for r in a.restrictions)]
    if a.contact:
        bits.append(a.contact)
    return "; ".join(bits)


def row_texts(a: AdultRow) -> tuple[str, ...]:
    """One register row as the texts of :data:`COLUMNS`."""
    risk = ("⚠ " + a.risk_text) if a.risks else ""
    collect = a.may_collect.label if a.may_collect is not TriState.UNKNOWN else "Not recorded"
    if a.may_collect_recorded is TriState.YES and a.may_collect is TriState.NO:
        collect = "No (contact barred)"
    notes = "; ".join([*(f"{v.label} ({v.status.label.lower()})" for v in a.vulnerabilities),
                       *([a.notes] if a.notes else [])])
    return (a.name, a.relationship, a.pr_text, a.presence_text or "—", restriction_text(a) or "—", collect,
            a.priority_text, risk, notes, fmt_day(a.last_checked) or "Never")


def fmt_day(d) -> str:
    if d is None:
        return ""
    if isinstance(d, PartialDate):
        if not d.is_exact_day:
            return str(d)
        d = d.representative()
    return f"{d.day} {d:%b %Y}"


def format_table(reg: Register, today: Optional[date] = None) -> str:
    """The register as a plain-text table (the CLI's output)."""
    lines = [f"Significant adults around {reg.child_name}, as at {fmt_day(reg.as_at)}"]
    if reg.homes:
        lines.append(f"The child {reg.homes_text}.")
    lines.append("")
    rows = [COLUMNS[:8] + ("Last checked",)] + [row_texts(a)[:8] + (row_texts(a)[9],) for a in reg.adults]
    lines += _grid(rows)
    for a in reg.adults:
        for w in a.warnings:
            lines.append(f"! {a.name}: {w}")
    if reg.siblings:
        lines += ["", "Brothers and sisters"]
        lines += _grid([("Name", "Relationship", "Lives at")] +
                       [(s.name, s.relationship, s.household_text) for s in reg.siblings])
    due = reg.due_for_review(today)
    lines += ["", f"Annual review: {len(due)} entr{'y' if len(due) == 1 else 'ies'} not checked in the last "
              f"{REVIEW_MONTHS} months"]
    for a in due:
        lines.append(f"  - {a.name} ({a.relationship}): last checked {fmt_day(a.last_checked) or 'never'}")
    return "\n".join(lines)


def _grid(rows: Sequence[Sequence[str]], max_w: int = 34) -> list[str]:
    cells = [[(c if len(c) <= max_w else c[:max_w - 1] + "…") for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    out = []
    for n, r in enumerate(cells):
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


# -- reading and writing entries (sessions; used by the UI, CLI and commands) ------------

def load_entries(session, child: Optional[int] = None) -> list[RegisterEntry]:
    """The stored register entries (for one child, or all)."""
    from sqlmodel import select

    from genomap.model.tables import SignificantAdult

    q = select(SignificantAdult)
    if child is not None:
        q = q.where(SignificantAdult.child_id == child)
    return [_entry(r) for r in session.scalars(q.order_by(SignificantAdult.id))]


def _entry(r) -> RegisterEntry:
    return RegisterEntry(
        child=r.child_id, adult=r.adult_id, id=r.id, contact_arrangement=r.contact_arrangement,
        restriction=r.restriction, may_collect=r.may_collect, emergency_priority=r.emergency_priority,
        notes=r.notes, last_checked=r.last_checked, status=r.status, source=r.source,
    )


def register_for(document, case_id: int, child: Optional[int] = None,
                 as_at: Optional[date] = None) -> Register:
    """Read the family map and the stored entries and build the register (default: subject child)."""
    snap = document.snapshot(case_id)
    child = child if child is not None else default_child(snap)
    if child is None:
        raise KeyError("this family map has no subject child; choose a child")
    with document.read() as session:
        entries = load_entries(session, child)
    return build_register(snap, child, as_at, entries)


REGISTER_FIELDS = ("contact_arrangement", "restriction", "may_collect", "emergency_priority", "notes",
                   "last_checked", "status", "source", "source_agency", "source_date")


def set_entry(session, child: int, adult: int, **fields: Any) -> int:
    """Create or update the register entry for ``adult`` around ``child``; returns its id."""
    from sqlmodel import select

    from genomap.commands.base import CommandError
    from genomap.commands.edits import coerce_value, update_fields
    from genomap.model.tables import Person, SignificantAdult

    unknown = set(fields) - set(REGISTER_FIELDS)
    if unknown:
        raise CommandError(f"the register has no field {sorted(unknown)[0]!r}")
    if child == adult:
        raise CommandError("A child is not their own significant adult")
    for pid in (child, adult):
        if session.get(Person, pid) is None:
            raise CommandError("That person no longer exists (they may have been deleted)")
    if "emergency_priority" in fields:
        fields["emergency_priority"] = _priority(fields["emergency_priority"])
    row = session.scalars(select(SignificantAdult).where(
        SignificantAdult.child_id == child, SignificantAdult.adult_id == adult)).first()
    if row is None:
        row = SignificantAdult(child_id=child, adult_id=adult)
        for name, value in fields.items():
            setattr(row, name, coerce_value(SignificantAdult, name, value))
        session.add(row)
        session.flush()
        return row.id
    update_fields(session, SignificantAdult, row.id, **fields)
    return row.id


def _priority(value: Any) -> Optional[int]:
    from genomap.commands.base import CommandError

    if value in (None, "", 0, "0"):
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        raise CommandError(f"Emergency-contact priority is a number (1 = call first), not {value!r}") from None
    if n < 1 or n > 99:
        raise CommandError("Emergency-contact priority is a number from 1 (call first) to 99")
    return n


def mark_checked(session, child: int, adults: Iterable[int], day: Optional[date] = None) -> int:
    """Record that these entries were checked on ``day`` (today); returns how many."""
    day = day or date.today()
    n = 0
    for adult in dict.fromkeys(adults):
        set_entry(session, child, adult, last_checked=PartialDate.from_date(day))
        n += 1
    return n


# the quick "Add adult" form's relationships: key -> label
RELATIONSHIPS: dict[str, str] = {
    "mother": "Mother",
    "father": "Father",
    "step_parent": "Step-parent (married to / civil partner of a parent)",
    "parents_partner": "Parent's partner",
    "grandparent": "Grandparent",
    "aunt_uncle": "Aunt or uncle",
    "family_friend": "Family friend",
    "other": "Other adult",
}
NEEDS_PARENT = frozenset({"step_parent", "parents_partner", "grandparent", "aunt_uncle"})
HAS_PR = frozenset({"mother", "father", "step_parent"})
# restriction choices in the form: key -> (label, stored restriction, tie kind or None)
RESTRICTIONS: dict[str, tuple[str, ContactRestriction, Optional[TieKind]]] = {
    "none": ("None", ContactRestriction.NONE, None),
    "supervised": ("Supervised contact only", ContactRestriction.SUPERVISED, None),
    "no_contact": ("No contact (agreed / safety plan)", ContactRestriction.NO_CONTACT, None),
    "no_contact_order": ("No contact — court order", ContactRestriction.NONE, TieKind.NO_CONTACT_ORDER),
    "contact_order": ("Contact by court order", ContactRestriction.NONE, TieKind.COURT_ORDERED_CONTACT),
    "other": ("Other restriction (see notes)", ContactRestriction.OTHER, None),
}


def split_name(name: str) -> tuple[str, str]:
    """"Jo Ann Smith" -> ("Jo Ann", "Smith"); one word is a given name."""
    parts = name.split()
    if len(parts) <= 1:
        return (parts[0] if parts else "", "")
    return " ".join(parts[:-1]), parts[-1]


def add_adult(session, case_id: int, child: int, name: str, relationship: str,
              parent: Optional[int] = None, sex: Any = Sex.UNKNOWN, household: Optional[int] = None,
              arrangement: Any = ResidenceKind.LIVES, parental_responsibility: Any = TriState.UNKNOWN,
              may_collect: Any = TriState.UNKNOWN, restriction: str = "none", emergency_priority: Any = None,
              contact_arrangement: str = "", notes: str = "", role: str = "") -> int:
    """Add a new adult around ``child``: the person, the family-map links that make the
    register (and the genogram) show them, and their register entry.  Returns the person id.

    ``relationship`` is a key of :data:`RELATIONSHIPS`.  Mother/father: a biological
    parent link (with ``parental_responsibility``).  Step-parent: a marriage to
    ``parent`` and a step parent link.  Parent's partner: a partnership with
    ``parent`` (cohabiting when they live in the child's household, else dating).
    Grandparent: a parent link to ``parent``.  Aunt/uncle: a child of ``parent``'s
    recorded parents.  ``household`` adds a residence (``arrangement``: lives,
    stays overnight, visits...).  A court-ordered restriction becomes a tie.
    """
    from genomap.commands.base import CommandError
    from genomap.commands import edits
    from genomap.model.tables import ParentLink, Person, Residence

    name = " ".join(name.split())
    if not name:
        raise CommandError("The adult needs a name")
    if relationship not in RELATIONSHIPS:
        raise CommandError(f"Choose how the adult is related to the child ({relationship!r} is not a choice)")
    if restriction not in RESTRICTIONS:
        raise CommandError(f"{restriction!r} is not a restriction GenoMap knows")
    if relationship in NEEDS_PARENT and parent is None:
        raise CommandError("Choose which of the child's parents this adult is related to")
    if session.get(Person, child) is None:
        raise CommandError("That child no longer exists (they may have been deleted)")
    sex = edits.coerce_value(Person, "sex", sex or Sex.UNKNOWN)
    if relationship == "mother":
        sex = Sex.FEMALE
    elif relationship == "father":
        sex = Sex.MALE
    given, family = split_name(name)
    roles = {"family_friend": "Family friend", "other": ""}
    pid = edits.add_person(session, case_id, role=role or roles.get(relationship, ""),
                           given_names=given, family_name=family, sex=sex)
    arrangement = edits.coerce_value(Residence, "kind", arrangement)
    pr = edits.coerce_value(ParentLink, "parental_responsibility", parental_responsibility)
    if relationship in ("mother", "father"):
        edits.add_parent_link(session, pid, child, ParentLinkKind.BIOLOGICAL, parental_responsibility=pr)
    elif relationship == "step_parent":
        edits.add_partnership(session, *_ordered(session, pid, parent), PartnershipKind.MARRIED)
        edits.add_parent_link(session, pid, child, ParentLinkKind.STEP, parental_responsibility=pr)
    elif relationship == "parents_partner":
        cohabits = household is not None and arrangement is ResidenceKind.LIVES
        edits.add_partnership(session, *_ordered(session, pid, parent),
                              PartnershipKind.COHABITING if cohabits else PartnershipKind.DATING)
    elif relationship == "grandparent":
        edits.add_parent_link(session, pid, parent, ParentLinkKind.BIOLOGICAL)
    elif relationship == "aunt_uncle":
        grand = [l for l in edits.parent_links_of(session, parent)
                 if l.kind in (ParentLinkKind.BIOLOGICAL, ParentLinkKind.ADOPTIVE)]
        for l in grand:
            edits.add_parent_link(session, l.parent_id, pid, l.kind)
        if not grand:  # no grandparents recorded: the relationship is said in the role
            side = {Sex.MALE: "Paternal ", Sex.FEMALE: "Maternal "}.get(session.get(Person, parent).sex, "")
            word = {Sex.MALE: "uncle", Sex.FEMALE: "aunt"}.get(sex, "aunt/uncle")
            edits.set_membership(session, case_id, pid, role=f"{side}{word}".strip().capitalize())
    if household is not None:
        edits.set_household(session, pid, household, kind=arrangement)
    label, stored, tie = RESTRICTIONS[restriction]
    if tie is not None:
        edits.add_tie(session, pid, child, tie, status=FactStatus.CONFIRMED, source="Court order")
    set_entry(session, child, pid, restriction=stored, may_collect=may_collect,
              emergency_priority=emergency_priority, contact_arrangement=contact_arrangement, notes=notes)
    return pid


def _ordered(session, a: int, b: int) -> tuple[int, int]:
    """Male on the left of a partnership line, like :func:`genomap.commands.edits.add_partner`."""
    from genomap.model.tables import Person

    pa, pb = session.get(Person, a), session.get(Person, b)
    if pa is not None and pb is not None and pa.sex is Sex.FEMALE and pb.sex is Sex.MALE:
        return b, a
    return a, b


def add_adult_command(case_id: int, child: int, **kwargs):
    """The undoable :class:`~genomap.commands.Command` for :func:`add_adult`."""
    from genomap.commands import command

    return command(f"Add {kwargs.get('name', 'adult')} to the register", add_adult, case_id, child, **kwargs)


def set_entry_command(child: int, adult: int, **fields):
    from genomap.commands import command

    return command("Edit the significant adults register", set_entry, child, adult, **fields)


def mark_checked_command(child: int, adults: Sequence[int], day: Optional[date] = None):
    from genomap.commands import command

    n = len(adults)
    return command(f"Mark {n} register entr{'y' if n == 1 else 'ies'} checked", mark_checked, child,
                   list(adults), day)
