"""Command-line entry point: ``genomap [FILE]`` opens the GUI; subcommands work headless.

Each subcommand lives in a small ``_cmd_*`` function registered in
:func:`build_parser`.  Errors the user can act on (bad file, missing Graphviz)
are printed as one clear line with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Optional, Sequence

from genomap import __version__

# name -> (help, add_arguments(parser), run(args) -> exit code)
Subcommand = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(name: str, help: str):
    """Register ``run(args)``; its ``add_arguments`` attribute (if any) adds options."""

    def deco(run):
        SUBCOMMANDS[name] = (help, getattr(run, "add_arguments", lambda p: None), run)
        return run

    return deco


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genomap",
        description="GenoMap: genograms and family maps for child-safeguarding work. "
        "Run without a command to open the application.",
    )
    parser.add_argument("--version", action="version", version=f"GenoMap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, add_args, run) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_args(p)
        p.set_defaults(_run=run)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    import genomap.cli_commands  # noqa: F401  (registers the subcommands)

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and not argv[0].startswith("-")):
        from genomap.app import main as gui_main

        return gui_main(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_run", None) is None:
        parser.print_help()
        return 2
    from genomap.errors import run_reporting_errors
    from genomap.privacy import owner_only_umask

    owner_only_umask()  # files the commands write (exports, copies) are owner-only

    return run_reporting_errors(args._run, args)
