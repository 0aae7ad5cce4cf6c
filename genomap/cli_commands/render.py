"""``genomap render FILE --png OUT.png``: the genogram as a PNG, no window needed.

Draws the family as at a date with the same pipeline as the screen
(:func:`genomap.pipeline.draw_family`), adds a header (title, "As at" date) and
the key, and renders it offscreen through Qt.  The PNG is written to a temporary
file beside the target and moved into place, so a failed run never leaves half a
picture.
"""

from __future__ import annotations

import argparse

from genomap.cli import subcommand


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the GenoMap file to draw")
    p.add_argument("--png", metavar="OUT.png", required=True, help="where to write the PNG image")
    p.add_argument("--as-at", metavar="DATE", dest="as_at",
                   help="show the family as at this date, e.g. 2024-03-01 or '1 Mar 2024' (default: today)")
    p.add_argument("--case", metavar="REF",
                   help="which family map: its reference, title or #id (needed when the file holds several)")
    p.add_argument("--dpi", metavar="N", type=int, default=150, help="resolution (default 150; 30 to 600)")
    p.add_argument("--no-key", dest="key", action="store_false", help="leave out the header and key")
    p.add_argument("--addresses", action="store_true", help="show household addresses (off by default)")


def parse_as_at(text):
    """A view date from what the user typed (partial dates allowed), or today."""
    from datetime import date

    from genomap.model.dates import PartialDate

    if not text:
        return date.today()
    pd = PartialDate.parse(text)
    return pd.representative()


def render_snapshot_png(snapshot, out, as_at=None, dpi: int = 150, key: bool = True, options=None):
    """Draw ``snapshot`` as at ``as_at`` into the PNG ``out``; return the Drawing."""
    from genomap.drawing.sheet import with_header_and_key
    from genomap.pipeline import draw_family
    from genomap.ui.scene import render_png

    drawing = draw_family(snapshot, as_at, options)
    sheet = with_header_and_key(drawing) if key else drawing
    render_png(sheet, out, dpi=dpi)
    return drawing


def cmd_render(args: argparse.Namespace) -> int:
    from genomap.drawing.options import DrawOptions
    from genomap.errors import UserFacingError
    from genomap.export import resolve_case
    from genomap.store.files import open_document

    if not 30 <= args.dpi <= 600:
        raise UserFacingError(f"--dpi {args.dpi} is out of range (30 to 600)")
    as_at = parse_as_at(args.as_at)
    with open_document(args.file) as doc:
        case_id = resolve_case(doc, args.case)
        snapshot = doc.snapshot(case_id)
    drawing = render_snapshot_png(snapshot, args.png, as_at, dpi=args.dpi, key=args.key,
                                  options=DrawOptions(show_addresses=args.addresses))
    people = sum(1 for k in drawing.bounds if k[0] == "person")
    print(f"Wrote {args.png} ({people} people, as at {drawing.as_at})")
    return 0


cmd_render.add_arguments = _add_arguments
subcommand("render", help="Draw a family map's genogram as a PNG image (no window needed).")(cmd_render)
