"""Render genomap/resources/icons/genomap.svg to the PNG sizes desktops ask for, and a Windows .ico.

Run after editing the SVG (outputs are committed, so a build needs no renderer):
``QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "genomap" / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int, renderer: QSvgRenderer) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - needed for painting
    renderer = QSvgRenderer(str(ICONS / "genomap.svg"))
    if not renderer.isValid():
        raise SystemExit("genomap.svg is not valid SVG")
    for size in SIZES:
        out = ICONS / f"genomap-{size}.png"
        render(size, renderer).save(str(out), "PNG")
        print(out)
    # Windows icon: Qt's ico writer stores one image per file, so build it by hand (PNG entries).
    import struct

    entries, blobs = [], []
    for size in ICO_SIZES:
        blobs.append((ICONS / f"genomap-{size}.png").read_bytes())
    offset = 6 + 16 * len(blobs)
    for size, blob in zip(ICO_SIZES, blobs):
        dim = 0 if size >= 256 else size
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        offset += len(blob)
    ico = struct.pack("<HHH", 0, 1, len(blobs)) + b"".join(entries) + b"".join(blobs)
    (ICONS / "genomap.ico").write_bytes(ico)
    print(ICONS / "genomap.ico")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
