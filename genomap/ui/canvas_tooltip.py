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
    """Short rich text for a partnership, tie, household, or an overlay's involvement, risk flag
    or residence; None for anything else."""
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
    elif kind == "involvement":
        return involvement_tooltip_html(snapshot, oid, as_at)
    elif kind == "risk_flag":
        return risk_tooltip_html(snapshot, oid, as_at)
    elif kind == "residence":
        for r in snapshot.residences:
            if r.id == oid:
                try:
                    where = snapshot.household(r.household)
                except KeyError:
                    return None
                status = f" ({escape(r.status.label.lower())})" if r.status.value != "reported" else ""
                lines = [f"<b>{escape(_person_name(snapshot, r.person))}</b> {escape(r.kind.label.lower())} "
                         f"at <b>{escape(where.label or where.type.label)}</b>{status}"]
                span = _span(r.start, r.end)
                if span:
                    lines.append(f"<span style='color:{_MUTED}'>{escape(span)}</span>")
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


def involvement_tooltip_html(snapshot: FamilySnapshot, oid: int, as_at: date) -> Optional[str]:
    """An agency badge: the agency, who it works with, and every active role with worker and contact."""
    inv = next((i for i in snapshot.involvements if i.id == oid), None)
    if inv is None:
        return None
    if inv.person is not None:
        target = _person_name(snapshot, inv.person)
    else:
        try:
            target = snapshot.household(inv.household).label or "household"
        except KeyError:
            target = "household"
    same = [i for i in snapshot.involvements if i.agency_id == inv.agency_id and i.person == inv.person
            and i.household == inv.household and (i.active_on(as_at) or i.id == oid)]
    lines = [f"<b>{escape(inv.agency_name)}</b> <span style='color:{_MUTED}'>"
             f"({escape(inv.agency_type.short_code)} · {escape(inv.agency_type.label)})</span>",
             f"Working with {escape(target)}"]
    rows = []
    for i in same:
        if i.role:
            rows.append(_row("Role", escape(i.role)))
        if i.worker_name:
            rows.append(_row("Worker", escape(i.worker_name)))
        if i.worker_contact:
            rows.append(_row("Contact", escape(i.worker_contact)))
        span = _span(i.start, i.end)
        if span:
            rows.append(_row("Period", escape(span)))
    body = "<br>".join(lines)
    if rows:
        body += "<table cellspacing='0' cellpadding='1' style='margin-top:4px'>" + "".join(rows) + "</table>"
    return body


def risk_tooltip_html(snapshot: FamilySnapshot, oid: int, as_at: date) -> Optional[str]:
    """A risk marker or reach line: the flag, its source, and the children reached as at the date."""
    from genomap.analysis.risk import risk_adults

    flag = next((f for f in snapshot.risk_flags if f.id == oid), None)
    if flag is None:
        return None
    lines = [f"<b style='color:{_FLAG}'>⚠ {escape(flag.kind.label)}</b> ({escape(flag.status.label.lower())})",
             escape(_person_name(snapshot, flag.person))]
    if flag.detail:
        lines.append(escape(flag.detail))
    span = _span(flag.start, flag.end)
    if span:
        lines.append(f"<span style='color:{_MUTED}'>{escape(span)}</span>")
    if flag.source:
        lines.append(f"<span style='color:{_MUTED}'>Source: {escape(flag.source)}</span>")
    for ra in risk_adults(snapshot, as_at):
        if ra.person != flag.person or not ra.contacts:
            continue
        seen = set()
        contacts = []
        for c in ra.contacts:
            if c.child not in seen:
                seen.add(c.child)
                contacts.append(f"{escape(_person_name(snapshot, c.child))}: {escape(c.via)}")
        lines.append("<b>Contact with children:</b><br>" + "<br>".join(contacts))
    return "<br>".join(lines)
