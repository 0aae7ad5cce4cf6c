"""The PDF export, read back with pypdf and pdftotext: title block, marking, legend, tables, pages."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from genomap.drawing.primitives import (
    Drawing, Ellipse, Fill, LegendEntry, Polyline, Rect, Stroke, Text,
)
from genomap.export import export_case
from genomap.render import page as pg
from genomap.render.pdf import PdfOptions, render_pdf

from test_pdf_family import (
    AS_AT, draw, fictional_family, norm, pdftotext_pages, pypdf_pages, squash,
)

PRODUCED = datetime(2025, 3, 2, 9, 30)


@pytest.fixture(scope="module")
def demo():
    """The real demo family (first family map) as a snapshot, with its as-at date."""
    from genomap.demo import build_demo
    from genomap.store.document import Document

    doc = Document.in_memory()
    ids = build_demo(doc)
    snap = doc.snapshot(ids[0])
    doc.close()
    return snap


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory, demo):
    out = tmp_path_factory.mktemp("pdf") / "demo.pdf"
    drawing = draw(demo, AS_AT)
    opts = PdfOptions(title=demo.title, reference=demo.reference, as_at=AS_AT, prepared_by="A. Practitioner",
                      produced=PRODUCED)
    result = render_pdf(drawing, out, opts, snapshot=demo)
    return out, drawing, result


def _text_both(path):
    return list(zip(pypdf_pages(path), pdftotext_pages(path)))


def test_title_block_and_metadata(demo_pdf, demo):
    path, drawing, result = demo_pdf
    pages = _text_both(path)
    assert len(pages) == result.pages == len(PdfReader(str(path)).pages)
    for text in pages[0]:
        t = norm(text)
        assert norm(demo.title) in t
        assert norm(demo.reference) in t
        assert "as at" in t and "1 mar 2025" in t
        assert "prepared by" in t and "a. practitioner" in t
        assert "produced" in t and "2 mar 2025" in t
        assert f"1 of {result.pages}" in t
    meta = PdfReader(str(path)).metadata
    assert meta.title == demo.title
    assert meta.author == "A. Practitioner"
    assert demo.reference in meta.subject and "1 Mar 2025" in meta.subject
    assert "OFFICIAL-SENSITIVE" in meta.subject


def test_marking_and_page_numbers_on_every_page(demo_pdf):
    path, _, result = demo_pdf
    pages = _text_both(path)
    assert result.pages >= 2  # page 1 plus appendix
    for n, (a, b) in enumerate(pages, start=1):
        for text in (a, b):
            assert norm(text).count("official-sensitive") >= 2, f"page {n}: marking in header and footer"
            assert f"page {n} of {len(pages)}" in norm(text)


def test_custom_and_empty_marking(tmp_path):
    snap = fictional_family()
    out = tmp_path / "m.pdf"
    render_pdf(draw(snap), out, PdfOptions(marking="OFFICIAL", as_at=AS_AT), snapshot=snap)
    for text in pypdf_pages(out):
        assert norm(text).count("official") >= 2 and "official-sensitive" not in norm(text)
    render_pdf(draw(snap), out, PdfOptions(marking="", as_at=AS_AT), snapshot=snap)
    assert all("official" not in norm(t) for t in pdftotext_pages(out))


def test_legend_lists_exactly_the_drawing_entries(demo_pdf):
    path, drawing, _ = demo_pdf
    assert drawing.legend, "the drawing should carry legend entries"
    page1 = pdftotext_pages(path)[0]
    key_part = squash(page1[page1.lower().rfind("key"):])
    for entry in drawing.legend:
        assert squash(entry.label) in squash(page1), entry.label
    # no stray entries: the key shows exactly the drawing's entries, in order
    assert demo_pdf[2].legend == [e.key for e in drawing.legend]
    assert len(set(demo_pdf[2].legend)) == len(drawing.legend)
    labels = [squash(e.label) for e in drawing.legend]
    pos = [key_part.find(l) for l in labels]
    assert all(p >= 0 for p in pos)


def test_legend_samples_are_drawn(tmp_path):
    """Each legend entry's sample primitives appear in the content stream (a shape per entry)."""
    legend = tuple(LegendEntry(f"k{i}", f"Sample kind {i}", (Ellipse(18, 9, 6, 6, Stroke("#000000", 1.0)),))
                   for i in range(5))
    d = Drawing(200, 100, (Rect(10, 10, 40, 40),), legend, title="T", as_at="1 Mar 2025")
    out = tmp_path / "l.pdf"
    render_pdf(d, out, PdfOptions(as_at=AS_AT))
    text = norm(pdftotext_pages(out)[0])
    for i in range(5):
        assert f"sample kind {i}" in text
    content = PdfReader(str(out)).pages[0].get_contents().get_data()
    # ellipses are Bezier curves: 4 curve segments each, plus the one rectangle
    assert content.count(b" c\n") + content.count(b" c ") >= 5 * 4


def test_appendix_tables_hold_the_family(demo_pdf, demo):
    path, _, _ = demo_pdf
    text = squash("\n".join(pdftotext_pages(path)[1:]))
    text_pypdf = squash("\n".join(pypdf_pages(path)[1:]))
    for heading in ("People", "Households and residence history", "Agency involvement", "Chronology"):
        assert squash(heading) in text and squash(heading) in text_pypdf
    for p in demo.people:
        if p.exists_on(AS_AT):
            assert squash(p.name) in text, p.name
    for h in demo.households:
        assert squash(h.label) in text
    for i in demo.involvements:
        if i.start is None or i.start.representative() <= AS_AT:  # later ones are not yet known
            assert squash(i.agency_name) in text
    if demo.risk_flags:
        assert squash("Risk summary") in text


def test_appendix_can_be_left_out(tmp_path):
    snap = fictional_family()
    with_tables = render_pdf(draw(snap), tmp_path / "a.pdf", PdfOptions(as_at=AS_AT), snapshot=snap)
    without = render_pdf(draw(snap), tmp_path / "b.pdf", PdfOptions(as_at=AS_AT, appendix=False),
                         snapshot=snap)
    assert without.pages == 1 and with_tables.pages > 1
    assert "appendix" not in norm(pdftotext_pages(tmp_path / "b.pdf")[0])


def _wide_drawing(n: int = 70) -> Drawing:
    prims = []
    for i in range(n):
        x = 40 + i * 80
        prims.append(Rect(x - 20, 40, 40, 40, Stroke(), Fill("#ffffff"), ref=("person", i)))
        prims.append(Text(x, 84, (f"Person {i}",), size=8, ref=("person", i)))
        prims.append(Text(x, 52, (str(20 + i % 50),), size=10, ref=("person", i)))
        prims.append(Ellipse(x, 200, 20, 20, Stroke(), Fill("#ffffff"), ref=("person", 1000 + i)))
        prims.append(Text(x, 224, (f"Child {i}",), size=8, ref=("person", 1000 + i)))
        prims.append(Polyline(((x, 80), (x, 180)), Stroke()))
    legend = (LegendEntry("symbol:male", "Male", (Rect(12, 3, 12, 12),)),)
    return Drawing(40 + n * 80, 260, tuple(prims), legend, title="Wide", as_at="1 Mar 2025")


def test_small_drawing_fits_on_one_page_landscape():
    d = Drawing(600, 300, (Rect(0, 0, 600, 300), Text(300, 150, ("x",))), ())
    plan = pg.plan_pages(d, "A4")
    assert plan.landscape and not plan.tiled and plan.scale > 1.0 - 1e-9


def test_tall_drawing_defaults_to_portrait():
    d = Drawing(300, 900, (Text(150, 450, ("x",)),), ())
    assert not pg.plan_pages(d, "A4").landscape
    assert pg.plan_pages(d, "A4", landscape=True).landscape


def test_big_family_tiles_more_pages_on_a4_than_a3(tmp_path):
    d = _wide_drawing()
    a4 = render_pdf(d, tmp_path / "a4.pdf", PdfOptions(paper="A4", as_at=AS_AT, appendix=False))
    a3 = render_pdf(d, tmp_path / "a3.pdf", PdfOptions(paper="A3", as_at=AS_AT, appendix=False))
    assert a4.tiled and a4.pages == 1 + a4.tiles
    assert a4.pages > a3.pages
    assert len(PdfReader(str(tmp_path / "a4.pdf")).pages) == a4.pages
    # the page sizes are the paper asked for (landscape)
    w, h = (float(v) for v in PdfReader(str(tmp_path / "a3.pdf")).pages[0].mediabox[2:])
    assert (round(w), round(h)) == (1191, 842)
    # every person is on some tile at a readable scale, and each tile says where it continues
    tiles_text = squash("\n".join(pdftotext_pages(tmp_path / "a4.pdf")[1:]))
    for i in range(70):
        assert squash(f"Person {i}") in tiles_text
    assert "continueson" in tiles_text and "sheeta1" in tiles_text
    plan = pg.plan_pages(d, "A4")
    assert plan.tile_scale * 8 >= pg.MIN_TEXT_PT


def test_tiles_overlap_and_cover_the_drawing():
    d = _wide_drawing(120)
    plan = pg.plan_pages(Drawing(d.width, 1500, d.primitives, d.legend), "A4")
    assert plan.tiled
    cores = [t.core for t in plan.tiles]
    assert min(c.x for c in cores) == 0 and abs(max(c.right for c in cores) - d.width) < 1e-6
    for t in plan.tiles:
        assert t.src.x <= t.core.x and t.src.right >= t.core.right
        if 0 < t.col < t.cols - 1:
            assert t.src.w > t.core.w  # overlap on both sides


def test_tile_pages_only_carry_their_own_part(tmp_path):
    d = _wide_drawing()
    out = tmp_path / "t.pdf"
    render_pdf(d, out, PdfOptions(paper="A4", as_at=AS_AT, appendix=False))
    pages = pdftotext_pages(out)
    # the first person is on the first tile, not on the last
    assert "Person 0" in pages[1] and "Person 0" not in pages[-1]
    assert "Person 69" in pages[-1]


def test_non_latin_names_are_embedded_and_extractable(tmp_path):
    names = ["Łukasz Wróblewski", "Ксения Алексеева", "Δήμητρα Παππά", "Zoë Ångström", "Nguyễn Thị Hạnh"]
    prims = tuple(Text(100, 20 + 20 * i, (n,), size=8) for i, n in enumerate(names))
    d = Drawing(300, 140, prims, (), title="Ünïcödé")
    out = tmp_path / "u.pdf"
    render_pdf(d, out, PdfOptions(as_at=AS_AT, title="Ünïcödé"))
    for extractor in (pypdf_pages, pdftotext_pages):
        text = norm(extractor(out)[0])
        for n in names:
            assert norm(n) in text or squash(n) in squash(text), (extractor.__name__, n)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "Helvetica" in fonts  # Latin-1 text stays in the standard font
    assert "yes" in fonts  # the others are embedded (subset) TrueType


def _gray_page(path: Path, tmp_path: Path, dpi: int = 40):
    base = tmp_path / "r"
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", str(path), str(base)],
                   check=True)
    from PIL import Image

    png = next(tmp_path.glob("r*.pgm"))
    return Image.open(png)


def test_page_one_rasterises_with_a_sensible_genogram(demo_pdf, tmp_path):
    path, drawing, result = demo_pdf
    img = _gray_page(path, tmp_path)
    w, h = img.size
    px = img.load()
    dark = sum(1 for y in range(h) for x in range(w) if px[x, y] < 200)
    assert dark > 0.01 * w * h, "page 1 is blank"
    # the genogram region: below the title block, above the footer, left of a right-hand legend
    plan = pg.plan_pages(drawing, "A4")
    a = plan.drawing_area
    sx, sy = w / plan.page_w, h / plan.page_h
    x0, x1 = int(a.x * sx), int(a.right * sx)
    y0, y1 = int((plan.page_h - a.top) * sy), int((plan.page_h - a.y) * sy)
    xs, ys = [], []
    for y in range(y0, y1):
        for x in range(x0, x1):
            if px[x, y] < 200:
                xs.append(x)
                ys.append(y)
    assert xs, "nothing drawn where the genogram goes"
    ink_w = (max(xs) - min(xs)) / (x1 - x0)
    ink_h = (max(ys) - min(ys)) / (y1 - y0)
    # fitted: it fills the area in at least one direction, and it is a real share of the page
    assert max(ink_w, ink_h) > 0.8
    area_share = ((max(xs) - min(xs)) * (max(ys) - min(ys))) / (w * h)
    assert area_share > 0.2, f"genogram covers only {area_share:.0%} of the page"


def test_export_case_from_a_document(tmp_path):
    from genomap.demo import build_demo
    from genomap.store.document import Document

    doc = Document.in_memory()
    ids = build_demo(doc)
    with doc.read() as s:
        from genomap.store import repository

        ref = repository.get_case(s, ids[0]).reference
    out = tmp_path / "case.pdf"
    r = export_case(doc, out, "pdf", case=ref, as_at="1 Mar 2025", paper="A3", prepared_by="Tester",
                    draw=lambda s, d, o: draw(s, d, o))
    assert r.pages >= 2 and out.exists()
    assert norm(ref) in norm(pdftotext_pages(out)[0])
    assert r.suggested_filename.endswith(".pdf") and ref in r.suggested_filename
    w, h = (float(v) for v in PdfReader(str(out)).pages[0].mediabox[2:])
    assert {round(w), round(h)} == {842, 1191}
    doc.close()


def test_characters_no_font_has_are_boxes_and_reported(tmp_path):
    from genomap.render.pdf import FontBook

    book = FontBook()
    if any(ord("李") in book._cmaps.get(f, set()) for f in (book._font(i, 0) for i in range(len(book._families)))
           if f):
        pytest.skip("a CJK font is installed here")
    d = Drawing(300, 60, (Text(100, 20, ("李小龙 Lee",), size=8),), ())
    r = render_pdf(d, tmp_path / "c.pdf", PdfOptions(as_at=AS_AT))
    assert set(r.missing_glyphs) == set("李小龙")
    text = pdftotext_pages(tmp_path / "c.pdf")[0]
    assert "□□□ Lee" in text


def test_multipolyline_draws_every_one_of_its_strokes(tmp_path):
    """A deceased person's X is one primitive: both strokes reach the paper."""
    from genomap.drawing.primitives import MultiPolyline

    x = MultiPolyline((((100, 100), (300, 300)), ((300, 100), (100, 300))), Stroke("#000000", 6.0))
    d = Drawing(400, 400, (x,), ())
    out = tmp_path / "x.pdf"
    render_pdf(d, out, PdfOptions(as_at=AS_AT, appendix=False))
    plan = pg.plan_pages(d, "A4")
    img = _gray_page(out, tmp_path, dpi=30)
    w, h = img.size
    px = img.load()
    a = plan.drawing_area
    sx, sy = w / plan.page_w, h / plan.page_h
    scale = min(a.w / d.width, a.h / d.height)

    def ink(dx, dy):  # dx, dy in drawing points (y down), looked up on the page
        x = a.x + (a.w - d.width * scale) / 2 + dx * scale
        y = a.top - (a.h - d.height * scale) / 2 - dy * scale
        return min(px[int(x * sx) + i, int((plan.page_h - y) * sy) + j] for i in (-1, 0, 1) for j in (-1, 0, 1)) < 128

    assert ink(150, 150) and ink(250, 250)  # the first stroke
    assert ink(250, 150) and ink(150, 250)  # the second
    assert not ink(200, 110) and not ink(110, 200)  # nothing between them
