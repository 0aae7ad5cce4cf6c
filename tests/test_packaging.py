"""Desktop packaging: the bundle recipe, desktop integration files, and (slow) a real bundle.

The slow test builds the Linux bundle with packaging/build-linux.sh exactly as a release
would, then uses it with no Graphviz on PATH: writes the demo family with the bundled CLI,
opens it in the bundled GUI (offscreen) until the first genogram is drawn, exports a PDF
and reads it back.
"""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"
ICONS = ROOT / "genomap" / "resources" / "icons"
APP_ID = "org.genomap.GenoMap"

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux bundle")


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


# -- desktop integration files ----------------------------------------------------------------

def test_desktop_entry_opens_genomap_files():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(LINUX / f"{APP_ID}.desktop", encoding="utf-8")
    d = entry["Desktop Entry"]
    assert d["Type"] == "Application" and d["Name"] == "GenoMap"
    assert d["Exec"].split()[0] == "genomap" and "%f" in d["Exec"]
    assert d["Icon"] == APP_ID
    assert "application/x-genomap;" in d["MimeType"]
    assert d["Categories"].endswith(";") and d["Terminal"] == "false"


def test_mime_type_has_glob_and_sqlite_magic():
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    root = ET.parse(LINUX / f"{APP_ID}.mime.xml").getroot()
    mime = root.find("m:mime-type", ns)
    assert mime.get("type") == "application/x-genomap"
    assert mime.find("m:glob", ns).get("pattern") == "*.genomap"
    match = mime.find("m:magic/m:match", ns)
    assert match.get("offset") == "0" and match.get("value").startswith("SQLite format 3")


def test_the_sqlite_magic_matches_a_real_genomap_file(tmp_path):
    from genomap.store.files import create_document

    path = tmp_path / "x.genomap"
    create_document(path).close()
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_appstream_metainfo_names_the_desktop_entry_and_mime_type():
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    assert root.findtext("provides/mediatype") == "application/x-genomap"
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    if shutil.which("appstreamcli"):
        out = subprocess.run(["appstreamcli", "validate", "--no-net", str(LINUX / f"{APP_ID}.metainfo.xml")],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr


def test_icon_set_has_every_size_and_a_windows_icon():
    assert "<svg" in (ICONS / "genomap.svg").read_text()
    for size in (16, 24, 32, 48, 64, 128, 256, 512, 1024):
        assert _png_size(ICONS / f"genomap-{size}.png") == (size, size)
    ico = (ICONS / "genomap.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 6


def test_build_tools_are_pinned():
    lines = [l for l in (PACKAGING / "requirements-build.txt").read_text().splitlines()
             if l.strip() and not l.startswith("#")]
    assert lines and all("==" in l for l in lines)
    assert any(l.startswith("pyinstaller==") for l in lines)


# -- the bundled Graphviz ----------------------------------------------------------------------

@linux_only
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is needed to stage it")
def test_staged_graphviz_runs_without_system_paths(tmp_path):
    sys.path.insert(0, str(PACKAGING))
    try:
        import graphviz_bundle
    finally:
        sys.path.remove(str(PACKAGING))
    dot = graphviz_bundle.stage(tmp_path / "graphviz")
    out = subprocess.run([str(dot), "-Tjson0"], input="digraph { a -> b }", capture_output=True, text=True,
                         env={"PATH": str(tmp_path / "empty")}, timeout=60)
    assert out.returncode == 0, out.stderr
    assert '"name": "a"' in out.stdout
    assert (tmp_path / "graphviz" / "lib" / "graphviz").glob("config6*")
    assert not list((tmp_path / "graphviz" / "lib").glob("libc.so*")), "glibc must come from the host"


# -- the real bundle (slow) --------------------------------------------------------------------

def _bundle_env(tmp_path: Path) -> dict[str, str]:
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {
        "PATH": str(empty),  # no system Graphviz (or anything else): the bundle must bring its own
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    }


@pytest.mark.slow
@linux_only
def test_linux_bundle_builds_runs_offscreen_and_exports_a_pdf(tmp_path):
    from pypdf import PdfReader

    dist = tmp_path / "dist"
    build = subprocess.run([str(PACKAGING / "build-linux.sh"), "--no-tar"], cwd=ROOT,
                           env={**os.environ, "DIST": str(dist)}, capture_output=True, text=True, timeout=1500)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    app = dist / "GenoMap"
    exe = app / "genomap"
    assert os.access(exe, os.X_OK)
    for rel in (f"share/applications/{APP_ID}.desktop", f"share/mime/packages/{APP_ID}.xml",
                f"share/metainfo/{APP_ID}.metainfo.xml", f"share/icons/hicolor/256x256/apps/{APP_ID}.png",
                "install.sh", "BUILD-INFO.txt", "_internal/graphviz/bin/dot"):
        assert (app / rel).exists(), rel

    env = _bundle_env(tmp_path)
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str, extra: dict | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
        return subprocess.run([str(exe), *args], cwd=work, env={**env, **(extra or {})},
                              capture_output=True, text=True, timeout=timeout)

    demo = run("demo", "demo.genomap")
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert (work / "demo.genomap").read_bytes()[:15] == b"SQLite format 3"

    gui = run("demo.genomap", extra={"GENOMAP_STARTUP_PROBE": "exit-drawn"})
    assert gui.returncode == 0, gui.stdout + gui.stderr
    assert "GENOMAP_PROBE shown" in gui.stdout, gui.stdout + gui.stderr
    assert "GENOMAP_PROBE drawn" in gui.stdout, gui.stdout + gui.stderr  # the bundled dot laid it out

    pdf = work / "demo.pdf"
    export = run("export", "demo.genomap", "--case", "BF-2025-0412", "--pdf", str(pdf))
    assert export.returncode == 0, export.stdout + export.stderr
    reader = PdfReader(str(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "OFFICIAL-SENSITIVE" in text
    assert "Thistlewood" in text
    assert len(reader.pages) >= 1
