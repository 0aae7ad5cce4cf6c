"""CSV: import a list of people / significant adults from a spreadsheet; export people and involvements.

Import takes a *column mapping* ``{genomap_field: csv_header}`` (see
:data:`PERSON_FIELDS`); :func:`guess_mapping` proposes one from the headers
and the CSV mapping dialog lets the user correct it.  Each row becomes a
person in the family map (a new one, or the case named by ``case_ref``); an
``address`` column becomes a household the person lives in (rows with the same
address share it).  Values in columns that are not mapped are kept in the
person's notes as ``Header: value`` -- nothing is silently dropped -- and a
date GenoMap cannot read is kept in notes with a warning naming its line.

Export writes UTF-8 with a BOM (so spreadsheet programs detect it), and
protects against formula injection: a cell starting with ``= + - @`` is
written with a leading apostrophe, which import removes again.
"""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path
from typing import Iterable, Optional

from genomap.formats.common import (
    CancelFlag, ImportFailed, ImportReport, Progress, ProgressFn, target_case,
)
from genomap.formats.exchange import export_case, write_text_atomically
from genomap.model import tables as T
from genomap.model.dates import PartialDate, PartialDateError
from genomap.model.enums import FactStatus, HouseholdType, ResidenceKind, Sex

MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_CELL = 100_000

# genomap field -> (label for the mapping dialog, header spellings it is guessed from)
PERSON_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "full_name": ("Full name (split into given and family name)",
                  ("name", "full name", "person", "client name", "person name", "client")),
    "given_names": ("Given names", ("first name", "first names", "forename", "forenames", "given name",
                                    "given names", "firstname", "christian name")),
    "family_name": ("Family name", ("surname", "last name", "family name", "lastname")),
    "known_as": ("Known as", ("known as", "preferred name", "nickname", "nick name")),
    "aliases": ("Other names / aliases", ("aliases", "alias", "other names", "aka", "also known as",
                                          "previous names")),
    "sex": ("Sex", ("sex", "gender", "m/f", "male/female")),
    "gender_identity": ("Gender identity", ("gender identity", "identifies as")),
    "birth": ("Date of birth", ("dob", "date of birth", "birth date", "birthdate", "born", "d o b")),
    "death": ("Date of death", ("dod", "date of death", "death date", "died")),
    "role": ("Role in this family", ("role", "relationship", "relationship to child", "relation",
                                     "relationship to subject", "connection")),
    "is_subject": ("Subject child (yes/no)", ("subject", "subject child", "is subject", "index child")),
    "address": ("Address (becomes a household)", ("address", "home address", "current address")),
    "notes": ("Notes", ("notes", "note", "comments", "comment", "details")),
}
_TRUE = {"y", "yes", "true", "1", "x", "subject", "✓"}
_SEX = {
    "m": Sex.MALE, "male": Sex.MALE, "man": Sex.MALE, "boy": Sex.MALE,
    "f": Sex.FEMALE, "female": Sex.FEMALE, "woman": Sex.FEMALE, "girl": Sex.FEMALE,
    "x": Sex.OTHER, "nb": Sex.OTHER, "non-binary": Sex.OTHER, "nonbinary": Sex.OTHER, "other": Sex.OTHER,
    "u": Sex.UNKNOWN, "unknown": Sex.UNKNOWN, "": Sex.UNKNOWN, "not known": Sex.UNKNOWN,
}
_FORMULA = ("=", "+", "-", "@")


def _norm(header: str) -> str:
    return " ".join(re.sub(r"[^\w/]+", " ", header.casefold()).replace("_", " ").split())


def guess_mapping(headers: Iterable[str]) -> dict[str, str]:
    """Propose ``{genomap_field: header}`` from the CSV headers (exact spellings first, then containment)."""
    headers = [h for h in headers if h and h.strip()]
    normed = {h: _norm(h) for h in headers}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for exact in (True, False):
        for field, (_label, names) in PERSON_FIELDS.items():
            if field in mapping:
                continue
            for h in headers:
                if h in used:
                    continue
                n = normed[h]
                hit = n in names or n == field.replace("_", " ") if exact else \
                    any(len(x) > 3 and x in n for x in names)
                if hit:
                    mapping[field] = h
                    used.add(h)
                    break
    if "full_name" in mapping and ("given_names" in mapping or "family_name" in mapping):
        del mapping["full_name"]
    return mapping


def read_csv_table(raw: bytes, report: ImportReport, encoding: Optional[str] = None,
                   delimiter: Optional[str] = None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Decode and split a CSV file: the headers and (line number, cells) for each row."""
    if encoding:
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            report.error(f"cannot read the file as {encoding}: {exc}")
            return [], []
        report.encoding = encoding
    else:
        for enc in ("utf-8-sig", "utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
            try:
                text = raw.decode(enc)
                report.encoding = "UTF-16" if enc == "utf-16" else "UTF-8"
                break
            except UnicodeDecodeError:
                continue
        else:
            text = raw.decode("cp1252", "replace")
            report.encoding = "Windows-1252"
            report.warn("the file is not UTF-8; read as Windows-1252 (choose another encoding if names look wrong)")
    if "\x00" in text:
        report.error("the file contains binary data; it is not a CSV file")
        return [], []
    if not delimiter:
        sample = text[:20000]
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    headers: list[str] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not headers:
                if not any(c.strip() for c in cells):
                    continue
                headers = [c.strip() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            rows.append((line, cells))
    except csv.Error as exc:
        report.error(f"the CSV cannot be read: {exc}", line=reader.line_num)
    if not headers:
        report.error("the file has no header row")
    dupes = sorted({h for h in headers if h and headers.count(h) > 1})
    if dupes:
        report.warn(f"repeated column names: {', '.join(dupes)}; the first of each is used for mapping")
    return headers, rows


def _cell(value: str) -> str:
    v = value.strip()
    if len(v) > 1 and v[0] == "'" and v[1] in _FORMULA:
        v = v[1:]
    return v


def import_csv(document, path, mapping: Optional[dict[str, str]] = None, *, case_ref: Optional[str] = None,
               encoding: Optional[str] = None, delimiter: Optional[str] = None,
               progress: Optional[ProgressFn] = None, cancel: CancelFlag = None) -> ImportReport:
    """Import people from a CSV file with ``mapping`` ``{genomap_field: header}`` (guessed when None)."""
    started = time.perf_counter()
    path = Path(path)
    report = ImportReport(source=path.name, format="CSV")
    tick = Progress(progress, cancel, path.name)
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            report.error(f"the file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB")
            raise ImportFailed(report)
        raw = path.read_bytes()
    except OSError as exc:
        report.error(f"cannot read the file: {exc.strerror or exc}")
        raise ImportFailed(report) from None
    headers, rows = read_csv_table(raw, report, encoding, delimiter)
    if not report.ok:
        raise ImportFailed(report)
    mapping = dict(mapping) if mapping is not None else guess_mapping(headers)
    for field, header in mapping.items():
        if field not in PERSON_FIELDS:
            report.error(f"{field!r} is not a GenoMap field; choose from {', '.join(PERSON_FIELDS)}")
        elif header not in headers:
            report.error(f"column {header!r} (for {field}) is not in the file; its columns are: "
                         f"{', '.join(headers)}")
    if not mapping:
        report.error("no column could be matched to a GenoMap field; choose the mapping by hand")
    if not report.ok:
        raise ImportFailed(report)
    col = {field: headers.index(h) for field, h in mapping.items()}
    unmapped = [(i, h) for i, h in enumerate(headers) if i not in col.values() and h]
    report.mapped.update({f"{h} -> {f}": 0 for f, h in mapping.items()})
    people: list[dict] = []
    members: list[dict] = []
    homes: list[Optional[str]] = []
    households: dict[str, str] = {}
    total = len(rows) or 1
    for n, (line, cells) in enumerate(rows):
        if n % 200 == 0:
            tick(n, total * 2)
        get = {f: _cell(cells[i]) if i < len(cells) else "" for f, i in col.items()}
        if len(cells) > len(headers):
            extra = [c for c in cells[len(headers):] if c.strip()]
            if extra:
                report.warn(f"{len(extra)} value(s) beyond the last column were kept in notes", line=line)
        person: dict = {}
        notes: list[str] = []
        given, family = get.get("given_names", ""), get.get("family_name", "")
        if "full_name" in get and not (given or family):
            parts = get["full_name"].split()
            given, family = (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else (" ".join(parts), "")
        person["given_names"], person["family_name"] = given[:200], family[:200]
        for f in ("known_as", "aliases", "gender_identity"):
            if get.get(f):
                person[f] = get[f][:1000]
        if "sex" in get:
            s = get["sex"].casefold().strip(". ")
            if s in _SEX:
                person["sex"] = _SEX[s]
            else:
                report.warn(f"sex {get['sex']!r} not understood; recorded as unknown and kept in notes", line=line)
                notes.append(f"{mapping['sex']}: {get['sex']}")
        for f, what in (("birth", "date of birth"), ("death", "date of death")):
            if get.get(f):
                try:
                    person[f] = PartialDate.parse(get[f])
                except PartialDateError as exc:
                    report.warn(f"{what}: {exc}; kept in notes", line=line)
                    notes.append(f"{mapping[f]}: {get[f]}")
        if person.get("birth") and person.get("death") and person["death"].definitely_before(person["birth"]):
            report.warn("the date of death is before the date of birth; kept in notes only", line=line)
            notes.append(f"{mapping['death']}: {get['death']}")
            del person["death"]
        if person.get("death"):
            person["deceased"] = True
        if get.get("notes"):
            notes.insert(0, get["notes"])
        for i, h in unmapped:
            v = _cell(cells[i]) if i < len(cells) else ""
            if v:
                notes.append(f"{h}: {v}")
                report.kept_in_notes[f"column {h}"] += 1
        for c in cells[len(headers):]:
            if c.strip():
                notes.append(c.strip())
        text = "\n".join(notes)
        if len(text) > MAX_CELL:
            report.warn(f"notes are {len(text):,} characters; kept the first {MAX_CELL:,}", line=line)
            text = text[:MAX_CELL]
        person["notes"] = text
        people.append(person)
        members.append({"role": get.get("role", "")[:200],
                        "is_subject": get.get("is_subject", "").casefold() in _TRUE})
        address = get.get("address", "")
        if address:
            key = " ".join(re.sub(r"[^\w]+", " ", address.casefold()).split())
            households.setdefault(key, address)
            homes.append(key)
        else:
            homes.append(None)
        for f, h in mapping.items():
            if get.get(f):
                report.mapped[f"{h} -> {f}"] += 1
    tick.check()

    def write(session):
        case = target_case(session, case_ref, report, title=f"Imported from {report.source}",
                           notes=f"Imported from {report.source} (CSV).")
        objs = [T.Person(**p) for p in people]
        hh = {k: T.Household(label=a.split("\n")[0][:80], address=a[:2000], type=HouseholdType.FAMILY_HOME)
              for k, a in households.items()}
        session.add_all(objs)
        session.add_all(hh.values())
        session.flush()
        session.add_all([T.CaseMember(case_id=case.id, person_id=o.id, **m) for o, m in zip(objs, members)])
        source = f"CSV file {report.source}"
        session.add_all([T.Residence(person_id=o.id, household_id=hh[k].id, kind=ResidenceKind.LIVES,
                                     status=FactStatus.REPORTED, source=source)
                         for o, k in zip(objs, homes) if k is not None])
        report.created["person"] += len(objs)
        report.created["household"] += len(hh)
        report.created["residence"] += sum(k is not None for k in homes)
        tick(total, total, force=True)

    from genomap.formats.exchange import _run_edit

    _run_edit(document, f"Import {report.source}", write, report)
    report.seconds = time.perf_counter() - started
    return report


# ---------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------
def _safe(value) -> str:
    v = "" if value is None else str(value)
    if v.startswith(_FORMULA):
        return "'" + v
    return v


def _write_csv(path, header: list[str], rows: Iterable[list]) -> Path:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow([_safe(v) for v in row])
    return write_text_atomically(Path(path), "\ufeff" + buf.getvalue())


PEOPLE_COLUMNS = ["Given names", "Family name", "Known as", "Other names", "Sex", "Date of birth",
                  "Date of death", "Role", "Subject child", "Address", "Notes"]


def export_people_csv(document, case_id: int, path) -> Path:
    """One row per person of the case, with the columns :func:`guess_mapping` reads back."""
    data = export_case(document, case_id)
    homes: dict[str, list[str]] = {}
    hh = {h["id"]: h for h in data["households"]}
    for r in data["residences"]:
        if r["kind"] == "lives" and r.get("end") is None:
            h = hh[r["household"]]
            homes.setdefault(r["person"], []).append(h["address"] or h["label"])
    rows = []
    for p in data["people"]:
        m = p.get("membership", {})
        rows.append([p["given_names"], p["family_name"], p["known_as"], p["aliases"], p["sex"],
                     p["birth"] or "", p["death"] or "", m.get("role", ""),
                     "yes" if m.get("is_subject") else "", "; ".join(homes.get(p["id"], [])), p["notes"]])
    return _write_csv(path, PEOPLE_COLUMNS, rows)


INVOLVEMENT_COLUMNS = ["Agency", "Agency type", "Person", "Household", "Role", "Worker", "Worker contact",
                       "From", "To", "Status", "Source", "Notes"]


def export_involvements_csv(document, case_id: int, path) -> Path:
    """One row per agency involvement with the case's people or households."""
    data = export_case(document, case_id)
    agencies = {a["id"]: a for a in data["agencies"]}
    names = {p["id"]: " ".join(x for x in (p["given_names"], p["family_name"]) if x) or p["known_as"]
             for p in data["people"]}
    hh = {h["id"]: h["label"] or h["address"] for h in data["households"]}
    rows = []
    for i in data["involvements"]:
        a = agencies[i["agency"]]
        rows.append([a["name"], a["type"], names.get(i["person"], ""), hh.get(i["household"], ""), i["role"],
                     i["worker_name"], i["worker_contact"], i["start"] or "", i["end"] or "", i["status"],
                     i["source"], i["notes"]])
    return _write_csv(path, INVOLVEMENT_COLUMNS, rows)
