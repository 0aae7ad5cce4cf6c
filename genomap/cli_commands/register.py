"""``genomap register``: the significant adults around a child, as a table or a one-page PDF."""

from __future__ import annotations

import argparse
import sys

from genomap.cli import subcommand


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the GenoMap file")
    p.add_argument("--child", metavar="NAME_OR_ID", required=True,
                   help="the child: a person id (e.g. 9 or #9) or a name (given name, full name or known-as)")
    p.add_argument("--case", metavar="REF",
                   help="which family map: its reference, title or #id (default: the one the child is in)")
    p.add_argument("--as-at", metavar="DATE", dest="as_at",
                   help="the register as at this date, e.g. 2026-11-20 or '20 Nov 2026' (default: today)")
    p.add_argument("--pdf", metavar="OUT.pdf",
                   help="write the one-page 'Who is around this child' PDF instead of printing the table")
    p.add_argument("--redact", metavar="PROFILE", default="professionals",
                   help="redaction profile for the PDF: professionals, parents, anonymised, or one saved in the "
                        "file (default: professionals)")
    p.add_argument("--marking", metavar="TEXT", default="OFFICIAL-SENSITIVE",
                   help="protective marking in the PDF header and footer (default OFFICIAL-SENSITIVE)")
    p.add_argument("--prepared-by", metavar="NAME", default="", dest="prepared_by",
                   help="name printed as the preparer of the PDF")


def find_child(document, text: str, case: str | None = None) -> tuple[int, int]:
    """``(case id, person id)`` for a child given by id or name; raises ExportError when unclear."""
    from sqlmodel import select

    from genomap.export import ExportError, resolve_case
    from genomap.model.tables import CaseMember, Person

    needle = " ".join(str(text).split()).casefold().lstrip("#")
    with document.read() as session:
        rows = session.execute(select(Person, CaseMember).join(CaseMember, CaseMember.person_id == Person.id)).all()
    case_id = resolve_case(document, case) if case else None
    if case_id is not None:
        rows = [(p, m) for p, m in rows if m.case_id == case_id]
    if needle.isdigit():
        hits = [(p, m) for p, m in rows if p.id == int(needle)]
    else:
        def names(p):
            full = f"{p.given_names} {p.family_name}".strip()
            return {n.casefold() for n in (full, p.given_names, p.known_as,
                                           f"{p.known_as} {p.family_name}".strip()) if n}

        hits = [(p, m) for p, m in rows if needle in names(p)]
    if not hits:
        raise ExportError(f"no child {text!r} in this file" + (" (in that family map)" if case else ""))
    people = {p.id for p, _ in hits}
    if len(people) > 1:
        listed = ", ".join(f"#{p.id} {p.display_name}" for p, _ in hits[:6])
        raise ExportError(f"{text!r} matches {len(people)} people ({listed}); give the id instead")
    # the family map where the child is a subject, else the first one they are in
    hits.sort(key=lambda pm: (not pm[1].is_subject, pm[1].case_id))
    person, member = hits[0]
    return member.case_id, person.id


def cmd_register(args: argparse.Namespace) -> int:
    from genomap.export import parse_as_at
    from genomap.register import format_table, register_for
    from genomap.store.files import open_document

    day = parse_as_at(args.as_at)
    with open_document(args.file) as doc:
        case_id, child = find_child(doc, args.child, args.case)
        if args.pdf:
            from genomap.render.register_pdf import export_register_pdf

            result = export_register_pdf(doc, case_id, child, args.pdf, as_at=day, redact_profile=args.redact,
                                         marking=args.marking, prepared_by=args.prepared_by)
            red = f", redacted: {result.profile}" if result.profile != "professionals" else ""
            print(f"Wrote {result.path} (PDF, {result.pages} page{'s' if result.pages != 1 else ''}{red})")
            for warning in result.warnings:
                print(f"genomap: warning: {warning}", file=sys.stderr)
            return 0
        print(format_table(register_for(doc, case_id, child, day)))
    return 0


cmd_register.add_arguments = _add_arguments
subcommand("register", help="The significant adults register around a child: who they live with, stay "
                            "with and see, restrictions, who may collect them; as a table or a one-page PDF.")(
    cmd_register)
