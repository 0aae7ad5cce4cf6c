"""File subcommands: ``genomap new``, ``genomap demo`` and ``genomap check``.

``check`` exit codes: 0 = no problems or warnings only, 1 = errors found,
2 = the file could not be opened (missing, not a GenoMap file, damaged, newer,
in use).  Problems are printed as one plain line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from genomap.cli import subcommand


def arguments(add):
    """Attach ``add(parser)`` as the command's ``add_arguments`` (apply below ``@subcommand``)."""

    def deco(run):
        run.add_arguments = add
        return run

    return deco


def _new_file_arguments(p: argparse.ArgumentParser) -> None:
    _add_file(p, "the file to create (ending in .genomap); an existing file is not replaced")
    _add_force(p)
    p.add_argument(
        "--encrypt",
        action="store_true",
        help="protect the file with a passphrase (asked twice, or taken from GENOMAP_PASSPHRASE)",
    )


def _new_passphrase(args: argparse.Namespace):
    from genomap.store.crypto import new_passphrase_from_terminal

    return new_passphrase_from_terminal(args.file) if getattr(args, "encrypt", False) else None


def _add_file(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("file", metavar="FILE", help=help_text)


def _add_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace FILE if it already exists (never a file that is open elsewhere)",
    )


@subcommand("new", help="Create a new, empty GenoMap file.")
@arguments(_new_file_arguments)
def cmd_new(args: argparse.Namespace) -> int:
    from genomap.store.files import create_document

    with create_document(args.file, overwrite=args.force, passphrase=_new_passphrase(args)) as doc:
        print(f"Created an empty{' encrypted' if doc.key else ''} GenoMap file: {doc.path}")
    return 0



@subcommand("demo", help="Write the bundled fictional demo families to a new GenoMap file.")
@arguments(_new_file_arguments)
def cmd_demo(args: argparse.Namespace) -> int:
    from genomap.demo import build_demo
    from genomap.store import repository
    from genomap.store.files import create_document

    with create_document(args.file, overwrite=args.force, passphrase=_new_passphrase(args)) as doc:
        case_ids = build_demo(doc)
        with doc.read() as session:
            titles = [repository.get_case(session, c).title for c in case_ids]
        print(f"Wrote {len(case_ids)} fictional family maps to {doc.path}: " + ", ".join(titles))
    return 0



def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


@subcommand(
    "check",
    help="Check a GenoMap file: print what each family map holds, then any warnings and errors. "
    "Exit code 0 = fine or warnings only, 1 = errors, 2 = the file cannot be opened.",
)
@arguments(
    lambda p: _add_file(
        p, "the GenoMap file to check (a file from an older GenoMap is upgraded, after a backup copy)"
    )
)
def cmd_check(args: argparse.Namespace) -> int:
    from genomap.model import rules
    from genomap.store import repository
    from genomap.store.document import StoreError
    from genomap.store.files import open_document

    try:
        doc = open_document(args.file)
    except StoreError as exc:
        print(f"genomap: {exc}", file=sys.stderr)
        return 2
    with doc, doc.read() as session:
        cases = repository.list_cases(session)
        print(f"{doc.path}: {_plural(len(cases), 'family map')}")
        for case in cases:
            s = repository.case_summary(session, case.id)
            ref = f" [{s.reference}]" if s.reference else ""
            print(f"\n  {s.title or '(untitled)'}{ref}")
            print(
                "    "
                + ", ".join(
                    [
                        _plural(s.people, "person", "people"),
                        _plural(s.households, "household"),
                        _plural(s.agencies, "agency", "agencies"),
                        _plural(s.involvements, "involvement"),
                        _plural(s.events, "event"),
                    ]
                )
            )
        findings = rules.check_all(session)
    errors = [f for f in findings if f.is_error]
    warnings = [f for f in findings if not f.is_error]
    print(f"\n{_plural(len(warnings), 'warning')}")
    for f in warnings:
        print(f"  warning: {f.message}")
    print(f"{_plural(len(errors), 'error')}")
    for f in errors:
        print(f"  error: {f.message}")
    if errors:
        print("Result: errors found; correct them in GenoMap.")
        return 1
    print("Result: OK" + (" (warnings are worth a look)" if warnings else ""))
    return 0

