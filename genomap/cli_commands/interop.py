"""``genomap import FILE IN.json|IN.ged|IN.csv``: bring a family in from another program.

Prints the import report: what was created, what was mapped, what was kept in
notes, and warnings/errors with line numbers (GEDCOM, CSV) or JSON paths.
Exit codes: 0 = imported (warnings are printed), 1 = nothing imported (the
GenoMap file is unchanged), 2 = the GenoMap file could not be opened.
(``genomap export FILE --json OUT`` lives with the other exports.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from genomap.cli import subcommand


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE",
                   help="the GenoMap file to import into (created if it does not exist yet)")
    p.add_argument("source", metavar="IN",
                   help="what to import: a GenoMap exchange .json, a GEDCOM .ged (5.5.1 or 7.0) or a .csv "
                        "list of people")
    p.add_argument("--case", metavar="REF", dest="case_ref",
                   help="add the people to the family map with this case reference (it is created if "
                        "there is none); without it, the import becomes a new family map")
    p.add_argument("--encoding", metavar="ENC",
                   help="character set of a GEDCOM or CSV file when its own declaration is wrong "
                        "(e.g. utf-8, ansel, cp1252, latin-1, utf-16)")
    p.add_argument("--strict", action="store_true",
                   help="GEDCOM: refuse the whole file on broken cross-references or impossible "
                        "ancestry instead of skipping those links with a warning")
    p.add_argument("--map", metavar="FIELD=COLUMN", action="append", default=[],
                   help="CSV: use COLUMN for the GenoMap FIELD (repeatable; unmapped fields are guessed "
                        "from the headers). Fields: given_names, family_name, full_name, known_as, aliases, "
                        "sex, gender_identity, birth, death, role, is_subject, address, notes")
    p.add_argument("--quiet", action="store_true", help="print only the one-line summary")


def cmd_import(args: argparse.Namespace) -> int:
    from genomap.errors import UserFacingError
    from genomap.formats import ImportFailed, import_file, import_kind
    from genomap.store.files import create_document, open_document

    source = Path(args.source)
    if not source.is_file():
        raise UserFacingError(f"{source} was not found")
    if import_kind(source) is None:
        raise UserFacingError(f"{source.name}: GenoMap imports .json, .ged/.gedcom and .csv files")
    mapping = None
    if args.map:
        from genomap.formats.csv_io import guess_mapping, read_csv_table
        from genomap.formats.common import ImportReport

        given: dict[str, str] = {}
        for item in args.map:
            field, sep, column = item.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise UserFacingError(f"--map {item!r}: write it as FIELD=COLUMN, e.g. birth='Date of birth'")
            given[field.strip()] = column.strip()
        headers, _rows = read_csv_table(source.read_bytes(), ImportReport(source.name), args.encoding)
        mapping = {f: h for f, h in guess_mapping(headers).items()
                   if f not in given and h not in given.values()}
        mapping.update(given)
    try:
        doc = open_document(args.file) if Path(args.file).exists() else create_document(args.file)
    except Exception as exc:  # noqa: BLE001 - reported plainly by kind
        from genomap.errors import is_user_facing

        if is_user_facing(exc):
            print(f"genomap: {exc}", file=sys.stderr)
            return 2
        raise
    with doc:
        try:
            report = import_file(doc, source, case_ref=args.case_ref, encoding=args.encoding, mapping=mapping,
                                 strict=args.strict)
        except ImportFailed as exc:
            print(exc.report.summary(max_issues=10 if args.quiet else 50), file=sys.stderr)
            return 1
    print(report.summary(max_issues=0 if args.quiet else 30).split("\n")[0] if args.quiet
          else report.summary(max_issues=30))
    return 0


cmd_import.add_arguments = _add_arguments
subcommand("import", help="Import people and families from a GenoMap .json, a GEDCOM .ged or a .csv file "
                          "into a GenoMap file, and print what was imported.")(cmd_import)
