"""A hand-built, entirely fictional blended family for the PDF, redaction and kinship tests.

Names, addresses and notes are invented (and deliberately distinctive, some with
non-Latin-1 letters) so tests can search for each one in every part of an export.
Also a tiny stand-in drawing builder used only while ``genomap.pipeline`` is absent.
"""

from __future__ import annotations

from datetime import date

from genomap.drawing.primitives import (
    Align, Drawing, Ellipse, Fill, LegendEntry, LineStyle, Polyline, Rect, Stroke, Text,
)
from genomap.model.dates import PartialDate as D
from genomap.model.enums import (
    AgencyType, EventKind, FactStatus, HouseholdType, LegalStatusKind, ParentLinkKind,
    PartnershipEnd, PartnershipKind, ResidenceKind, RiskKind, Sex, TieKind,
)
from genomap.store.snapshot import (
    EventView, FamilySnapshot, HouseholdView, InvolvementView, LegalStatusView, ParentLinkView,
    PartnershipView, PersonView, ResidenceView, RiskFlagView, TieView,
)

AS_AT = date(2025, 3, 1)

# person ids
GRAN, GRANDAD, MUM, DAD, STEPDAD, AUNT, CHILD, HALFSIS, STEPBRO, VISITOR, FOSTER, DAD_NEW = (
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)


def fictional_family() -> FamilySnapshot:
    P = PersonView
    people = (
        P(GRAN, "Wilhelmina", "Quarrington", sex=Sex.FEMALE, birth=D.parse("1958")),
        P(GRANDAD, "Barnaby", "Quarrington", sex=Sex.MALE, birth=D.parse("1955"),
          death=D.parse("2019"), deceased=True),
        P(MUM, "Zoë", "Quarrington", sex=Sex.FEMALE, birth=D.parse("1989-06-14"),
          notes="Mum disclosed debts to Provident Zephyrine loans"),
        P(DAD, "Łukasz", "Wróblewski", sex=Sex.MALE, birth=D.parse("1986-02-03")),
        P(STEPDAD, "Desmond", "Fairweather-Oduya", sex=Sex.MALE, birth=D.parse("1984")),
        P(AUNT, "Philippa", "Quarrington", sex=Sex.FEMALE, birth=D.parse("1992")),
        P(CHILD, "Marigold", "Wróblewski", known_as="Goldie", sex=Sex.FEMALE,
          birth=D.parse("2016-09-21"), is_subject=True,
          child_voice="I feel scared when the shouting starts at Thistlewood"),
        P(HALFSIS, "Saffron", "Fairweather-Oduya", sex=Sex.FEMALE, birth=D.parse("2021-01-11")),
        P(STEPBRO, "Jonquil", "Fairweather-Oduya", sex=Sex.MALE, birth=D.parse("2010-05-05")),
        P(VISITOR, "Cornelius", "Blackthorne", sex=Sex.MALE, birth=D.parse("1979"), role="visitor",
          notes="Known to Northumbria Xanthe team"),
        P(FOSTER, "Henrietta", "Pemberton-Ylva", sex=Sex.FEMALE, birth=D.parse("1965")),
        P(DAD_NEW, "Ксения", "Алексеева", sex=Sex.FEMALE, birth=D.parse("1990")),
    )
    partnerships = (
        PartnershipView(20, GRAN, GRANDAD, PartnershipKind.MARRIED, D.parse("1980"), D.parse("2019"),
                        PartnershipEnd.WIDOWED),
        PartnershipView(21, MUM, DAD, PartnershipKind.COHABITING, D.parse("2014"), D.parse("2018"),
                        PartnershipEnd.SEPARATED),
        PartnershipView(22, MUM, STEPDAD, PartnershipKind.MARRIED, D.parse("2019-07-01")),
        PartnershipView(23, DAD, DAD_NEW, PartnershipKind.DATING, D.parse("2023")),
    )
    links = (
        ParentLinkView(30, GRAN, MUM), ParentLinkView(31, GRANDAD, MUM),
        ParentLinkView(32, GRAN, AUNT), ParentLinkView(33, GRANDAD, AUNT),
        ParentLinkView(34, MUM, CHILD), ParentLinkView(35, DAD, CHILD),
        ParentLinkView(36, MUM, HALFSIS), ParentLinkView(37, STEPDAD, HALFSIS),
        ParentLinkView(38, STEPDAD, STEPBRO),
        ParentLinkView(39, FOSTER, CHILD, ParentLinkKind.FOSTER, start=D.parse("2018-03"),
                       end=D.parse("2018-11")),
    )
    households = (
        HouseholdView(40, "Thistlewood household", "17 Thistlewood Crescent, Ambleford AB1 2CD"),
        HouseholdView(41, "Dad's flat", "Flat 4, 9 Quenby Row, Ambleford AB3 9XY"),
        HouseholdView(42, "Foster placement", "Larkspur Cottage, Hollinsclough", HouseholdType.FOSTER_PLACEMENT),
    )
    L, S, V = ResidenceKind.LIVES, ResidenceKind.STAYS_REGULARLY, ResidenceKind.VISITS
    residences = (
        ResidenceView(50, MUM, 40, L, D.parse("2019-07")),
        ResidenceView(51, STEPDAD, 40, L, D.parse("2019-07")),
        ResidenceView(52, CHILD, 40, L, D.parse("2018-11")),
        ResidenceView(53, HALFSIS, 40, L, D.parse("2021-01-11")),
        ResidenceView(54, STEPBRO, 40, L, D.parse("2019-07")),
        ResidenceView(55, CHILD, 41, S, D.parse("2022")),
        ResidenceView(56, DAD, 41, L, D.parse("2018")),
        ResidenceView(57, VISITOR, 40, V, D.parse("2024-06")),
        ResidenceView(58, CHILD, 42, L, D.parse("2018-03"), D.parse("2018-11")),
        ResidenceView(59, FOSTER, 42, L, D.parse("2005")),
    )
    involvements = (
        InvolvementView(60, 1, "Ambleford Children's Services", AgencyType.SOCIAL_CARE, person=CHILD,
                        role="Child protection plan", worker_name="Ottoline Gravesend",
                        worker_contact="07700 900461", start=D.parse("2024-09"),
                        notes="Strategy discussion flagged Cornelius Blackthorne"),
        InvolvementView(61, 2, "Ambleford Police", AgencyType.POLICE, household=40,
                        role="DA incidents", worker_name="DC Peregrine Stallybrass",
                        start=D.parse("2024-06"), notes="Three call-outs, Veridian Operation Kestrel"),
        InvolvementView(62, 3, "St Aldhelm's Primary", AgencyType.SCHOOL, person=CHILD,
                        role="DSL", worker_name="Mrs Araminta Lytton", start=D.parse("2020-09")),
    )
    risk_flags = (
        RiskFlagView(70, VISITOR, RiskKind.REGISTERED_SEX_OFFENDER, FactStatus.CONFIRMED,
                     detail="MAPPA category 1 level 2 Zanzibar", start=D.parse("2012"),
                     source="Probation Quixote", notes="Offence against child Wolverton 2011"),
        RiskFlagView(71, STEPDAD, RiskKind.DOMESTIC_ABUSE_PERPETRATOR, FactStatus.ALLEGED,
                     start=D.parse("2024-06"), notes="Alleged by neighbour Rosalind Ebbsfleet"),
    )
    ties = (
        TieView(80, STEPDAD, MUM, TieKind.COERCIVE_CONTROL, D.parse("2024-01"),
                notes="Controls finances per Yarrowby report"),
        TieView(81, CHILD, GRAN, TieKind.CLOSE, D.parse("2016")),
    )
    legal = (LegalStatusView(90, CHILD, LegalStatusKind.CHILD_PROTECTION, D.parse("2024-10")),)
    events = (
        EventView(100, D.parse("2024-06-12"), EventKind.INCIDENT, "Police called to Thistlewood Crescent",
                  "Neighbour Rosalind Ebbsfleet reported shouting", (MUM, STEPDAD), (40,),
                  source="Police log Umbrage 4471"),
        EventView(101, D.parse("2024-10-02"), EventKind.CONFERENCE, "Initial child protection conference",
                  "Plan under category emotional abuse", (CHILD,)),
    )
    return FamilySnapshot(
        case_id=1, title="Wróblewski / Quarrington family", reference="CP-2024-0117",
        author="Ottoline Gravesend", people=people, partnerships=partnerships, parent_links=links,
        ties=ties, households=households, residences=residences, involvements=involvements,
        risk_flags=risk_flags, legal_statuses=legal, events=events,
    )


# Strings that must never leave the building under the named profiles.
ADDRESSES = ["17 Thistlewood Crescent", "Quenby Row", "Larkspur Cottage", "Hollinsclough"]
RISK_AGENCY_NOTES = ["Zanzibar", "Wolverton", "Rosalind Ebbsfleet", "Veridian", "Probation Quixote",
                     "07700 900461", "Strategy discussion flagged"]
CHILD_VOICE = ["I feel scared when the shouting"]
NOTES = ["Provident Zephyrine", "Northumbria Xanthe", "Yarrowby"]
ALL_NAMES = ["Wilhelmina", "Quarrington", "Zoë", "Łukasz", "Wróblewski", "Desmond", "Fairweather-Oduya",
             "Philippa", "Marigold", "Goldie", "Saffron", "Jonquil", "Cornelius", "Blackthorne",
             "Henrietta", "Pemberton-Ylva", "Ксения", "Алексеева", "Barnaby"]
THIRD_PARTY_NAMES = ["Cornelius", "Blackthorne", "Henrietta", "Pemberton-Ylva", "Ксения", "Алексеева"]


def simple_drawing(snap: FamilySnapshot, as_at: date = AS_AT) -> Drawing:
    """A crude drawing of a snapshot (people in a row with names and ages), for tests only."""
    prims = []
    line = Stroke("#334155", 1.4)
    x = 40.0
    bounds = {}
    for p in snap.people:
        ref = ("person", p.id)
        if p.sex is Sex.MALE:
            prims.append(Rect(x - 20, 40, 40, 40, line, Fill("#ffffff"), ref=ref))
        else:
            prims.append(Ellipse(x, 60, 20, 20, line, Fill("#ffffff"), ref=ref))
        age = p.age_on(as_at)
        if age is not None:
            prims.append(Text(x, 54, (str(age),), size=10, ref=ref))
        prims.append(Text(x, 84, (p.name,), size=8, ref=ref))
        if p.known_as:
            prims.append(Text(x, 95, (f'"{p.known_as}"',), size=8, italic=True, ref=ref))
        x += 90
    for h in snap.households:
        prims.append(Rect(10, 10, x, 110, Stroke("#7c93b5", 1.0, LineStyle.DASHED), None, radius=10,
                          ref=("household", h.id), layer="households"))
        prims.append(Text(16, 12, (h.label + (f" — {h.address}" if h.address else ""),), size=8,
                          align=Align.LEFT, ref=("household", h.id), layer="households"))
    prims.append(Polyline(((20, 130), (x, 130)), Stroke("#000000", 1.0, LineStyle.DOTTED), layer="ties"))
    legend = (
        LegendEntry("symbol:male", "Male", (Rect(12, 3, 12, 12, line),)),
        LegendEntry("symbol:female", "Female", (Ellipse(18, 9, 6, 6, line),)),
        LegendEntry("household", "Household", (Rect(2, 2, 32, 14, Stroke("#7c93b5", 1.0, LineStyle.DASHED),
                                                    radius=4),)),
    )
    return Drawing(x + 20, 150, tuple(prims), legend, title=snap.title, as_at=as_at.strftime("%-d %b %Y"),
                   bounds=bounds)


def test_fictional_family_is_consistent():
    snap = fictional_family()
    ids = {p.id for p in snap.people}
    assert all(l.parent in ids and l.child in ids for l in snap.parent_links)
    assert all(r.a in ids and r.b in ids for r in snap.partnerships)
    assert sum(p.is_subject for p in snap.people) == 1


# -- shared helpers for the PDF tests ------------------------------------------------------

def draw(snap: FamilySnapshot, as_at: date = AS_AT, options=None) -> Drawing:
    """The real drawing pipeline when it is installed, else the stand-in above."""
    try:
        from genomap.pipeline import draw_family
    except ImportError:
        return simple_drawing(snap, as_at)
    return draw_family(snap, as_at=as_at, options=options)


def norm(text: str) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def squash(text: str) -> str:
    return "".join(norm(text).split())


def pdftotext_pages(path) -> list[str]:
    import subprocess

    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    pages = out.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pypdf_pages(path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(str(path)).pages]


def all_pdf_surfaces(path) -> dict[str, str]:
    """Every place text can hide in a PDF, as searchable strings (text, metadata, streams...)."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject, StreamObject

    reader = PdfReader(str(path))
    out = {
        "pypdf": "\n".join(pypdf_pages(path)),
        "pdftotext": "\n".join(pdftotext_pages(path)),
        "info": " ".join(f"{k}={v}" for k, v in (reader.metadata or {}).items()),
    }
    root = reader.trailer["/Root"]
    out["xmp"] = ""
    if "/Metadata" in root:
        out["xmp"] = root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    annots = []
    for page in reader.pages:
        for a in page.get("/Annots", []) or []:
            annots.append(str(a.get_object()))
    out["annotations"] = "\n".join(annots)
    out["outlines"] = str(reader.outline)
    out["attachments"] = " ".join(f"{k}:{v!r}" for k, v in reader.attachments.items())
    out["names"] = str(root.get("/Names", ""))
    streams = []
    size = int(reader.trailer["/Size"])
    for num in range(1, size):
        try:
            obj = reader.get_object(num)
        except Exception:  # noqa: BLE001 - free or unusual entries
            continue
        if isinstance(obj, StreamObject):
            try:
                data = obj.get_data()
            except Exception:  # noqa: BLE001
                data = obj._data
            streams.append(data)
    raw = b"\n".join(streams) + Path(path).read_bytes()
    out["raw"] = raw.decode("latin-1")
    out["raw_utf8"] = raw.decode("utf-8", "replace")
    out["raw_utf16"] = raw.decode("utf-16-be", "replace")
    return out


def found_in_pdf(path, needles, surfaces=None) -> dict[str, list[str]]:
    """needle -> the surfaces it was found in (normalised, also with whitespace removed)."""
    surfaces = surfaces or all_pdf_surfaces(path)
    # extracted text is normalised; raw bytes are searched exactly (binary font data
    # would match short needles by chance once case and spaces are ignored)
    prepared = {k: (norm(v), squash(v)) for k, v in surfaces.items() if not k.startswith("raw")}
    raw = {k: v for k, v in surfaces.items() if k.startswith("raw")}
    hits = {}
    for needle in needles:
        n, sq = norm(needle), squash(needle)
        where = [k for k, (a, b) in prepared.items() if n in a or sq in b]
        if any(ch.isalpha() for ch in needle):  # bare numbers occur in any stream's coordinates
            where += [k for k, v in raw.items() if needle in v]
        if where:
            hits[needle] = where
    return hits


from pathlib import Path  # noqa: E402  (helpers above use it lazily)
