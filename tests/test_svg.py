"""The SVG backend: valid XML, one element per primitive, escaped text, the drawing's geometry."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from genomap.drawing.primitives import (
    Align, Drawing, Ellipse, Fill, LegendEntry, LineStyle, Polygon, Polyline, Rect, Stroke, Text,
)
from genomap.render.svg import render_svg

from test_pdf_family import AS_AT, draw, fictional_family

NS = "{http://www.w3.org/2000/svg}"


def _drawing() -> Drawing:
    prims = (
        Rect(10, 10, 100, 50, Stroke("#112233", 1.5, LineStyle.DASHED), Fill("#eeeeee"), radius=6,
             layer="households"),
        Ellipse(60, 100, 20, 15, Stroke(), None),
        Polygon(((0, 0), (10, 0), (5, 8)), None, Fill("#000000")),
        Polyline(((0, 200), (50, 210), (100, 200)), Stroke("#aa0000", 1.0, LineStyle.DOTTED), layer="ties"),
        Text(60, 130, ("Tom & Jerry <script>", 'Quote "this"', "Łukasz\x01"), size=8, bold=True,
             align=Align.LEFT),
    )
    legend = (LegendEntry("symbol:male", "Male & friends", (Rect(12, 3, 12, 12),)),)
    return Drawing(300, 250, prims, legend, title="A & B <family>", as_at="1 Mar 2025")


def test_svg_is_valid_xml_with_one_element_per_primitive():
    text = render_svg(_drawing())
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{NS}svg" and root.get("viewBox") == "0 0 300 250"
    assert root.find(f"{NS}title").text == "A & B <family>"
    kinds = [el.tag.replace(NS, "") for g in root.findall(f"{NS}g") for el in g]
    assert kinds == ["rect", "ellipse", "polygon", "polyline", "text", "text", "text"]
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert texts == ["Tom & Jerry <script>", 'Quote "this"', "Łukasz"]  # control char dropped
    assert "<script>" not in text


def test_svg_geometry_and_styles_follow_the_drawing():
    root = ET.fromstring(render_svg(_drawing()).encode("utf-8"))
    rect = next(root.iter(f"{NS}rect"))
    rect = [r for r in root.iter(f"{NS}rect") if r.get("rx")][0]
    assert (rect.get("x"), rect.get("y"), rect.get("width"), rect.get("rx")) == ("10", "10", "100", "6")
    assert rect.get("stroke-dasharray") == "6 3" and rect.get("fill") == "#eeeeee"
    line = next(root.iter(f"{NS}polyline"))
    assert line.get("stroke-dasharray") == "1.2 2.4" and line.get("fill") == "none"
    t = next(root.iter(f"{NS}text"))
    # y is the first line's baseline (same rule as every renderer)
    assert float(t.get("y")) == _drawing().primitives[-1].baseline(0)
    assert t.get("text-anchor") == "start" and t.get("font-weight") == "bold"
    groups = [g.get("class") for g in root.findall(f"{NS}g")]
    assert groups == ["layer-households", "layer-base", "layer-ties", "layer-base"]


def test_svg_legend_is_optional():
    plain = ET.fromstring(render_svg(_drawing()).encode("utf-8"))
    with_key = ET.fromstring(render_svg(_drawing(), legend=True).encode("utf-8"))
    assert float(with_key.get("height").rstrip("pt")) > float(plain.get("height").rstrip("pt"))
    labels = [t.text for t in with_key.iter(f"{NS}text")]
    assert "Male & friends" in labels and "Key" in labels


def test_svg_of_a_real_family(tmp_path):
    snap = fictional_family()
    d = draw(snap, AS_AT)
    out = tmp_path / "f.svg"
    render_svg(d, out)
    root = ET.parse(out).getroot()
    n_text_lines = sum(len([l for l in p.lines if l]) for p in d.primitives if isinstance(p, Text))
    n_other = sum(1 for p in d.primitives if not isinstance(p, Text))
    shapes = [el for g in root.findall(f"{NS}g") for el in g]
    assert len(shapes) == n_text_lines + n_other
    assert "Marigold" in out.read_text("utf-8")


def test_svg_multipolyline_is_one_path_of_its_polylines():
    from genomap.drawing.primitives import MultiPolyline

    marks = MultiPolyline((((10, 10), (20, 20)), ((20, 10), (15, 5), (10, 20))), Stroke("#123456", 1.3), ref=("tie", 1),
                          layer="ties")
    root = ET.fromstring(render_svg(Drawing(40, 40, (marks,), ())).encode("utf-8"))
    paths = list(root.iter(f"{NS}path"))
    assert len(paths) == 1
    assert paths[0].get("d") == "M10,10 L20,20 M20,10 L15,5 L10,20"
    assert paths[0].get("fill") == "none" and paths[0].get("stroke") == "#123456"
