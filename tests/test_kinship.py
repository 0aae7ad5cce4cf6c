"""Relationship of every person to the subject child, derived from links and partnerships."""

from datetime import date

from genomap.model.dates import PartialDate as D
from genomap.model.enums import ParentLinkKind, PartnershipEnd, PartnershipKind, Sex
from genomap.model.kinship import (
    KinshipIndex, relationship, relationships, role_labels, subject_children, third_parties,
)
from genomap.store.snapshot import FamilySnapshot, ParentLinkView, PartnershipView, PersonView

from test_pdf_family import (
    AS_AT, AUNT, CHILD, DAD, DAD_NEW, FOSTER, GRAN, GRANDAD, HALFSIS, MUM, STEPBRO, STEPDAD, VISITOR,
    fictional_family,
)


def test_relationships_in_the_fictional_family():
    rel = {pid: k.label for pid, k in relationships(fictional_family(), CHILD, AS_AT).items()}
    assert rel == {
        GRAN: "Maternal grandmother",
        GRANDAD: "Maternal grandfather",
        MUM: "Mother",
        DAD: "Father",
        STEPDAD: "Step-father",
        AUNT: "Maternal aunt",
        CHILD: "Subject child",
        HALFSIS: "Half-sister",
        STEPBRO: "Step-brother",
        VISITOR: "Visitor",
        FOSTER: "Former foster carer",
        DAD_NEW: "Father's partner",
    }


def test_partnership_status_depends_on_the_date():
    snap = fictional_family()
    # before Mum married Desmond (July 2019) he was nobody to the child
    assert relationship(snap, STEPDAD, CHILD, date(2019, 1, 1)) != "Step-father"
    assert relationship(snap, STEPDAD, CHILD, date(2020, 1, 1)) == "Step-father"
    assert relationship(snap, FOSTER, CHILD, date(2018, 6, 1)) == "Foster carer"


def _people(*specs):
    return tuple(PersonView(i, f"P{i}", sex=s, birth=D.parse(b)) for i, s, b in specs)


def test_ended_cohabitation_partner_full_siblings_and_adoption():
    M, F = Sex.MALE, Sex.FEMALE
    people = _people((1, F, "1985"), (2, M, "1984"), (3, M, "1980"), (4, F, "2010"), (5, M, "2012"),
                     (6, M, "2015"), (7, F, "1960"), (8, M, "1958"))
    snap = FamilySnapshot(
        people=people,
        partnerships=(PartnershipView(1, 1, 2, PartnershipKind.MARRIED),
                      PartnershipView(2, 1, 3, PartnershipKind.COHABITING, D.parse("2020"), D.parse("2022"),
                                      PartnershipEnd.SEPARATED)),
        parent_links=(ParentLinkView(1, 1, 4), ParentLinkView(2, 2, 4), ParentLinkView(3, 1, 5),
                      ParentLinkView(4, 2, 5), ParentLinkView(5, 1, 6, ParentLinkKind.ADOPTIVE),
                      ParentLinkView(6, 2, 6, ParentLinkKind.ADOPTIVE), ParentLinkView(7, 8, 2),
                      ParentLinkView(8, 7, 2)),
    )
    day = date(2024, 1, 1)
    assert relationship(snap, 5, 4, day) == "Brother"
    assert relationship(snap, 6, 4, day) == "Adoptive brother"
    assert relationship(snap, 3, 4, day) == "Mother's former partner"
    assert relationship(snap, 3, 4, date(2021, 1, 1)) == "Mother's partner"
    assert relationship(snap, 7, 4, day) == "Paternal grandmother"
    assert relationship(snap, 2, 6, day) == "Adoptive father"
    assert relationship(snap, 4, 6, day) == "Adoptive sister"


def test_siblings_are_derived_never_stored():
    idx = KinshipIndex(fictional_family(), AS_AT)
    assert idx.siblings_of(CHILD) == {HALFSIS: "half", STEPBRO: "step"}
    assert idx.siblings_of(HALFSIS)[CHILD] == "half"


def test_role_labels_are_unique_and_name_free():
    snap = fictional_family()
    roles = role_labels(snap, AS_AT)
    assert set(roles) == {p.id for p in snap.people}
    assert len(set(roles.values())) == len(roles)
    assert roles[MUM] == "Mother" and roles[DAD] == "Father"
    # children numbered oldest first
    assert roles[STEPBRO] == "Child 1" and roles[CHILD] == "Child 2" and roles[HALFSIS] == "Child 3"
    for p in snap.people:
        assert p.given_names not in " ".join(roles.values())


def test_third_parties_are_carers_partners_of_parents_and_visitors():
    snap = fictional_family()
    assert third_parties(snap, AS_AT) == {VISITOR, FOSTER, DAD_NEW}
    assert subject_children(snap) == [CHILD]
