"""Team database subcommands: ``genomap db upgrade URL``, ``genomap db copy SRC DST``,
``genomap db grant URL CASE USER``.

URLs look like ``postgresql+psycopg://user@host/dbname``; passwords are never
printed (messages show the URL with the password masked).
"""

from __future__ import annotations

import argparse
import sys

from genomap.cli import subcommand


def _add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = sub.add_parser("upgrade", help="create or upgrade the GenoMap tables in a team database")
    up.add_argument("url", metavar="URL", help="postgresql+psycopg://user@host/dbname")
    cp = sub.add_parser("copy", help="copy every family map from SRC to DST (a .genomap file or a URL)")
    cp.add_argument("source", metavar="SRC")
    cp.add_argument("target", metavar="DST")
    cp.add_argument("--append", action="store_true",
                    help="add to a target that already holds family maps (ids renumbered)")
    cp.add_argument("--user", help="who gets access to the copied family maps in a team database "
                    "(default: the URL's user name, else your account)")
    gr = sub.add_parser("grant", help="let USER open family map CASE (you must own it or be an admin)")
    gr.add_argument("url", metavar="URL")
    gr.add_argument("case", metavar="CASE", type=int)
    gr.add_argument("user", metavar="USER")
    gr.add_argument("--as", dest="as_user", help="who is granting (default: the URL's user, else your account)")


def cmd_db(args: argparse.Namespace) -> int:
    from genomap.store import access, server
    from genomap.store.document import StoreError

    try:
        if args.db_command == "upgrade":
            before, after = server.upgrade(args.url)
            if before == after:
                print(f"{server.display_url(args.url)} is already at schema {after}.")
            else:
                print(f"Upgraded {server.display_url(args.url)} from schema {before or '(empty)'} to {after}.")
            return 0
        if args.db_command == "copy":
            report = server.copy_database(args.source, args.target, append=args.append, user=args.user)
            print(report.summary())
            return 0
        if args.db_command == "grant":
            doc = server.open_team_document(args.url, user=args.as_user)
            try:
                with doc.engine.begin() as conn:
                    access.grant(conn, args.case, args.user, by=doc.user)
            finally:
                doc.close()
            print(f"{args.user} may now open family map {args.case}.")
            return 0
    except (StoreError, access.AccessDenied) as exc:
        print(f"genomap: {exc}", file=sys.stderr)
        return 2
    return 2


cmd_db.add_arguments = _add_arguments
subcommand("db", help="Team databases on PostgreSQL: upgrade the schema, copy family maps in and out, "
           "grant access.")(cmd_db)
