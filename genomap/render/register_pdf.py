"""The one-page "Who is around this child" PDF: the significant adults register, for filing or handing on.

Same page furniture as the genogram PDF (:mod:`genomap.render.pdf`: protective
marking boxed in the header and footer, reference and title, "Redacted copy
for", produced date, page x of y), same fonts and the same redaction profiles:
the register is built from the *redacted* snapshot (names become roles or
initials, addresses go, risk detail goes...), the register's own free text
(contact arrangements, notes) is withheld or scrubbed the same way, and every
string written is checked against the withheld values before the file is moved
into place (temp file beside the target, then ``os.replace``).

The page holds: the child and their homes; the adults table (risk rows marked
with a bar and the word RISK, restrictions in capitals); brothers and sisters
with where they live; and the annual-review checklist (entries not checked in
the last 12 months).  It always fits one page: content shrinks to fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Optional

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, KeepInFrame, PageTemplate, Paragraph, Spacer, Table, TableStyle

from genomap.register import REVIEW_MONTHS, Register, RegisterEntry, build_register, fmt_day, row_texts
from genomap.render import page as pg
from genomap.render.pdf import (
    DEFAULT_MARKING, INK, MUTED, FontBook, PdfOptions, _Composer, _DeferredCanvas, _color, _fast_reportlab,
)

RISK_BG = "#fbeee6"  # pale; the bar and the word RISK carry the meaning in black and white
RISK_BAR = "#8a1c1c"
RESTRICT_BG = "#eeeeee"


@dataclass
class RegisterPdfResult:
    path: Path
    pages: int = 1
    profile: str = "professionals"
    texts: list[str] = field(default_factory=list, repr=False)
    warnings: list[str] = field(default_factory=list)


def _scrubber(withheld: tuple[str, ...]):
    values = sorted({w for w in withheld if len(w.strip()) >= 3}, key=len, reverse=True)
    if not values:
        return lambda s: s
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(v) for v in values) + r")(?!\w)", re.IGNORECASE)
    return lambda s: pattern.sub("[withheld]", s) if s else s


def redacted_register(snapshot, child: int, entries, profile, as_at: date):
    """``(register, redaction)``: the register built from the redacted snapshot, with the
    register's own fields withheld as the profile says."""
    from genomap.redaction import RedactionError, redact

    red = redact(snapshot, profile, as_at)
    if child not in {p.id for p in red.snapshot.people}:
        raise RedactionError("the profile hides the child this register is about")
    scrub = _scrubber(red.withheld)
    prof = red.profile
    safe: list[RegisterEntry] = []
    for e in entries:
        safe.append(replace(
            e,
            notes="" if prof.hide_notes else scrub(e.notes),
            contact_arrangement=scrub(e.contact_arrangement),
            last_checked=None if prof.hide_dates else e.last_checked,
            source="" if prof.hide_sources else scrub(e.source),
        ))
    return build_register(red.snapshot, child, as_at, safe), red


def export_register_pdf(document, case_id: int, child: int, out: str | Path, as_at: Optional[date] = None,
                        redact_profile=None, marking: str = DEFAULT_MARKING, prepared_by: str = "",
                        today: Optional[date] = None) -> RegisterPdfResult:
    """Write the one-page register PDF for ``child`` of family map ``case_id``; atomic, leak-checked."""
    from genomap.export import atomic_output
    from genomap.redaction import RedactionError, get_profile, load_document_profiles
    from genomap.register import load_entries

    day = as_at or date.today()
    profile = get_profile(redact_profile, load_document_profiles(document))
    snapshot = document.snapshot(case_id)
    with document.read() as session:
        entries = load_entries(session, child)
    reg, red = redacted_register(snapshot, child, entries, profile, day)
    if not prepared_by and not profile.hide_worker_names:
        prepared_by = red.snapshot.author
    options = PdfOptions(
        paper="A4", landscape=True, marking=marking, title=red.title, reference=red.reference, as_at=day,
        prepared_by=prepared_by, audience="" if profile.hides_nothing else (profile.label or profile.name),
    )
    result = RegisterPdfResult(Path(out), profile=profile.name)

    def write(tmp: Path):
        pages, texts = render_register_pdf(reg, tmp, options, today=today)
        leaks = red.leaks([t for t in texts if not prepared_by or t != prepared_by])
        if leaks:
            raise RedactionError(
                f"export stopped: {len(leaks)} withheld value(s) would have appeared in the register PDF "
                f"(profile {profile.name!r}); nothing was written. Check the register's notes.")
        result.pages, result.texts = pages, texts

    atomic_output(Path(out), write)
    return result


def render_register_pdf(reg: Register, out: str | Path, options: Optional[PdfOptions] = None,
                        today: Optional[date] = None) -> tuple[int, list[str]]:
    """Draw ``reg`` on one A4 landscape page at ``out``; returns ``(pages, every string written)``."""
    o = options or PdfOptions(landscape=True)
    fonts = FontBook()
    sink: list[str] = []
    page_w, page_h = pg.page_size("A4", True)
    header, footer = pg.furniture(page_w, page_h)
    top = header.y - pg.GAP
    bottom = footer.top + pg.GAP
    width = page_w - 2 * pg.MARGIN
    comp = _Composer(None, None, o, fonts, sink)  # header/footer furniture only

    title = f"Who is around this child: {reg.child_name}"
    meta = dict(title=title, author=o.prepared_by or "", creator="GenoMap", producer="GenoMap (ReportLab)",
                subject=" · ".join(b for b in ("Significant adults register", o.marking.strip(),
                                                f"redacted for {o.audience}" if o.audience else "") if b),
                keywords="")
    sink += [v for v in meta.values() if v]
    doc = BaseDocTemplate(str(out), pagesize=(page_w, page_h), leftMargin=pg.MARGIN, rightMargin=pg.MARGIN,
                          topMargin=page_h - top, bottomMargin=bottom, **meta)
    frame = Frame(pg.MARGIN, bottom, width, top - bottom, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, id="content")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], pagesize=(page_w, page_h))])
    story = _story(reg, o, fonts, sink, width, today or date.today())
    with _fast_reportlab():
        doc.build([KeepInFrame(width, top - bottom, story, mode="shrink")],
                  canvasmaker=partial(_DeferredCanvas, decorate=comp.decorate))
    return doc.page, sink


def _story(reg: Register, o: PdfOptions, fonts: FontBook, sink: list[str], width: float, today: date) -> list:
    kicker = ParagraphStyle("k", fontName="Helvetica-Bold", fontSize=7.5, leading=9, textColor=_color(MUTED))
    h1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=16, leading=19, textColor=_color(INK))
    body = ParagraphStyle("b", fontName="Helvetica", fontSize=8.5, leading=11, textColor=_color(INK))
    h2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=10.5, leading=13, spaceBefore=6,
                        spaceAfter=3, textColor=_color(INK))
    cell = ParagraphStyle("c", fontName="Helvetica", fontSize=7.4, leading=8.9, textColor=_color(INK))
    cell_b = ParagraphStyle("cb", parent=cell, fontName="Helvetica-Bold")
    small = ParagraphStyle("s", parent=body, fontSize=7.2, leading=9, textColor=_color(MUTED))

    def para(text: str, style, bold: Optional[bool] = None) -> Paragraph:
        sink.append(text)
        b = ("Bold" in style.fontName) if bold is None else bold
        return Paragraph(fonts.markup(text, bold=b), style)

    produced = datetime.now()
    facts = [f"As at {fmt_day(reg.as_at)}"]
    if o.reference:
        facts.append(f"Case reference {o.reference}")
    if o.prepared_by:
        facts += ["Prepared by", o.prepared_by]
    facts.append(f"Produced {produced.day} {produced:%b %Y}")
    story: list = [
        para("WHO IS AROUND THIS CHILD · SIGNIFICANT ADULTS REGISTER", kicker),
        para(reg.child_name, h1),
        # each fact is its own string for the leak check: the preparer's name is printed on purpose
        Paragraph("  ·  ".join(fonts.markup(f) for f in facts).replace("Prepared by</font>  ·  ", "Prepared by</font> "), body),
    ]
    sink.extend(facts)
    if reg.homes:
        story.append(para(f"The child {reg.homes_text}.", body))
    story.append(Spacer(1, 4))

    # -- adults
    cols = ("Name", "Relationship", "PR", "Where", "Contact and restrictions", "May collect", "Call order",
            "Risk", "Notes", "Checked")
    rel = (11, 11, 4, 14, 15, 7, 5.5, 14.5, 11, 7)
    widths = [width * w / sum(rel) for w in rel]
    data = [[para(c, cell_b) for c in cols]]
    style = [
        ("LINEBELOW", (0, 0), (-1, 0), 1.1, _color(INK)),
        ("LINEBELOW", (0, 1), (-1, -1), 0.35, _color("#9a9a9a")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3.5), ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, a in enumerate(reg.adults, start=1):
        t = list(row_texts(a))
        t[7] = ("RISK: " + a.risk_text) if a.risks else ""
        if a.warnings:
            t[5] = t[5] + " — " + "; ".join(a.warnings)
        cells = [para(t[0], cell_b), para(t[1], cell), para(t[2], cell), para(t[3], cell),
                 para(t[4], cell_b if a.restrictions else cell), para(t[5], cell_b if a.warnings else cell),
                 para(t[6], cell), para(t[7], cell_b), para(t[8], cell), para(t[9], cell)]
        data.append(cells)
        if a.risks:
            style += [("BACKGROUND", (0, i), (-1, i), _color(RISK_BG)),
                      ("LINEBEFORE", (0, i), (0, i), 3.5, _color(RISK_BAR))]
        elif a.restrictions:
            style += [("BACKGROUND", (0, i), (-1, i), _color(RESTRICT_BG)),
                      ("LINEBEFORE", (0, i), (0, i), 3.5, _color(INK))]
    if not reg.adults:
        data.append([para("No adults are recorded around this child yet.", cell)] + [""] * (len(cols) - 1))
        style.append(("SPAN", (0, 1), (-1, 1)))
    story += [para(f"Significant adults ({len(reg.adults)})", h2)]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    story.append(table)
    story.append(para("PR: parental responsibility (from the family map's parent links; — not a parent). "
                      "Call order: emergency contacts, 1 first. RISK rows have a bar at the left; restrictions are in capitals.",
                      small))

    # -- siblings and the review, side by side
    left_w, gap = width * 0.55, 14
    right_w = width - left_w - gap
    sib_rows = [[para(c, cell_b) for c in ("Brother or sister", "Relationship", "Lives at")]]
    for s in reg.siblings:
        sib_rows.append([para(s.name, cell), para(s.relationship, cell), para(s.household_text, cell)])
    if not reg.siblings:
        sib_rows.append([para("None recorded", cell), "", ""])
    sibs = Table(sib_rows, colWidths=[left_w * 0.34, left_w * 0.26, left_w * 0.40], repeatRows=1)
    sibs.setStyle(TableStyle(style[:6]))
    due = reg.due_for_review(today)
    review_rows = [[para(c, cell_b) for c in ("Not checked in the last 12 months", "Last checked")]]
    for a in due:
        review_rows.append([para(f"☐  {a.name} ({a.relationship})", cell),
                            para(fmt_day(a.last_checked) or "Never", cell)])
    if not due:
        review_rows.append([para("Every entry was checked in the last 12 months.", cell), ""])
    review = Table(review_rows, colWidths=[right_w * 0.72, right_w * 0.28], repeatRows=1)
    review.setStyle(TableStyle(style[:6]))
    side = Table([[[para(f"Brothers and sisters ({len(reg.siblings)})", h2), sibs],
                   [para(f"Annual review: {len(due)} to check", h2), review]]],
                 colWidths=[left_w + gap, right_w])
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (0, 0), gap), ("RIGHTPADDING", (1, 0), (1, 0), 0)]))
    story += [Spacer(1, 4), side]
    story.append(Spacer(1, 6))
    story.append(para(f"Review each entry at least every {REVIEW_MONTHS} months and whenever the family's "
                      "circumstances change. This record is derived from the family map in GenoMap: correct the "
                      "family map, not this page.", small))
    return story
