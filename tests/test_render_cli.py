"""``genomap render``: a PNG of the genogram, written atomically, without a window."""

from __future__ import annotations

import os
from datetime import date

import pytest

pytestmark = pytest.mark.gui


def _not_blank(path) -> int:
    from PySide6.QtGui import QImage

    img = QImage(str(path))
    assert not img.isNull() and img.width() > 200 and img.height() > 100
    dark = 0
    for x in range(0, img.width(), 4):
        for y in range(0, img.height(), 4):
            c = img.pixelColor(x, y)
            if c.red() + c.green() + c.blue() < 300:
                dark += 1
    return dark


def test_render_generated_family(qapp, tmp_path):
    from genomap.cli_commands.render import render_snapshot_png
    from genomap.testing.generate import generate_family

    out = tmp_path / "family.png"
    d = render_snapshot_png(generate_family(4, 25), out, date(2024, 6, 1), dpi=72)
    assert out.exists() and _not_blank(out) > 200
    assert d.as_at == "1 Jun 2024"
    assert not [f for f in os.listdir(tmp_path) if f != "family.png"]  # no temp files left


def test_render_command_on_demo_file(qapp, tmp_path, capsys):
    demo = pytest.importorskip("genomap.demo")
    from genomap.cli import main
    from genomap.store.files import create_document
    from genomap.store import repository

    path = tmp_path / "demo.genomap"
    with create_document(path) as doc:
        demo.build_demo(doc)
        with doc.read() as session:
            case = repository.list_cases(session)[0]
    ref = case.reference or f"#{case.id}"
    out = tmp_path / "demo.png"
    assert main(["render", str(path), "--png", str(out), "--case", ref, "--as-at", "2023-06-01", "--dpi", "60"]) == 0
    assert "as at 1 Jun 2023" in capsys.readouterr().out
    assert _not_blank(out) > 200
    # several family maps and no --case: a clear message, exit 1, no file
    out2 = tmp_path / "none.png"
    assert main(["render", str(path), "--png", str(out2)]) == 1
    assert "--case" in capsys.readouterr().err and not out2.exists()


def test_render_help_and_bad_date(tmp_path, capsys):
    from genomap.cli import main

    with pytest.raises(SystemExit):
        main(["render", "--help"])
    assert "--as-at" in capsys.readouterr().out
    assert main(["render", str(tmp_path / "x.genomap"), "--png", str(tmp_path / "x.png"), "--as-at", "soon"]) == 1
