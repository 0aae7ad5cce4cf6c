"""GEDCOM import: mapping, date phrases, encodings and every robustness case, each with a small hand-written file.

All failures must be :class:`ImportFailed` with line numbers and leave the file unchanged.
"""

from __future__ import annotations

import codecs
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from genomap.errors import UserFacingError
from genomap.formats.common import ImportCancelled, ImportFailed
from genomap.formats.gedcom_dates import format_gedcom_date, parse_gedcom_date
from genomap.formats.gedcom_import import import_gedcom, import_gedcom_bytes
from genomap.model import tables as T
from genomap.model.dates import PartialDate
from genomap.model.enums import ParentLinkKind, PartnershipEnd, PartnershipKind, Sex
from genomap.store.document import Document

from test_exchange import row_counts

DATA = Path(__file__).parent / "data" / "gedcom"
HEAD = "0 HEAD\n1 GEDC\n2 VERS 5.5.1\n2 FORM LINEAGE-LINKED\n1 CHAR UTF-8\n"


@pytest.fixture
def doc():
    d = Document.in_memory()
    yield d
    d.close()


def ged(body: str, head: str = HEAD, trailer: bool = True) -> bytes:
    return (head + body.strip("\n") + "\n" + ("0 TRLR\n" if trailer else "")).encode("utf-8")


def run(doc, data: bytes, **kw):
    return import_gedcom_bytes(doc, data, **kw)


def people(doc) -> dict[str, T.Person]:
    with doc.read() as s:
        return {f"{p.given_names} {p.family_name}".strip(): p for p in s.scalars(select(T.Person))}


def links(doc) -> set[tuple[str, str, ParentLinkKind]]:
    with doc.read() as s:
        names = {p.id: p.given_names for p in s.scalars(select(T.Person))}
        return {(names[l.parent_id], names[l.child_id], l.kind) for l in s.scalars(select(T.ParentLink))}


def failed(doc, data: bytes, **kw) -> str:
    before = row_counts(doc)
    with pytest.raises(ImportFailed) as info:
        run(doc, data, **kw)
    assert row_counts(doc) == before
    return info.value.report.summary(50)


FAMILY = """
0 @I1@ INDI
1 NAME John /Smith/
2 NICK Jack
1 NAME Johnny /Smythe/
2 TYPE aka
1 SEX M
1 BIRT
2 DATE ABT 1950
2 PLAC Leeds
1 DEAT
2 DATE BET 2001 AND 2003
1 OCCU Miner
2 DATE 1970
1 NOTE First line
2 CONT second line
1 _CUSTOM some value
1 CHAN
2 DATE 1 JAN 2020
1 FAMS @F1@
0 @I2@ INDI
1 NAME Mary /Jones/
1 SEX F
1 BIRT
2 DATE 3 MAR 1952
1 FAMS @F1@
0 @I3@ INDI
1 NAME Anne /Smith/
1 SEX F
1 BIRT
2 DATE 1980
1 FAMC @F1@
0 @I4@ INDI
1 NAME Ben /Smith/
1 SEX M
1 FAMC @F1@
2 PEDI adopted
0 @I5@ INDI
1 NAME Cara /Smith/
1 SEX X
1 FAMC @F1@
2 PEDI foster
0 @F1@ FAM
1 HUSB @I1@
1 WIFE @I2@
1 MARR
2 DATE 12 JUN 1975
1 DIV
2 DATE 1990
1 CHIL @I3@
1 CHIL @I4@
1 CHIL @I5@
"""


def test_maps_people_names_dates_families_and_pedigree(doc):
    report = run(doc, ged(FAMILY))
    ps = people(doc)
    john = ps["John Smith"]
    assert john.known_as == "Jack" and "Johnny Smythe" in john.aliases
    assert john.sex is Sex.MALE and str(john.birth) == "about 1950"
    assert str(john.death) == "between 2001 and 2003" and john.deceased
    assert "First line\nsecond line" in john.notes
    assert "OCCU Miner" in john.notes and "DATE 1970" in john.notes and "_CUSTOM some value" in john.notes
    assert "PLAC Leeds" in john.notes
    assert ps["Cara Smith"].sex is Sex.OTHER and ps["Cara Smith"].looked_after
    assert ps["Ben Smith"].adopted
    assert str(ps["Mary Jones"].birth) == "3 Mar 1952"
    with doc.read() as s:
        (p,) = s.scalars(select(T.Partnership)).all()
    assert p.kind is PartnershipKind.MARRIED and p.end_kind is PartnershipEnd.DIVORCED
    assert str(p.start) == "12 Jun 1975" and str(p.end) == "1990"
    assert links(doc) == {
        ("John", "Anne", ParentLinkKind.BIOLOGICAL), ("Mary", "Anne", ParentLinkKind.BIOLOGICAL),
        ("John", "Ben", ParentLinkKind.ADOPTIVE), ("Mary", "Ben", ParentLinkKind.ADOPTIVE),
        ("John", "Cara", ParentLinkKind.FOSTER), ("Mary", "Cara", ParentLinkKind.FOSTER),
    }
    assert report.created["person"] == 5 and report.created["parentlink"] == 6
    assert report.kept_in_notes["INDI.OCCU"] == 1 and report.kept_in_notes["INDI._CUSTOM"] == 1
    assert report.not_imported["INDI.CHAN (bookkeeping)"] == 1
    text = report.summary()
    assert "Kept in notes" in text and "INDI.OCCU" in text


@pytest.mark.parametrize("value, text, leftover", [
    ("ABT 1950", "about 1950", ""),
    ("CAL 1950", "about 1950", ""),
    ("EST MAR 1950", "about Mar 1950", ""),
    ("BEF 2 JAN 1900", "before 2 Jan 1900", ""),
    ("AFT 1900", "after 1900", ""),
    ("BET 1900 AND MAR 1902", "between 1900 and Mar 1902", ""),
    ("FROM 1900 TO 1910", "between 1900 and 1910", ""),
    ("FROM 1900", "after 1900", ""),
    ("TO 1910", "before 1910", ""),
    ("INT 5 MAY 1920 (as told by aunt)", "5 May 1920", "as told by aunt"),
    ("@#DGREGORIAN@ 1 JAN 1900", "1 Jan 1900", ""),
    ("@#DJULIAN@ 1 JAN 1700/01", "1 Jan 1700", "Julian"),
    ("1 jan 1900", "1 Jan 1900", ""),
])
def test_date_phrases(value, text, leftover):
    d = parse_gedcom_date(value)
    assert str(d.point) == text and not d.problem
    assert leftover in d.leftover


@pytest.mark.parametrize("value", ["(sometime in the war)", "@#DHEBREW@ 1 TSH 5700", "742", "31 FEB 1900",
                                   "BET 1910 AND 1900", "100 B.C.", "GARBAGE"])
def test_dates_genomap_cannot_hold_are_left_over(value):
    d = parse_gedcom_date(value)
    assert d.point is None and d.leftover


def test_gedcom_date_text_round_trips():
    for t in ("about 1985", "Jun 2018", "3 Nov 2019", "before 1900", "after Mar 1900", "between 2001 and 2003"):
        d = PartialDate.parse(t)
        assert parse_gedcom_date(format_gedcom_date(d)).point == d


def test_unusable_dates_are_kept_in_notes_with_line(doc):
    report = run(doc, ged("0 @I1@ INDI\n1 NAME A /B/\n1 BIRT\n2 DATE 742\n1 DEAT\n2 DATE (young)\n"))
    p = people(doc)["A B"]
    assert p.birth is None and "742" in p.notes and "young" in p.notes
    assert any(w.line == 9 and "742" in w.message for w in report.warnings)


def test_empty_date_values(doc):
    run(doc, ged("0 @I1@ INDI\n1 NAME A /B/\n1 BIRT\n2 DATE\n1 DEAT\n2 DATE   \n"))
    p = people(doc)["A B"]
    assert p.birth is None and p.death is None and p.deceased


def test_conc_splitting_a_utf8_character(doc):
    zoe = "Zoë".encode("utf-8")  # b'Zo\xc3\xab'
    body = b"0 @I1@ INDI\n1 NAME Zo\xc3\xab /Test/\n1 NOTE " + zoe[:3] + b"\n2 CONC " + zoe[3:] + b" is here\n"
    run(doc, HEAD.encode() + body + b"0 TRLR\n")
    p = people(doc)["Zoë Test"]
    assert p.notes == "Zoë is here"


def test_ansel_with_combining_diacritics(doc):
    head = HEAD.replace("UTF-8", "ANSEL").encode("ascii")
    # ANSEL puts the combining mark before its letter: 0xE8 umlaut, 0xE2 acute
    body = b"0 @I1@ INDI\n1 NAME Zo\xe8e /Ren\xe2ee/\n0 TRLR\n"
    report = run(doc, head + body)
    assert "Zoë Renée" in people(doc)
    assert report.encoding == "ANSEL"


@pytest.mark.parametrize("codec, bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                        ("utf-16-le", b""), ("utf-8", codecs.BOM_UTF8)])
def test_utf16_and_boms(doc, codec, bom):
    text = HEAD.replace("UTF-8", "UNICODE") + "0 @I1@ INDI\n1 NAME Łucja /Żak/\r\n0 TRLR\r\n"
    run(doc, bom + text.encode(codec))
    assert "Łucja Żak" in people(doc)


def test_windows_1252_and_encoding_override(doc):
    data = (HEAD.replace("UTF-8", "ANSI") + "0 @I1@ INDI\n1 NAME Ren\xe9 /Test/\n0 TRLR\n").encode("cp1252")
    run(doc, data)
    assert "René Test" in people(doc)


def test_wrong_declared_encoding_is_refused_with_line_and_hint(doc):
    data = (HEAD + "0 @I1@ INDI\n1 NAME Ren\xe9 /Test/\n0 TRLR\n").encode("latin-1")
    text = failed(doc, data)
    assert "line 7" in text and "--encoding" in text
    run(doc, data, encoding="latin-1")
    assert "René Test" in people(doc)


@pytest.mark.parametrize("data, expect", [
    (ged(FAMILY, trailer=False), "truncated"),
    (ged(FAMILY)[:-40], "truncated"),
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a GEDCOM file"),
    (b"Name,Birth\nAnn,1990\n", "not a GEDCOM file"),
    (ged("0 @I1@ INDI\n1 NAME A /B/\n3 DATE 1900\n"), "line 8: level 3 follows level 1"),
    (ged("0 @I1@ INDI\n1 NAME A /B/\n1 NOTE " + "x" * (1024 * 1024 + 10) + "\n"), "line 8: line is"),
])
def test_malformed_files_import_nothing(doc, data, expect):
    assert expect in failed(doc, data)


def test_broken_cross_references_are_reported_by_line(doc):
    body = FAMILY + "0 @F2@ FAM\n1 HUSB @I99@\n1 CHIL @I3@\n1 CHIL @I77@\n"
    body = body.replace("1 FAMC @F1@\n2 PEDI foster", "1 FAMC @F1@\n2 PEDI foster\n1 FAMC @F404@")
    report = run(doc, ged(body))
    msgs = [str(w) for w in report.warnings]
    assert any("@I99@" in m and m.startswith("line ") for m in msgs)
    assert any("@I77@" in m for m in msgs) and any("@F404@" in m for m in msgs)
    assert report.created["person"] == 5
    # strict mode refuses the whole file
    d2 = Document.in_memory()
    assert "@I99@" in failed(d2, ged(body), strict=True)
    d2.close()


CYCLE = """
0 @I1@ INDI
1 NAME Alpha /Loop/
1 FAMC @F2@
1 FAMS @F1@
0 @I2@ INDI
1 NAME Beta /Loop/
1 FAMC @F1@
1 FAMS @F2@
0 @I3@ INDI
1 NAME Gamma /Loop/
1 FAMC @F3@
1 FAMS @F3@
0 @F1@ FAM
1 HUSB @I1@
1 CHIL @I2@
0 @F2@ FAM
1 HUSB @I2@
1 CHIL @I1@
0 @F3@ FAM
1 WIFE @I3@
1 CHIL @I3@
"""


def test_own_ancestor_links_are_skipped_with_their_line(doc):
    """Decision: the offending link is skipped and reported; everything else is imported."""
    report = run(doc, ged(CYCLE))
    msgs = [str(w) for w in report.warnings]
    assert any("own ancestor" in m and "line 23" in m for m in msgs), msgs  # F2's CHIL @I1@
    assert any("own parent" in m and "line 26" in m for m in msgs), msgs
    assert links(doc) == {("Alpha", "Beta", ParentLinkKind.BIOLOGICAL)}
    d2 = Document.in_memory()
    assert "own ancestor" in failed(d2, ged(CYCLE), strict=True)
    d2.close()


def test_long_cycle_and_deep_chain_do_not_recurse(doc):
    n = 3000
    body = []
    for i in range(n):
        body.append(f"0 @I{i}@ INDI\n1 NAME P{i} /Chain/")
    for i in range(n):
        body.append(f"0 @F{i}@ FAM\n1 HUSB @I{i}@\n1 CHIL @I{(i + 1) % n}@")
    report = run(doc, ged("\n".join(body)))
    assert report.created["parentlink"] == n - 1
    assert sum("own ancestor" in str(w) for w in report.warnings) == 1


def test_absurdly_long_fields_are_cut_with_a_warning(doc):
    big = "word " * 100
    body = "0 @I1@ INDI\n1 NAME " + "N" * 5000 + " /X/\n1 NOTE start\n" + "".join(
        f"2 CONC {big}\n" for _ in range(2500))
    report = run(doc, ged(body))
    (p,) = people(doc).values()
    assert len(p.given_names) == 200 and len(p.notes) <= 200_000
    assert any(w.line == 7 for w in report.warnings) and any("characters" in str(w) for w in report.warnings)


def test_residences_become_households(doc):
    body = """
0 @I1@ INDI
1 NAME Ann /Lee/
1 RESI
2 ADDR 1 Elm Road
3 CONT Townsville
2 DATE FROM 2001 TO 2005
1 RESI
2 ADDR 9 Oak Lane
2 DATE 2010
0 @I2@ INDI
1 NAME Bob /Lee/
1 RESI
2 ADDR 1 Elm Road
3 CONT Townsville
"""
    report = run(doc, ged(body))
    assert report.created["household"] == 2 and report.created["residence"] == 3
    with doc.read() as s:
        res = s.scalars(select(T.Residence).order_by(T.Residence.id)).all()
        hh = {h.id: h for h in s.scalars(select(T.Household))}
    assert hh[res[0].household_id].address == "1 Elm Road\nTownsville"
    assert res[0].household_id == res[2].household_id
    assert (str(res[0].start), str(res[0].end)) == ("2001", "2005")
    assert (str(res[1].start), str(res[1].end)) == ("2010", "2010")


def test_gedcom7_features(doc):
    head = "0 HEAD\n1 GEDC\n2 VERS 7.0\n1 SCHMA\n2 TAG _X https://example.invalid/x\n"
    body = """
0 @I1@ INDI
1 NAME Sam /Poe/
2 TYPE BIRTH
1 NAME Sammy /Roe/
2 TYPE MARRIED
1 SEX X
1 BIRT
2 DATE BET 1990 AND 1992
3 PHRASE early nineties
1 SNOTE @N1@
1 FAMS @F1@
0 @I2@ INDI
1 NAME Kim /Poe/
1 FAMC @F1@
2 PEDI ADOPTED
0 @F1@ FAM
1 HUSB @I1@
1 WIFE @VOID@
1 CHIL @I2@
0 @N1@ SNOTE A shared note
1 CONT on two lines
"""
    report = run(doc, ged(body, head=head))
    ps = people(doc)
    sam = ps["Sam Poe"]
    assert sam.sex is Sex.OTHER and str(sam.birth) == "between 1990 and 1992"
    assert "Sammy Roe (married)" in sam.aliases and "A shared note\non two lines" in sam.notes
    assert "early nineties" in sam.notes
    assert links(doc) == {("Sam", "Kim", ParentLinkKind.ADOPTIVE)}
    assert report.format == "GEDCOM 7.0"


def test_death_before_birth_is_not_fatal(doc):
    report = run(doc, ged("0 @I1@ INDI\n1 NAME A /B/\n1 BIRT\n2 DATE 1950\n1 DEAT\n2 DATE 1940\n"))
    p = people(doc)["A B"]
    assert p.death is None and "1940" in p.notes
    assert any("before birth" in str(w) for w in report.warnings)


def test_cancel_imports_nothing(doc, tmp_path):
    path = tmp_path / "k.ged"
    path.write_bytes((DATA / "kennedy.ged").read_bytes())
    flag = threading.Event()
    calls = []

    def progress(done, total):
        calls.append((done, total))
        flag.set()

    with pytest.raises(ImportCancelled):
        import_gedcom(doc, path, progress=progress, cancel=flag)
    assert sum(row_counts(doc).values()) == 0 and calls


def test_import_into_existing_case(doc):
    r1 = run(doc, ged(FAMILY), case_ref="REF-1")
    r2 = run(doc, ged("0 @I1@ INDI\n1 NAME Extra /Person/\n"), case_ref="REF-1")
    assert r1.case_id == r2.case_id and r2.created["case"] == 0
    with doc.read() as s:
        n = s.scalar(select(sa.func.count()).select_from(T.CaseMember).where(T.CaseMember.case_id == r1.case_id))
    assert n == 6


@pytest.mark.parametrize("name", ["basic.ged", "bronte.ged", "shakespeare.ged", "kennedy.ged"])
def test_public_samples_import(doc, name):
    report = import_gedcom(doc, DATA / name)
    assert report.ok and report.created["person"] > 0
    assert report.created["person"] == (DATA / name).read_bytes().count(b" INDI")


# -- fuzzing ---------------------------------------------------------------------
_BASE_LINES = ged(FAMILY + CYCLE.replace("@I", "@J").replace("@F", "@G")).split(b"\n")
_TOKENS = [b"0", b"1", b"2", b"3", b"@I1@", b"@F1@", b"@J2@", b"CONC", b"CONT", b"DATE", b"BET", b"AND", b"NAME",
           b"\xc3", b"\xab", b"\xff\xfe", b"\x00", b"", b"TRLR", b"HEAD", b"FAMC", b"CHIL", b"PEDI", b"/", b"@"]


@st.composite
def mutated_gedcom(draw):
    lines = list(_BASE_LINES)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate", "bytes"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, b" ".join(draw(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=4))))
        elif op == "truncate":
            lines = lines[: max(1, i)]
        else:
            line = bytearray(lines[i])
            if line:
                pos = draw(st.integers(0, len(line) - 1))
                line[pos] = draw(st.integers(0, 255))
            lines[i] = bytes(line)
    return b"\n".join(lines)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_gedcom())
def test_fuzzed_gedcom_never_crashes_and_never_half_imports(data):
    d = Document.in_memory()
    try:
        before = row_counts(d)
        try:
            report = import_gedcom_bytes(d, data)
            assert report.ok
        except UserFacingError:
            assert row_counts(d) == before
    finally:
        d.close()


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data):
    d = Document.in_memory()
    try:
        import_gedcom_bytes(d, HEAD.encode() + data)
    except UserFacingError:
        assert sum(row_counts(d).values()) == 0
    finally:
        d.close()
