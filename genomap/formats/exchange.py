"""The GenoMap JSON exchange format (``genomap-exchange``, version 1): one family map, losslessly.

The format is documented field by field in ``docs/exchange-format.md`` and
described by the JSON Schema shipped beside this module
(``schema/genomap-exchange-1.schema.json``).

Design:

* One document = one case (family map) with everything that belongs to it:
  people (with their case membership), partnerships, parent links, ties,
  households, residences, agencies, involvements, risk flags, legal statuses,
  events (with linked people and households) and, where the file has them,
  redaction profiles.
* Records refer to each other by *exchange ids* ("P1", "H2", ...) that are
  local to the document: they are numbered in database-id order at export and
  never written into the database.  Importing creates new rows with new
  database ids; exporting the imported map again numbers them the same way,
  so export -> import -> export gives byte-identical JSON.
* The record fields are the model's columns, read from the tables themselves
  (so a column added to the model is carried, and the schema test fails until
  the schema is regenerated with ``python -m genomap.formats.exchange --write-schema``).
  Partial dates are written as their canonical text ("about 1985",
  "between Mar 2001 and 2003"); enums as their stable lowercase values;
  timestamps as ISO 8601.

Import validates against the JSON Schema (errors name the JSON path, e.g.
``$.people[3].sex``), then checks references and dates, then writes everything
in one validated transaction: a bad document imports nothing.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy import select

from genomap.formats.common import (
    CancelFlag, ImportFailed, ImportReport, Progress, ProgressFn, target_case_bulk,
)
from genomap.model import tables as T
from genomap.model.dates import PartialDate, PartialDateError
from genomap.model.tables import PartialDateType

FORMAT_NAME = "genomap-exchange"
FORMAT_VERSION = 1
SCHEMA_RESOURCE = "schema/genomap-exchange-1.schema.json"
MAX_JSON_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Ref:
    """A reference field: JSON name, model column, section it points into."""

    name: str
    column: str
    target: str
    nullable: bool = False


@dataclass(frozen=True)
class Section:
    """One array of the document and the table it holds."""

    key: str
    table: type
    prefix: str
    refs: tuple[Ref, ...] = ()
    skip: tuple[str, ...] = ()  # columns carried elsewhere (e.g. the event's case)


SECTIONS: tuple[Section, ...] = (
    Section("people", T.Person, "P"),
    Section("households", T.Household, "H"),
    Section("agencies", T.Agency, "A"),
    Section("partnerships", T.Partnership, "PS",
            (Ref("person_a", "person_a_id", "people"), Ref("person_b", "person_b_id", "people"))),
    Section("parent_links", T.ParentLink, "PL",
            (Ref("parent", "parent_id", "people"), Ref("child", "child_id", "people"))),
    Section("ties", T.Tie, "T", (Ref("from", "from_id", "people"), Ref("to", "to_id", "people"))),
    Section("residences", T.Residence, "R",
            (Ref("person", "person_id", "people"), Ref("household", "household_id", "households"))),
    Section("involvements", T.Involvement, "I",
            (Ref("agency", "agency_id", "agencies"),
             Ref("person", "person_id", "people", nullable=True),
             Ref("household", "household_id", "households", nullable=True))),
    Section("risk_flags", T.RiskFlag, "RF", (Ref("person", "person_id", "people"),)),
    Section("legal_statuses", T.LegalStatus, "LS", (Ref("person", "person_id", "people"),)),
    Section("events", T.Event, "E", skip=("case_id",)),
) + ((Section("match_decisions", T.MatchDecision, "MD",
              (Ref("person_a", "person_a_id", "people"), Ref("person_b", "person_b_id", "people"))),)
     if hasattr(T, "MatchDecision") else ()) + (
    Section("significant_adults", T.SignificantAdult, "SA",
            (Ref("child", "child_id", "people"), Ref("adult", "adult_id", "people"))),
)
SECTION = {s.key: s for s in SECTIONS}
MEMBER_SKIP = ("id", "case_id", "person_id", "version")  # version: a system column


# ---------------------------------------------------------------------------
# columns and values
# ---------------------------------------------------------------------------
def _columns(table) -> list[sa.Column]:
    return list(table.__table__.columns)


def value_columns(table, skip: tuple[str, ...] = ()) -> list[sa.Column]:
    """The columns carried as plain fields: not the primary key, not a reference."""
    out = []
    for col in _columns(table):
        if col.primary_key or col.name in skip or col.foreign_keys or col.info.get("system"):
            continue
        out.append(col)
    return out


def _is_datetime(col: sa.Column) -> bool:
    t = col.type
    return isinstance(t, sa.DateTime) or isinstance(getattr(t, "impl", None), sa.DateTime)


def _enum_class(col: sa.Column) -> Optional[type[Enum]]:
    return getattr(col.type, "enum_class", None) if isinstance(col.type, sa.Enum) else None


def _to_json(col: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(col.type, PartialDateType):
        return str(value if isinstance(value, PartialDate) else PartialDate.parse(value))
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        if value.tzinfo is None:  # stored as UTC without an offset
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    return value


def _from_json(col: sa.Column, value: Any, path: str, report: ImportReport) -> Any:
    """Convert one JSON field to its model value; report (and return None) when impossible."""
    if value is None:
        return None
    try:
        if isinstance(col.type, PartialDateType):
            return PartialDate.parse(value)
        enum_cls = _enum_class(col)
        if enum_cls is not None:
            return enum_cls(value)
        if _is_datetime(col):
            dt = datetime.fromisoformat(value)
            if dt.tzinfo is None:  # a timestamp without offset is taken as UTC
                dt = dt.replace(tzinfo=timezone.utc)
            return dt.astimezone(timezone.utc)
    except (PartialDateError, ValueError, TypeError) as exc:
        report.error(str(exc), path=path)
        return None
    return value


# ---------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------
def export_case(document, case_id: int, redaction_profiles: Optional[Iterable] = None) -> dict:
    """The exchange document (a plain dict) for one case.

    ``redaction_profiles``: the profiles to carry along -- by default the ones
    saved in the file; or :class:`genomap.redaction.RedactionProfile` objects
    (or their dicts).  The people and households they hide are written as
    exchange ids (those outside this map are left out).
    """
    with document.read() as session:
        return export_case_from_session(session, case_id, redaction_profiles)


def export_case_from_session(session, case_id: int, redaction_profiles: Optional[Iterable] = None) -> dict:
    case = session.get(T.Case, case_id)
    if case is None:
        from genomap.errors import UserFacingError

        raise UserFacingError(f"there is no family map with id {case_id} in this file")
    members_q = select(T.CaseMember.person_id).where(T.CaseMember.case_id == case_id)

    def rows(table, *where):
        return list(session.scalars(select(table).where(*where).order_by(table.id)))

    people = rows(T.Person, T.Person.id.in_(members_q))
    members = {m.person_id: m for m in session.scalars(
        select(T.CaseMember).where(T.CaseMember.case_id == case_id))}
    events = rows(T.Event, T.Event.case_id == case_id)
    event_ids = select(T.Event.id).where(T.Event.case_id == case_id)
    ev_people = session.execute(
        select(T.EventPerson.event_id, T.EventPerson.person_id).where(T.EventPerson.event_id.in_(event_ids))
    ).all()
    ev_households = session.execute(
        select(T.EventHousehold.event_id, T.EventHousehold.household_id)
        .where(T.EventHousehold.event_id.in_(event_ids))
    ).all()
    residences = rows(T.Residence, T.Residence.person_id.in_(members_q))
    household_ids = {r.household_id for r in residences} | {h for _, h in ev_households}
    involvements = rows(
        T.Involvement,
        sa.or_(T.Involvement.person_id.in_(members_q),
               T.Involvement.household_id.in_(sorted(household_ids)) if household_ids else sa.false()),
    )
    household_ids |= {i.household_id for i in involvements if i.household_id is not None}
    agency_ids = {i.agency_id for i in involvements}
    records = {
        "people": people,
        "households": rows(T.Household, T.Household.id.in_(sorted(household_ids))) if household_ids else [],
        "agencies": rows(T.Agency, T.Agency.id.in_(sorted(agency_ids))) if agency_ids else [],
        "partnerships": rows(T.Partnership, T.Partnership.person_a_id.in_(members_q),
                             T.Partnership.person_b_id.in_(members_q)),
        "parent_links": rows(T.ParentLink, T.ParentLink.parent_id.in_(members_q),
                             T.ParentLink.child_id.in_(members_q)),
        "ties": rows(T.Tie, T.Tie.from_id.in_(members_q), T.Tie.to_id.in_(members_q)),
        "residences": residences,
        "involvements": involvements,
        "risk_flags": rows(T.RiskFlag, T.RiskFlag.person_id.in_(members_q)),
        "legal_statuses": rows(T.LegalStatus, T.LegalStatus.person_id.in_(members_q)),
        "events": events,
    }
    if "match_decisions" in SECTION:
        records["match_decisions"] = rows(T.MatchDecision, T.MatchDecision.person_a_id.in_(members_q),
                                          T.MatchDecision.person_b_id.in_(members_q))
    records["significant_adults"] = rows(T.SignificantAdult, T.SignificantAdult.child_id.in_(members_q),
                                         T.SignificantAdult.adult_id.in_(members_q))
    local: dict[str, dict[int, str]] = {
        s.key: {row.id: f"{s.prefix}{i}" for i, row in enumerate(records[s.key], start=1)} for s in SECTIONS
    }
    out: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "case": {c.name: _to_json(c, getattr(case, c.name)) for c in value_columns(T.Case)},
    }
    member_cols = [c for c in _columns(T.CaseMember) if c.name not in MEMBER_SKIP]
    people_index = local["people"]
    ev_p: dict[int, list[int]] = {}
    for e, p in ev_people:
        ev_p.setdefault(e, []).append(p)
    ev_h: dict[int, list[int]] = {}
    for e, h in ev_households:
        ev_h.setdefault(e, []).append(h)

    def order(ids, index):  # exchange ids follow database-id order
        return [index[i] for i in sorted(ids) if i in index]

    for s in SECTIONS:
        cols = value_columns(s.table, s.skip)
        items = []
        for row in records[s.key]:
            item: dict[str, Any] = {"id": local[s.key][row.id]}
            for ref in s.refs:
                target = getattr(row, ref.column)
                item[ref.name] = None if target is None else local[ref.target].get(target)
            for c in cols:
                item[c.name] = _to_json(c, getattr(row, c.name))
            if s.key == "people":
                m = members[row.id]
                item["membership"] = {c.name: _to_json(c, getattr(m, c.name)) for c in member_cols}
            elif s.key == "events":
                item["people"] = order(ev_p.get(row.id, []), people_index)
                item["households"] = order(ev_h.get(row.id, []), local["households"])
            items.append(item)
        out[s.key] = items
    if redaction_profiles is None:
        redaction_profiles = _saved_profiles(session)
    out["redaction_profiles"] = _export_redaction_profiles(redaction_profiles, local)
    return out


def _saved_profiles(session) -> list[dict]:
    """The redaction profiles saved in the file (table ``redactionprofile``), as dicts."""
    table = getattr(T, "RedactionProfile", None)
    if table is None:
        return []
    out = []
    for row in session.scalars(select(table).order_by(table.id)):
        try:
            settings = json.loads(row.settings or "{}")
        except ValueError:
            settings = {}
        out.append({"name": row.name, **{k: v for k, v in settings.items() if k != "name"}})
    return out


def _export_redaction_profiles(profiles: Iterable, local: dict[str, dict[int, str]]) -> list[dict]:
    out = []
    for p in profiles:
        d = dict(p if isinstance(p, dict) else p.to_dict())
        for key, section in (("hide_people", "people"), ("hide_households", "households")):
            d[key] = [local[section][i] for i in sorted(d.get(key) or ()) if i in local[section]]
        out.append(d)
    return out


def dumps(data: dict) -> str:
    """The canonical text of an exchange document (stable key order, UTF-8, 2-space indent)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def export_case_json(document, case_id: int, path) -> Path:
    """Write case ``case_id`` as a genomap-exchange JSON file (atomically: temp file, then rename)."""
    data = export_case(document, case_id)
    return write_text_atomically(Path(path), dumps(data))


def write_text_atomically(path: Path, text: str) -> Path:
    """Write to a temporary file beside ``path`` and move it into place: never a half-written file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=str(path.parent or "."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


# ---------------------------------------------------------------------------
# schema
# ---------------------------------------------------------------------------
def _column_schema(col: sa.Column) -> dict:
    if isinstance(col.type, PartialDateType):
        s: dict = {"type": "string", "minLength": 1, "description": "A partial date as text, e.g. 'about 1985'"}
    elif _enum_class(col) is not None:
        s = {"enum": [m.value for m in _enum_class(col)]}
    elif isinstance(col.type, sa.Boolean):
        s = {"type": "boolean"}
    elif isinstance(col.type, sa.Integer):
        s = {"type": "integer"}
    elif _is_datetime(col):
        s = {"type": "string", "format": "date-time"}
    elif isinstance(col.type, (sa.Float, sa.Numeric)):
        s = {"type": "number"}
    else:
        s = {"type": "string"}
    if col.nullable and not col.primary_key:
        if "enum" in s:
            s = {"enum": s["enum"] + [None]}
        else:
            s["type"] = [s["type"], "null"]
    desc = getattr(col, "comment", None) or getattr(col, "doc", None)
    if desc and "description" not in s:
        s["description"] = desc
    return s


def build_schema() -> dict:
    """The JSON Schema of this format version, derived from the model tables."""
    defs: dict[str, Any] = {}
    id_pattern = {s.key: f"^{s.prefix}[0-9]+$" for s in SECTIONS}
    for s in SECTIONS:
        props: dict[str, Any] = {"id": {"type": "string", "pattern": id_pattern[s.key]}}
        required = ["id"]
        for ref in s.refs:
            r: dict = {"type": "string", "pattern": id_pattern[ref.target]}
            if ref.nullable:
                r = {"type": ["string", "null"], "pattern": id_pattern[ref.target]}
            else:
                required.append(ref.name)
            props[ref.name] = r
        for c in value_columns(s.table, s.skip):
            props[c.name] = _column_schema(c)
        if s.key == "people":
            props["membership"] = {
                "type": "object",
                "additionalProperties": False,
                "properties": {c.name: _column_schema(c) for c in _columns(T.CaseMember)
                               if c.name not in MEMBER_SKIP},
            }
        if s.key == "events":
            props["people"] = {"type": "array", "items": {"type": "string", "pattern": id_pattern["people"]},
                               "uniqueItems": True}
            props["households"] = {"type": "array",
                                   "items": {"type": "string", "pattern": id_pattern["households"]},
                                   "uniqueItems": True}
        defs[s.key] = {
            "type": "object",
            "additionalProperties": False,
            "required": required,
            "properties": props,
        }
    top = {
        "format": {"const": FORMAT_NAME},
        "version": {"const": FORMAT_VERSION},
        "generator": {"type": "string"},
        "case": {
            "type": "object",
            "additionalProperties": False,
            "properties": {c.name: _column_schema(c) for c in value_columns(T.Case)},
        },
        "redaction_profiles": {
            "type": "array",
            "description": "Optional: named redaction profiles for sharing (genomap.redaction.RedactionProfile "
                           "settings; hidden people and households as exchange ids)",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "hide_people": {"type": "array", "items": {"type": "string", "pattern": id_pattern["people"]}},
                    "hide_households": {"type": "array",
                                        "items": {"type": "string", "pattern": id_pattern["households"]}},
                },
            },
        },
    }
    for s in SECTIONS:
        top[s.key] = {"type": "array", "items": {"$ref": f"#/$defs/{s.key}"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://genomap.invalid/schema/genomap-exchange-1.schema.json",
        "title": "GenoMap exchange format, version 1",
        "description": "One family map (case) with everything in it. See docs/exchange-format.md.",
        "type": "object",
        "required": ["format", "version", "case", "people"],
        "additionalProperties": False,
        "properties": top,
        "$defs": defs,
    }


@lru_cache(maxsize=1)
def _runtime_schema() -> dict:
    return build_schema()


@lru_cache(maxsize=1)
def _fast_validator():
    """A compiled validator (fastjsonschema) for the common case: a valid document, checked quickly.

    Only when it complains does :func:`validate_exchange` run ``jsonschema``, which
    lists every error with its path (and is the reference: formats are not checked).
    """
    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover - a declared dependency
        def always_complain(data):
            raise ValueError("no fast validator")

        return always_complain
    schema = json.loads(json.dumps(_runtime_schema()))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema.pop("$id", None)
    return fastjsonschema.compile(schema, formats={"date-time": lambda value: True})


@lru_cache(maxsize=1)
def shipped_schema() -> dict:
    """The JSON Schema file shipped inside the package."""
    text = resources.files("genomap.formats").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    return json.loads(text)


def _json_path(parts) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def validate_exchange(data: Any, report: ImportReport) -> None:
    """Check ``data`` against the schema, then references, ids and dates; errors go to ``report``."""
    if not isinstance(data, dict):
        report.error("the document must be a JSON object", path="$")
        return
    fmt, ver = data.get("format"), data.get("version")
    if fmt != FORMAT_NAME:
        report.error(f"this is not a GenoMap exchange document (format is {fmt!r}, expected {FORMAT_NAME!r})",
                     path="$.format")
        return
    if isinstance(ver, int) and not isinstance(ver, bool) and ver > FORMAT_VERSION:
        report.error(f"the document is version {ver}, made by a newer GenoMap; this version reads "
                     f"version {FORMAT_VERSION}. Please update GenoMap.", path="$.version")
        return
    fast = _fast_validator()
    try:
        fast(data)
        clean = True
    except Exception:  # noqa: BLE001 - any complaint: collect every error (with paths) below
        clean = False
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - a declared dependency
        jsonschema = None
    if jsonschema is not None and not clean:
        # The schema derived from the running model; the shipped file is the same text
        # (a test keeps them equal) and is there for other programs and the docs.
        validator = jsonschema.Draft202012Validator(_runtime_schema())
        errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
        for err in errors:
            msg = err.message
            if len(msg) > 300:
                msg = msg[:300] + "..."
            report.error(msg, path=_json_path(err.absolute_path))
        if errors:
            return
    # ids unique per section, references resolve
    known: dict[str, set[str]] = {}
    for s in SECTIONS:
        ids: set[str] = set()
        for i, item in enumerate(data.get(s.key, [])):
            if item["id"] in ids:
                report.error(f"duplicate id {item['id']!r}", path=f"$.{s.key}[{i}].id")
            ids.add(item["id"])
        known[s.key] = ids
    for s in SECTIONS:
        for i, item in enumerate(data.get(s.key, [])):
            for ref in s.refs:
                target = item.get(ref.name)
                if target is not None and target not in known[ref.target]:
                    report.error(f"refers to {target!r}, which is not in {ref.target!r}",
                                 path=f"$.{s.key}[{i}].{ref.name}")
            if s.key == "events":
                for sub, target_key in (("people", "people"), ("households", "households")):
                    for j, target in enumerate(item.get(sub, [])):
                        if target not in known[target_key]:
                            report.error(f"refers to {target!r}, which is not in {target_key!r}",
                                         path=f"$.events[{i}].{sub}[{j}]")


# ---------------------------------------------------------------------------
# import
# ---------------------------------------------------------------------------
def read_json_file(path: Path, report: ImportReport) -> Any:
    """Load a JSON file, reporting unreadable or malformed content with line and column."""
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            report.error(f"the file is {size // (1024 * 1024)} MB; the largest accepted is "
                         f"{MAX_JSON_BYTES // (1024 * 1024)} MB")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        report.error(f"cannot read the file: {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.error(f"the file is not UTF-8 text (byte {exc.start})", line=line)
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        report.error(f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)
    except RecursionError:
        report.error("the JSON is nested too deeply")
    return None


def import_json(document, path, *, case_ref: Optional[str] = None,
                progress: Optional[ProgressFn] = None, cancel: CancelFlag = None) -> ImportReport:
    """Import a genomap-exchange JSON file as a new family map (or into case ``case_ref``).

    Returns the :class:`ImportReport`; raises :class:`ImportFailed` (nothing written)
    when the document is malformed or breaks a model rule, :class:`ImportCancelled`
    when cancelled.
    """
    path = Path(path)
    report = ImportReport(source=path.name, format=f"{FORMAT_NAME} JSON", encoding="UTF-8")
    data = read_json_file(path, report)
    if not report.ok:
        raise ImportFailed(report)
    return import_exchange(document, data, report=report, case_ref=case_ref, progress=progress, cancel=cancel)


def import_exchange(document, data: Any, *, report: Optional[ImportReport] = None,
                    case_ref: Optional[str] = None, progress: Optional[ProgressFn] = None,
                    cancel: CancelFlag = None) -> ImportReport:
    """Import an already-parsed exchange document (see :func:`import_json`)."""
    started = time.perf_counter()
    report = report or ImportReport(source="(data)", format=f"{FORMAT_NAME} JSON")
    tick = Progress(progress, cancel, report.source)
    validate_exchange(data, report)
    if not report.ok:
        raise ImportFailed(report)
    tick.check()
    # Convert every value before touching the database, so bad dates are reported with their paths.
    converted: dict[str, list[dict]] = {}
    for s in SECTIONS:
        cols = value_columns(s.table, s.skip)
        out = []
        for i, item in enumerate(data.get(s.key, [])):
            values = {}
            for c in cols:
                if c.name in item:
                    values[c.name] = _from_json(c, item[c.name], f"$.{s.key}[{i}].{c.name}", report)
            out.append(values)
        converted[s.key] = out
    case_values = {}
    for c in value_columns(T.Case):
        if c.name in data.get("case", {}):
            case_values[c.name] = _from_json(c, data["case"][c.name], f"$.case.{c.name}", report)
    member_cols = {c.name: c for c in _columns(T.CaseMember) if c.name not in MEMBER_SKIP}
    memberships = []
    for i, item in enumerate(data.get("people", [])):
        m = item.get("membership") or {}
        memberships.append({k: _from_json(member_cols[k], v, f"$.people[{i}].membership.{k}", report)
                            for k, v in m.items()})
    if not report.ok:
        raise ImportFailed(report)
    _check_redaction_profiles(data.get("redaction_profiles") or [], report)
    if not report.ok:
        raise ImportFailed(report)
    total = sum(len(v) for v in converted.values()) or 1

    def write(writer):
        # Plain row dicts through Document.bulk_insert: one executemany per table.
        from genomap.model.tables import Case

        session = writer.session
        done = 0
        if case_ref:
            existing = session.execute(select(Case.id).where(Case.reference == case_ref)).first()
            if existing is not None:
                report.warn(f"added to the existing case {case_ref!r}; its title and details are unchanged",
                            path="$.case")
        else:
            dup = session.execute(select(Case.reference).where(
                Case.reference == case_values.get("reference", ""), Case.reference != "")).first()
            if dup is not None:
                report.warn(f"this file already has a case with reference {dup.reference!r}; "
                            "the imported map is a separate case", path="$.case.reference")
        case_id = target_case_bulk(writer, case_ref, report, **case_values)
        ids: dict[str, dict[str, int]] = {}
        for group in (("people", "households", "agencies"),
                      tuple(k for k in SECTION if k not in ("people", "households", "agencies"))):
            for key in group:
                s = SECTION[key]
                rows = []
                for item, values in zip(data.get(key, []), converted[key]):
                    kw = dict(values)
                    for ref in s.refs:
                        target = item.get(ref.name)
                        kw[ref.column] = None if target is None else ids[ref.target][target]
                    if key == "events":
                        kw["case_id"] = case_id
                    rows.append(kw)
                    done += 1
                    if done % 500 == 0:
                        tick(done, total)
                new_ids = writer.insert(s.table, rows)
                ids[key] = {item["id"]: new_id for item, new_id in zip(data.get(key, []), new_ids)}
                report.created[s.table.__tablename__] += len(rows)
            if group[0] == "people":
                writer.insert(T.CaseMember, [{"case_id": case_id, "person_id": ids["people"][item["id"]], **m}
                                             for item, m in zip(data.get("people", []), memberships)])
        event_people, event_households = [], []
        for item in data.get("events", []):
            eid = ids["events"][item["id"]]
            event_people += [{"event_id": eid, "person_id": ids["people"][p]} for p in item.get("people", [])]
            event_households += [{"event_id": eid, "household_id": ids["households"][h]}
                                 for h in item.get("households", [])]
        writer.insert(T.EventPerson, event_people)
        writer.insert(T.EventHousehold, event_households)
        report.redaction_profiles = _import_redaction_profiles(data.get("redaction_profiles") or [], ids)
        _save_profiles(writer, report)
        tick(total, total, force=True)
        tick.check()
        for s in SECTIONS:
            if data.get(s.key):
                report.mapped[s.key] += len(data[s.key])

    _run_edit(document, f"Import {report.source}", write, report, bulk=True)
    report.seconds = time.perf_counter() - started
    return report


def _check_redaction_profiles(profiles: list, report: ImportReport) -> None:
    from genomap.redaction import RedactionError, RedactionProfile

    for i, p in enumerate(profiles):
        try:
            RedactionProfile.from_dict({**p, "hide_people": [], "hide_households": []})
        except (RedactionError, TypeError, ValueError) as exc:
            report.error(str(exc), path=f"$.redaction_profiles[{i}]")


def _import_redaction_profiles(profiles: list, ids: dict[str, dict[str, int]]) -> list:
    """The profiles with hidden people/households as the new database ids (for the caller to save)."""
    from genomap.redaction import RedactionProfile

    out = []
    for p in profiles:
        d = dict(p)
        d["hide_people"] = [ids["people"][x] for x in p.get("hide_people", []) if x in ids["people"]]
        d["hide_households"] = [ids["households"][x] for x in p.get("hide_households", [])
                                if x in ids["households"]]
        out.append(RedactionProfile.from_dict(d))
    return out


def _save_profiles(writer, report: ImportReport) -> None:
    """Store imported profiles in the file; a name already used there gets an ' (imported)' suffix.

    ``writer``: the import's :class:`~genomap.store.bulk.BulkWriter`.
    """
    table = getattr(T, "RedactionProfile", None)
    if table is None or not report.redaction_profiles:
        return
    existing = {r.name: r.settings for r in writer.session.execute(select(table.name, table.settings))}
    saved = []
    for profile in report.redaction_profiles:
        settings = json.dumps({k: v for k, v in profile.to_dict().items() if k != "name"},
                              ensure_ascii=False, sort_keys=True)
        name = profile.name
        if existing.get(name) == settings:
            saved.append(profile)
            continue
        n = 1
        while name in existing:
            name = f"{profile.name} (imported{'' if n == 1 else f' {n}'})"
            n += 1
        if name != profile.name:
            report.warn(f"this file already has a different redaction profile {profile.name!r}; "
                        f"the imported one is saved as {name!r}", path="$.redaction_profiles")
            from dataclasses import replace

            profile = replace(profile, name=name)
        writer.insert(table, [{"name": name, "settings": settings}])
        existing[name] = settings
        report.created[table.__tablename__] += 1
        saved.append(profile)
    report.redaction_profiles = saved


def _run_edit(document, description: str, fn, report: ImportReport, bulk: bool = False) -> None:
    """Run the import's one transaction; a broken model rule becomes an :class:`ImportFailed`.

    ``bulk``: ``fn`` takes a :class:`~genomap.store.bulk.BulkWriter` (:meth:`Document.bulk_insert`).
    """
    from genomap.store.document import ValidationError

    try:
        (document.bulk_insert if bulk else document.edit)(description, fn)
    except ValidationError as exc:
        for f in exc.findings:
            report.error(f"model rule: {f.message}")
        report.created.clear()
        raise ImportFailed(report) from exc
    except sa.exc.IntegrityError as exc:
        report.error(f"the database refused the data: {exc.orig}")
        report.created.clear()
        raise ImportFailed(report) from exc
    except BaseException:
        report.created.clear()
        raise


def main(argv: Optional[list[str]] = None) -> int:
    """``python -m genomap.formats.exchange --write-schema``: regenerate the shipped schema."""
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--write-schema"]:
        target = Path(__file__).with_name("schema") / "genomap-exchange-1.schema.json"
        target.parent.mkdir(exist_ok=True)
        target.write_text(json.dumps(build_schema(), indent=2) + "\n", encoding="utf-8")
        print(target)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
