"""Model rules, enforced by Document.edit on every path: errors block, warnings do not."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from genomap.errors import is_user_facing
from genomap.model import rules
from genomap.model.tables import (
    Agency, Event, EventPerson, Household, Involvement, LegalStatus, ParentLink, Partnership,
    Person, Residence, RiskFlag, Tie,
)
from genomap.store.document import ValidationError

from factories import add_case, add_child, add_parent_link, add_person, add_row, make_document, update_row


@pytest.fixture
def doc(tmp_path):
    d = make_document(tmp_path)
    yield d
    d.close()


@pytest.fixture
def case(doc):
    return add_case(doc)


def dump(doc):
    with doc.engine.connect() as conn:
        return {
            t.name: sorted(map(tuple, conn.execute(sa.select(t)).all()), key=repr)
            for t in SQLModel.metadata.sorted_tables
        }


def refused(doc, fn, *args, match: str, **kwargs) -> ValidationError:
    """Run a factory call that must be refused; check the message and that nothing changed."""
    before = dump(doc)
    with pytest.raises(ValidationError) as err:
        fn(doc, *args, **kwargs)
    assert match in str(err.value), str(err.value)
    assert dump(doc) == before
    assert is_user_facing(err.value)
    assert err.value.findings and all(f.is_error for f in err.value.findings)
    return err.value


def messages(doc, level=None):
    with doc.read() as s:
        return [f.message for f in rules.check_all(s) if level is None or f.level == level]


# -- errors ----------------------------------------------------------------------------


def test_nobody_is_their_own_ancestor(doc, case):
    jo = add_person(doc, case, given_names="Jo", family_name="Smith")
    amy = add_child(doc, case, [jo], given_names="Amy", family_name="Smith")
    kim = add_child(doc, case, [amy], given_names="Kim", family_name="Smith")
    err = refused(doc, add_parent_link, kim, jo, match="cannot be their own ancestor")
    assert str(err) == "Jo Smith cannot be their own ancestor (Jo Smith → Kim Smith → Amy Smith → Jo Smith)."
    # any kind of parent link counts
    refused(doc, add_parent_link, amy, jo, kind="step", match="Jo Smith cannot be their own ancestor")


def test_two_person_loop_is_refused_and_named(doc, case):
    jo = add_person(doc, case, given_names="Jo", family_name="Smith")
    amy = add_child(doc, case, [jo], given_names="Amy", family_name="Smith")
    refused(doc, add_parent_link, amy, jo, kind="adoptive",
            match="Jo Smith cannot be their own ancestor (Jo Smith → Amy Smith → Jo Smith)")


def test_a_loop_made_by_changing_a_link_is_refused(doc, case):
    a = add_person(doc, case, given_names="A")
    b = add_child(doc, case, [a], given_names="B")
    c = add_person(doc, case, given_names="C")
    link = add_parent_link(doc, c, a)  # C is A's parent: fine
    refused(doc, update_row, ParentLink, link, parent_id=b, match="cannot be their own ancestor")


def test_no_parent_partnership_or_tie_with_oneself(doc, case):
    jo = add_person(doc, case, given_names="Jo", family_name="Smith", birth="1990")
    refused(doc, add_parent_link, jo, jo, match="Jo Smith cannot be their own parent")
    refused(doc, add_row, Partnership, person_a_id=jo, person_b_id=jo, match="Jo Smith cannot be their own partner")
    refused(doc, add_row, Tie, from_id=jo, to_id=jo, kind="conflict", match="Jo Smith is on both ends")


def test_death_not_before_birth(doc, case):
    refused(doc, add_person, case, given_names="Jo", family_name="Smith", birth="2005", death="3 Feb 2001",
            match="Jo Smith's date of death (3 Feb 2001) is before their date of birth (2005)")
    pid = add_person(doc, case, given_names="Amy", birth="2005-06-01")
    refused(doc, update_row, Person, pid, death="2005-05-31", match="Amy's date of death")


@pytest.mark.parametrize("birth, death", [("about 2000", "1999"), ("2005", "2005-01-01"), ("Jun 2010", "2010"),
                                          ("2010-03-01", "2010-03-01")])
def test_fuzzy_dates_do_not_give_false_death_errors(doc, case, birth, death):
    add_person(doc, case, given_names="Jo", birth=birth, death=death)


@pytest.fixture
def two(doc, case):
    return (add_person(doc, case, given_names="Ann", family_name="Lee", birth="1980"),
            add_person(doc, case, given_names="Ben", family_name="Lee", birth="1978"))


@pytest.fixture
def place(doc):
    return add_row(doc, Household, label="1 High Street")


@pytest.fixture
def agency(doc):
    return add_row(doc, Agency, name="Northtown School", type="school")


@pytest.mark.parametrize(
    "kind, match",
    [
        ("partnership", "The partnership of Ann Lee and Ben Lee ends (2001) before it starts (2005)"),
        ("parentlink", "The step parent link from Ann Lee to Ben Lee ends (2001) before it starts (2005)"),
        ("tie", "The close relationship between Ann Lee and Ben Lee ends (2001) before it starts (2005)"),
        ("residence", "Ann Lee's time at 1 High Street ends (2001) before it starts (2005)"),
        ("involvement", "The involvement of Northtown School with Ann Lee ends (2001) before it starts (2005)"),
        ("riskflag", "Ann Lee's risk flag (Substance misuse) ends (2001) before it starts (2005)"),
        ("legalstatus", "Ann Lee's child in need status ends (2001) before it starts (2005)"),
    ],
)
def test_no_period_ends_before_it_starts(doc, two, place, agency, kind, match):
    ann, ben = two
    rows = {
        "partnership": (Partnership, dict(person_a_id=ann, person_b_id=ben)),
        "parentlink": (ParentLink, dict(parent_id=ann, child_id=ben, kind="step")),
        "tie": (Tie, dict(from_id=ann, to_id=ben, kind="close")),
        "residence": (Residence, dict(person_id=ann, household_id=place)),
        "involvement": (Involvement, dict(agency_id=agency, person_id=ann)),
        "riskflag": (RiskFlag, dict(person_id=ann, kind="substance_misuse")),
        "legalstatus": (LegalStatus, dict(person_id=ann, kind="child_in_need")),
    }
    model, fields = rows[kind]
    refused(doc, add_row, model, start="2005", end="2001", match=match, **fields)
    rid = add_row(doc, model, start="2005", end="about 2004", **fields)  # fuzzy: allowed
    refused(doc, update_row, model, rid, end="2001", match=match)


def test_involvement_names_a_person_or_household(doc, agency, place, two):
    refused(doc, add_row, Involvement, agency_id=agency,
            match="The involvement of Northtown School must name a person or a household")
    add_row(doc, Involvement, agency_id=agency, household_id=place)
    add_row(doc, Involvement, agency_id=agency, person_id=two[0])


@pytest.fixture
def homes(doc):
    return [add_row(doc, Household, label=label) for label in ("1 High Street", "2 Low Road")]


def test_lives_periods_must_not_overlap(doc, two, homes):
    ann = two[0]
    add_row(doc, Residence, person_id=ann, household_id=homes[0], start="2015")
    refused(doc, add_row, Residence, person_id=ann, household_id=homes[1], start="2020",
            match="Ann Lee cannot live in two places at once: living at 2 Low Road (2020 – ongoing) "
                  "overlaps living at 1 High Street (2015 – ongoing)")


def test_moves_and_allowed_overlaps(doc, two, homes):
    ann, ben = two
    first = add_row(doc, Residence, person_id=ann, household_id=homes[0], start="2015-01-01", end="2020-03-01")
    add_row(doc, Residence, person_id=ann, household_id=homes[1], start="2020-03-01")  # moving day
    # fuzzy boundaries: "ended 2020" and "started 2020" may well not overlap
    add_row(doc, Residence, person_id=ben, household_id=homes[0], start="2010", end="2020")
    add_row(doc, Residence, person_id=ben, household_id=homes[1], start="2020")
    # stays/visits are not "lives"
    add_row(doc, Residence, person_id=ann, household_id=homes[0], kind="stays_regularly", start="2021")
    # marked as a deliberate overlap
    add_row(doc, Residence, person_id=ann, household_id=homes[0], start="2022", overlap_ok=True)
    # changing an old period so that it overlaps is refused
    refused(doc, update_row, Residence, first, end="2021-06-01", match="Ann Lee cannot live in two places at once")


def test_two_current_homes_without_dates_overlap(doc, two, homes):
    add_row(doc, Residence, person_id=two[0], household_id=homes[0])
    refused(doc, add_row, Residence, person_id=two[0], household_id=homes[1], match="two places at once")


def test_past_homes_without_dates_do_not_overlap(doc, two, homes):
    add_row(doc, Residence, person_id=two[0], household_id=homes[0], end="2010")
    add_row(doc, Residence, person_id=two[0], household_id=homes[1])


def test_one_bad_row_refuses_the_whole_edit(doc, case):
    before = dump(doc)

    def write(session):
        good = Person(given_names="Good", birth="2000")
        bad = Person(given_names="Bad", birth="2000", death="1990")
        session.add_all([good, bad])

    with pytest.raises(ValidationError, match="Bad's date of death"):
        doc.edit("two people", write)
    assert dump(doc) == before


# -- warnings --------------------------------------------------------------------------


def test_warnings_do_not_block_and_are_reported(doc, case):
    mum = add_person(doc, case, given_names="Ann", family_name="Lee", birth="2012")
    kid = add_child(doc, case, [mum], given_names="Kid", family_name="Lee", birth="2010")
    young = add_person(doc, case, given_names="Young", family_name="Lee", birth="2000-05-01")
    add_child(doc, case, [young], given_names="Early", family_name="Lee", birth="2010-01-01")
    add_person(doc, case, given_names="Nodate", family_name="Lee")
    extra = [add_person(doc, case, given_names=n, birth="1970") for n in ("P1", "P2")]
    for p in extra:
        add_parent_link(doc, p, kid)
    baby = add_person(doc, case, given_names="Baby", birth="2024")
    other = add_person(doc, case, given_names="Other", birth="1990")
    add_row(doc, Partnership, person_a_id=baby, person_b_id=other, start="2020")
    event = add_row(doc, Event, case_id=case, date="2019-03-01", title="Police called")
    add_row(doc, EventPerson, event_id=event, person_id=baby)

    warnings = messages(doc, "warning")
    assert messages(doc, "error") == []
    expected = [
        "Ann Lee is recorded as born (2012) after their biological child Kid Lee (2010).",
        "Young Lee (born 1 May 2000) would have been under 12 when their biological child Early Lee was born (1 Jan 2010).",
        "Nodate Lee has no dates recorded (no date of birth or death).",
        "Kid Lee has 3 biological parents recorded (Ann Lee, P1, P2); a child has at most two.",
        "The partnership of Baby and Other starts (2020) before Baby was born (2024).",
        "The event 'Police called' (1 Mar 2019) is dated before Baby was born (2024).",
    ]
    for message in expected:
        assert message in warnings
    assert len(warnings) == len(expected)


def test_validate_returns_warnings_for_the_rows_touched(doc, case):
    mum = add_person(doc, case, given_names="Ann", birth="1990")
    kid = add_child(doc, case, [mum], given_names="Kid", birth="2015")
    with doc.read() as s:
        p = s.get(Person, mum)
        p.birth = "2016"  # as the editor would, as text
        s.flush()
        found = rules.validate(s, [p])
        s.rollback()
    assert [f.message for f in found] == ["Ann is recorded as born (2016) after their biological child Kid (2015)."]
    assert found[0].level == "warning" and not found[0].is_error and found[0].table == "parentlink"


def test_parent_age_is_not_flagged_for_fuzzy_dates_that_may_be_fine(doc, case):
    mum = add_person(doc, case, given_names="Ann", birth="about 1995")
    add_child(doc, case, [mum], given_names="Kid", birth="2008")
    assert messages(doc) == []


def test_pregnancy_without_dates_is_not_a_warning(doc, case):
    mum = add_person(doc, case, given_names="Ann", birth="1990")
    add_child(doc, case, [mum], known_as="Pregnancy", pregnancy="pregnancy")
    assert messages(doc) == []


# -- whole-file check ------------------------------------------------------------------


def test_check_all_finds_problems_written_behind_the_rules_back(doc, case, homes):
    a = add_person(doc, case, given_names="A", birth="1950")
    b = add_child(doc, case, [a], given_names="B", birth="1975")
    c = add_child(doc, case, [b], given_names="C", birth="2000")
    with doc.engine.begin() as conn:  # raw SQL: what an old or hand-edited file might hold
        conn.execute(sa.insert(ParentLink.__table__).values(
            parent_id=c, child_id=a, kind="biological", parental_responsibility="unknown", status="reported",
            source="", source_agency="", notes=""))
        for h in homes:
            conn.execute(sa.insert(Residence.__table__).values(
                person_id=a, household_id=h, kind="lives", overlap_ok=False, status="reported",
                source="", source_agency="", notes="", start="2000"))
    errors = messages(doc, "error")
    assert len([m for m in errors if "own ancestor" in m]) == 1
    assert "A cannot be their own ancestor (A → C → B → A)." in errors
    assert len([m for m in errors if "two places at once" in m]) == 1
    assert len(errors) == 2


def test_demo_data_passes_the_rules(doc):
    from genomap.demo import build_demo

    build_demo(doc)
    assert messages(doc, "error") == []


def test_duplicates_and_dangling_links_are_refused_in_plain_words(doc, case):
    mum = add_person(doc, case, given_names="Ann")
    kid = add_child(doc, case, [mum], given_names="Kid")
    refused(doc, add_parent_link, mum, kid, match="That parent–child link is already recorded.")
    refused(doc, add_parent_link, mum, 9999, match="no longer exists")


@pytest.mark.parametrize("problem", ["cycle", "overlap", "death"])
def test_big_edits_are_checked_the_same_way(doc, case, homes, problem):
    """An import touches hundreds of rows: the rules then read the file once (bulk mode)."""
    old = add_person(doc, case, given_names="Old", birth="1950")
    add_row(doc, Residence, person_id=old, household_id=homes[0], start="2000")
    before = dump(doc)

    def write(s):
        people = [Person(given_names=f"P{i}", birth="1990") for i in range(rules.BULK_ROWS)]
        s.add_all(people)
        s.flush()
        if problem == "cycle":
            s.add(ParentLink(parent_id=people[0].id, child_id=people[1].id))
            s.add(ParentLink(parent_id=people[1].id, child_id=old))
            s.add(ParentLink(parent_id=old, child_id=people[0].id))
        elif problem == "overlap":
            s.add(Residence(person_id=old, household_id=homes[1], start="2010"))
        else:
            people[7].death = "1980"

    expected = {"cycle": "cannot be their own ancestor", "overlap": "Old cannot live in two places at once",
                "death": "P7's date of death (1980) is before their date of birth (1990)"}[problem]
    with pytest.raises(ValidationError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        doc.edit("import", write)
    assert dump(doc) == before
