"""Every menu/toolbar action of the main window, with its text, shortcut, icon and tip.

Kept in one table so menus, toolbar, context menus and the Keyboard shortcuts
dialog all show the same names and keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from genomap.ui.icons import icon

K = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcuts: tuple = ()
    icon: str = ""
    tip: str = ""
    checkable: bool = False


SPECS: list[ActionSpec] = [
    # File
    ActionSpec("new", "&New family map…", (K.New,), "new", "Start a new family map in a new file"),
    ActionSpec("open", "&Open…", (K.Open,), "open", "Open a family map file"),
    ActionSpec("add_case", "Add family map to this file…", (), "", "Keep another family map in the same file"),
    ActionSpec("save_copy", "Save a &copy…", ("Ctrl+Shift+S",), "save_copy",
               "Write a consistent copy (backup) of the file somewhere else. "
               "Your work is already saved: every change is written as you make it."),
    ActionSpec("export", "&Export…", ("Ctrl+E",), "", "Export the genogram to PDF (with appendix), PNG or SVG, with redaction for sharing"),
    ActionSpec("close", "&Close", (K.Close,), "close", "Close this file (everything is already saved)"),
    ActionSpec("quit", "&Quit", (K.Quit,), "quit", "Quit GenoMap (everything is already saved)"),
    # Edit
    ActionSpec("undo", "&Undo", (K.Undo,), "undo", "Undo the last change"),
    ActionSpec("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "redo", "Redo the change just undone"),
    ActionSpec("delete", "&Delete", (K.Delete,), "delete", "Delete the selected person or line, with all their links"),
    ActionSpec("edit", "&Edit / rename", ("F2",), "", "Edit the selected person's details"),
    ActionSpec("find", "&Find…", (K.Find,), "find", "Find a person by name"),
    # View
    ActionSpec("zoom_in", "Zoom &in", ("Ctrl+=", "Ctrl++"), "zoom_in"),
    ActionSpec("zoom_out", "Zoom &out", ("Ctrl+-",), "zoom_out"),
    ActionSpec("fit", "&Fit to window", ("Ctrl+0",), "fit", "Show the whole genogram"),
    ActionSpec("show_households", "Show &households", (), "household", "Draw household boundaries", True),
    ActionSpec("show_ties", "Show &ties", (), "tie", "Draw emotional and abuse ties", True),
    # Family
    ActionSpec("add_person", "Add &person", ("Ctrl+Shift+N", "Ins"), "person", "Add a person to this family map"),
    ActionSpec("add_partner", "Add p&artner", ("Ctrl+Shift+M",), "partner", "Add a partner of the selected person"),
    ActionSpec("add_child", "Add &child", ("Ctrl+Shift+C",), "child", "Add a child of the selected person"),
    ActionSpec("add_parents", "Add pa&rents", ("Ctrl+Shift+U",), "parents", "Add a mother and father of the selected person"),
    ActionSpec("add_sibling", "Add &sibling", ("Ctrl+Shift+B",), "sibling", "Add a brother or sister (same parents)"),
    ActionSpec("link_person", "&Link existing person…", (), "link", "Include someone from another family map in this file"),
    ActionSpec("add_tie", "Add &tie…", ("Ctrl+Shift+T",), "tie", "Add an emotional, conflict or abuse tie"),
    ActionSpec("add_household", "Add &household…", ("Ctrl+Shift+H",), "household", "Add a household"),
    ActionSpec("move_household", "&Move person to household…", ("Ctrl+Shift+O",), "move",
               "Move the selected person to another household (ends the current one)"),
    ActionSpec("mark_deceased", "Mark &deceased", (), "deceased", "Record that the selected person has died"),
    ActionSpec("add_involvement", "Add agency &involvement…", ("Ctrl+Shift+I",), "agency",
               "Record an agency working with a person or household"),
    ActionSpec("add_event", "Add chronology &event…", ("Ctrl+Shift+E",), "event", "Add a dated event to the chronology"),
    # Help
    ActionSpec("about", "&About GenoMap", (), "about"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", ("F1",), "help"),
    ActionSpec("legend", "&Legend", (), "legend", "What the symbols and lines mean"),
]


def build_actions(parent: QWidget) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    for spec in SPECS:
        action = QAction(spec.text, parent)
        action.setObjectName(f"action_{spec.name}")
        if spec.shortcuts:
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        if spec.icon:
            action.setIcon(icon(spec.icon))
        if spec.tip:
            action.setToolTip(spec.tip)
            action.setStatusTip(spec.tip)
        action.setCheckable(spec.checkable)
        actions[spec.name] = action
    return actions


def action_text(action: QAction) -> str:
    """The action's text as a person reads it (no mnemonics or ellipsis)."""
    return action.text().replace("&", "").rstrip("…")


def find_action(menu_or_actions, text: str) -> Optional[QAction]:
    """The action whose readable text starts with ``text`` (searching submenus too)."""
    actions = menu_or_actions.actions() if hasattr(menu_or_actions, "actions") else menu_or_actions
    for action in actions:
        if action_text(action).startswith(text):
            return action
        sub = action.menu()
        if sub is not None:
            found = find_action(sub, text)
            if found is not None:
                return found
    return None
