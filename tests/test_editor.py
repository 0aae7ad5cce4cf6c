"""The editor, driven like a practitioner would: menus, context menus, forms and the keyboard.

The tests never call the model: every change goes through the real main window's
actions, context menus, dialogs and the Details form, writing to a real SQLite
file in ``tmp_path``.  The file is then read separately (sqlite3 / Document) to
check what was written, every step is undone back to an empty map and redone,
and the file is reopened.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, QStandardPaths, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from genomap.ui.actions import action_text, find_action
from genomap.ui.main_window import MainWindow

TABLES = ["person", "casemember", "partnership", "parentlink", "tie", "household", "residence", "agency",
          "involvement", "event", "eventperson"]


# -- driving the window -------------------------------------------------------------


class Driver:
    """Uses the window only as a person would (menus, context menus, forms, keys)."""

    def __init__(self, qtbot, window: MainWindow):
        self.qtbot = qtbot
        self.w = window

    # menus and actions
    def menu(self, menu: str, item: str) -> None:
        bar = self.w.menuBar()
        top = next(a for a in bar.actions() if action_text(a) == menu)
        action = find_action(top.menu(), item)
        assert action is not None, f"no {menu} > {item}"
        assert action.isEnabled(), f"{menu} > {item} is disabled"
        action.trigger()

    def shortcut(self, key: str) -> None:
        """Trigger the action bound to a key sequence (as the keyboard would)."""
        for action in self.w.actions_by_name.values():
            if any(s.toString() == key for s in action.shortcuts()):
                assert action.isEnabled(), key
                action.trigger()
                return
        raise AssertionError(f"no action for {key}")

    def context(self, ref, *path: str) -> None:
        """Right-click ``ref`` on the genogram (or empty canvas for None) and choose ``path``."""
        canvas = self.w.canvas
        rect = canvas._ref_rect(ref) if ref is not None else None
        if ref is None or rect is not None:
            if rect is not None:
                pos = canvas.mapFromScene(rect.center())
            else:
                pos = QPoint(4, 4)
            event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, canvas.viewport().mapToGlobal(pos))
            QApplication.sendEvent(canvas.viewport(), event)
        else:  # not drawn (no Graphviz layout available): the canvas would emit exactly this
            canvas.context_menu_requested.emit(ref, QPoint(10, 10), canvas.mapToScene(QPoint(10, 10)))
        menu = self.w.context_menu
        assert menu is not None
        action = None
        for item in path:
            action = find_action(menu, item)
            assert action is not None, f"no context menu item {item!r} in {[action_text(a) for a in menu.actions()]}"
            if action.menu() is not None:
                menu = action.menu()
        action.trigger()
        self.w.context_menu.close()

    # lists
    def click_person(self, name: str) -> tuple:
        table = self.w.people.table
        proxy = self.w.people.proxy
        for row in range(proxy.rowCount()):
            idx = proxy.index(row, 0)
            if idx.data().split("  ")[0].split(" (")[0] == name:
                table.scrollTo(idx)
                self.qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(idx).center())
                refs = self.w.selected_refs()
                assert refs and refs[0][0] == "person", refs
                return refs[0]
        raise AssertionError(f"{name} not in the People list: {self.w.people.names()}")

    def ref(self, name: str) -> tuple:
        return self.click_person(name)

    # forms
    def type_into(self, widget, text: str) -> None:
        if isinstance(widget, QComboBox):
            index = next((i for i in range(widget.count()) if widget.itemText(i).startswith(text)), -1)
            assert index >= 0, f"{text!r} not among {[widget.itemText(i) for i in range(widget.count())]}"
            widget.setCurrentIndex(index)
            return
        widget.setFocus()
        widget.selectAll() if isinstance(widget, QLineEdit) else None
        if isinstance(widget, QLineEdit):
            widget.clear()
        self.qtbot.keyClicks(widget, text)

    def details(self, enter_on: str = "given_names", **fields) -> None:
        """Fill the Details form and press Enter."""
        form = self.w.details.form
        assert form is not None
        for name, value in fields.items():
            self.type_into(form.widget(name), value)
        self.qtbot.keyClick(form.widget(enter_on), Qt.Key.Key_Return)

    def name_new_person(self, given: str, family: str, sex: str, birth: str = "") -> None:
        """A new person is selected with the name field focused: type, Enter."""
        form = self.w.details.form
        assert self.w.details.ref[0] == "person"
        assert QApplication.focusWidget() is form.widget("given_names") or not self.w.isActiveWindow()
        fields = {"given_names": given, "family_name": family, "sex": sex}
        if birth:
            fields["birth"] = birth
        self.details(**fields)
        assert not form.is_dirty(), form.error_text()

    def dialog(self, **fields):
        """Fill the open dialog's fields (and check lists) and press OK."""
        dlg = self.w.dialog
        assert dlg is not None and dlg.isVisible()
        for name, value in fields.items():
            if name in getattr(dlg, "extras", {}):
                for label in value:
                    dlg.extras[name].check_label(label)
            else:
                self.type_into(dlg.form.widget(name), value)
        self.qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
        return dlg


def db_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the family tables, without the ``version`` concurrency counters:
    undo and redo are new writes, so a row's version moves on even when its content
    returns exactly to what it was (that is what stops a stale window overwriting it)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {}
        for t in TABLES:
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")') if r[1] != "version"]
            sql = f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{t}"'
            out[t] = sorted(con.execute(sql).fetchall(), key=repr)
        return out
    finally:
        con.close()


def db_query(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def window(qtbot, tmp_path):
    QStandardPaths.setTestModeEnabled(True)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


@pytest.fixture
def drive(qtbot, window):
    return Driver(qtbot, window)


def new_map(drive: Driver, path: Path, title: str) -> None:
    drive.menu("File", "New family map")
    drive.w.dialog.plain.setChecked(True)  # passphrase protection is pre-selected
    drive.dialog(title=title, path=str(path))
    assert drive.w.document is not None and drive.w.document.path == path


# -- the blended family ----------------------------------------------------------------


def build_blended_family(drive: Driver, path: Path) -> None:
    w = drive.w
    new_map(drive, path, "Smith family")
    assert w.windowTitle() == "Smith family — x.genomap — GenoMap"

    drive.menu("Family", "Add person")
    drive.name_new_person("Mark", "Smith", "Male", "about 1980")
    mark = drive.ref("Mark Smith")
    drive.context(mark, "Add partner")
    drive.name_new_person("Lisa", "Smith", "Female", "Jun 1982")
    lisa = drive.ref("Lisa Smith")
    drive.context(mark, "Add child", "with Lisa Smith")
    drive.name_new_person("Jack", "Smith", "Male", "2008")
    drive.context(drive.ref("Jack Smith"), "Add sibling")
    drive.name_new_person("Emma", "Smith", "Female", "3 Nov 2010")

    # Lisa's second relationship, with a child
    drive.context(lisa, "Add partner")
    drive.name_new_person("Dave", "Jones", "Male", "1978")
    drive.context(lisa, "Add child", "with Dave Jones")
    drive.name_new_person("Ruby", "Jones", "Female", "2016")
    # Mark's new partner, their child, and her child from before
    drive.context(mark, "Add partner")
    drive.name_new_person("Kate", "Brown", "Female", "1985")
    drive.context(mark, "Add child", "with Kate Brown")
    drive.name_new_person("Leo", "Smith", "Male", "2019")
    drive.context(drive.ref("Kate Brown"), "Add child", "as a single parent")
    drive.name_new_person("Mia", "Brown", "Female", "2012")
    # Mark's parents (keyboard: Ctrl+Shift+U on the selected person)
    drive.ref("Mark Smith")
    drive.shortcut("Ctrl+Shift+U")
    drive.name_new_person("George", "Smith", "Male", "1950")
    drive.click_person("(unnamed)")
    drive.details(given_names="Ann", family_name="Smith", birth="1952")
    drive.context(drive.ref("Ann Smith"), "Mark deceased")
    assert QApplication.focusWidget() is w.details.form.widget("death") or not w.isActiveWindow()
    drive.details(enter_on="death", death="Mar 2020")
    # a visitor, from the empty canvas
    drive.context(None, "Add person")
    drive.name_new_person("Sam", "Taylor", "Male", "about 1975")
    drive.details(role="Visitor")

    # a tie: Dave's coercive control of Lisa
    drive.context(drive.ref("Dave Jones"), "Add tie to")
    drive.dialog(target="Lisa Smith", kind="Coercive control", status="Alleged", start="2021",
                 source="Lisa, at the home visit")

    # three households, then a move
    drive.menu("Family", "Add household")
    drive.dialog(label="Lisa's house", type="Family home", start="2016",
                 members=["Lisa Smith", "Dave Jones", "Jack Smith", "Emma Smith", "Ruby Jones"])
    drive.menu("Family", "Add household")
    drive.dialog(label="Mark's flat", type="Family home", start="2019",
                 members=["Mark Smith", "Kate Brown", "Leo Smith", "Mia Brown"])
    drive.menu("Family", "Add household")
    drive.dialog(label="Nan's bungalow", type="Family home", members=["George Smith"])
    drive.context(drive.ref("Jack Smith"), "Set household")
    drive.dialog(household="Mark's flat", kind="Lives there", start="Jan 2024")
    drive.context(drive.ref("Emma Smith"), "Set household")
    drive.dialog(household="Mark's flat", kind="Stays regularly", start="Jan 2024")

    # an agency and a chronology event
    drive.context(drive.ref("Jack Smith"), "Add agency involvement")
    drive.dialog(agency_type="School", agency_name="Riverside Academy", role="Pupil", start="Sep 2019")
    drive.ref("Lisa Smith")
    drive.menu("Family", "Add chronology event")
    drive.dialog(date="12 Feb 2024", kind="Referral", title="Referral from school",
                 people=["Jack Smith"])


def assert_blended_family(path: Path) -> None:
    names = {f"{g} {f}" for g, f in db_query(path, "SELECT given_names, family_name FROM person")}
    assert names == {"Mark Smith", "Lisa Smith", "Jack Smith", "Emma Smith", "Dave Jones", "Ruby Jones",
                     "Kate Brown", "Leo Smith", "Mia Brown", "George Smith", "Ann Smith", "Sam Taylor"}
    ids = {f"{g} {f}": i for i, g, f in db_query(path, "SELECT id, given_names, family_name FROM person")}
    sex = dict(db_query(path, "SELECT given_names, sex FROM person"))
    assert sex["Mark"] == "male" and sex["Lisa"] == "female" and sex["Emma"] == "female"
    births = dict(db_query(path, "SELECT given_names, birth FROM person"))
    assert births["Mark"].endswith("~about") and births["Emma"] == "2010-11-03"
    ann = db_query(path, "SELECT deceased, death FROM person WHERE given_names='Ann'")[0]
    assert ann == (1, "2020-03-00")
    pairs = {frozenset((a, b)) for a, b in db_query(path, "SELECT person_a_id, person_b_id FROM partnership")}
    assert pairs == {frozenset((ids["Mark Smith"], ids["Lisa Smith"])), frozenset((ids["Lisa Smith"], ids["Dave Jones"])),
                     frozenset((ids["Mark Smith"], ids["Kate Brown"])), frozenset((ids["George Smith"], ids["Ann Smith"]))}
    parents: dict[int, set[int]] = {}
    for p, c in db_query(path, "SELECT parent_id, child_id FROM parentlink"):
        parents.setdefault(c, set()).add(p)
    assert parents[ids["Jack Smith"]] == parents[ids["Emma Smith"]] == {ids["Mark Smith"], ids["Lisa Smith"]}
    assert parents[ids["Ruby Jones"]] == {ids["Lisa Smith"], ids["Dave Jones"]}
    assert parents[ids["Leo Smith"]] == {ids["Mark Smith"], ids["Kate Brown"]}
    assert parents[ids["Mia Brown"]] == {ids["Kate Brown"]}
    assert parents[ids["Mark Smith"]] == {ids["George Smith"], ids["Ann Smith"]}
    tie = db_query(path, "SELECT from_id, to_id, kind, status, start, source FROM tie")
    assert tie == [(ids["Dave Jones"], ids["Lisa Smith"], "coercive_control", "alleged", "2021-00-00",
                    "Lisa, at the home visit")]
    assert {l for (l,) in db_query(path, "SELECT label FROM household")} == {"Lisa's house", "Mark's flat", "Nan's bungalow"}
    lives_now = db_query(path, """SELECT p.given_names, h.label FROM residence r JOIN person p ON p.id = r.person_id
                                  JOIN household h ON h.id = r.household_id WHERE r.kind = 'lives' AND r."end" IS NULL""")
    home = dict(lives_now)
    assert len(lives_now) == len(home) == 10
    assert home["Jack"] == "Mark's flat" and home["Emma"] == "Lisa's house" and home["George"] == "Nan's bungalow"
    jack_old = db_query(path, """SELECT r."end" FROM residence r JOIN household h ON h.id = r.household_id
                                 WHERE r.person_id = %d AND h.label = 'Lisa''s house'""" % ids["Jack Smith"])
    assert jack_old == [("2024-01-00",)]
    assert db_query(path, "SELECT kind FROM residence WHERE person_id = %d AND \"end\" IS NULL ORDER BY kind"
                    % ids["Emma Smith"]) == [("lives",), ("stays_regularly",)]
    assert db_query(path, "SELECT a.name, a.type, i.role FROM involvement i JOIN agency a ON a.id = i.agency_id") == [
        ("Riverside Academy", "school", "Pupil")]
    assert db_query(path, "SELECT title, kind, date FROM event") == [("Referral from school", "referral", "2024-02-12")]
    assert db_query(path, "SELECT role FROM casemember WHERE person_id = %d" % ids["Sam Taylor"]) == [("Visitor",)]


def test_build_blended_family_undo_all_redo_all_reopen(drive, tmp_path, qtbot):
    w = drive.w
    path = tmp_path / "x.genomap"
    build_blended_family(drive, path)
    assert_blended_family(path)
    assert w.people.row_count() == 12
    assert w.count_label.text() == "12 people"
    assert len(w.households.refs()) > 3
    built = db_rows(path)

    # undo every step, through Edit > Undo
    steps = 0
    while w.actions_by_name["undo"].isEnabled():
        drive.menu("Edit", "Undo")
        steps += 1
        assert steps < 200
    assert steps >= 30
    empty = db_rows(path)
    assert all(not empty[t] for t in TABLES), {t: len(v) for t, v in empty.items() if v}
    assert w.people.row_count() == 0

    # redo everything, with the keyboard shortcut
    for _ in range(steps):
        drive.shortcut("Ctrl+Shift+Z")
    assert not w.actions_by_name["redo"].isEnabled()
    assert db_rows(path) == built
    assert w.people.row_count() == 12

    # close (no question asked: everything is saved) and reopen the file
    drive.menu("File", "Close")
    assert w.document is None and w.windowTitle() == "GenoMap"
    assert w.open_path(path)
    assert w.people.row_count() == 12
    assert sorted(w.people.names())[0].startswith("Ann Smith")
    assert_blended_family(path)


def test_invalid_edit_shows_message_and_writes_nothing(drive, tmp_path):
    w = drive.w
    path = tmp_path / "x.genomap"
    new_map(drive, path, "Test family")
    drive.menu("Family", "Add person")
    drive.name_new_person("Amy", "Lee", "Female", "2001")
    before = db_rows(path)
    undo_text = w.actions_by_name["undo"].text()

    # death before birth: refused by the model, message next to the Died field
    drive.details(enter_on="death", death="1999")
    form = w.details.form
    assert "before their date of birth" in form.error_text("death")
    assert db_rows(path) == before
    assert w.actions_by_name["undo"].text() == undo_text

    # a date GenoMap cannot read: said inline, nothing written
    drive.details(enter_on="birth", death="", birth="31 Jun 2001")
    assert "June 2001 has 30 days" in form.error_text("birth")
    assert db_rows(path) == before

    # fixing it applies cleanly
    drive.details(enter_on="birth", birth="30 Jun 2001")
    assert form.error_text() == ""
    assert db_query(path, "SELECT birth, death FROM person") == [("2001-06-30", None)]


def test_dialog_refusal_keeps_dialog_open(drive, tmp_path):
    w = drive.w
    new_map(drive, tmp_path / "x.genomap", "Test family")
    drive.menu("Family", "Add person")
    drive.name_new_person("Amy", "Lee", "Female", "2001")
    drive.context(drive.ref("Amy Lee"), "Add partner")
    drive.name_new_person("Ben", "Lee", "Male", "2000")
    drive.context(drive.ref("Amy Lee"), "Add tie to")
    dlg = drive.dialog(kind="Close", start="2020", end="2019")
    assert dlg.isVisible()
    assert dlg.form.error_text()
    assert db_query(tmp_path / "x.genomap", "SELECT count(*) FROM tie") == [(0,)]
    drive.dialog(end="2022")
    assert not dlg.isVisible()
    assert db_query(tmp_path / "x.genomap", "SELECT count(*) FROM tie") == [(1,)]


def test_delete_person_with_links_and_undo(drive, tmp_path):
    w = drive.w
    path = tmp_path / "x.genomap"
    new_map(drive, path, "Test family")
    drive.menu("Family", "Add person")
    drive.name_new_person("Amy", "Lee", "Female", "1990")
    drive.context(drive.ref("Amy Lee"), "Add partner")
    drive.name_new_person("Ben", "Lee", "Male", "1989")
    drive.context(drive.ref("Amy Lee"), "Add child", "with Ben Lee")
    drive.name_new_person("Cat", "Lee", "Female", "2015")
    drive.menu("Family", "Add household")
    drive.dialog(label="Home", members=["Amy Lee", "Ben Lee", "Cat Lee"])
    before = db_rows(path)
    drive.ref("Ben Lee")
    drive.shortcut("Del")
    after = db_rows(path)
    assert len(after["person"]) == 2 and not after["partnership"] and len(after["parentlink"]) == 1
    assert len(after["residence"]) == 2
    assert w.people.row_count() == 2
    drive.shortcut("Ctrl+Z")
    assert db_rows(path) == before
    assert w.people.row_count() == 3


def test_title_status_find_and_second_family_map(drive, tmp_path):
    w = drive.w
    path = tmp_path / "x.genomap"
    new_map(drive, path, "Lee family")
    drive.menu("Family", "Add person")
    drive.name_new_person("Amy", "Lee", "Female", "1990")
    assert w.count_label.text() == "1 person"
    assert w.file_label.text() == "x.genomap"
    # a second family map in the same file, with Amy linked into it
    drive.menu("File", "Add family map to this file")
    drive.dialog(title="Khan family")
    assert w.windowTitle() == "Khan family — x.genomap — GenoMap"
    assert w.people.row_count() == 0
    drive.menu("Family", "Link existing person")
    drive.dialog(person="Amy Lee", role="Aunt")
    assert w.people.row_count() == 1
    assert w.case_combo.count() == 2
    # switch back with the case selector
    w.case_combo.setCurrentIndex(0)
    w.case_combo.activated.emit(0)
    assert w.windowTitle() == "Lee family — x.genomap — GenoMap"
    # find
    drive.shortcut("Ctrl+F")
    drive.qtbot.keyClicks(w.find_field, "amy")
    drive.qtbot.keyClick(w.find_field, Qt.Key.Key_Return)
    assert w.selected_refs()[0][0] == "person"
    assert w.details.heading.text() == "Amy Lee"


def test_save_copy_and_export_enabled(drive, tmp_path):
    w = drive.w
    new_map(drive, tmp_path / "x.genomap", "Lee family")
    drive.menu("Family", "Add person")
    drive.name_new_person("Amy", "Lee", "Female", "1990")
    copy = w.save_copy(tmp_path / "backup.genomap")
    assert copy is not None
    assert db_query(copy, "SELECT given_names FROM person") == [("Amy",)]
    export = w.actions_by_name["export"]
    assert export.isEnabled() and "PDF" in export.toolTip()
    assert w.actions_by_name["print"].isEnabled()


def test_docks_state_is_remembered(qtbot, tmp_path):
    QStandardPaths.setTestModeEnabled(True)
    path = tmp_path / "x.genomap"
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    assert not w.people_dock.isVisible()  # the welcome page stands alone
    Driver(qtbot, w).menu("File", "New family map")
    w.dialog.plain.setChecked(True)  # passphrase protection is pre-selected
    Driver(qtbot, w).dialog(title="Lee family", path=str(path))
    assert w.people_dock.isVisible() and w.chronology_dock.toggleViewAction().isChecked()
    w.chronology_dock.hide()
    w.close()
    w2 = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w2)
    w2.show()
    assert w2.open_path(path)
    assert w2.chronology_dock.isHidden()
    assert w2.people_dock.isVisible()
    assert w2.windowTitle() == "Lee family — x.genomap — GenoMap"
    w2.close()


def _click_line(drive: Driver, ref) -> None:
    """Click the middle of the first segment of a line drawn for ``ref`` on the genogram."""
    from genomap.drawing.primitives import Polyline

    canvas = drive.w.canvas
    lines = [p for p in canvas.drawing().by_ref(ref) if isinstance(p, Polyline)]
    assert lines, f"{ref} is not drawn as a line"
    (x1, y1), (x2, y2) = lines[0].points[:2]
    canvas.fit()
    pos = canvas.mapFromScene((x1 + x2) / 2, (y1 + y2) / 2)
    drive.qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_edit_partnership_from_the_genogram(drive, tmp_path):
    w = drive.w
    path = tmp_path / "x.genomap"
    new_map(drive, path, "Lee family")
    drive.menu("Family", "Add person")
    drive.name_new_person("Amy", "Lee", "Female", "1990")
    drive.context(drive.ref("Amy Lee"), "Add partner")
    drive.name_new_person("Ben", "Lee", "Male", "1989")
    partnership = ("partnership", w.snapshot.partnerships[0].id)
    _click_line(drive, partnership)
    assert w.details.ref == partnership
    assert w.details.form.widget("between").text() == "Ben Lee and Amy Lee"
    drive.details(enter_on="end", kind="Cohabiting", start="2012", end="Jun 2019", end_kind="Separated")
    assert db_query(path, 'SELECT kind, start, "end", end_kind FROM partnership') == [
        ("cohabiting", "2012-00-00", "2019-06-00", "separated")]
    # an end before the start is refused next to the field, nothing written
    drive.details(enter_on="end", end="2010")
    assert "2010" in w.details.form.error_text()
    assert db_query(path, 'SELECT "end" FROM partnership') == [("2019-06-00",)]
    drive.shortcut("Ctrl+Z")
    assert db_query(path, 'SELECT kind, "end" FROM partnership') == [("married", None)]


def test_help_dialogs_open(drive, tmp_path):
    w = drive.w
    for item, name in (("About", "aboutDialog"), ("Keyboard shortcuts", "shortcutsDialog"), ("Legend", "legendDialog")):
        drive.menu("Help", item)
        assert w.dialog.objectName() == name and w.dialog.isVisible()
        w.dialog.reject()
    new_map(drive, tmp_path / "x.genomap", "Lee family")
    drive.menu("Family", "Add person")
    drive.name_new_person("Amy", "Lee", "Female", "1990")
    drive.menu("Help", "Legend")
    from PySide6.QtWidgets import QTableWidget

    tables = w.dialog.findChildren(QTableWidget)
    assert tables and tables[0].rowCount() >= 1


def test_typed_details_are_saved_when_choosing_someone_else(drive, tmp_path):
    w = drive.w
    path = tmp_path / "x.genomap"
    new_map(drive, path, "Lee family")
    drive.menu("Family", "Add person")
    drive.name_new_person("Amy", "Lee", "Female", "1990")
    drive.context(drive.ref("Amy Lee"), "Add partner")
    drive.name_new_person("Ben", "Lee", "Male", "1989")
    drive.ref("Amy Lee")
    drive.type_into(w.details.form.widget("known_as"), "Ames")  # no Enter
    ben = drive.click_person("Ben Lee")
    assert w.details.heading.text() == "Ben Lee"
    assert db_query(path, "SELECT known_as FROM person WHERE given_names = 'Amy'") == [("Ames",)]
    # a change the model refuses keeps the form (and its message) on screen
    drive.type_into(w.details.form.widget("death"), "1980")
    drive.click_person("Amy Lee")
    assert w.details.heading.text() == "Ben Lee"
    assert w.selected_refs() == [ben]
    assert "before their date of birth" in w.details.form.error_text("death")
    assert db_query(path, "SELECT death FROM person WHERE given_names = 'Ben'") == [(None,)]
