"""GEDCOM 5.5.1 export of one family map (UTF-8), for genealogy programs.

What GEDCOM can hold is written with standard tags: people (NAME with
GIVN/SURN/NICK, further names as ``TYPE aka``, SEX, BIRT/DEAT with dates,
NOTE), partnerships as FAM records (MARR, ENGA, DIV with dates; HUSB is the
partnership's first person and WIFE its second, whatever their sex), children
with their pedigree (``FAMC`` + ``PEDI adopted|foster``) and residences (RESI
with ADDR and ``FROM .. TO`` dates).  GenoMap details without a standard tag
use underscore tags that GenoMap's importer reads back and other programs
keep or ignore: ``_GMKIND`` (cohabiting, civil partnership...), ``_SEPR``
(separated), ``_GMEND`` (widowed, or an end date without a divorce),
``_GMLIVING`` (separated but living together), ``_GMLINK`` (step, kinship)
and ``_GMSEX other``.

Children are grouped into the family of the partnership of their two parents
when both links are of the same kind; any other parent link gets a family of
its own with that single parent, so re-importing gives back exactly the same
people, partnerships and parent-child links.

Everything else (ties, agencies, risk flags, events, households' types...)
has no GEDCOM home: use the JSON exchange format for a lossless copy.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Iterable

from sqlalchemy import select

from genomap import __version__
from genomap.formats.exchange import write_text_atomically
from genomap.formats.gedcom_dates import format_gedcom_date, format_gedcom_period
from genomap.model import tables as T
from genomap.model.dates import MONTHS
from genomap.model.enums import (
    ParentLinkKind, PartnershipEnd, PartnershipKind, ResidenceKind, Sex,
)

MAX_LINE_VALUE = 200  # characters per line before CONC (GEDCOM 5.5.1 allows 255 bytes per line)

_SEX = {Sex.MALE: "M", Sex.FEMALE: "F", Sex.UNKNOWN: "U", Sex.OTHER: "U"}
_PEDI = {ParentLinkKind.ADOPTIVE: "adopted", ParentLinkKind.FOSTER: "foster"}


def _clean(value: str) -> str:
    """One-line value: no line breaks, and a leading '@' escaped as '@@'."""
    v = " ".join(str(value).split())
    return "@" + v if v.startswith("@") else v


def _split_long(text: str, limit: int) -> list[str]:
    """Split text into chunks for CONC, never next to a space (some readers trim spaces)."""
    chunks = []
    while len(text) > limit:
        cut = limit
        while cut > limit // 2 and (text[cut - 1] == " " or text[cut] == " "):
            cut -= 1
        if cut <= limit // 2:
            cut = limit
        chunks.append(text[:cut])
        text = text[cut:]
    chunks.append(text)
    return chunks


def text_lines(level: int, tag: str, text: str) -> list[str]:
    """A possibly multi-line text value as a tag line plus CONT/CONC lines."""
    out: list[str] = []
    for i, para in enumerate(str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        chunks = _split_long(para, MAX_LINE_VALUE)
        for j, chunk in enumerate(chunks):
            if chunk.startswith("@"):
                chunk = "@" + chunk
            if i == 0 and j == 0:
                out.append(f"{level} {tag} {chunk}".rstrip() if chunk else f"{level} {tag}")
            else:
                sub = "CONT" if j == 0 else "CONC"
                out.append(f"{level + 1} {sub} {chunk}".rstrip() if chunk else f"{level + 1} {sub}")
    return out


def _today() -> str:
    d = date.today()
    return f"{d.day} {MONTHS[d.month - 1].upper()} {d.year}"


def export_gedcom_text(document, case_id: int) -> str:
    """The GEDCOM text of case ``case_id``."""
    with document.read() as s:
        case = s.get(T.Case, case_id)
        if case is None:
            from genomap.errors import UserFacingError

            raise UserFacingError(f"there is no family map with id {case_id} in this file")
        members = select(T.CaseMember.person_id).where(T.CaseMember.case_id == case_id)
        people = list(s.scalars(select(T.Person).where(T.Person.id.in_(members)).order_by(T.Person.id)))
        parts = list(s.scalars(select(T.Partnership).where(
            T.Partnership.person_a_id.in_(members), T.Partnership.person_b_id.in_(members))
            .order_by(T.Partnership.id)))
        links = list(s.scalars(select(T.ParentLink).where(
            T.ParentLink.parent_id.in_(members), T.ParentLink.child_id.in_(members)).order_by(T.ParentLink.id)))
        res = list(s.scalars(select(T.Residence).where(T.Residence.person_id.in_(members))
                             .order_by(T.Residence.id)))
        households = {h.id: h for h in s.scalars(select(T.Household).where(
            T.Household.id.in_({r.household_id for r in res})))} if res else {}
        return _write(case, people, parts, links, res, households)


def _write(case, people, parts, links, residences, households) -> str:
    iid = {p.id: f"@I{i}@" for i, p in enumerate(people, start=1)}
    families: list[dict] = []  # {"partnership": P|None, "husb": pid|None, "wife": pid|None, "children": [(cid, kind)]}
    fam_of_part = {}
    for p in parts:
        fam = {"partnership": p, "husb": p.person_a_id, "wife": p.person_b_id, "children": []}
        fam_of_part[p.id] = fam
        families.append(fam)
    by_child: dict[int, list[T.ParentLink]] = defaultdict(list)
    for l in links:
        by_child[l.child_id].append(l)
    single: dict[tuple[int, ParentLinkKind], dict] = {}
    sex = {p.id: p.sex for p in people}
    for child_id in sorted(by_child):
        remaining = list(by_child[child_id])
        for p in parts:
            pair = {p.person_a_id, p.person_b_id}
            for kind in ParentLinkKind:
                mine = [l for l in remaining if l.parent_id in pair and l.kind is kind]
                if {l.parent_id for l in mine} == pair:
                    fam_of_part[p.id]["children"].append((child_id, kind))
                    remaining = [l for l in remaining if l not in mine]
        for l in remaining:
            key = (l.parent_id, l.kind)
            if key not in single:
                fam = {"partnership": None, "husb": None, "wife": None, "children": []}
                if sex.get(l.parent_id) is Sex.FEMALE:
                    fam["wife"] = l.parent_id
                else:
                    fam["husb"] = l.parent_id
                single[key] = fam
                families.append(fam)
            single[key]["children"].append((child_id, l.kind))
    fid = {id(f): f"@F{i}@" for i, f in enumerate(families, start=1)}
    famc: dict[int, list[tuple[str, ParentLinkKind]]] = defaultdict(list)
    fams: dict[int, list[str]] = defaultdict(list)
    for f in families:
        for who in (f["husb"], f["wife"]):
            if who is not None:
                fams[who].append(fid[id(f)])
        for child_id, kind in f["children"]:
            famc[child_id].append((fid[id(f)], kind))
    res_by_person: dict[int, list[T.Residence]] = defaultdict(list)
    for r in residences:
        res_by_person[r.person_id].append(r)

    out = [
        "0 HEAD", "1 SOUR GENOMAP", "2 NAME GenoMap", f"2 VERS {__version__}", f"1 DATE {_today()}",
        "1 GEDC", "2 VERS 5.5.1", "2 FORM LINEAGE-LINKED", "1 CHAR UTF-8", "1 SUBM @U1@",
    ]
    if case.title:
        out += text_lines(1, "NOTE", f"GenoMap family map: {case.title}")
    out += ["0 @U1@ SUBM", f"1 NAME {_clean(case.author) or 'GenoMap user'}"]
    for p in people:
        out.append(f"0 {iid[p.id]} INDI")
        out.append(f"1 NAME {_clean(p.given_names)} /{_clean(p.family_name).replace('/', '-')}/".replace("  ", " "))
        if p.given_names:
            out.append(f"2 GIVN {_clean(p.given_names)}")
        if p.family_name:
            out.append(f"2 SURN {_clean(p.family_name)}")
        if p.known_as:
            out.append(f"2 NICK {_clean(p.known_as)}")
        for alias in (a.strip() for a in p.aliases.split(";")):
            if alias:
                out += [f"1 NAME {_clean(alias)}", "2 TYPE aka"]
        out.append(f"1 SEX {_SEX[p.sex]}")
        if p.sex is Sex.OTHER:
            out.append("1 _GMSEX other")
        if p.birth is not None:
            out += ["1 BIRT", f"2 DATE {format_gedcom_date(p.birth)}"]
        if p.death is not None:
            out += ["1 DEAT", f"2 DATE {format_gedcom_date(p.death)}"]
        elif p.deceased:
            out.append("1 DEAT Y")
        for r in res_by_person.get(p.id, []):
            h = households.get(r.household_id)
            if h is None or r.kind is not ResidenceKind.LIVES:
                continue
            out.append("1 RESI")
            out += text_lines(2, "ADDR", h.address or h.label or "(unknown address)")
            when = format_gedcom_period(r.start, r.end)
            if when:
                out.append(f"2 DATE {when}")
        if p.notes:
            out += text_lines(1, "NOTE", p.notes)
        for f, kind in famc.get(p.id, []):
            out.append(f"1 FAMC {f}")
            if kind in _PEDI:
                out.append(f"2 PEDI {_PEDI[kind]}")
            elif kind is not ParentLinkKind.BIOLOGICAL:
                out.append(f"2 _GMLINK {kind.value}")
        for f in fams.get(p.id, []):
            out.append(f"1 FAMS {f}")
    for f in families:
        out.append(f"0 {fid[id(f)]} FAM")
        if f["husb"] is not None:
            out.append(f"1 HUSB {iid[f['husb']]}")
        if f["wife"] is not None:
            out.append(f"1 WIFE {iid[f['wife']]}")
        p = f["partnership"]
        if p is not None:
            out += _partnership_lines(p)
        for child_id, _kind in f["children"]:
            out.append(f"1 CHIL {iid[child_id]}")
    out.append("0 TRLR")
    return "\n".join(out) + "\n"


def _date_line(level: int, d) -> list[str]:
    return [f"{level} DATE {format_gedcom_date(d)}"] if d is not None else []


def _partnership_lines(p: T.Partnership) -> Iterable[str]:
    out: list[str] = []
    if p.kind is PartnershipKind.MARRIED:
        out += ["1 MARR"] + _date_line(2, p.start)
    elif p.kind is PartnershipKind.ENGAGED:
        out += ["1 ENGA"] + _date_line(2, p.start)
    elif p.kind is PartnershipKind.CIVIL_PARTNERSHIP:
        out += ["1 MARR", "2 TYPE Civil partnership"] + _date_line(2, p.start)
    else:  # cohabiting, dating: no standard tag
        out += [f"1 _GMKIND {p.kind.value}"] + _date_line(2, p.start)
    if p.end_kind is PartnershipEnd.DIVORCED:
        out += ["1 DIV"] + _date_line(2, p.end)
    elif p.end_kind is PartnershipEnd.SEPARATED:
        out += ["1 _SEPR"] + _date_line(2, p.end)
    elif p.end_kind is PartnershipEnd.WIDOWED or p.end is not None:
        out += [f"1 _GMEND {p.end_kind.value}"] + _date_line(2, p.end)
    if p.living_together:
        out.append("1 _GMLIVING Y")
    if p.notes:
        out += text_lines(1, "NOTE", p.notes)
    return out


def export_gedcom(document, case_id: int, path) -> Path:
    """Write case ``case_id`` as a GEDCOM 5.5.1 file (UTF-8), atomically."""
    return write_text_atomically(Path(path), export_gedcom_text(document, case_id))
