"""Layout regressions found in use, each reduced to the smallest family that showed it."""

from datetime import date

from genomap.model.dates import PartialDate as D
from genomap.model.enums import Sex
from genomap.pipeline import draw_family
from genomap.store.snapshot import FamilySnapshot, ParentLinkView, PartnershipView, PersonView


def test_child_with_unpartnered_coparent_beside_a_recorded_partnership():
    """A father with a partner and a child by someone else (no recorded relationship)
    crashed the layout while sorting his partners ("'<' not supported between int and tuple")."""
    people = (
        PersonView(1, "Ray", "Orme", sex=Sex.MALE),
        PersonView(2, "Bea", "Orme", sex=Sex.FEMALE),
        PersonView(3, "Cal", "Dunn", sex=Sex.FEMALE),
        PersonView(4, "Dot", "Orme", sex=Sex.FEMALE),
    )
    links = (ParentLinkView(20, 1, 4), ParentLinkView(21, 3, 4))
    for start in ("2010", "2030"):  # partnership current, and not yet started at the view date
        snap = FamilySnapshot(
            case_id=1, people=people, parent_links=links,
            partnerships=(PartnershipView(10, 1, 2, start=D.parse(start)),),
        )
        drawing = draw_family(snap, date(2025, 1, 1))
        assert {("person", i) for i in (1, 2, 3, 4)} <= set(drawing.bounds)
