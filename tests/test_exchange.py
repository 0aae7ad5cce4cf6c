"""JSON exchange format: exact round trips, schema validation with JSON paths, all-or-nothing import.

``build_family`` (used by the GEDCOM and CSV tests too) makes a small map that
touches every table and every kind of partial date.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlmodel import SQLModel

from genomap.errors import UserFacingError
from genomap.formats import exchange
from genomap.formats.common import ImportCancelled, ImportFailed
from genomap.model import tables as T
from genomap.model.dates import PartialDate
from genomap.model.enums import (
    AgencyType, EventKind, FactStatus, HouseholdType, LegalStatusKind, ParentLinkKind, PartnershipEnd,
    PartnershipKind, PregnancyOutcome, ResidenceKind, RiskKind, Sex, TieKind, TriState, TwinKind,
)
from genomap.store.document import Document

D = PartialDate.parse


def build_family(doc: Document, title: str = "Okafor-Lane family", reference: str = "CASE-001") -> int:
    """A fictional blended family exercising every table; returns the case id."""
    box = {}

    def fn(s):
        case = T.Case(title=title, reference=reference, author="A. Worker", notes="Initial assessment\nline 2",
                      created_at=datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc),
                      updated_at=datetime(2024, 2, 3, 4, 5, 6, tzinfo=timezone.utc))
        s.add(case)
        s.flush()
        mum = T.Person(given_names="Grace", family_name="Okafor", known_as="Gracie", aliases="G. Lane; Grace L",
                       sex=Sex.FEMALE, birth=D("about 1988"), notes="Works nights. Zoë's mum 🙂")
        dad = T.Person(given_names="Martin", family_name="Lane", sex=Sex.MALE, birth=D("Jun 1985"))
        ex = T.Person(given_names="Dean", family_name="Hollis", sex=Sex.MALE, birth=D("before 1980"),
                      death=D("between 2015 and 2016"), deceased=True)
        kid = T.Person(given_names="Zoë", family_name="Okafor-Lane", sex=Sex.FEMALE, birth=D("2015-03-04"),
                       child_voice="I like weekends at dad's", twin_group="tw1", twin_kind=TwinKind.IDENTICAL,
                       birth_order=1)
        twin = T.Person(given_names="Ada", family_name="Okafor-Lane", sex=Sex.FEMALE, birth=D("2015-03-04"),
                        twin_group="tw1", twin_kind=TwinKind.IDENTICAL, birth_order=2, looked_after=True)
        baby = T.Person(given_names="", family_name="", sex=Sex.UNKNOWN, pregnancy=PregnancyOutcome.MISCARRIAGE,
                        birth=D("after Feb 2020"))
        visitor = T.Person(given_names="Rob", family_name="Kerr", sex=Sex.OTHER, gender_identity="non-binary",
                           adopted=True)
        people = [mum, dad, ex, kid, twin, baby, visitor]
        s.add_all(people)
        s.flush()
        for p, role in zip(people, ["mother", "father", "mother's ex-partner", "subject", "sibling", "", "visitor"]):
            s.add(T.CaseMember(case_id=case.id, person_id=p.id, role=role, is_subject=p is kid))
        s.add_all([
            T.Partnership(person_a_id=dad.id, person_b_id=mum.id, kind=PartnershipKind.MARRIED,
                          start=D("2012"), end=D("2021-05"), end_kind=PartnershipEnd.SEPARATED,
                          living_together=True, status=FactStatus.CONFIRMED, source="Mother",
                          source_agency="Social care", source_date=D("2023-01-10")),
            T.Partnership(person_a_id=ex.id, person_b_id=mum.id, kind=PartnershipKind.DATING,
                          status=FactStatus.REPORTED),
        ])
        for parent in (mum, dad):
            for child in (kid, twin):
                s.add(T.ParentLink(parent_id=parent.id, child_id=child.id, kind=ParentLinkKind.BIOLOGICAL,
                                   parental_responsibility=TriState.YES))
        s.add(T.ParentLink(parent_id=mum.id, child_id=baby.id))
        s.add(T.ParentLink(parent_id=visitor.id, child_id=kid.id, kind=ParentLinkKind.STEP,
                           start=D("2022"), notes="informal"))
        s.add_all([
            T.Tie(from_id=visitor.id, to_id=kid.id, kind=TieKind.SEXUAL_ABUSE, status=FactStatus.ALLEGED,
                  source="School DSL", start=D("Sep 2023")),
            T.Tie(from_id=kid.id, to_id=twin.id, kind=TieKind.CLOSE),
        ])
        home = T.Household(label="Family home", address="1 Elm Road\nTownsville", type=HouseholdType.FAMILY_HOME)
        temp = T.Household(label="B&B", address="Hotel, High St", type=HouseholdType.TEMPORARY, notes="Room 4")
        dads = T.Household(label="Dad's flat", address="", type=HouseholdType.FAMILY_HOME)
        s.add_all([home, temp, dads])
        sw = T.Agency(name="Northshire CSC", type=AgencyType.SOCIAL_CARE, contact="01234 567890")
        school = T.Agency(name="Elm Primary", type=AgencyType.SCHOOL)
        s.add_all([sw, school])
        s.flush()
        s.add_all([
            T.Residence(person_id=mum.id, household_id=home.id, kind=ResidenceKind.LIVES, end=D("2022-06")),
            T.Residence(person_id=mum.id, household_id=temp.id, kind=ResidenceKind.LIVES, start=D("2022-07"),
                        end=D("2022-12")),
            T.Residence(person_id=kid.id, household_id=dads.id, kind=ResidenceKind.STAYS_REGULARLY,
                        notes="weekends"),
            T.Residence(person_id=dad.id, household_id=dads.id, overlap_ok=True),
        ])
        s.add_all([
            T.Involvement(agency_id=sw.id, person_id=kid.id, role="Child protection plan", worker_name="Sam Eze",
                          start=D("2023-10-01")),
            T.Involvement(agency_id=school.id, household_id=home.id, role="Pastoral", worker_contact="x@y"),
        ])
        s.add(T.RiskFlag(person_id=visitor.id, kind=RiskKind.REGISTERED_SEX_OFFENDER,
                         status=FactStatus.CONFIRMED, detail="MAPPA 1 level 2", source="Police"))
        s.add(T.LegalStatus(person_id=kid.id, kind=LegalStatusKind.CHILD_PROTECTION, start=D("2023-10-15")))
        s.add(T.SignificantAdult(child_id=kid.id, adult_id=visitor.id, contact_arrangement="None agreed",
                                 restriction=T.ContactRestriction.NO_CONTACT, may_collect=TriState.NO,
                                 emergency_priority=None, notes="Court order 2023", last_checked=D("2024-01-05")))
        s.add(T.SignificantAdult(child_id=kid.id, adult_id=dad.id, contact_arrangement="Alternate weekends",
                                 may_collect=TriState.YES, emergency_priority=1))
        ev = T.Event(case_id=case.id, date=D("2023-09-20"), kind=EventKind.REFERRAL, title="School referral",
                     description="Disclosure to teacher", source="School")
        ev2 = T.Event(case_id=case.id, date=None, kind=EventKind.MOVE, title="Move to B&B")
        s.add_all([ev, ev2])
        s.flush()
        s.add_all([T.EventPerson(event_id=ev.id, person_id=kid.id),
                   T.EventPerson(event_id=ev.id, person_id=visitor.id),
                   T.EventHousehold(event_id=ev2.id, household_id=temp.id)])
        box["id"] = case.id

    doc.edit("build family", fn)
    return box["id"]


def row_counts(doc: Document) -> dict[str, int]:
    with doc.engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                for t in SQLModel.metadata.sorted_tables}


@pytest.fixture
def doc():
    d = Document.in_memory()
    yield d
    d.close()


def roundtrip(data: dict) -> dict:
    """Import an exchange document into an empty file and export it again."""
    target = Document.in_memory()
    try:
        report = exchange.import_exchange(target, copy.deepcopy(data))
        return exchange.export_case(target, report.case_id)
    finally:
        target.close()


# -- round trips ---------------------------------------------------------------
def test_exact_round_trip_of_hand_built_family(doc, tmp_path):
    cid = build_family(doc)
    out = tmp_path / "a.json"
    exchange.export_case_json(doc, cid, out)
    first = out.read_text(encoding="utf-8")
    data = json.loads(first)
    assert data["format"] == "genomap-exchange" and data["version"] == 1
    assert len(data["people"]) == 7 and len(data["events"]) == 2
    assert data["people"][0]["birth"] == "about 1988"
    assert data["partnerships"][0]["end"] == "May 2021"
    assert data["people"][2]["death"] == "between 2015 and 2016"
    assert data["events"][0]["people"] == ["P4", "P7"]
    assert [p["membership"]["is_subject"] for p in data["people"]].count(True) == 1

    target = Document.in_memory()
    report = exchange.import_json(target, out)
    assert report.created["person"] == 7 and report.ok
    exchange.export_case_json(target, report.case_id, tmp_path / "b.json")
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == first
    target.close()


def test_round_trip_into_a_file_that_already_has_data(doc):
    cid = build_family(doc)
    data = exchange.export_case(doc, cid)
    build_family(doc, "Other", "CASE-002")
    report = exchange.import_exchange(doc, copy.deepcopy(data))
    assert exchange.export_case(doc, report.case_id) == data
    assert any("already has a case" in str(w) for w in report.warnings)


def test_every_column_is_carried_and_schema_is_current():
    """A column added to the model must appear in the format (regenerate the schema)."""
    assert exchange.shipped_schema() == exchange.build_schema(), (
        "schema out of date: run python -m genomap.formats.exchange --write-schema")
    covered = {T.Case, T.CaseMember, T.EventPerson, T.EventHousehold, T.RedactionProfile}
    for s in exchange.SECTIONS:
        covered.add(s.table)
        fks = {c.name for c in s.table.__table__.columns if c.foreign_keys}
        assert fks <= {r.column for r in s.refs} | set(s.skip), s.key
    model_tables = set(T.ALL_TABLES)
    missing = {t.__table__.name for t in model_tables} - {t.__table__.name for t in covered}
    assert not missing, f"tables not carried by the exchange format: {missing}"


def test_export_only_includes_the_case(doc):
    a = build_family(doc)
    build_family(doc, "Other", "CASE-002")
    data = exchange.export_case(doc, a)
    assert len(data["people"]) == 7 and len(data["households"]) == 3 and len(data["agencies"]) == 2


def test_import_into_existing_case_by_reference(doc):
    cid = build_family(doc)
    data = exchange.export_case(doc, cid)
    report = exchange.import_exchange(doc, data, case_ref="CASE-001")
    assert report.case_id == cid and report.created["case"] == 0
    with doc.read() as s:
        n = s.scalar(sa.select(sa.func.count()).select_from(T.CaseMember).where(T.CaseMember.case_id == cid))
    assert n == 14


def test_redaction_profiles_travel_with_exchange_ids(doc):
    from genomap.redaction import BUILTIN_PROFILES, RedactionProfile

    cid = build_family(doc)
    with doc.read() as s:
        rob = s.scalars(sa.select(T.Person).where(T.Person.given_names == "Rob")).one()
        b_and_b = s.scalars(sa.select(T.Household).where(T.Household.label == "B&B")).one()
    mine = RedactionProfile(name="school", label="For school", hide_people=frozenset({rob.id}),
                            hide_households=frozenset({b_and_b.id}), hide_addresses=True)
    data = exchange.export_case(doc, cid, redaction_profiles=[BUILTIN_PROFILES["parents"], mine])
    assert data["redaction_profiles"][1]["hide_people"] == ["P7"]
    assert data["redaction_profiles"][1]["hide_households"] == ["H2"]
    target = Document.in_memory()
    report = exchange.import_exchange(target, copy.deepcopy(data))
    back = report.redaction_profiles
    assert [p.name for p in back] == ["parents", "school"] and back[1].hide_addresses
    again = exchange.export_case(target, report.case_id, redaction_profiles=back)
    assert again == data
    # saved in the file, so a plain export carries them again
    assert exchange.export_case(target, report.case_id) == data
    # importing again: 'parents' is identical and not saved twice; 'school' now hides the new copy's
    # people, so it is kept under another name rather than overwriting the first
    report2 = exchange.import_exchange(target, copy.deepcopy(data))
    assert report2.created["redactionprofile"] == 1
    assert [p.name for p in report2.redaction_profiles] == ["parents", "school (imported)"]
    bad = copy.deepcopy(data)
    bad["redaction_profiles"][1]["hide_colours"] = True
    assert any(e.startswith("$.redaction_profiles[1]") for e in _errors(bad))
    target.close()


# -- validation ----------------------------------------------------------------
def _errors(data) -> list[str]:
    d = Document.in_memory()
    try:
        with pytest.raises(ImportFailed) as info:
            exchange.import_exchange(d, data)
        assert sum(row_counts(d).values()) == 0
        return [str(e) for e in info.value.report.errors]
    finally:
        d.close()


def test_schema_errors_name_the_json_path(doc):
    data = exchange.export_case(doc, build_family(doc))
    bad = copy.deepcopy(data)
    bad["people"][2]["sex"] = "mail"
    bad["ties"][0]["to"] = 5
    errs = _errors(bad)
    assert any(e.startswith("$.people[2].sex:") and "mail" in e for e in errs)
    assert any(e.startswith("$.ties[0].to:") for e in errs)


def test_bad_dates_and_references_are_reported_with_paths(doc):
    data = exchange.export_case(doc, build_family(doc))
    bad = copy.deepcopy(data)
    bad["people"][0]["birth"] = "31 Feb 2001"
    bad["parent_links"][0]["child"] = "P99"
    errs = _errors(bad)
    assert any(e.startswith("$.parent_links[0].child:") and "P99" in e for e in errs)
    bad2 = copy.deepcopy(data)
    bad2["people"][0]["birth"] = "31 Feb 2001"
    errs = _errors(bad2)
    assert any(e.startswith("$.people[0].birth:") and "not a real date" in e for e in errs)


def test_wrong_format_newer_version_and_junk(tmp_path):
    assert "not a GenoMap exchange" in _errors({"format": "other"})[0]
    assert "newer GenoMap" in _errors({"format": "genomap-exchange", "version": 2, "case": {}, "people": []})[0]
    d = Document.in_memory()
    for content, expect in ((b"{\n  \"a\": ", "line 2"), (b"\xff\xfe\x00", "not UTF-8"), (b"[]", "JSON object")):
        p = tmp_path / "x.json"
        p.write_bytes(content)
        with pytest.raises(ImportFailed) as info:
            exchange.import_json(d, p)
        assert expect in info.value.report.summary()
    assert sum(row_counts(d).values()) == 0
    d.close()


def test_minimal_document_imports():
    d = Document.in_memory()
    report = exchange.import_exchange(d, {"format": "genomap-exchange", "version": 1, "case": {"title": "X"},
                                          "people": [{"id": "P1", "given_names": "Ann"}]})
    assert report.created["person"] == 1
    data = exchange.export_case(d, report.case_id)
    assert data["people"][0]["given_names"] == "Ann" and data["people"][0]["sex"] == "unknown"
    d.close()


def test_cancel_leaves_file_unchanged(doc):
    data = exchange.export_case(doc, build_family(doc))
    before = row_counts(doc)
    with pytest.raises(ImportCancelled):
        exchange.import_exchange(doc, data, cancel=lambda: True)
    assert row_counts(doc) == before


def test_rule_breach_imports_nothing(doc):
    """A self-partnership is caught by the model rules; the whole import is refused."""
    data = exchange.export_case(doc, build_family(doc))
    data["partnerships"][0]["person_b"] = data["partnerships"][0]["person_a"]
    before = row_counts(doc)
    with pytest.raises(ImportFailed) as info:
        exchange.import_exchange(doc, data)
    assert "own partner" in info.value.report.summary()
    assert row_counts(doc) == before


# -- property-based -------------------------------------------------------------
names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
pdates = st.one_of(
    st.none(),
    st.builds(lambda y, m, q: PartialDate(y, m, None, q) if q.value not in ("between",) else
              PartialDate(y, m, None, q, (y + 1, None, None)),
              st.integers(1900, 2030), st.one_of(st.none(), st.integers(1, 12)),
              st.sampled_from(list(__import__("genomap.model.dates", fromlist=["Qualifier"]).Qualifier))),
)


@st.composite
def families(draw):
    n = draw(st.integers(1, 8))
    people = [dict(given_names=draw(names), family_name=draw(names), sex=draw(st.sampled_from(list(Sex))),
                   birth=draw(pdates), notes=draw(names)) for _ in range(n)]
    links = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.sampled_from(list(ParentLinkKind))), max_size=n, unique_by=lambda t: t[:2]))
    links = [(a, b, k) for a, b, k in links if a < b]  # parents listed before children: no cycles
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.sampled_from(list(PartnershipKind))), max_size=3))
    pairs = [(a, b, k) for a, b, k in pairs if a != b]
    ties = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(list(TieKind)),
                                   st.sampled_from(list(FactStatus))), max_size=3))
    ties = [t for t in ties if t[0] != t[1]]
    return people, links, pairs, ties


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(families())
def test_generated_families_round_trip_exactly(fam):
    people, links, pairs, ties = fam
    d = Document.in_memory()
    try:
        def fn(s):
            case = T.Case(title="gen")
            s.add(case)
            objs = [T.Person(**p) for p in people]
            s.add_all(objs)
            s.flush()
            s.add_all([T.CaseMember(case_id=case.id, person_id=o.id) for o in objs])
            s.add_all([T.ParentLink(parent_id=objs[a].id, child_id=objs[b].id, kind=k) for a, b, k in links])
            s.add_all([T.Partnership(person_a_id=objs[a].id, person_b_id=objs[b].id, kind=k) for a, b, k in pairs])
            s.add_all([T.Tie(from_id=objs[a].id, to_id=objs[b].id, kind=k, status=st_)
                       for a, b, k, st_ in ties])
            return case.id

        box = []
        d.edit("gen", lambda s: box.append(fn(s)))
        data = exchange.export_case(d, box[0])
        assert exchange.dumps(roundtrip(data)) == exchange.dumps(data)
    finally:
        d.close()


def _mutations(data: dict):
    """Strategies that damage an exchange document in typical ways."""
    flat = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                flat.append(path + [k])
                walk(v, path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                flat.append(path + [i])
                walk(v, path + [i])

    walk(data, [])
    junk = st.one_of(st.none(), st.booleans(), st.integers(-5, 10 ** 12), st.text(max_size=20),
                     st.sampled_from(["P1", "P999", "H1", "about", "2020-02-30", "between 2003 and 2001"]),
                     st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.none(), max_size=2))
    return st.lists(st.tuples(st.sampled_from(flat), st.sampled_from(["set", "delete"]), junk), min_size=1,
                    max_size=4)


_FUZZ_DOC = Document.in_memory()
_FUZZ_BASE = exchange.export_case(_FUZZ_DOC, build_family(_FUZZ_DOC))
_FUZZ_DOC.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations(_FUZZ_BASE))
def test_fuzzed_json_never_crashes_and_never_half_imports(muts):
    data = copy.deepcopy(_FUZZ_BASE)
    for path, op, value in muts:
        node = data
        try:
            for p in path[:-1]:
                node = node[p]
            if op == "set":
                node[path[-1]] = value
            elif isinstance(node, dict):
                node.pop(path[-1], None)
            else:
                del node[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
    d = Document.in_memory()
    try:
        before = row_counts(d)
        try:
            exchange.import_exchange(d, data)
        except UserFacingError:
            assert row_counts(d) == before
    finally:
        d.close()


# -- command line ---------------------------------------------------------------
def test_cli_import_json_gedcom_and_csv(tmp_path, capsys):
    from genomap.cli import main
    from genomap.formats.gedcom_export import export_gedcom

    src = Document.in_memory()
    cid = build_family(src)
    exchange.export_case_json(src, cid, tmp_path / "fam.json")
    export_gedcom(src, cid, tmp_path / "fam.ged")
    src.close()
    (tmp_path / "adults.csv").write_text("Forename,Surname,Date of birth,Phone\nDean,Hollis,1980,0123\n",
                                         encoding="utf-8")
    target = tmp_path / "t.genomap"
    assert main(["import", str(target), str(tmp_path / "fam.json")]) == 0
    assert "Created: 1 case, 7 people" in capsys.readouterr().out
    assert main(["import", str(target), str(tmp_path / "fam.ged"), "--case", "CASE-001"]) == 0
    out = capsys.readouterr().out
    assert "into case 'CASE-001'" in out and "7 people" in out
    assert main(["import", str(target), str(tmp_path / "adults.csv"), "--map", "birth=Date of birth"]) == 0
    assert "1 person" in capsys.readouterr().out
    (tmp_path / "bad.ged").write_text("0 HEAD\n0 @I1@ INDI\n", encoding="utf-8")
    before = target.read_bytes()
    assert main(["import", str(target), str(tmp_path / "bad.ged")]) == 1
    err = capsys.readouterr().err
    assert "NOTHING was imported" in err and "truncated" in err
    assert main(["import", str(target), str(tmp_path / "missing.ged")]) == 1
    d = Document.open(target)
    try:
        counts = row_counts(d)
        assert counts["person"] == 15 and counts["case"] == 2
    finally:
        d.close()
    assert len(before) > 0
