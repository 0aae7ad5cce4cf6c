"""Hover text for the genogram canvas: a person's (or link's) key facts as Qt rich text.

Everything shown comes from the :class:`~genomap.store.snapshot.FamilySnapshot` the
drawing was made from, read "as at" the drawing's view date.  All user-entered text is
HTML-escaped: names come from case files and must never be interpreted as markup.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Optional

from genomap.model.enums import PregnancyOutcome, ResidenceKind
from genomap.store.snapshot import FamilySnapshot, PersonView

Ref = tuple[str, int]

_MUTED = "#6b7280"
_FLAG = "#b42318"
_MAX_AGENCIES = 4


def _row(label: str, value_html: str) -> str:
    return (
        f"<tr><td style='color:{_MUTED}; padding-right:8px'>{escape(label)}</td>"
        f"<td>{value_html}</td></tr>"
    )


def _person_name(snapshot: FamilySnapshot, pid: int) -> str:
    try:
        return snapshot.person(pid).name
    except KeyError:
        return f"person {pid}"


def _age_text(p: PersonView, as_at: date) -> str:
    """"Age 7", "Died 2019, aged 72", "Pregnancy", "Miscarriage (2021)"..."""
    if p.pregnancy is not PregnancyOutcome.NONE:
        when = f" ({p.birth})" if p.birth is not None else ""
        return f"{p.pregnancy.label}{when}"
    age = p.age_on(as_at)
    if p.is_dead_on(as_at):
        died = f"Died {p.death}" if p.death is not None else "Deceased"
        return f"{died}, aged {age}" if age is not None else died
    if age is None:
        return "Age not known"
    return f"Age {age}"


def person_tooltip_html(snapshot: FamilySnapshot, pid: int, as_at: date) -> str:
    """Rich-text summary of one person as at ``as_at`` (name, age, dates, household, flags)."""
    p = snapshot.person(pid)
    head = f"<b style='font-size:11pt'>{escape(p.name)}</b>"
    if p.known_as and p.known_as != p.name:
        head += f" <i>“{escape(p.known_as)}”</i>"
    parts = [head]
    sub = [escape(_age_text(p, as_at))]
    if p.is_subject:
        sub.append("<b>Subject child</b>")
    if p.role:
        sub.append(escape(p.role))
    parts.append(" · ".join(sub))

    rows = []
    if p.birth is not None and p.pregnancy is PregnancyOutcome.NONE:
        rows.append(_row("Born", escape(str(p.birth))))
    if p.aliases:
        rows.append(_row("Also known as", escape(p.aliases)))

    def hh_names(kinds) -> list[str]:
        out = []
        for hid in snapshot.households_of(pid, as_at, kinds):
            try:
                h = snapshot.household(hid)
            except KeyError:
                continue
            out.append(escape(h.label or h.type.label))
        return out

    lives = hh_names((ResidenceKind.LIVES,))
    if lives:
        rows.append(_row("Lives at", ", ".join(lives)))
    elif not p.is_dead_on(as_at) and p.pregnancy is PregnancyOutcome.NONE:
        rows.append(_row("Lives at", f"<span style='color:{_MUTED}'>not recorded</span>"))
    for kind in (ResidenceKind.STAYS_REGULARLY, ResidenceKind.STAYS_OVERNIGHT):
        names = hh_names((kind,))
        if names:
            rows.append(_row(kind.label, ", ".join(names)))

    flags = []
    for ls in snapshot.legal_statuses:
        if ls.person == pid and ls.active_on(as_at):
            flags.append(f"<b>{escape(ls.kind.label)}</b>")
    if p.looked_after:
        flags.append("Looked after")
    if p.adopted:
        flags.append("Adopted")
    for rf in snapshot.risk_flags:
        if rf.person == pid and rf.active_on(as_at):
            text = f"{escape(rf.kind.label)} ({escape(rf.status.label.lower())})"
            if rf.detail:
                text += f": {escape(rf.detail)}"
            flags.append(f"<span style='color:{_FLAG}'>⚠ {text}</span>")
    if flags:
        rows.append(_row("Flags", "<br>".join(flags)))

    agencies = sorted({
        inv.agency_name for inv in snapshot.involvements
        if inv.person == pid and inv.active_on(as_at)
    })
    if agencies:
        shown = ", ".join(escape(a) for a in agencies[:_MAX_AGENCIES])
        if len(agencies) > _MAX_AGENCIES:
            shown += f" +{len(agencies) - _MAX_AGENCIES} more"
        rows.append(_row("Agencies", shown))

    body = "<br>".join(parts)
    if rows:
        body += "<table cellspacing='0' cellpadding='1' style='margin-top:4px'>" + "".join(rows) + "</table>"
    return body


def _span(start, end) -> str:
    if start is None and end is None:
        return ""
    return f"{start or '?'} – {end or 'now'}"


def link_tooltip_html(snapshot: FamilySnapshot, ref: Ref, as_at: date) -> Optional[str]:
    """Short rich text for a partnership, tie or household; None for anything else."""
    kind, oid = ref
    if kind == "partnership":
        for r in snapshot.partnerships:
            if r.id == oid:
                title = r.kind.label
                if r.end_kind.value != "none":
                    title += f", {r.end_kind.label.lower()}"
                lines = [f"<b>{escape(title)}</b>",
                         f"{escape(_person_name(snapshot, r.a))} &amp; {escape(_person_name(snapshot, r.b))}"]
                span = _span(r.start, r.end)
                if span:
                    lines.append(f"<span style='color:{_MUTED}'>{escape(span)}</span>")
                return "<br>".join(lines)
    elif kind == "tie":
        for t in snapshot.ties:
            if t.id == oid:
                lines = [f"<b>{escape(t.kind.label)}</b> ({escape(t.status.label.lower())})",
                         f"{escape(_person_name(snapshot, t.source))} → {escape(_person_name(snapshot, t.target))}"]
                span = _span(t.start, t.end)
                if span:
                    lines.append(f"<span style='color:{_MUTED}'>{escape(span)}</span>")
                if t.notes:
                    lines.append(escape(t.notes[:200]))
                return "<br>".join(lines)
    elif kind == "household":
        try:
            h = snapshot.household(oid)
        except KeyError:
            return None
        members = sorted(
            _person_name(snapshot, r.person) for r in snapshot.residences
            if r.household == oid and r.kind is ResidenceKind.LIVES and r.active_on(as_at)
        )
        lines = [f"<b>{escape(h.label or h.type.label)}</b>", f"<span style='color:{_MUTED}'>{escape(h.type.label)}</span>"]
        if members:
            lines.append(escape(", ".join(members)))
        return "<br>".join(lines)
    return None
