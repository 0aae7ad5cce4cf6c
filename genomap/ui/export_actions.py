"""File > Export… and File > Print… wired to the main window.

Kept out of ``main_window.py``: :func:`install` adds the actions to the File
menu and connects them.  Both use the drawing the user is looking at -- same
view date, same overlays -- so screen, paper and file agree.
"""

from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtGui import QAction, QKeySequence

from genomap.ui.dialogs.export import ExportDialog
from genomap.ui.printing import print_preview


def _export_overlays(window):
    """The overlays the user has switched on (None when the window has no overlays)."""
    options = getattr(window, "export_overlay_options", None)
    return options() if callable(options) else None


def _connection_markers(window, drawing):
    """The chain-link markers of people in other family maps, when the user shows them."""
    connections = getattr(window, "connections", None)
    action = getattr(connections, "layer_action", None)
    if connections is None or (action is not None and not action.isChecked()):
        return drawing
    return connections.decorate(drawing)


def _overlay_draw(window, unredacted: Callable[[], bool] = lambda: True):
    """The export pipeline: the base genogram, the switched-on overlays and -- only in an
    unredacted copy, since they disclose other families -- the connection markers."""
    options = _export_overlays(window)
    if options is None:
        return None
    from genomap.drawing.overlays import add_overlays
    from genomap.pipeline import draw_family

    def draw(snapshot, day, draw_options):
        drawing = add_overlays(draw_family(snapshot, day, draw_options), snapshot, day, options)
        return _connection_markers(window, drawing) if unredacted() else drawing

    return draw


def printable_drawing(window):
    """What is on screen, with exactly the switched-on overlays (hidden layers are not printed)."""
    base = getattr(window, "base_drawing", None)
    options = _export_overlays(window)
    if base is not None and options is not None and window.snapshot is not None:
        from genomap.drawing.overlays import add_overlays

        return _connection_markers(window, add_overlays(base, window.snapshot, window.as_at, options))
    return getattr(window, "drawing", None)


def _hides_nothing(profile_name) -> bool:
    from genomap.redaction import get_profile

    try:
        return get_profile(profile_name).hides_nothing
    except Exception:  # noqa: BLE001 - a profile stored in the file: treat as redacting
        return False


def profile_names(document) -> list[str]:
    from genomap.redaction import BUILTIN_PROFILES, load_document_profiles

    names = list(BUILTIN_PROFILES)
    try:
        names += [n for n in load_document_profiles(document) if n not in names]
    except Exception:  # noqa: BLE001 - built-in profiles still work
        pass
    return names


def open_export_dialog(window) -> Optional[ExportDialog]:
    if window.document is None or window.case_id is None:
        return None
    dialog = ExportDialog(window.document, window.case_id, getattr(window, "as_at", None), window.settings,
                          profile_names(window.document), snapshot=window.snapshot,
                          parent=window)
    dialog.draw = _overlay_draw(window, unredacted=lambda: _hides_nothing(dialog.profile.currentData()))
    dialog.exported.connect(
        lambda result: window.statusBar().showMessage(f"Exported to {result.path}", 8000)
    )
    window.dialog = dialog
    dialog.setModal(False)
    dialog.show()
    return dialog


def open_print_preview(window):
    drawing = printable_drawing(window)
    if drawing is None:
        return None
    marking = str(window.settings.value("export/marking", "OFFICIAL-SENSITIVE"))
    dialog = print_preview(window, drawing, marking)
    window.dialog = dialog
    dialog.open()
    return dialog


def install(window) -> None:
    """Enable Export…, add Print… (Ctrl+P) to the File menu, and keep them in step with the file."""
    export = window.actions_by_name["export"]
    export.setToolTip("Export the genogram to PDF (with appendix), PNG or SVG, with redaction for sharing")
    export.setStatusTip(export.toolTip())
    export.triggered.connect(lambda: open_export_dialog(window))
    print_action = QAction("&Print…", window)
    print_action.setObjectName("action_print")
    print_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
    print_action.setToolTip("Print the genogram with its key, after a preview")
    print_action.triggered.connect(lambda: open_print_preview(window))
    window.actions_by_name["print"] = print_action
    window.menus["file"].insertAction(export, print_action)
    window.menus["file"].insertAction(print_action, export)

    def sync() -> None:
        has = window.document is not None and window.case_id is not None
        export.setEnabled(has)
        print_action.setEnabled(has)

    window.refreshed.connect(sync)
    sync()
