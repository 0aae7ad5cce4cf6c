"""GEDCOM 5.5.1 / 7.0 import: a careful reader and a mapping onto the GenoMap model.

Why a reader of our own: the Python GEDCOM libraries on PyPI were checked
(ged4py, python-gedcom, gedcom7, ...).  The most complete, ged4py, reads byte
lines and so cannot read UTF-16 files, stops at the first syntax error, and
does not keep line numbers on records; the others decode line by line (a
CONC that splits a UTF-8 character breaks them) or read only one GEDCOM
version.  GenoMap needs every problem reported with its line number and
everything imported or nothing, so the tokenizer below is small and strict
about structure, lenient about what real files contain.  ANSEL decoding
(including combining diacritics) uses the ``ansel`` codec package.

Reading, in order:

1. **Encoding.**  A BOM wins (UTF-8, UTF-16 LE/BE); UTF-16 without BOM is
   recognised from the leading ``0``; otherwise ``HEAD.CHAR`` names it
   (UTF-8, UNICODE, ANSEL, ASCII, ANSI/cp1252, IBMPC, MACINTOSH, LATIN1);
   GEDCOM 7 and files without CHAR are UTF-8.  ``encoding=`` overrides.
2. **Lines.**  Split at CR, LF or CRLF, kept as bytes; ``level [@xref@] TAG
   [value]``.  Values stay bytes until CONC/CONT are joined, so a CONC that
   splits a multi-byte character is reassembled before decoding.  A line that
   is not GEDCOM (a stray line break in a note) is appended to the previous
   value with a warning; a level that jumps by more than one is an error.
3. **Whole file.**  It must start with ``0 HEAD`` and end with ``0 TRLR``; a
   missing trailer means the file was truncated: error, nothing imported.

Mapping (see ``docs/exchange-format.md`` for the full table): INDI -> person
(NAME/GIVN/SURN, NICK and further names -> known-as/aliases, SEX, BIRT/DEAT
dates, NOTE, RESI -> household + residence), FAM -> partnership (HUSB/WIFE,
MARR -> married, ENGA -> engaged, DIV -> divorced, _SEPR -> separated) and
parent links for each CHIL, with the pedigree from ``INDI.FAMC.PEDI``
(birth, adopted, foster, ...) or ``FAM.CHIL._FREL/_MREL``.  Every other tag
is written into the person's (or partnership's) notes as GEDCOM-like text
and counted in the report; pure bookkeeping (CHAN, RIN, _UID, ...) is
counted in the report only.

Problems in the data itself are warnings, not failures: a broken
cross-reference skips that link; a parent link that would make someone their
own ancestor is skipped (the model forbids it) and reported with the line of
the CHIL/FAMC that made it; a date GenoMap cannot hold is kept in notes.
With ``strict=True`` those become errors and nothing is imported.
"""

from __future__ import annotations

import codecs
import re
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from genomap.formats.common import (
    CancelFlag, ImportFailed, ImportReport, Progress, ProgressFn, target_case_bulk,
)
from genomap.formats.gedcom_dates import GedcomDate, parse_gedcom_date
from genomap.model import tables as T
from genomap.model.dates import PartialDate
from genomap.model.enums import (
    FactStatus, HouseholdType, ParentLinkKind, PartnershipEnd, PartnershipKind, ResidenceKind, Sex,
)

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_LINE_BYTES = 1024 * 1024  # one physical line; longer means a broken or hostile file
MAX_LEVEL = 99
MAX_NAME = 200
MAX_ADDRESS = 2000
MAX_NOTES = 200_000  # characters of notes per person / partnership
MAX_VALUE = 1_000_000  # one assembled value (after CONC/CONT)

UNMARRIED_FAMILY_KIND = PartnershipKind.DATING
"""A FAM with two partners but no MARR/ENGA: GEDCOM does not say what kind of
union it was, so it is recorded as the least specific kind, dating/intimate."""

BOOKKEEPING = {"CHAN", "RIN", "_UID", "UID", "SUBM", "SUBN", "AFN", "_UPD", "CREA", "EXID", "SCHMA",
               "_FSFTID", "_PRIM"}

_CHARSETS = {
    "UTF-8": "utf-8", "UTF8": "utf-8", "UNICODE": "utf-8", "ANSEL": "gedcom",
    "ASCII": "ascii", "US-ASCII": "ascii", "ANSI": "cp1252", "WINDOWS-1252": "cp1252",
    "CP1252": "cp1252", "WINDOWS": "cp1252", "IBMPC": "cp437", "IBM PC": "cp437",
    "IBM WINDOWS": "cp1252", "MACINTOSH": "mac_roman", "MAC": "mac_roman", "LATIN1": "latin-1",
    "LATIN-1": "latin-1", "ISO-8859-1": "latin-1", "ISO8859-1": "latin-1", "ISO-8859-15": "iso8859-15",
}
_LINE = re.compile(rb"^[ \t]*(\d{1,3})[ \t]+(?:(@[^@\s][^@]*@)[ \t]+)?([A-Za-z0-9_]+)(?:[ \t](.*))?$", re.S)
_ASCII_SUPERSETS = {"utf-8", "ascii", "cp1252", "cp437", "mac-roman", "latin-1", "iso8859-1", "iso8859-15"}
_POINTER = re.compile(r"^@[^@\s][^@]*@$")


# ---------------------------------------------------------------------------
# tokenizer
# ---------------------------------------------------------------------------
class Node:
    """One GEDCOM line with its value (CONC/CONT joined) and its substructures."""

    __slots__ = ("level", "xref", "tag", "raw", "value", "line", "children")

    def __init__(self, level: int, xref: Optional[str], tag: str, raw: bytes, line: int):
        self.level = level
        self.xref = xref
        self.tag = tag
        self.raw = bytearray(raw)  # bytes until decoded
        self.value = ""
        self.line = line
        self.children: list[Node] = []

    def first(self, tag: str) -> Optional["Node"]:
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def all(self, tag: str) -> list["Node"]:
        return [c for c in self.children if c.tag == tag]

    def sub_value(self, tag: str) -> str:
        c = self.first(tag)
        return c.value if c is not None else ""

    def __repr__(self) -> str:
        return f"<Node {self.level} {self.xref or ''} {self.tag} {self.value[:20]!r} line {self.line}>"


@dataclass
class GedcomFile:
    records: list[Node]
    version: str
    encoding: str
    lines: int


def _register_ansel() -> None:
    try:
        codecs.lookup("gedcom")
    except LookupError:
        import ansel

        ansel.register()


def _normalise_encoding(name: str) -> str:
    n = name.strip()
    if n.upper() in _CHARSETS:
        return _CHARSETS[n.upper()]
    if n.lower() == "ansel":
        return "gedcom"
    return n


def detect_encoding(raw: bytes, override: Optional[str], report: ImportReport) -> tuple[str, bytes]:
    """Choose the codec; return it with the bytes to tokenize (UTF-16 is re-encoded as UTF-8)."""
    if raw.startswith(codecs.BOM_UTF8):
        bom, raw = "utf-8", raw[3:]
    elif raw.startswith(codecs.BOM_UTF16_LE):
        bom, raw = "utf-16-le", raw[2:]
    elif raw.startswith(codecs.BOM_UTF16_BE):
        bom, raw = "utf-16-be", raw[2:]
    elif raw[:2] == b"0\x00":
        bom = "utf-16-le"
    elif raw[:2] == b"\x000":
        bom = "utf-16-be"
    else:
        bom = ""
    if override:
        codec = _normalise_encoding(override)
        if codec == "gedcom":
            _register_ansel()
        try:
            codecs.lookup(codec)
        except LookupError:
            report.error(f"unknown encoding {override!r}; try utf-8, ansel, cp1252, latin-1 or utf-16")
            return "", b""
        if codec.replace("_", "-").lower().startswith("utf-16") or (bom.startswith("utf-16") and not codec):
            bom = codec
        else:
            report.encoding = f"{override} (given)"
            return codec, raw
    if bom.startswith("utf-16"):
        try:
            text = raw.decode(bom)
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].decode(bom, "replace").count("\n") + 1
            report.error(f"the file is not valid {bom.upper()} text here", line=line)
            return "", b""
        report.encoding = bom.upper()
        return "utf-8", text.encode("utf-8")
    if bom == "utf-8":
        report.encoding = "UTF-8 (BOM)"
        return "utf-8", raw
    # No BOM: the header's CHAR line (GEDCOM 7 and files without one are UTF-8).
    char = ""
    for i, line in enumerate(re.split(rb"\r\n|\r|\n", raw[:65536])):
        m = _LINE.match(line)
        if not m:
            continue
        if i > 0 and m.group(1) == b"0":
            break
        if m.group(3).upper() == b"CHAR" and m.group(1) == b"1":
            char = (m.group(4) or b"").decode("ascii", "replace").strip()
            break
    if not char:
        report.encoding = "UTF-8 (no CHAR)"
        return "utf-8", raw
    codec = _CHARSETS.get(char.upper())
    if codec is None:
        try:
            codec = codecs.lookup(char).name
        except LookupError:
            report.warn(f"unknown character set {char!r} in the header; reading as UTF-8 "
                        "(use --encoding to choose another)")
            codec = "utf-8"
    if codec == "gedcom":
        _register_ansel()
    report.encoding = char.upper()
    return codec, raw


def tokenize(raw: bytes, report: ImportReport, encoding: Optional[str] = None,
             tick: Optional[Progress] = None) -> Optional[GedcomFile]:
    """Parse GEDCOM bytes into level-0 record trees; problems go to ``report``."""
    codec, data = detect_encoding(raw, encoding, report)
    if not codec:
        return None
    lines = re.split(rb"\r\n|\r|\n", data)
    if lines and lines[-1] == b"":
        lines.pop()
    records: list[Node] = []
    stack: list[Node] = []
    last: Optional[Node] = None  # node receiving CONC/CONT
    seen_head = seen_trlr = False
    after_trlr = 0
    total = len(lines)
    for idx, line in enumerate(lines):
        lineno = idx + 1
        if tick is not None and idx % 5000 == 0:
            tick(idx, total * 2)
        if len(line) > MAX_LINE_BYTES:
            report.error(f"line is {len(line) // 1024} KB long; the file is damaged or not GEDCOM",
                         line=lineno)
            continue
        if not line.strip():
            continue
        if seen_trlr:
            after_trlr += 1
            continue
        m = _LINE.match(line)
        if m is None:
            if not seen_head:
                report.error("this is not a GEDCOM file: it does not start with '0 HEAD'", line=lineno)
                return None
            if last is not None:
                report.warn("not a GEDCOM line; kept as a continuation of the line before", line=lineno)
                last.raw += b"\n" + line.strip(b"\x00")
            else:
                report.error("not a GEDCOM line", line=lineno)
            continue
        level = int(m.group(1))
        xref = m.group(2).decode("ascii", "replace") if m.group(2) else None
        tag = m.group(3).decode("ascii").upper()
        value = m.group(4) or b""
        if not seen_head:
            if level != 0 or tag != "HEAD":
                report.error("this is not a GEDCOM file: it does not start with '0 HEAD'", line=lineno)
                return None
            seen_head = True
        if level > MAX_LEVEL:
            report.error(f"level {level} is deeper than GEDCOM allows", line=lineno)
            continue
        if tag in ("CONC", "CONT") and level > 0:
            parent = stack[level - 1] if len(stack) >= level else None
            if parent is None:
                report.error(f"{tag} without a line to continue", line=lineno)
                continue
            if len(parent.raw) + len(value) > MAX_VALUE:
                if len(parent.raw) <= MAX_VALUE:
                    report.warn(f"{parent.tag} value is longer than {MAX_VALUE:,} bytes; the rest was cut off",
                                line=parent.line)
                    parent.raw += b" [...]"
                continue
            if tag == "CONT":
                parent.raw += b"\n"
            parent.raw += value
            del stack[level:]
            last = parent
            continue
        if level > len(stack):
            report.error(f"level {level} follows level {len(stack) - 1}: a level was skipped", line=lineno)
            continue
        node = Node(level, xref, tag, value, lineno)
        del stack[level:]
        if level == 0:
            records.append(node)
            if tag == "TRLR":
                seen_trlr = True
        else:
            stack[level - 1].children.append(node)
        stack.append(node)
        last = node
    if not seen_head:
        report.error("the file is empty" if not raw.strip() else "this is not a GEDCOM file")
        return None
    if not seen_trlr:
        report.error(f"the file ends at line {len(lines)} without the '0 TRLR' trailer: it looks truncated, "
                     "so nothing was imported")
    if after_trlr:
        report.warn(f"{after_trlr} line(s) after the '0 TRLR' trailer were ignored")
    if not report.ok:
        return None
    _decode_all(records, codec, report)
    head = records[0]
    version = ""
    gedc = head.first("GEDC")
    if gedc is not None:
        version = gedc.sub_value("VERS").strip()
    if not report.ok:
        return None
    return GedcomFile(records=records, version=version, encoding=codec, lines=len(lines))


def _decode_all(records: list[Node], codec: str, report: ImportReport) -> None:
    bad_lines = 0
    todo: list[Node] = list(reversed(records))
    ascii_fast = codec == "gedcom" or codecs.lookup(codec).name in _ASCII_SUPERSETS
    while todo:
        node = todo.pop()
        raw = bytes(node.raw)
        node.raw = None  # type: ignore[assignment]  (free memory)
        if raw:
            try:
                # Every codec GEDCOM uses is ASCII below 0x80 (ANSEL too); the ANSEL codec is
                # pure Python and slow, so plain ASCII values skip it.
                text = raw.decode("ascii") if ascii_fast and raw.isascii() else raw.decode(codec)
            except UnicodeDecodeError as exc:
                bad_lines += 1
                if bad_lines <= 20:
                    report.error(
                        f"bytes that are not valid {report.encoding or codec} text (byte {exc.start} of the value); "
                        "if the header names the wrong character set, choose one with --encoding "
                        "(for example cp1252 or latin-1)",
                        line=node.line,
                    )
                text = raw.decode(codec, "replace")
            if not text.isascii():  # ASCII text is already NFC
                text = unicodedata.normalize("NFC", text)
            if text.startswith("@@"):
                text = text[1:]
            node.value = text.replace("\x00", "")
        todo.extend(reversed(node.children))
    if bad_lines > 20:
        report.error(f"... and {bad_lines - 20} more lines with undecodable bytes")


# ---------------------------------------------------------------------------
# mapping
# ---------------------------------------------------------------------------
@dataclass
class _PersonPlan:
    xref: str
    line: int
    fields: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    residences: list[dict] = field(default_factory=list)
    famc: list[tuple[str, Node]] = field(default_factory=list)  # (family xref, FAMC node)
    adop: dict[str, str] = field(default_factory=dict)  # family xref -> HUSB/WIFE/BOTH


@dataclass
class _LinkPlan:
    parent: str
    child: str
    kind: ParentLinkKind
    line: int
    notes: str = ""


@dataclass
class _PartnershipPlan:
    a: str
    b: str
    line: int
    fields: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


_PEDI = {
    "BIRTH": ParentLinkKind.BIOLOGICAL, "NATURAL": ParentLinkKind.BIOLOGICAL, "BIOLOGICAL": ParentLinkKind.BIOLOGICAL,
    "ADOPTED": ParentLinkKind.ADOPTIVE, "ADOPTIVE": ParentLinkKind.ADOPTIVE,
    "FOSTER": ParentLinkKind.FOSTER, "STEP": ParentLinkKind.STEP, "STEPCHILD": ParentLinkKind.STEP,
    "SEALING": ParentLinkKind.BIOLOGICAL, "GUARDIAN": ParentLinkKind.KINSHIP, "KINSHIP": ParentLinkKind.KINSHIP,
    "SPECIAL GUARDIANSHIP": ParentLinkKind.KINSHIP,
}
_SEX = {"M": Sex.MALE, "MALE": Sex.MALE, "F": Sex.FEMALE, "FEMALE": Sex.FEMALE, "X": Sex.OTHER,
        "U": Sex.UNKNOWN, "N": Sex.UNKNOWN, "": Sex.UNKNOWN}


def _render(node: Node, depth: int = 0, skip: Iterable[str] = ()) -> list[str]:
    """A GEDCOM structure as indented text lines for notes (iterative: deep files cannot recurse)."""
    out: list[str] = []
    skip = set(skip)
    todo: list[tuple[Node, int, bool]] = [(node, depth, True)]
    while todo:
        n, d, top = todo.pop()
        value = n.value.replace("\n", "\n" + "  " * d + "  ")
        out.append(("  " * d + f"{n.tag} {value}").rstrip())
        kids = [c for c in n.children if not (top and c.tag in skip)]
        todo.extend((c, d + 1, False) for c in reversed(kids))
    return out


def _clip(text: str, limit: int, what: str, line: int, report: ImportReport) -> str:
    if len(text) > limit:
        report.warn(f"{what} is {len(text):,} characters long; kept the first {limit:,}", line=line)
        return text[:limit]
    return text


class _Mapper:
    def __init__(self, ged: GedcomFile, report: ImportReport, source_name: str, strict: bool, tick: Progress):
        self.ged = ged
        self.report = report
        self.strict = strict
        self.tick = tick
        self.source = f"GEDCOM file {source_name}"
        self.by_xref: dict[str, Node] = {}
        self.people: dict[str, _PersonPlan] = {}
        self.partnerships: list[_PartnershipPlan] = []
        self.links: list[_LinkPlan] = []
        self.households: dict[str, dict] = {}  # address key -> household fields
        self.fam_parents: dict[str, list[str]] = {}  # family xref -> partner xrefs

    # -- helpers ------------------------------------------------------------
    def problem(self, message: str, line: Optional[int]) -> None:
        """A data problem: a warning normally, an error under ``strict``."""
        if self.strict:
            self.report.error(message, line=line)
        else:
            self.report.warn(message, line=line)

    def keep(self, bucket: list[str], node: Node, where: str, skip: Iterable[str] = ()) -> None:
        lines = _render(node, skip=skip)
        ref = node.value.strip()
        if _POINTER.match(ref) and ref in self.by_xref:  # name what a pointer points to
            target = self.by_xref[ref]
            title = (target.sub_value("TITL") or target.sub_value("NAME") or target.sub_value("FILE")
                     or target.value).strip().split("\n")[0][:120]
            if title:
                lines[0] += f" ({title})"
        bucket.extend(lines)
        self.report.kept_in_notes[f"{where}.{node.tag}"] += 1

    def note_text(self, node: Node) -> str:
        """A NOTE/SNOTE: inline text, or the text of the NOTE record it points to."""
        v = node.value
        if _POINTER.match(v.strip()):
            rec = self.by_xref.get(v.strip())
            if rec is None:
                self.problem(f"note {v.strip()} does not exist", node.line)
                return ""
            text = rec.value
            extra = [c for c in rec.children if c.tag not in ("CONT", "CONC") and c.tag not in BOOKKEEPING]
            for c in extra:
                text += "\n" + "\n".join(_render(c))
            return text
        text = v
        for c in node.children:
            if c.tag not in BOOKKEEPING:
                text += "\n" + "\n".join(_render(c))
        return text

    def date(self, node: Optional[Node], what: str, notes: list[str]) -> GedcomDate:
        if node is None:
            return GedcomDate()
        d = parse_gedcom_date(node.value)
        phrase = node.sub_value("PHRASE")  # GEDCOM 7
        if d.problem:
            self.report.warn(f"{what}: {d.problem}; kept in notes", line=node.line)
            notes.append(f"{what} (as recorded): {node.value}")
        elif d.leftover:
            notes.append(f"{what}: {d.leftover}")
        if phrase:
            notes.append(f"{what} phrase: {phrase}")
        if not node.value.strip() and not phrase:
            self.report.not_imported["empty DATE"] += 1
        return d

    # -- records ------------------------------------------------------------
    def run(self) -> None:
        recs = self.ged.records
        for rec in recs:
            if rec.xref:
                if rec.xref in self.by_xref:
                    self.problem(f"{rec.xref} is defined twice (first at line {self.by_xref[rec.xref].line}); "
                                 "the second is ignored", rec.line)
                    continue
                self.by_xref[rec.xref] = rec
        total = len(recs)
        for i, rec in enumerate(recs):
            if i % 500 == 0:
                self.tick(total + i, total * 2)
            if rec.tag == "INDI":
                if rec.xref is None or self.by_xref.get(rec.xref) is not rec:
                    if rec.xref is None:
                        rec.xref = f"@line{rec.line}@"
                        self.by_xref[rec.xref] = rec
                    else:
                        continue
                self.person(rec)
            elif rec.tag in ("HEAD", "TRLR", "FAM", "NOTE", "SNOTE", "SOUR", "REPO", "OBJE", "SUBM", "SUBN"):
                if rec.tag in ("HEAD", "TRLR", "SUBM", "SUBN"):
                    continue
                if rec.tag == "FAM":
                    continue
                self.report.not_imported[f"{rec.tag} record (used where referenced)"] += 1
            else:
                key = f"{rec.tag} record"
                if not self.report.not_imported[key]:
                    self.report.warn(f"{rec.tag} records are not imported (no GenoMap equivalent); "
                                     "the first is here", line=rec.line)
                self.report.not_imported[key] += 1
        for rec in recs:
            if rec.tag == "FAM" and rec.xref and self.by_xref.get(rec.xref) is rec:
                self.family(rec)
            elif rec.tag == "FAM" and not rec.xref:
                self.problem("a family record without an @xref@ cannot be linked; ignored", rec.line)
        self.famc_links()
        self.break_cycles()

    def person(self, rec: Node) -> None:
        p = _PersonPlan(rec.xref, rec.line)  # type: ignore[arg-type]
        self.people[rec.xref] = p  # type: ignore[index]
        self.report.mapped["INDI"] += 1
        f = p.fields
        names = rec.all("NAME")
        aliases: list[str] = []
        primary_done = False
        for n in names:
            given, family, display = self.name_parts(n)
            ntype = n.sub_value("TYPE").strip().upper()
            if not primary_done and ntype in ("", "BIRTH", "BIRTH NAME"):
                f["given_names"] = _clip(given, MAX_NAME, "a given name", n.line, self.report)
                f["family_name"] = _clip(family, MAX_NAME, "a family name", n.line, self.report)
                primary_done = True
                self.report.mapped["INDI.NAME"] += 1
            elif display:
                aliases.append(display + (f" ({ntype.lower()})" if ntype and ntype != "AKA" else ""))
                self.report.mapped["INDI.NAME (further name -> alias)"] += 1
            for nick in n.all("NICK"):
                if nick.value.strip():
                    if "known_as" not in f:
                        f["known_as"] = _clip(nick.value.strip(), MAX_NAME, "a nickname", nick.line, self.report)
                    else:
                        aliases.append(nick.value.strip())
                    self.report.mapped["INDI.NAME.NICK"] += 1
            for c in n.children:
                if c.tag not in ("GIVN", "SURN", "NICK", "TYPE", "NPFX", "NSFX", "SPFX", "CONT", "CONC"):
                    self.keep(p.kept, c, "INDI.NAME")
        if not primary_done and names:
            given, family, _ = self.name_parts(names[0])
            f["given_names"], f["family_name"] = given[:MAX_NAME], family[:MAX_NAME]
        if aliases:
            f["aliases"] = _clip("; ".join(a.replace(";", ",") for a in aliases), MAX_NAME * 5, "aliases",
                                 rec.line, self.report)
        birth_notes: list[str] = []
        for c in rec.children:
            tag = c.tag
            if tag == "NAME":
                continue
            if tag == "SEX":
                v = c.value.strip().upper()
                if v in _SEX:
                    f["sex"] = _SEX[v]
                    self.report.mapped["INDI.SEX"] += 1
                else:
                    self.report.warn(f"sex {c.value!r} is not M, F, X or U; recorded as unknown", line=c.line)
                    self.keep(p.kept, c, "INDI")
            elif tag in ("BIRT", "DEAT"):
                what = "Birth date" if tag == "BIRT" else "Death date"
                key = "birth" if tag == "BIRT" else "death"
                d = self.date(c.first("DATE"), what, birth_notes)
                if tag == "DEAT":
                    f["deceased"] = True
                if d.point is not None and key not in f:
                    f[key] = d.point
                    self.report.mapped[f"INDI.{tag}.DATE"] += 1
                elif d.point is not None:
                    birth_notes.append(f"{what} (another record): {c.first('DATE').value}")  # type: ignore[union-attr]
                self.report.mapped[f"INDI.{tag}"] += 1
                rest = [x for x in c.children if x.tag != "DATE"]
                if rest or (c.value.strip() and c.value.strip().upper() != "Y"):
                    self.keep(p.kept, c, "INDI", skip=("DATE",))
            elif tag in ("BURI", "CREM"):
                f["deceased"] = True
                self.keep(p.kept, c, "INDI")
            elif tag == "FAMC":
                p.famc.append((c.value.strip(), c))
                self.report.mapped["INDI.FAMC"] += 1
                for x in c.children:
                    if x.tag not in ("PEDI", "_GMLINK", "STAT"):
                        self.keep(p.kept, x, "INDI.FAMC")
            elif tag == "FAMS":
                self.report.mapped["INDI.FAMS"] += 1
                for x in c.children:
                    self.keep(p.kept, x, "INDI.FAMS")
            elif tag == "ADOP":
                famc = c.first("FAMC")
                if famc is not None:
                    p.adop[famc.value.strip()] = famc.sub_value("ADOP").strip().upper() or "BOTH"
                f["adopted"] = True
                self.report.mapped["INDI.ADOP"] += 1
                self.keep(p.kept, c, "INDI", skip=("FAMC",))
            elif tag == "RESI":
                self.residence(p, c)
            elif tag in ("NOTE", "SNOTE"):
                text = self.note_text(c)
                if text.strip():
                    p.notes.append(text)
                self.report.mapped[f"INDI.{tag}"] += 1
            elif tag in BOOKKEEPING:
                self.report.not_imported[f"INDI.{tag} (bookkeeping)"] += 1
            elif tag == "_GMSEX":
                try:
                    f["sex"] = Sex(c.value.strip().lower())
                except ValueError:
                    self.keep(p.kept, c, "INDI")
            else:
                self.keep(p.kept, c, "INDI")
        p.notes.extend(birth_notes)
        if f.get("birth") is not None and f.get("death") is not None and f["death"].definitely_before(f["birth"]):
            self.problem(f"{rec.xref}: death ({f['death']}) is before birth ({f['birth']}); "
                         "the death date was kept in notes only", rec.line)
            p.notes.append(f"Death date (before the birth date, not used): {f.pop('death')}")

    def name_parts(self, n: Node) -> tuple[str, str, str]:
        v = " ".join(n.value.split())
        given = family = ""
        if "/" in v:
            before, _, rest = v.partition("/")
            family, _, after = rest.partition("/")
            given = before.strip()
            family = family.strip()
            if after.strip():
                family = f"{family} {after.strip()}".strip()
        else:
            given = v
        # GIVN/SURN are the authoritative pieces when present (names may contain '/')
        givn, surn = " ".join(n.sub_value("GIVN").split()), " ".join(n.sub_value("SURN").split())
        if givn:
            given = givn
        if surn:
            family = surn
            nsfx = n.sub_value("NSFX").strip()
            if nsfx:
                family = f"{family} {nsfx}"
        display = " ".join(x for x in (given, family) if x)
        return given, family, display

    def residence(self, p: _PersonPlan, c: Node) -> None:
        addr = c.first("ADDR")
        parts: list[str] = []
        if addr is not None:
            if addr.value.strip():
                parts.append(addr.value.strip())
            for t in ("ADR1", "ADR2", "ADR3", "CITY", "STAE", "POST", "CTRY"):
                v = addr.sub_value(t).strip()
                if v and v not in "\n".join(parts):
                    parts.append(v)
        place = c.sub_value("PLAC").strip()
        if not parts and c.value.strip() and c.value.strip().upper() != "Y":
            parts.append(c.value.strip())  # GEDCOM 7: RESI has a payload
        if not parts and place:
            parts.append(place)
        if not parts:
            self.keep(p.kept, c, "INDI")
            self.report.warn("residence without an address or place; kept in notes", line=c.line)
            return
        address = _clip("\n".join(parts), MAX_ADDRESS, "an address", c.line, self.report)
        key = " ".join(re.sub(r"[^\w]+", " ", address.casefold()).split())
        if key not in self.households:
            first = address.split("\n")[0]
            label = place if place and len(place) <= 60 and place not in address else first
            self.households[key] = {"label": label[:80], "address": address, "type": HouseholdType.FAMILY_HOME}
        notes: list[str] = []
        d = self.date(c.first("DATE"), "Residence date", notes)
        p.residences.append({"household": key, "start": d.start, "end": d.end, "notes": "\n".join(notes),
                             "line": c.line})
        self.report.mapped["INDI.RESI"] += 1
        rest = [x for x in c.children if x.tag not in ("ADDR", "DATE", "PLAC")]
        for x in rest:
            self.keep(p.kept, x, "INDI.RESI")

    def family(self, rec: Node) -> None:
        self.report.mapped["FAM"] += 1
        partners: list[tuple[str, Node]] = []
        for tag in ("HUSB", "WIFE"):
            for c in rec.all(tag):
                x = c.value.strip()
                if x == "@VOID@" or not x:
                    continue
                if x not in self.people:
                    self.problem(f"{rec.xref} {tag} {x}: no such person; link skipped", c.line)
                    continue
                if any(x == y for y, _ in partners):
                    continue
                partners.append((x, c))
                self.report.mapped[f"FAM.{tag}"] += 1
        if len(partners) > 2:
            self.problem(f"{rec.xref} has {len(partners)} partners; the first two were used", rec.line)
            partners = partners[:2]
        notes: list[str] = []
        kept: list[str] = []
        fields: dict[str, Any] = {}
        kind = None
        for c in rec.children:
            tag = c.tag
            if tag in ("HUSB", "WIFE"):
                continue
            if tag == "CHIL":
                continue
            if tag == "MARR":
                d = self.date(c.first("DATE"), "Marriage date", notes)
                mtype = c.sub_value("TYPE").strip().lower()
                kind = kind or (PartnershipKind.CIVIL_PARTNERSHIP if "civil" in mtype else PartnershipKind.MARRIED)
                if d.point is not None and "start" not in fields:
                    fields["start"] = d.start if d.is_period and d.start else d.point
                self.report.mapped["FAM.MARR"] += 1
                if [x for x in c.children if x.tag not in ("DATE", "TYPE")]:
                    self.keep(kept, c, "FAM", skip=("DATE", "TYPE"))
            elif tag == "ENGA":
                d = self.date(c.first("DATE"), "Engagement date", notes)
                if kind is None:
                    kind = PartnershipKind.ENGAGED
                    if d.point is not None:
                        fields.setdefault("start", d.point)
                self.report.mapped["FAM.ENGA"] += 1
                if [x for x in c.children if x.tag != "DATE"]:
                    self.keep(kept, c, "FAM", skip=("DATE",))
            elif tag in ("DIV", "ANUL", "_SEPR", "_GMEND"):
                d = self.date(c.first("DATE"), "End date", notes)
                if tag == "_GMEND":
                    try:
                        fields["end_kind"] = PartnershipEnd(c.value.strip().lower())
                    except ValueError:
                        self.keep(kept, c, "FAM")
                else:
                    fields["end_kind"] = PartnershipEnd.SEPARATED if tag == "_SEPR" else PartnershipEnd.DIVORCED
                if tag == "ANUL":
                    notes.append("Annulled")
                if d.point is not None:
                    fields["end"] = d.end if d.is_period and d.end else d.point
                self.report.mapped[f"FAM.{tag}"] += 1
                if [x for x in c.children if x.tag != "DATE"]:
                    self.keep(kept, c, "FAM", skip=("DATE",))
            elif tag == "_GMKIND":
                try:
                    kind = PartnershipKind(c.value.strip().lower())
                    d = self.date(c.first("DATE"), "Start date", notes)
                    if d.point is not None:
                        fields["start"] = d.point
                except ValueError:
                    self.keep(kept, c, "FAM")
            elif tag == "_GMLIVING":
                fields["living_together"] = c.value.strip().upper() in ("Y", "YES", "TRUE")
            elif tag in ("NOTE", "SNOTE"):
                text = self.note_text(c)
                if text.strip():
                    notes.append(text)
                self.report.mapped[f"FAM.{tag}"] += 1
            elif tag in BOOKKEEPING:
                self.report.not_imported[f"FAM.{tag} (bookkeeping)"] += 1
            else:
                self.keep(kept, c, "FAM")
        fields["kind"] = kind or UNMARRIED_FAMILY_KIND
        if kind is None and len(partners) == 2:
            self.report.mapped["FAM without MARR -> dating/intimate"] += 1
        if fields.get("start") and fields.get("end") and fields["end"].definitely_before(fields["start"]):
            self.problem(f"{rec.xref}: the relationship ends ({fields['end']}) before it starts "
                         f"({fields['start']}); the end date was kept in notes only", rec.line)
            notes.append(f"End date (before the start, not used): {fields.pop('end')}")
        if len(partners) == 2:
            (a, _), (b, _) = partners
            self.partnerships.append(_PartnershipPlan(a, b, rec.line, fields, notes, kept))
        else:
            if len(partners) == 1 and (notes or kept or fields.get("end_kind")):
                holder = self.people[partners[0][0]]
                holder.kept.append(f"Family {rec.xref} (no second partner):")
                holder.kept.extend("  " + x for x in notes + kept)
            elif notes or kept:
                self.report.not_imported["FAM details without partners"] += 1
        # children from CHIL
        parents = [x for x, _ in partners]
        for c in rec.all("CHIL"):
            child = c.value.strip()
            if child == "@VOID@" or not child:
                continue
            if child not in self.people:
                self.problem(f"{rec.xref} CHIL {child}: no such person; link skipped", c.line)
                continue
            self.report.mapped["FAM.CHIL"] += 1
            self.child_links(rec, parents, child, c)
            for x in c.children:
                if x.tag not in ("_FREL", "_MREL", "PHRASE"):
                    self.keep(self.people[child].kept, x, "FAM.CHIL")
        self.fam_parents[rec.xref] = parents  # type: ignore[index]

    def child_links(self, fam: Node, parents: list[str], child: str, chil: Optional[Node]) -> None:
        plan = self.people[child]
        famc = next((n for x, n in plan.famc if x == fam.xref), None)
        base = ParentLinkKind.BIOLOGICAL
        note = ""
        if famc is not None:
            gm = famc.sub_value("_GMLINK").strip().lower()
            pedi = famc.sub_value("PEDI").strip().upper()
            if gm:
                try:
                    base = ParentLinkKind(gm)
                except ValueError:
                    pass
            elif pedi:
                if pedi in _PEDI:
                    base = _PEDI[pedi]
                    if pedi == "SEALING":
                        note = "Pedigree: sealing"
                else:
                    phrase = famc.first("PEDI").sub_value("PHRASE")  # type: ignore[union-attr]
                    base = ParentLinkKind.STEP
                    note = f"Pedigree: {pedi.lower()}" + (f" ({phrase})" if phrase else "")
                    self.report.warn(f"pedigree {pedi!r} recorded as a step link", line=famc.line)
                self.report.mapped["INDI.FAMC.PEDI"] += 1
        line = chil.line if chil is not None else (famc.line if famc is not None else fam.line)
        adop = plan.adop.get(fam.xref or "")
        for parent in parents:
            kind = base
            is_husb = any(c.value.strip() == parent for c in fam.all("HUSB"))
            if chil is not None:
                # Family Tree Maker & co.: _FREL (father's side) / _MREL (mother's) under FAM.CHIL
                rel_tag = "_FREL" if is_husb else "_MREL"
                rel = chil.sub_value(rel_tag).strip().upper()
                if rel:
                    kind = _PEDI.get(rel, kind)
                    self.report.mapped[f"FAM.CHIL.{rel_tag}"] += 1
            if adop and (adop == "BOTH" or (adop == "HUSB") == is_husb):
                kind = ParentLinkKind.ADOPTIVE
            self.links.append(_LinkPlan(parent, child, kind, line, note))
        if base is ParentLinkKind.FOSTER:
            plan.fields["looked_after"] = True
        if base is ParentLinkKind.ADOPTIVE:
            plan.fields["adopted"] = True

    def famc_links(self) -> None:
        """INDI.FAMC pointing at a family that does not list the child: link anyway (one-sided)."""
        fam_parents = self.fam_parents
        chil_of: dict[str, set[str]] = defaultdict(set)
        for rec in self.ged.records:
            if rec.tag == "FAM" and rec.xref in fam_parents:
                for c in rec.all("CHIL"):
                    chil_of[rec.xref].add(c.value.strip())
        for plan in self.people.values():
            for fam_x, node in plan.famc:
                if fam_x == "@VOID@":
                    continue
                if fam_x not in fam_parents:
                    self.problem(f"{plan.xref} FAMC {fam_x}: no such family; link skipped", node.line)
                    continue
                if plan.xref not in chil_of[fam_x]:
                    fam = self.by_xref[fam_x]
                    self.child_links(fam, fam_parents[fam_x], plan.xref, None)
                    self.report.mapped["INDI.FAMC (not listed in the family)"] += 1

    def who(self, xref: str) -> str:
        """A person as 'Given Family (@I1@)' for messages."""
        plan = self.people.get(xref)
        name = " ".join(x for x in (plan.fields.get("given_names", ""), plan.fields.get("family_name", ""))
                        if x) if plan else ""
        return f"{name} ({xref})" if name else xref

    def break_cycles(self) -> None:
        """Drop duplicate links, self-parenthood and links that would make someone their own ancestor."""
        seen: set[tuple[str, str, ParentLinkKind]] = set()
        unique: list[_LinkPlan] = []
        for l in self.links:
            key = (l.parent, l.child, l.kind)
            if key in seen:
                continue
            seen.add(key)
            if l.parent == l.child:
                self.problem(f"{self.who(l.child)} is listed as their own parent; link skipped", l.line)
                continue
            unique.append(l)
        cyclic = _nodes_on_cycles([(l.parent, l.child) for l in unique])
        if not cyclic:
            self.links = unique
            return
        children: dict[str, set[str]] = defaultdict(set)  # accepted edges only
        kept: list[_LinkPlan] = []
        for l in unique:
            if l.parent in cyclic and l.child in cyclic:
                path = _path(children, l.child, l.parent)
                if path is not None:
                    names = " -> ".join(self.who(x) for x in [l.parent] + path[:-1] + [l.parent])
                    self.problem(
                        f"{self.who(l.parent)} would be their own ancestor ({names}); "
                        f"the parent link {l.parent} -> {l.child} was skipped", l.line)
                    self.report.not_imported["parent link making someone their own ancestor"] += 1
                    continue
            children[l.parent].add(l.child)
            kept.append(l)
        self.links = kept


def _nodes_on_cycles(edges: list[tuple[str, str]]) -> set[str]:
    """Nodes in a strongly connected component with a cycle (iterative Tarjan)."""
    graph: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        graph[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: set[str] = set()
    counter = 0
    for root in list(graph):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work[-1]
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            succ = graph.get(v, [])
            if i < len(succ):
                work[-1] = (v, i + 1)
                w = succ[i]
                if w not in index:
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    result.update(comp)
    return result


def _path(children: dict[str, set[str]], start: str, goal: str) -> Optional[list[str]]:
    """Descendants path start -> ... -> goal through accepted links (iterative BFS), or None."""
    if start == goal:
        return [start]
    came: dict[str, str] = {start: start}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in children.get(v, ()):
                if w in came:
                    continue
                came[w] = v
                if w == goal:
                    path = [w]
                    while path[-1] != start:
                        path.append(came[path[-1]])
                    return list(reversed(path))
                nxt.append(w)
        frontier = nxt
    return None


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------
def _join_notes(parts: list[str], kept: list[str]) -> str:
    text = "\n\n".join(x.strip("\n") for x in parts if x.strip())
    if kept:
        block = "From GEDCOM (no GenoMap field):\n" + "\n".join(kept)
        text = f"{text}\n\n{block}" if text else block
    return text


def import_gedcom(document, path, *, case_ref: Optional[str] = None, encoding: Optional[str] = None,
                  strict: bool = False, progress: Optional[ProgressFn] = None,
                  cancel: CancelFlag = None) -> ImportReport:
    """Import a GEDCOM file as a new family map (or into the case with reference ``case_ref``).

    Returns an :class:`ImportReport`.  Raises :class:`ImportFailed` (file unchanged)
    when the file is not readable GEDCOM, is truncated, cannot be decoded, or
    (with ``strict``) has broken links; :class:`ImportCancelled` when cancelled.
    """
    started = time.perf_counter()
    path = Path(path)
    report = ImportReport(source=path.name, format="GEDCOM")
    tick = Progress(progress, cancel, path.name)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.error(f"the file is {size // (1024 * 1024)} MB; the largest accepted is "
                         f"{MAX_FILE_BYTES // (1024 * 1024)} MB")
            raise ImportFailed(report)
        raw = path.read_bytes()
    except OSError as exc:
        report.error(f"cannot read the file: {exc.strerror or exc}")
        raise ImportFailed(report) from None
    return import_gedcom_bytes(document, raw, report=report, case_ref=case_ref, encoding=encoding,
                               strict=strict, tick=tick, started=started)


def read_gedcom_plan(raw: bytes, report: ImportReport, *, encoding: Optional[str] = None, strict: bool = False,
                     tick: Optional[Progress] = None) -> Optional[_Mapper]:
    """Tokenize and map without touching a database (used by import and by tests)."""
    tick = tick or Progress(None, None)
    ged = tokenize(raw, report, encoding, tick)
    if ged is None:
        return None
    report.format = f"GEDCOM {ged.version}".strip()
    mapper = _Mapper(ged, report, report.source, strict, tick)
    mapper.run()
    return mapper


def import_gedcom_bytes(document, raw: bytes, *, report: Optional[ImportReport] = None,
                        case_ref: Optional[str] = None, encoding: Optional[str] = None, strict: bool = False,
                        tick: Optional[Progress] = None, started: Optional[float] = None) -> ImportReport:
    from genomap.perf import gc_paused

    with gc_paused():  # reading builds a large acyclic tree: see gc_paused
        return _import_gedcom_bytes(document, raw, report=report, case_ref=case_ref, encoding=encoding,
                                    strict=strict, tick=tick, started=started)


def _import_gedcom_bytes(document, raw: bytes, *, report: Optional[ImportReport], case_ref: Optional[str],
                         encoding: Optional[str], strict: bool, tick: Optional[Progress],
                         started: Optional[float]) -> ImportReport:
    started = started or time.perf_counter()
    report = report or ImportReport(source="(data)", format="GEDCOM")
    tick = tick or Progress(None, None, report.source)
    try:
        mapper = read_gedcom_plan(raw, report, encoding=encoding, strict=strict, tick=tick)
    except RecursionError:  # pragma: no cover - the reader is iterative; belt and braces
        report.error("the file is nested too deeply to read")
        mapper = None
    if mapper is None or not report.ok:
        raise ImportFailed(report)
    tick.check()
    source = mapper.source
    people_order = list(mapper.people)

    def write(writer):
        # Plain row dicts through Document.bulk_insert: one executemany per table.
        total = max(1, len(people_order))
        case_id = target_case_bulk(writer, case_ref, report, title=f"Imported from {report.source}",
                                   notes=f"Imported from {report.source} ({report.format}).")
        person_rows = []
        for xref in people_order:
            plan = mapper.people[xref]
            fields = dict(plan.fields)
            notes = _join_notes(plan.notes, plan.kept)
            if len(notes) > MAX_NOTES:
                report.warn(f"{xref}: notes are {len(notes):,} characters; kept the first {MAX_NOTES:,}",
                            line=plan.line)
                notes = notes[:MAX_NOTES]
            fields["notes"] = notes
            person_rows.append(fields)
        pid = dict(zip(people_order, writer.insert(T.Person, person_rows)))
        hid = dict(zip(mapper.households, writer.insert(T.Household, list(mapper.households.values()))))
        tick(total // 3, total)
        writer.insert(T.CaseMember, [{"case_id": case_id, "person_id": pid[x]} for x in people_order])
        report.created["person"] += len(person_rows)
        report.created["household"] += len(hid)
        parts = []
        for pp in mapper.partnerships:
            notes = _join_notes(pp.notes, pp.kept)
            parts.append({**pp.fields, "person_a_id": pid[pp.a], "person_b_id": pid[pp.b],
                          "notes": notes[:MAX_NOTES], "status": FactStatus.REPORTED, "source": source})
        writer.insert(T.Partnership, parts)
        report.created["partnership"] += len(parts)
        links = [{"parent_id": pid[l.parent], "child_id": pid[l.child], "kind": l.kind, "notes": l.notes,
                  "status": FactStatus.REPORTED, "source": source} for l in mapper.links]
        writer.insert(T.ParentLink, links)
        report.created["parentlink"] += len(links)
        tick(total // 2, total)
        residences = []
        for xref in people_order:
            plan = mapper.people[xref]
            made: list[dict] = []
            for r in plan.residences:
                res = {"person_id": pid[xref], "household_id": hid[r["household"]], "kind": ResidenceKind.LIVES,
                       "start": r["start"], "end": r["end"], "notes": r["notes"], "source": source}
                if any(not _certainly_apart(res, other) for other in made):
                    res["overlap_ok"] = True
                    report.warn(f"{xref}: residence periods may overlap; recorded as a deliberate overlap "
                                "(check the dates)", line=r["line"])
                made.append(res)
            residences.extend(made)
        writer.insert(T.Residence, residences)
        report.created["residence"] += len(residences)
        tick.check()
        tick(total, total, force=True)

    from genomap.formats.exchange import _run_edit

    _run_edit(document, f"Import {report.source}", write, report, bulk=True)
    report.seconds = time.perf_counter() - started
    return report


def _certainly_apart(a, b) -> bool:
    """Do two residence periods certainly not overlap?  (Undated periods might.)"""
    def bounds(r):
        start, end = r["start"], r["end"]
        lo = start.earliest() if start is not None else None
        hi = end.latest() if end is not None else None
        return lo, hi

    a_lo, a_hi = bounds(a)
    b_lo, b_hi = bounds(b)
    if a_hi is not None and b_lo is not None and a_hi <= b_lo:
        return True
    if b_hi is not None and a_lo is not None and b_hi <= a_lo:
        return True
    return False


def parse_gedcom_text(text: str) -> tuple[Optional[GedcomFile], ImportReport]:
    """Tokenize GEDCOM text (tests, tools)."""
    report = ImportReport(source="(text)")
    return tokenize(text.encode("utf-8"), report, "utf-8"), report


__all__ = ["import_gedcom", "import_gedcom_bytes", "read_gedcom_plan", "tokenize", "Node", "GedcomFile",
           "UNMARRIED_FAMILY_KIND", "PartialDate"]
