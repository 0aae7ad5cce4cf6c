"""Redaction removes withheld data from every part of an export, and only what the profile says.

Each leak test exports the same fictional family twice: once unredacted (the
positive control: every searched string must be found there, so the search
itself is proven to work) and once with the profile, where none may be found --
in page text from pypdf and pdftotext (normalised, and with whitespace removed),
decompressed streams, the Info dictionary, XMP, annotations, outlines,
attachments and the suggested file name.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from genomap.export import export_case
from genomap.redaction import (
    ANONYMISED, BUILTIN_PROFILES, PARENTS, PROFESSIONALS, RedactionError, RedactionProfile,
    get_profile, load_profiles, redact, redact_snapshot, save_profiles,
)

from test_pdf_family import (
    ADDRESSES, ALL_NAMES, AS_AT, CHILD, CHILD_VOICE, FOSTER, MUM, NOTES, RISK_AGENCY_NOTES,
    THIRD_PARTY_NAMES, VISITOR, all_pdf_surfaces, draw, fictional_family, found_in_pdf, norm,
    pdftotext_pages,
)

FAMILY_NAMES_KEPT = ["Marigold", "Zoë Quarrington", "Łukasz Wróblewski", "Desmond"]
DATES = ["14 Jun 1989", "21 Sep 2016", "3 Feb 1986", "1958"]
CASE = ["CP-2024-0117", "Wróblewski / Quarrington family"]
AGENCY_DETAIL = ["Ambleford", "St Aldhelm", "Ottoline", "Stallybrass", "Araminta"]

WITHHELD = {
    "parents": ADDRESSES + RISK_AGENCY_NOTES + CHILD_VOICE + THIRD_PARTY_NAMES + ["Umbrage", "Thistlewood"],
    "anonymised": ALL_NAMES + ADDRESSES + RISK_AGENCY_NOTES + CHILD_VOICE + DATES + CASE + AGENCY_DETAIL
    + ["Thistlewood", "Dad's flat"],
}
# not printed by any profile (case notes on people and ties): must never appear either
NEVER_PRINTED = NOTES


def _export(tmp_path: Path, profile, name: str, fmt: str = "pdf", **kw) -> tuple[Path, object]:
    out = tmp_path / f"{name}.{fmt}"
    result = export_case(fictional_family(), out, fmt, as_at=AS_AT, redact_profile=profile,
                         draw=draw, **kw)
    return out, result


@pytest.fixture(scope="module")
def unredacted(tmp_path_factory):
    path, result = _export(tmp_path_factory.mktemp("plain"), "professionals", "plain")
    return path, all_pdf_surfaces(path), result


def test_positive_control_the_unredacted_export_contains_everything(unredacted):
    path, surfaces, result = unredacted
    wanted = set(WITHHELD["parents"]) | set(WITHHELD["anonymised"]) | set(FAMILY_NAMES_KEPT)
    hits = found_in_pdf(path, wanted, surfaces)
    missing = sorted(wanted - set(hits))
    assert not missing, f"the search cannot find these even unredacted: {missing}"
    # and both extractors see them (each is checked on its own below)
    assert {"pypdf", "pdftotext"} <= set(hits["Marigold"])
    assert "Wróblewski" in result.suggested_filename or "CP-2024-0117" in result.suggested_filename


@pytest.mark.parametrize("profile", ["parents", "anonymised"])
def test_redacted_pdf_contains_none_of_the_withheld_strings(tmp_path, unredacted, profile):
    path, result = _export(tmp_path, profile, profile)
    surfaces = all_pdf_surfaces(path)
    # the redacted file is a real document, not an empty one
    assert len(surfaces["pdftotext"]) > 500 and result.pages >= 2
    needles = WITHHELD[profile] + NEVER_PRINTED
    plain_hits = found_in_pdf(unredacted[0], needles, unredacted[1])
    assert set(WITHHELD[profile]) <= set(plain_hits)  # positive control, same search
    leaks = found_in_pdf(path, needles, surfaces)
    assert not leaks, f"withheld data in the {profile} PDF: {leaks}"
    # nor in the file name the app suggests
    fname = norm(result.suggested_filename)
    assert not [n for n in needles if norm(n) in fname or norm(n).replace(" ", "-") in fname]


def test_parents_copy_keeps_the_family_and_says_it_is_redacted(tmp_path):
    path, _ = _export(tmp_path, "parents", "p")
    hits = found_in_pdf(path, FAMILY_NAMES_KEPT + ["Visitor", "Former foster carer", "Father's partner",
                                                    "Redacted copy for: Parents / family"])
    assert set(hits) == set(FAMILY_NAMES_KEPT) | {"Visitor", "Former foster carer", "Father's partner",
                                                   "Redacted copy for: Parents / family"}
    pages = pdftotext_pages(path)
    assert all("redacted copy for" in norm(p) for p in pages)


def test_anonymised_copy_uses_roles(tmp_path):
    path, _ = _export(tmp_path, "anonymised", "a")
    text = norm("\n".join(pdftotext_pages(path)))
    for role in ("mother", "father", "child 2", "maternal grandmother", "step-father", "family genogram"):
        assert role in text, role


@pytest.mark.parametrize("profile", ["parents", "anonymised"])
def test_redacted_svg_contains_none_of_the_withheld_strings(tmp_path, profile):
    plain, _ = _export(tmp_path, "professionals", "plain", "svg")
    red, _ = _export(tmp_path, profile, profile, "svg")
    plain_text, red_text = norm(plain.read_text("utf-8")), norm(red.read_text("utf-8"))
    names = [n for n in WITHHELD[profile] if n in ALL_NAMES]
    assert all(norm(n) in plain_text for n in names)  # positive control: names are drawn
    leaks = [n for n in WITHHELD[profile] + NEVER_PRINTED if norm(n) in red_text]
    assert not leaks


def test_redacted_png_has_no_text_chunks_with_names(tmp_path):
    pytest.importorskip("PySide6")
    out, _ = _export(tmp_path, "anonymised", "a", "png", dpi=60)
    from PIL import Image

    img = Image.open(out)
    assert img.size[0] > 100
    meta = " ".join(f"{k}={v}" for k, v in img.info.items() if isinstance(v, str))
    assert not [n for n in ALL_NAMES if n in meta]
    assert not [n for n in ALL_NAMES if n.encode("utf-8") in out.read_bytes()]


def test_hidden_person_and_household_disappear_with_every_line_to_them(tmp_path):
    snap = fictional_family()
    red = redact_snapshot(snap, PROFESSIONALS.with_hidden(people=[VISITOR], households=[42]), AS_AT)
    assert VISITOR not in {p.id for p in red.people}
    assert all(VISITOR not in (t.source, t.target) for t in red.ties)
    assert all(r.person != VISITOR and r.household != 42 for r in red.residences)
    assert all(f.person != VISITOR for f in red.risk_flags)
    assert 42 not in {h.id for h in red.households}
    d = draw(red, AS_AT)
    assert not d.by_ref(("person", VISITOR)) and not d.by_ref(("household", 42))
    # in the PDF too, while the unhidden export has them (positive control)
    path, _ = _export(tmp_path, "professionals", "h", hide_people=(VISITOR,), hide_households=(42,))
    plain, _ = _export(tmp_path, "professionals", "plain")
    needles = ["Cornelius", "Blackthorne", "Larkspur Cottage", "Zanzibar"]
    assert set(found_in_pdf(plain, needles)) == set(needles)
    assert not found_in_pdf(path, needles)


def test_profile_switches_change_only_their_data():
    snap = fictional_family()
    only_voice = RedactionProfile("v", hide_child_voice=True)
    red = redact_snapshot(snap, only_voice, AS_AT)
    assert red.person(CHILD).child_voice == ""
    assert red.person(MUM).name == snap.person(MUM).name
    assert [h.address for h in red.households] == [h.address for h in snap.households]
    initials = redact_snapshot(snap, RedactionProfile("i", names="initials"), AS_AT)
    assert initials.person(MUM).name == "Z.Q."
    assert initials.person(CHILD).known_as == ""
    assert redact_snapshot(snap, PROFESSIONALS, AS_AT) is snap


def test_anonymised_keeps_the_picture_as_at_the_date_without_dates():
    snap = fictional_family()
    red = redact_snapshot(snap, ANONYMISED, AS_AT)
    assert all(p.birth is None and p.death is None for p in red.people)
    assert all(r.start is None and r.end is None for r in red.residences)
    # ended partnerships still read as ended; the foster placement (ended 2018) is gone
    ended = {r.id: r.end_kind.value for r in red.partnerships}
    assert ended[21] == "separated" and ended[22] == "none"
    assert all(not (r.person == CHILD and r.household == 42) for r in red.residences)
    assert red.person(2).deceased  # grandad died in 2019
    assert red.reference == "" and red.title == "Family genogram"


def test_free_text_is_scrubbed_of_withheld_names_and_addresses():
    snap = fictional_family()
    red = redact(snap, PARENTS, AS_AT).snapshot
    titles = [e.title for e in red.events]
    assert "Police called to [address withheld]" in titles
    assert all("Blackthorne" not in i.notes for i in red.involvements)


def test_leak_check_stops_an_export_that_would_show_a_withheld_value(tmp_path):
    """If anything upstream ignored the redaction, nothing is written."""
    from dataclasses import replace

    from genomap.drawing.primitives import Text

    def leaky_draw(s, d, o):
        drawing = draw(s, d, o)
        return replace(drawing, primitives=drawing.primitives + (Text(10, 10, ("Henrietta Pemberton-Ylva",)),))

    out = tmp_path / "leak.pdf"
    with pytest.raises(RedactionError, match="withheld"):
        export_case(fictional_family(), out, "pdf", as_at=AS_AT, redact_profile="parents", draw=leaky_draw)
    assert not out.exists() and not list(tmp_path.iterdir())


def test_profiles_round_trip_through_dicts_and_json(tmp_path):
    for p in BUILTIN_PROFILES.values():
        assert RedactionProfile.from_dict(p.to_dict()) == p
        json.dumps(p.to_dict())
    mine = PARENTS.with_hidden(people=[3, 4])
    mine = RedactionProfile.from_dict({**mine.to_dict(), "name": "court-bundle", "label": "Court bundle"})
    path = tmp_path / "profiles.json"
    save_profiles(path, [mine])
    loaded = load_profiles(path)
    assert loaded["court-bundle"] == mine and loaded["court-bundle"].hide_people == frozenset({3, 4})
    assert get_profile("Court-Bundle", loaded) == mine
    with pytest.raises(RedactionError):
        RedactionProfile.from_dict({"name": "x", "hide_everything": True})
    with pytest.raises(RedactionError):
        RedactionProfile("x", names="nicknames")
    with pytest.raises(RedactionError, match="unknown redaction profile"):
        get_profile("journalists")


def test_export_with_a_user_profile_file(tmp_path):
    path = tmp_path / "profiles.json"
    save_profiles(path, [RedactionProfile("school", "School", hide_addresses=True, hide_people=frozenset({FOSTER}))])
    out, result = _export(tmp_path, "school", "s", profiles_file=path)
    assert result.profile == "school"
    assert not found_in_pdf(out, ["Henrietta", "Larkspur Cottage"])
    assert found_in_pdf(out, ["Marigold"])


def test_profiles_saved_in_the_file_are_used_by_export(tmp_path):
    from genomap.demo import build_demo
    from genomap.redaction import delete_document_profile, load_document_profiles, save_document_profile
    from genomap.store.document import Document

    doc = Document.in_memory()
    ids = build_demo(doc)
    snap = doc.snapshot(ids[0])
    victim = next(p for p in snap.people if not p.is_subject and p.family_name)
    mine = RedactionProfile("conference-b", "Conference (no addresses)", hide_addresses=True,
                            hide_people=frozenset({victim.id}))
    save_document_profile(doc, mine)
    save_document_profile(doc, mine)  # saving again replaces, never duplicates
    assert load_document_profiles(doc) == {"conference-b": mine}
    out = tmp_path / "c.pdf"
    r = export_case(doc, out, "pdf", case=ids[0], as_at=AS_AT, redact_profile="conference-b", draw=draw)
    assert r.profile == "conference-b"
    assert not found_in_pdf(out, [victim.name])
    plain = tmp_path / "p.pdf"
    export_case(doc, plain, "pdf", case=ids[0], as_at=AS_AT, draw=draw)
    assert found_in_pdf(plain, [victim.name])  # positive control
    delete_document_profile(doc, "conference-b")
    assert load_document_profiles(doc) == {}
    with pytest.raises(RedactionError):
        delete_document_profile(doc, "conference-b")
    doc.close()
