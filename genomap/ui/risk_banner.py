"""The risk banner above the genogram: risk adults connected to the family at the view date.

Shown only when at least one person with a flag about harm to others
(:data:`genomap.analysis.risk.HARM_KINDS`) is active at the view date, e.g.

    Risk adults connected at 12 Mar 2025: Darren Skelwith (registered sex offender,
    confirmed) — contact with Mia (visits 4 Rowan Close, where the child lives) …

Each name is a link: clicking it selects that person on the genogram
(``person_clicked``).  All names come from case files and are HTML-escaped.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from genomap.analysis.risk import HARM_KINDS, RiskAdult, risk_adults
from genomap.store.snapshot import FamilySnapshot


def _day(d: date) -> str:
    return f"{d.day} {d.strftime('%b')} {d.year}"


def _first(name: str) -> str:
    return name.split(" ")[0] if name else name


def grouped_contacts(snap: FamilySnapshot, ra: RiskAdult) -> list[tuple[str, list[int]]]:
    """(how, [children]) for a risk adult, children reached the same way kept together."""
    groups: dict[str, list[int]] = {}
    seen: set[int] = set()
    for c in ra.contacts:
        if c.child in seen:
            continue
        seen.add(c.child)
        groups.setdefault(c.via, []).append(c.child)
    return list(groups.items())


def _names(snap: FamilySnapshot, pids: list[int]) -> list[tuple[int, str]]:
    out = []
    for pid in pids:
        try:
            out.append((pid, _first(snap.person(pid).name)))
        except KeyError:
            pass
    return out


def risk_summary(snap: FamilySnapshot, day: date) -> list[tuple[RiskAdult, str]]:
    """(risk adult, plain-text sentence) for every risk adult connected at ``day``."""
    out = []
    for ra in risk_adults(snap, day, HARM_KINDS):
        try:
            who = snap.person(ra.person).name
        except KeyError:
            continue
        flags = ", ".join(f"{f.kind.label.lower()}, {f.status.label.lower()}" for f in ra.flags)
        parts = [", ".join(n for _p, n in _names(snap, kids)) + f" ({via})"
                 for via, kids in grouped_contacts(snap, ra)]
        text = f"{who} ({flags})"
        text += (" — contact with " + "; ".join(parts)) if parts else " — no recorded contact with children"
        out.append((ra, text))
    return out


class RiskBanner(QFrame):
    """A calm but unmissable red-edged strip; hidden when nobody is connected."""

    person_clicked = Signal(int)

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("riskBanner")
        self.setStyleSheet(
            "#riskBanner { background: #fef2f2; border-left: 5px solid #b91c1c; border-bottom: 1px solid #fecaca; }"
            " #riskBanner QLabel { color: #7f1d1d; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 5, 10, 5)
        self.icon = QLabel("⚠")
        self.icon.setStyleSheet("font-size: 16px; font-weight: bold;")
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        self.label = QLabel()
        self.label.setObjectName("riskBannerText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.label.linkActivated.connect(self._link)
        row.addWidget(self.label, 1)
        self.adults: list[int] = []
        self.hide()

    def update_for(self, snap: Optional[FamilySnapshot], day: date) -> None:
        """Show the risk adults connected at ``day`` (hide when there are none)."""
        items = risk_summary(snap, day) if snap is not None else []
        self.adults = [ra.person for ra, _ in items]
        if not items:
            self.label.setText("")
            self.hide()
            return
        parts = []
        for ra, _text in items:
            name = escape(snap.person(ra.person).name)
            flags = ", ".join(f"{escape(f.kind.label.lower())}, <b>{escape(f.status.label.lower())}</b>"
                              for f in ra.flags)
            contacts = []
            for via, kids in grouped_contacts(snap, ra):
                links = ", ".join(f"<a href='person:{pid}' style='color:#7f1d1d'>{escape(n)}</a>"
                                  for pid, n in _names(snap, kids))
                contacts.append(f"{links} ({escape(via)})")
            s = f"<a href='person:{ra.person}' style='color:#7f1d1d'><b>{name}</b></a> ({flags})"
            s += (" — contact with " + "; ".join(contacts)) if contacts else " — no recorded contact with children"
            parts.append(s)
        self.label.setText(f"<b>Risk adults connected at {_day(day)}:</b> " + "<br>".join(parts))
        self.show()

    def text(self) -> str:
        return self.label.text()

    def _link(self, href: str) -> None:
        kind, _, value = href.partition(":")
        if kind == "person" and value.isdigit():
            self.person_clicked.emit(int(value))
