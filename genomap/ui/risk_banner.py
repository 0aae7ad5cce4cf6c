"""The risk banner above the genogram: risk adults connected to the family at the view date.

Shown only when at least one person with a flag about harm to others
(:data:`genomap.analysis.risk.HARM_KINDS`) is active at the view date.  It is one
line ("⚠ 2 risk adults connected at 26 Nov 2026 — Darren Skelwith (RSO,
confirmed), Dean Marlowby (DA, alleged)  Details ▾"); Details opens the full text:

    Risk adults connected at 12 Mar 2025: Darren Skelwith (registered sex offender,
    confirmed) — contact with Mia (visits 4 Rowan Close, where the child lives) …

Each name is a link: clicking it selects that person on the genogram
(``person_clicked``).  All names come from case files and are HTML-escaped.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Optional

from PySide6.QtCore import QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

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


def short_summary(snap: FamilySnapshot, day: date, limit: int = 3) -> tuple[str, list[tuple[int, str, str]]]:
    """("2 risk adults connected at 26 Nov 2026", [(person id, name, "RSO, confirmed"), ...]).

    Confirmed flags first, then by name; at most ``limit`` people (the caller says "+N more").
    """
    people = []
    for ra in risk_adults(snap, day, HARM_KINDS):
        try:
            name = snap.person(ra.person).name
        except KeyError:
            continue
        main = ra.flags[0]  # the first flag about harm to others; the full text lists them all
        confirmed = any(f.status.value == "confirmed" for f in ra.flags)
        people.append((not confirmed, name.lower(), ra.person, name,
                       f"{main.kind.short_code}, {main.status.label.lower()}"))
    people.sort()
    n = len(people)
    head = f"{n} risk adult{'' if n == 1 else 's'} connected at {_day(day)}"
    return head, [(pid, name, what) for _c, _k, pid, name, what in people[:limit]]


class RiskBanner(QFrame):
    """A compact, unmissable one-line alert strip; "Details ▾" opens the full text. Hidden when nobody is connected.

    Collapsed it reads "⚠ 2 risk adults connected at 26 Nov 2026 — Darren Skelwith (RSO,
    confirmed), Dean Marlowby (DA, alleged)   Details ▾", so the genogram keeps its
    room; expanded, the full sentences (who, which flags, which children and how)
    follow underneath.  Whether it is expanded is remembered in ``settings``.
    """

    person_clicked = Signal(int)
    SETTING = "view/risk_banner_expanded"
    MAX_NAMES = 3

    def __init__(self, settings: Optional[QSettings] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("riskBanner")
        self.setStyleSheet(
            "#riskBanner { background: #fef2f2; border-left: 4px solid #b91c1c; border-bottom: 1px solid #fecaca; }"
            " #riskBanner QLabel { color: #7f1d1d; }"
            " #riskBanner QToolButton { color: #7f1d1d; border: 1px solid #fca5a5; border-radius: 5px;"
            " padding: 1px 6px; background: #ffffff; }"
            " #riskBanner QToolButton:hover { background: #fee2e2; }")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 3, 6, 3)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(6)
        outer.addLayout(row)
        self.icon = QLabel("⚠")
        self.icon.setStyleSheet("font-size: 15px; font-weight: bold;")
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignVCenter)
        self.summary = QLabel()
        self.summary.setObjectName("riskBannerSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(False)
        # never widens the window: a long line is cut at the edge (the full text is under Details)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                             | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.summary.linkActivated.connect(self._link)
        self.summary.installEventFilter(self)  # refit the names whenever the line's width changes
        row.addWidget(self.summary, 1)
        self.toggle = QToolButton()
        self.toggle.setObjectName("riskBannerToggle")
        self.toggle.setCheckable(True)
        self.toggle.setCursor(Qt.CursorShape.PointingHandCursor)
        self.toggle.setToolTip("Show or hide who each risk adult is in contact with, and how")
        self.toggle.toggled.connect(self._toggled)
        row.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignVCenter)
        self.label = QLabel()  # the full text (under Details)
        self.label.setObjectName("riskBannerText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setContentsMargins(25, 0, 0, 2)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.label.linkActivated.connect(self._link)
        outer.addWidget(self.label)
        self.adults: list[int] = []
        self._head, self._people = "", []
        expanded = bool(settings.value(self.SETTING, False, type=bool)) if settings is not None else False
        self.toggle.setChecked(expanded)
        self._toggled(expanded)
        self.hide()

    def is_expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setChecked(expanded)

    def _toggled(self, expanded: bool) -> None:
        self.label.setVisible(expanded)
        self.toggle.setText("Details ▴" if expanded else "Details ▾")
        if self.settings is not None:
            self.settings.setValue(self.SETTING, expanded)

    def update_for(self, snap: Optional[FamilySnapshot], day: date) -> None:
        """Show the risk adults connected at ``day`` (hide when there are none)."""
        items = risk_summary(snap, day) if snap is not None else []
        self.adults = [ra.person for ra, _ in items]
        if not items:
            self.label.setText("")
            self.summary.setText("")
            self._head, self._people = "", []
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
        self._head, self._people = short_summary(snap, day, len(items))
        self._fit_summary()
        self.show()

    def _fit_summary(self) -> None:
        """The one line with as many names as fit the strip's width (at most MAX_NAMES), then "+N more"."""
        head, people = self._head, self._people
        if not people:
            return
        room = self.summary.width() if self.summary.width() > 50 else 10_000
        bold = QFont(self.summary.font())
        bold.setBold(True)
        plain_fm, bold_fm = QFontMetrics(self.summary.font()), QFontMetrics(bold)

        def line(k: int) -> tuple[str, int]:
            more = len(people) - k
            rest = (" — " + ", ".join(f"{name} ({what})" for _p, name, what in people[:k]) if k else "") \
                + (f"{',' if k else ' —'} +{more} more" if more > 0 else "")
            return rest, bold_fm.horizontalAdvance(head) + plain_fm.horizontalAdvance(rest)

        full_head, k = head, min(len(people), self.MAX_NAMES)
        if line(k)[1] > room - 4:
            head = head.split(" at ")[0]  # the names matter more than the date (shown beside the genogram)
        while k > 0 and line(k)[1] > room - 4:
            k -= 1
        more = len(people) - k
        names = ", ".join(f"<a href='person:{pid}' style='color:#7f1d1d'>{escape(name)}</a> ({escape(what)})"
                          for pid, name, what in people[:k])
        html = f"<b>{escape(head)}</b>" + (f" — {names}" if k else "") + \
            (f"{',' if k else ' —'} +{more} more" if more > 0 else "")
        if html != self.summary.text():
            self.summary.setText(html)
        self.summary.setToolTip(full_head + " — " + ", ".join(f"{name} ({what})" for _p, name, what in people))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt name
        if watched is self.summary and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._fit_summary()
        return super().eventFilter(watched, event)

    def text(self) -> str:
        """The full text (whether or not it is expanded)."""
        return self.label.text()

    def summary_text(self) -> str:
        return self.summary.text()

    def _link(self, href: str) -> None:
        kind, _, value = href.partition(":")
        if kind == "person" and value.isdigit():
            self.person_clicked.emit(int(value))
