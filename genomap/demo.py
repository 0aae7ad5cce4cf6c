"""The bundled fictional demo: three family maps that exercise the whole model.

Every person, place, agency and event in it is invented.  The data lives in
``genomap/resources/demo_family.json`` and is written by :func:`build_demo`
through :meth:`Document.edit`, so the model rules apply to it like to any
other edit (and one undo removes it all).

File format (``"format": "genomap-demo"``, ``"version": 1``), a JSON object:

``people``, ``households``, ``agencies``
    Objects mapping a short key (used only inside the file, e.g. ``"kerry"``)
    to the record's fields, named as the columns of
    :class:`~genomap.model.tables.Person`, ``Household`` and ``Agency``.
``partnerships`` (``a``, ``b``), ``parent_links`` (``parent``, ``child``),
``ties`` (``from``, ``to``), ``residences`` (``person``, ``household``),
``involvements`` (``agency`` and ``person`` and/or ``household``),
``risk_flags`` and ``legal_statuses`` (``person``)
    Lists of records; the keys in brackets refer to people, households and
    agencies by their short key, every other field is a column of the table.
``cases``
    A list of family maps: ``title``, ``reference``, ``author``, ``notes``,
    ``members`` (``person`` key, ``subject`` true/false, ``role`` text) and
    ``events`` (columns of ``Event`` plus ``people`` and ``households``:
    lists of keys).  One person may be a member of several cases.

Dates are written the way a practitioner types them ("2019-06-05", "May 2017",
"about 1986"); enumerations by their stored value ("cohabiting", "lives").
"""

from __future__ import annotations

import enum
import json
import typing
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from genomap.model.dates import PartialDate
from genomap.model.tables import (
    Agency, Case, CaseMember, Event, EventHousehold, EventPerson, Household, Involvement,
    LegalStatus, ParentLink, Partnership, Person, Residence, RiskFlag, Tie,
)

DEMO_RESOURCE = "demo_family.json"
FORMAT = "genomap-demo"
DATE_FIELDS = frozenset({"birth", "death", "start", "end", "date", "source_date"})

# list section -> (table, {file key: (column, which dictionary of ids)})
_SECTIONS: dict[str, tuple[type, dict[str, tuple[str, str]]]] = {
    "partnerships": (Partnership, {"a": ("person_a_id", "people"), "b": ("person_b_id", "people")}),
    "parent_links": (ParentLink, {"parent": ("parent_id", "people"), "child": ("child_id", "people")}),
    "ties": (Tie, {"from": ("from_id", "people"), "to": ("to_id", "people")}),
    "residences": (
        Residence, {"person": ("person_id", "people"), "household": ("household_id", "households")}
    ),
    "involvements": (
        Involvement,
        {
            "agency": ("agency_id", "agencies"),
            "person": ("person_id", "people"),
            "household": ("household_id", "households"),
        },
    ),
    "risk_flags": (RiskFlag, {"person": ("person_id", "people")}),
    "legal_statuses": (LegalStatus, {"person": ("person_id", "people")}),
}


class DemoDataError(ValueError):
    """The demo file is malformed (a packaging or editing mistake, not a user error)."""


def load_demo_data() -> dict[str, Any]:
    """The bundled demo data as parsed JSON."""
    text = resources.files("genomap").joinpath("resources", DEMO_RESOURCE).read_text("utf-8")
    return json.loads(text)


def build_demo(document, data: dict[str, Any] | None = None) -> list[int]:
    """Write the demo families into ``document`` in one edit; return the new case ids."""
    data = load_demo_data() if data is None else data
    if data.get("format") != FORMAT or data.get("version") != 1:
        raise DemoDataError("not a version 1 GenoMap demo file")
    case_ids: list[int] = []

    def write(session: Session) -> None:
        case_ids.extend(_write(session, data))

    document.edit("Add the demo families", write)
    return case_ids


def _write(session: Session, data: dict[str, Any]) -> list[int]:
    ids: dict[str, dict[str, int]] = {}
    for section, model in (("people", Person), ("households", Household), ("agencies", Agency)):
        rows = {key: model(**typed_fields(model, fields)) for key, fields in data.get(section, {}).items()}
        session.add_all(rows.values())
        session.flush()
        ids[section] = {key: row.id for key, row in rows.items()}

    for section, (model, refs) in _SECTIONS.items():
        for record in data.get(section, []):
            fields = dict(record)
            for file_key, (column, kind) in refs.items():
                if file_key in fields:
                    fields[column] = _ref(ids, kind, fields.pop(file_key), section)
            session.add(model(**typed_fields(model, fields)))
    session.flush()

    case_ids = []
    for spec in data.get("cases", []):
        spec = dict(spec)
        members = spec.pop("members", [])
        events = spec.pop("events", [])
        case = Case(**typed_fields(Case, spec))
        session.add(case)
        session.flush()
        case_ids.append(case.id)
        for m in members:
            session.add(
                CaseMember(
                    case_id=case.id,
                    person_id=_ref(ids, "people", m["person"], "members"),
                    is_subject=bool(m.get("subject", False)),
                    role=m.get("role", ""),
                )
            )
        for record in events:
            fields = dict(record)
            people = fields.pop("people", [])
            households = fields.pop("households", [])
            event = Event(case_id=case.id, **typed_fields(Event, fields))
            session.add(event)
            session.flush()
            for key in people:
                session.add(EventPerson(event_id=event.id, person_id=_ref(ids, "people", key, "events")))
            for key in households:
                session.add(
                    EventHousehold(
                        event_id=event.id, household_id=_ref(ids, "households", key, "events")
                    )
                )
    session.flush()
    return case_ids


def _ref(ids: dict[str, dict[str, int]], kind: str, key: str, where: str) -> int:
    try:
        return ids[kind][key]
    except KeyError:
        raise DemoDataError(f"{where}: unknown {kind} key {key!r}") from None


def typed_fields(model: type, fields: dict[str, Any]) -> dict[str, Any]:
    """Check field names against the table and turn text into dates and enums."""
    known = model.model_fields
    out = {}
    for name, value in fields.items():
        if name not in known:
            raise DemoDataError(f"{model.__name__} has no field {name!r}")
        if name in DATE_FIELDS and value is not None:
            value = PartialDate.parse(value)
        else:
            enum_cls = _enum_of(known[name].annotation)
            if enum_cls is not None and value is not None:
                value = enum_cls(value)
        out[name] = value
    return out


def _enum_of(annotation) -> type[enum.Enum] | None:
    candidates = typing.get_args(annotation) or (annotation,)
    for c in candidates:
        if isinstance(c, type) and issubclass(c, enum.Enum):
            return c
    return None
