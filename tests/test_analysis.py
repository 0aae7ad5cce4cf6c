"""Chronology, moves and risk reach on small hand-built family snapshots."""

from datetime import date

from genomap.analysis.chronology import build_chronology, event_days, filter_chronology
from genomap.analysis.moves import moves_in_period, residence_history
from genomap.analysis.risk import risk_adults
from genomap.model.dates import PartialDate as D
from genomap.model.enums import (
    AgencyType, FactStatus, HouseholdType, PartnershipEnd, ResidenceKind, RiskKind, Sex, TieKind,
)
from genomap.store.snapshot import (
    FamilySnapshot, HouseholdView, InvolvementView, PartnershipView, PersonView, ResidenceView,
    RiskFlagView, TieView,
)


def family() -> FamilySnapshot:
    people = (
        PersonView(1, "Tara", "Quill", sex=Sex.FEMALE, birth=D.parse("1990")),
        PersonView(2, "Owen", "Quill", sex=Sex.MALE, birth=D.parse("1988")),
        PersonView(3, "Milo", "Quill", sex=Sex.MALE, birth=D.parse("2015-04-02")),
        PersonView(4, "Rex", "Vane", sex=Sex.MALE, birth=D.parse("1975")),
        PersonView(5, "Ivy", "Quill", sex=Sex.FEMALE, birth=D.parse("2000")),  # adult by 2023
    )
    homes = (
        HouseholdView(10, "Ash Road"),
        HouseholdView(11, "Birch Flats", type=HouseholdType.TEMPORARY),
        HouseholdView(12, "Cedar Lane"),
    )
    res = (
        ResidenceView(100, 1, 10, ResidenceKind.LIVES, D.parse("2012"), D.parse("Mar 2024")),
        ResidenceView(101, 1, 11, ResidenceKind.LIVES, D.parse("Mar 2024"), D.parse("Sep 2024")),
        ResidenceView(102, 1, 12, ResidenceKind.LIVES, D.parse("Sep 2024")),
        ResidenceView(103, 3, 10, ResidenceKind.LIVES, D.parse("2015-04-02"), D.parse("Mar 2024")),
        ResidenceView(104, 3, 11, ResidenceKind.LIVES, D.parse("Mar 2024"), D.parse("Sep 2024")),
        ResidenceView(105, 3, 12, ResidenceKind.LIVES, D.parse("Sep 2024")),
        ResidenceView(106, 4, 12, ResidenceKind.VISITS, D.parse("Jan 2025")),
        ResidenceView(107, 2, 10, ResidenceKind.LIVES, D.parse("2012")),
        ResidenceView(108, 5, 12, ResidenceKind.LIVES, D.parse("2024")),
    )
    return FamilySnapshot(
        case_id=1,
        people=people,
        households=homes,
        residences=res,
        partnerships=(
            PartnershipView(20, 1, 2, start=D.parse("2011"), end=D.parse("Feb 2024"),
                            end_kind=PartnershipEnd.SEPARATED),
        ),
        involvements=(
            InvolvementView(30, 1, "Northfield School", AgencyType.SCHOOL, person=3,
                            start=D.parse("Sep 2019")),
        ),
        risk_flags=(
            RiskFlagView(40, 4, RiskKind.REGISTERED_SEX_OFFENDER, FactStatus.CONFIRMED,
                         start=D.parse("2010")),
        ),
        ties=(TieView(50, 4, 5, TieKind.COERCIVE_CONTROL, start=D.parse("2025")),),
    )


def test_chronology_is_sorted_and_covers_every_kind_of_fact():
    chron = build_chronology(family())
    days = [e.day for e in chron]
    assert days == sorted(days)
    kinds = {e.kind for e in chron}
    assert {"birth", "partnership", "separation", "move_in", "move_out", "involvement_start",
            "risk", "stay_start", "tie"} <= kinds
    titles = [e.title for e in chron]
    assert "Tara Quill moved into Birch Flats" in titles
    assert any("Northfield School involved with Milo Quill" in t for t in titles)


def test_chronology_filters_by_person_household_and_agency():
    chron = build_chronology(family())
    milo = filter_chronology(chron, person=3)
    assert milo and all(3 in e.people for e in milo)
    birch = filter_chronology(chron, household=11)
    assert {e.kind for e in birch} == {"move_in", "move_out"}
    school = filter_chronology(chron, agency="Northfield School")
    assert len(school) == 1
    assert event_days(chron) == sorted(set(event_days(chron)))


def test_moves_counted_in_the_last_twelve_months_with_temporary_days():
    snap = family()
    moves = moves_in_period(snap, date(2024, 12, 31))
    assert moves[3].moves == 2  # into temporary accommodation, then Cedar Lane
    assert moves[2].moves == 0
    assert 150 < moves[3].temporary_days < 200
    # a year later nothing moved
    assert moves_in_period(snap, date(2026, 6, 1))[3].moves == 0
    assert [r.household for r in residence_history(snap, 3)] == [10, 11, 12]


def test_risk_adult_reaches_children_only_while_visiting():
    snap = family()
    assert [r.children for r in risk_adults(snap, date(2024, 6, 1))] == [()]
    reach = risk_adults(snap, date(2025, 6, 1))
    assert len(reach) == 1 and reach[0].person == 4
    assert reach[0].children == (3,)  # Ivy is an adult, so the tie to her is not child contact
    assert "Cedar Lane" in reach[0].contacts[0].via
