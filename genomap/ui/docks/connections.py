"""The Connections dock: for the selected person, the other families they are in and possible matches.

Shows, for one person, every other family map they are linked into (case
reference, their role there, the children in that family, whether they carry a
risk flag) and the possible matches elsewhere in the file with the score, the
plain-English reason and **Confirm** / **Reject** buttons.  It only *asks*:
``confirm_requested(match)``, ``reject_requested(match)`` and
``open_case_requested(case_id, person_id)`` are handled by the controller in
:mod:`genomap.ui.connections_view`.
"""

from __future__ import annotations

from html import escape as _escape
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

RISK = "#b91c1c"


def escape(text: str) -> str:
    return _escape(text, quote=False)


def _family_html(f, current_case: Optional[int]) -> str:
    kids = ", ".join(escape(c.text()) + (" <i>(subject)</i>" if c.subject else "") for c in f.children)
    flag = f" <b style='color:{RISK}'>— risk flag</b>" if f.risk_flagged else ""
    here = " <i>(this map)</i>" if f.case_id == current_case else ""
    return (f"<b>{escape(f.reference or f.title)}</b> {escape(f.title) if f.reference else ''}{here}<br>"
            f"Role: {escape(f.role or 'member')}{flag}<br>"
            f"Children: {kids or '<i>none recorded</i>'}")


class ConnectionsPanel(QWidget):
    confirm_requested = Signal(object)  # PossibleMatch
    reject_requested = Signal(object)  # PossibleMatch
    open_case_requested = Signal(int, int)  # case id, person id

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("connectionsPanel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(self.scroll)
        self.body = QWidget()
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(8)
        self.scroll.setWidget(self.body)
        self.person = None
        self.case_id: Optional[int] = None
        self.buttons: dict[tuple[str, int], QPushButton] = {}
        self.set_person(None, None)

    def _clear(self) -> None:
        self.buttons = {}
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()

    def _label(self, html: str, name: str = "") -> QLabel:
        lab = QLabel(html)
        lab.setWordWrap(True)
        lab.setTextFormat(Qt.TextFormat.RichText)
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if name:
            lab.setObjectName(name)
        self.layout_.addWidget(lab)
        return lab

    def _card(self, html: str, risk: bool = False, name: str = "") -> QFrame:
        card = QFrame()
        card.setObjectName(name or "connectionCard")
        border = RISK if risk else "#94a3b8"
        card.setStyleSheet(f"QFrame#{card.objectName()} {{ border: 1px solid {border}; border-radius: 6px;"
                           f" background: {'#fef2f2' if risk else 'transparent'}; }}")
        v = QVBoxLayout(card)
        v.setContentsMargins(8, 6, 8, 6)
        lab = QLabel(html)
        lab.setWordWrap(True)
        lab.setTextFormat(Qt.TextFormat.RichText)
        v.addWidget(lab)
        self.layout_.addWidget(card)
        return card

    def texts(self) -> str:
        """Everything the panel says, as plain text (tests, accessibility checks)."""
        out = []
        for lab in self.body.findChildren(QLabel):
            out.append(lab.text())
        return "\n".join(out)

    def set_person(self, person, case_id: Optional[int]) -> None:
        """Show ``person`` (a ConnectedPerson, or None for nothing selected)."""
        self.person, self.case_id = person, case_id
        self._clear()
        if person is None:
            self._label("<i>Select a person to see the other family maps they are in and any possible "
                        "matches elsewhere in this file.</i>", "connectionsPlaceholder")
            self.layout_.addStretch(1)
            return
        head = f"<b style='font-size:12pt'>{escape(person.display())}</b>"
        if person.born:
            head += f"<br>born {escape(person.born)}"
        self._label(head, "connectionsHeader")
        if person.risk_flags:
            flags = "<br>".join(escape(r.text()) for r in person.risk_flags)
            banner = self._label(f"<b>Risk flag</b><br>{flags}", "connectionsRisk")
            banner.setStyleSheet(f"QLabel {{ background: {RISK}; color: white; border-radius: 6px; padding: 6px; }}")
        others = [f for f in person.families if f.case_id != case_id]
        self._label(f"<b>In {len(others)} other family {'map' if len(others) == 1 else 'maps'}</b>"
                    if others else "<b>Not linked into any other family map</b>", "connectionsOthers")
        for f in others:
            card = self._card(_family_html(f, case_id), risk=f.risk_flagged, name=f"family_{f.case_id}")
            go = QPushButton("Open this family map")
            go.setObjectName(f"open_{f.case_id}")
            go.clicked.connect(lambda _c=False, cid=f.case_id: self.open_case_requested.emit(cid, person.person_id))
            card.layout().addWidget(go, 0, Qt.AlignmentFlag.AlignRight)
        if person.possible_matches:
            self._label(f"<b>Possible {'match' if len(person.possible_matches) == 1 else 'matches'} "
                        "elsewhere in this file</b>", "connectionsMatchesHeading")
        for m in person.possible_matches:
            who = escape(m.name) + (f" (known as {escape(m.known_as)})" if m.known_as else "")
            born = f", born {escape(m.born)}" if m.born else ""
            flags = "".join(f"<br><b style='color:{RISK}'>{escape(r.text())}</b>" for r in m.risk_flags)
            fams = "<br>".join(_family_html(f, case_id) for f in m.families)
            html = (f"<b>{who}</b>{born}{flags}<br><span style='color:#b45309'><b>{m.strength.capitalize()} "
                    f"possible match, {round(m.score * 100)}%</b></span><br>Why: {escape(m.explanation)}"
                    f"<br><br>{fams}")
            card = self._card(html, risk=bool(m.risk_flags or person.risk_flags), name=f"match_{m.person_id}")
            row = QHBoxLayout()
            row.addStretch(1)
            reject = QPushButton("Not the same person")
            reject.setObjectName(f"reject_{m.person_id}")
            confirm = QPushButton("Confirm: same person, link")
            confirm.setObjectName(f"confirm_{m.person_id}")
            reject.clicked.connect(lambda _c=False, mm=m: self.reject_requested.emit(mm))
            confirm.clicked.connect(lambda _c=False, mm=m: self.confirm_requested.emit(mm))
            row.addWidget(reject)
            row.addWidget(confirm)
            card.layout().addLayout(row)
            self.buttons[("confirm", m.person_id)] = confirm
            self.buttons[("reject", m.person_id)] = reject
        self.layout_.addStretch(1)
