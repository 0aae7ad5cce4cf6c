"""export_case and ``genomap export``: atomic writes, formats, case choice, clear one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import genomap.render.pdf as pdf_module
from genomap.cli import main
from genomap.export import ExportError, atomic_output, export_case, parse_as_at

from test_pdf_family import AS_AT, draw, fictional_family, norm, pdftotext_pages


def _export(out: Path, fmt: str = "pdf", **kw):
    return export_case(fictional_family(), out, fmt, as_at=AS_AT, draw=draw, **kw)


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_failure_mid_render_leaves_no_file_and_no_temp_file(tmp_path, monkeypatch):
    calls = {"n": 0}
    original = pdf_module.PdfPainter.primitive

    def exploding(self, p):
        calls["n"] += 1
        if calls["n"] == 25:  # well into page 1, after bytes have been produced
            raise RuntimeError("simulated failure while drawing")
        return original(self, p)

    monkeypatch.setattr(pdf_module.PdfPainter, "primitive", exploding)
    out = tmp_path / "case.pdf"
    with pytest.raises(RuntimeError, match="simulated"):
        _export(out)
    assert calls["n"] == 25
    assert not out.exists()
    assert _leftovers(tmp_path, set()) == []


def test_failure_keeps_an_existing_export_unchanged(tmp_path, monkeypatch):
    out = tmp_path / "case.pdf"
    _export(out)
    before = out.read_bytes()

    def half_written(drawing, path, options=None, snapshot=None):
        Path(path).write_bytes(b"%PDF-1.4 half a file")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(pdf_module, "render_pdf", half_written)
    with pytest.raises(OSError, match="disk full"):
        _export(out)
    assert out.read_bytes() == before
    assert _leftovers(tmp_path, {"case.pdf"}) == []


def test_successful_export_replaces_the_old_file(tmp_path):
    out = tmp_path / "case.pdf"
    out.write_bytes(b"old")
    r = _export(out)
    assert out.read_bytes().startswith(b"%PDF") and r.pages >= 2
    assert _leftovers(tmp_path, {"case.pdf"}) == []


def test_atomic_output_cleans_up_on_any_exception(tmp_path):
    target = tmp_path / "x.svg"

    def boom(tmp):
        Path(tmp).write_text("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_output(target, boom)
    assert list(tmp_path.iterdir()) == []


def test_svg_and_png_exports(tmp_path):
    svg = tmp_path / "g.svg"
    r = _export(svg, "svg", svg_legend=True)
    text = svg.read_text("utf-8")
    assert text.startswith("<?xml") and "Marigold" in text and "Key" in text and r.pages == 1
    pytest.importorskip("PySide6")
    png = tmp_path / "g.png"
    _export(png, "png", dpi=72)
    from PIL import Image

    small = Image.open(png).size
    _export(png, "png", dpi=144)
    big = Image.open(png).size
    assert abs(big[0] - 2 * small[0]) <= 2  # the DPI is honoured
    assert _leftovers(tmp_path, {"g.svg", "g.png"}) == []


def test_bad_arguments_are_clear_errors(tmp_path):
    with pytest.raises(ExportError, match="unknown export format"):
        _export(tmp_path / "x.doc", "doc")
    with pytest.raises(ExportError, match="folder"):
        _export(tmp_path)
    with pytest.raises(ExportError, match="does not exist"):
        _export(tmp_path / "nope" / "x.pdf")
    with pytest.raises(ValueError):
        _export(tmp_path / "x.pdf", paper="Letter")
    assert parse_as_at("1 Mar 2025").isoformat() == "2025-03-01"


# -- the command line ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "demo.genomap"
    assert main(["demo", str(path)]) == 0
    return path


def _refs(path: Path) -> list[str]:
    from genomap.store import repository
    from genomap.store.files import open_document

    with open_document(path) as doc, doc.read() as s:
        return [c.reference for c in repository.list_cases(s)]


def test_cli_pdf_svg_png_in_one_go(demo_file, tmp_path, capsys):
    ref = _refs(demo_file)[0]
    args = ["export", str(demo_file), "--case", ref, "--as-at", "2025-03-01", "--paper", "A3",
            "--pdf", str(tmp_path / "a.pdf"), "--svg", str(tmp_path / "a.svg"), "--marking", "OFFICIAL",
            "--prepared-by", "Duty Team"]
    pytest.importorskip("PySide6")
    args += ["--png", str(tmp_path / "a.png"), "--dpi", "60"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.count("Wrote ") == 3
    page1 = norm(pdftotext_pages(tmp_path / "a.pdf")[0])
    assert "duty team" in page1 and "official" in page1 and "official-sensitive" not in page1
    assert norm(ref) in page1


def test_cli_redacted_and_no_appendix(demo_file, tmp_path, capsys):
    ref = _refs(demo_file)[0]
    assert main(["export", str(demo_file), "--case", ref, "--redact", "anonymised", "--no-appendix",
                 "--landscape", "--pdf", str(tmp_path / "anon.pdf")]) == 0
    assert "redacted: anonymised" in capsys.readouterr().out
    pages = pdftotext_pages(tmp_path / "anon.pdf")
    assert len(pages) >= 1 and "appendix" not in norm("".join(pages))
    assert norm(ref) not in norm("".join(pages))


def test_cli_json_export(demo_file, tmp_path):
    ref = _refs(demo_file)[1]
    assert main(["export", str(demo_file), "--case", ref, "--json", str(tmp_path / "c.json")]) == 0
    data = json.loads((tmp_path / "c.json").read_text("utf-8"))
    assert data and isinstance(data, dict)


@pytest.mark.parametrize("extra, message", [
    ([], "nothing to export"),
    (["--pdf", "OUT.pdf"], "choose one with --case"),
    (["--pdf", "OUT.pdf", "--case", "NO-SUCH-REF"], "no family map 'NO-SUCH-REF'"),
    (["--pdf", "OUT.pdf", "--case", "#1", "--redact", "journalists"], "unknown redaction profile"),
    (["--json", "OUT.json", "--case", "#1", "--redact", "parents"], "cannot be redacted"),
    (["--pdf", "OUT.pdf", "--case", "#1", "--as-at", "31 Feb 2024"], "not a real date"),
    (["--pdf", "OUT.pdf", "--case", "#1", "--profiles", "missing.json"], "was not found"),
])
def test_cli_errors_are_one_plain_line(demo_file, tmp_path, capsys, extra, message):
    extra = [str(tmp_path / e) if e.startswith(("OUT", "missing")) else e for e in extra]
    rc = main(["export", str(demo_file), *extra])
    err = capsys.readouterr().err.strip()
    assert rc == 1
    assert message in err and "\n" not in err and "Traceback" not in err
    assert not any(p.suffix in (".pdf", ".json", ".part") for p in tmp_path.iterdir())


def test_cli_missing_file(tmp_path, capsys):
    rc = main(["export", str(tmp_path / "none.genomap"), "--pdf", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err.strip()
    assert rc != 0 and "none.genomap" in err and "\n" not in err
