"""``genomap connections FILE [--json]``: who is connected to more than one family, and possible matches.

Prints every connected person -- linked into several family maps, or with a
possible match (a record elsewhere that may be the same person) -- risk adults
first, each with the families they are in (case reference, their role there,
the children in that family, whether they carry a risk flag) and their possible
matches with score and explanation.  ``--json`` prints the same as a JSON list
(see :func:`genomap.connections.store.report_json`).  ``--risk-only`` keeps the
people with risk flags (theirs or a possible match's).
"""

from __future__ import annotations

import argparse
import json

from genomap.cli import subcommand


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the GenoMap file to look through")
    p.add_argument("--json", action="store_true", help="print the connections as JSON")
    p.add_argument("--risk-only", action="store_true", dest="risk_only",
                   help="only people with a risk flag (or whose possible match has one)")


def _family_line(f) -> str:
    role = f.role or "member"
    kids = ", ".join(c.text() for c in f.children) or "no children recorded"
    return f"{f.label} — {role}; children: {kids}"


def format_report(people) -> str:
    """The report as plain text (what ``genomap connections`` prints without --json)."""
    if not people:
        return "No connections: nobody in this file is in more than one family map, and no possible matches."
    lines: list[str] = []
    risk = sum(1 for p in people if p.is_risk)
    lines.append(f"{len(people)} connected {'person' if len(people) == 1 else 'people'}"
                 + (f", {risk} with risk flags" if risk else "") + ".")
    for cp in people:
        lines.append("")
        head = cp.display()
        if cp.born:
            head += f", born {cp.born}"
        if cp.risk_flags:
            head = "RISK  " + head + " — " + "; ".join(r.text() for r in cp.risk_flags)
        lines.append(head)
        n = len(cp.families)
        lines.append(f"  Linked into {n} family {'map' if n == 1 else 'maps'}:")
        for f in cp.families:
            lines.append("    " + _family_line(f))
        for m in cp.possible_matches:
            who = m.name + (f" (known as {m.known_as})" if m.known_as else "")
            if m.born:
                who += f", born {m.born}"
            flags = (" — " + "; ".join(r.text() for r in m.risk_flags)) if m.risk_flags else ""
            lines.append(f"  Possible match ({m.strength}, {round(m.score * 100)}%): {who}{flags}")
            for f in m.families:
                lines.append("    " + _family_line(f))
            lines.append(f"    why: {m.explanation}")
    return "\n".join(lines)


def cmd_connections(args: argparse.Namespace) -> int:
    from genomap.connections.store import connections_report, report_json
    from genomap.store.files import open_document

    with open_document(args.file) as doc:
        with doc.read() as session:
            people = connections_report(session)
    if args.risk_only:
        people = [p for p in people if p.is_risk]
    if args.json:
        print(json.dumps(report_json(people), indent=2, ensure_ascii=False))
    else:
        print(format_report(people))
    return 0


cmd_connections.add_arguments = _add_arguments
subcommand("connections", help="List people connected to more than one family map, and possible matches.")(
    cmd_connections)
