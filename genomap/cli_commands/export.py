"""``genomap export``: PDF for the case file and the conference, SVG/PNG of the genogram, JSON exchange.

Several outputs may be asked for at once (``--pdf a.pdf --png a.png``); each is
written atomically and the first failure stops with one plain line.
"""

from __future__ import annotations

import argparse
import sys

from genomap.cli import subcommand


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the GenoMap file to export from")
    out = p.add_argument_group("outputs (at least one)")
    out.add_argument("--pdf", metavar="OUT.pdf",
                     help="print-ready PDF: genogram, title block, key, appendix tables, protective marking")
    out.add_argument("--svg", metavar="OUT.svg", help="the genogram alone as SVG (vector)")
    out.add_argument("--png", metavar="OUT.png", help="the genogram alone as a PNG image")
    out.add_argument("--json", metavar="OUT.json",
                     help="the whole family map as a genomap-exchange JSON file (complete record, never redacted)")
    p.add_argument("--case", metavar="REF",
                   help="which family map: its reference, title or #id (needed when the file holds several)")
    p.add_argument("--as-at", metavar="DATE", dest="as_at",
                   help="show the family as at this date, e.g. 2024-03-01 or '1 Mar 2024' (default: today)")
    p.add_argument("--paper", choices=("A4", "A3"), default="A4", type=str.upper,
                   help="paper size for the PDF (default A4)")
    orient = p.add_mutually_exclusive_group()
    orient.add_argument("--landscape", dest="landscape", action="store_true", default=None,
                        help="landscape pages (default: landscape when the genogram is wide)")
    orient.add_argument("--portrait", dest="landscape", action="store_false", help="portrait pages")
    p.add_argument("--redact", metavar="PROFILE", default="professionals",
                   help="redaction profile by audience: professionals (nothing hidden), parents "
                        "(addresses, third parties' names, notes and the child's words withheld), "
                        "anonymised (no names, ages, dates or notes), or a profile saved in the file or in --profiles "
                        "(default: professionals)")
    p.add_argument("--profiles", metavar="PROFILES.json",
                   help="a JSON file of user-edited redaction profiles ({\"profiles\": [...]})")
    p.add_argument("--hide-person", metavar="ID", type=int, action="append", default=[],
                   help="also leave out this person (by id) and every line to them; repeatable")
    p.add_argument("--hide-household", metavar="ID", type=int, action="append", default=[],
                   help="also leave out this household (by id) and its residences; repeatable")
    p.add_argument("--no-appendix", dest="appendix", action="store_false",
                   help="PDF without the appendix tables (people, households, agencies, risk, chronology)")
    p.add_argument("--marking", metavar="TEXT", default="OFFICIAL-SENSITIVE",
                   help="protective marking in the header and footer of every PDF page "
                        "(default OFFICIAL-SENSITIVE; '' for none)")
    p.add_argument("--prepared-by", metavar="NAME", default="",
                   help="name for the title block and PDF author (default: the case's author)")
    p.add_argument("--dpi", metavar="N", type=int, default=150, help="PNG resolution (default 150)")
    p.add_argument("--svg-legend", action="store_true", help="add the key under the genogram in the SVG")


def cmd_export(args: argparse.Namespace) -> int:
    from genomap.export import ExportError, export_case
    from genomap.store.files import open_document

    outputs = [(fmt, getattr(args, fmt)) for fmt in ("pdf", "svg", "png", "json") if getattr(args, fmt)]
    if not outputs:
        raise ExportError("nothing to export: give at least one of --pdf, --svg, --png or --json")
    if args.dpi < 30 or args.dpi > 1200:
        raise ExportError(f"--dpi {args.dpi} is out of range (30 to 1200)")
    with open_document(args.file) as doc:
        for fmt, out in outputs:
            result = export_case(
                doc, out, fmt, case=args.case, as_at=args.as_at, paper=args.paper,
                landscape=args.landscape, redact_profile=args.redact, appendix=args.appendix,
                marking=args.marking, prepared_by=args.prepared_by, dpi=args.dpi,
                profiles_file=args.profiles, hide_people=tuple(args.hide_person),
                hide_households=tuple(args.hide_household), svg_legend=args.svg_legend,
            )
            pages = f", {result.pages} page{'s' if result.pages != 1 else ''}" if fmt == "pdf" else ""
            red = f", redacted: {result.profile}" if result.profile != "professionals" else ""
            print(f"Wrote {result.path} ({fmt.upper()}{pages}{red}) in {result.seconds:.2f} s")
            for warning in result.warnings:
                print(f"genomap: warning: {warning}", file=sys.stderr)
    return 0


cmd_export.add_arguments = _add_arguments
subcommand("export", help="Export a family map: PDF for the case file or conference, SVG/PNG of the "
                          "genogram, or the JSON exchange file, optionally redacted for sharing.")(cmd_export)
