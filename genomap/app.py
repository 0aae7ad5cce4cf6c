"""GUI entry point: ``genomap [FILE]`` starts the application.

Creates the ``QApplication`` (organisation and application names, so
``QSettings`` and ``QStandardPaths`` find the user's folders), configures the
log file in the user's data directory, installs the global exception hook
(unexpected errors become a calm dialog, never a crash), and opens FILE, else
the last file used, else the welcome page ("Open demo family", "New family map",
"Open…").

``--selftest-edits N`` (hidden) performs N edits through the window's own
actions and forms, printing ``EDIT <i> <person id>`` after each one is committed;
the crash test kills the process part-way and checks every printed edit is in
the file.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

from genomap import APP_NAME, __version__

log = logging.getLogger("genomap.app")


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="genomap", description="Open GenoMap (optionally with FILE).")
    parser.add_argument("file", nargs="?", help="a .genomap family map file to open")
    parser.add_argument("--db", metavar="URL", help="open a team database (postgresql+psycopg://user@host/db)")
    parser.add_argument("--user", help="your user name on the team database (default: your account)")
    parser.add_argument("--selftest-edits", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--selftest-interval", type=int, default=40, help=argparse.SUPPRESS)
    parser.add_argument("--selftest-quit", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(list(argv))


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)

    from PySide6.QtCore import QStandardPaths, QTimer
    from PySide6.QtWidgets import QApplication

    from genomap.logs import configure_logging
    from genomap.ui.crash import ExceptionHook
    from genomap.ui.style import apply_style

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "genomap"])
    app.setOrganizationName(APP_NAME)
    app.setOrganizationDomain("genomap.invalid")
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.genomap.GenoMap")  # packaging/linux/org.genomap.GenoMap.desktop

    from genomap.privacy import make_private, owner_only_umask, private_dir

    owner_only_umask()  # logs, settings, backups, exports: owner-only
    data_dir = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    log_path = configure_logging(private_dir(data_dir / "logs"))
    make_private(log_path)
    log.info("GenoMap %s starting", __version__)
    apply_style(app)

    from genomap.ui.main_window import MainWindow

    window = MainWindow()
    hook = ExceptionHook(lambda: window).install()
    from genomap.ui import startup

    startup.install_probe(window)

    def open_first() -> None:  # after the first paint: the window never waits for a file to load
        if args.file:
            window.open_path(args.file)
        else:
            last = window.settings.value("files/last", "")
            if last and Path(str(last)).exists():
                window.open_path(str(last))
        if args.selftest_edits:
            window._selftest = _SelfTest(window, args.selftest_edits, args.selftest_interval, args.selftest_quit)
            QTimer.singleShot(0, window._selftest.step)  # kept on the window: a local would be collected

    startup.after_first_paint(window, open_first)
    window.show()
    from genomap.ui.history_dock import install_team_features, open_team

    install_team_features(window)
    if args.db:
        from genomap.store import server
        from genomap.store.document import StoreError

        try:
            open_team(window, server.open_team_document(args.db, user=args.user))
        except StoreError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(window, "Team database", str(exc))
        args.file = None

    try:
        return app.exec()
    finally:
        hook.uninstall()
        log.info("GenoMap closed (log at %s)", log_path.name)


class _SelfTest:
    """Edits made as a user would: Add person, type a name in Details, press Enter."""

    def __init__(self, window, count: int, interval_ms: int, quit_after: bool):
        self.window = window
        self.remaining = count
        self.index = 0
        self.interval = interval_ms
        self.quit_after = quit_after

    def step(self) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        w = self.window
        if self.remaining <= 0:
            print("SELFTEST DONE", flush=True)
            if self.quit_after:
                w.close()
                QApplication.quit()
            return
        w.actions_by_name["add_person"].trigger()
        pid = w.current_person()
        print(f"EDIT {self.index} add {pid}", flush=True)
        form = w.details.form
        form.widget("given_names").setText(f"Selftest {self.index}")
        form.widget("family_name").setText("Crash")
        if not w.details.apply():
            print(f"FAILED {self.index}", flush=True)
        else:
            print(f"EDIT {self.index} name {pid}", flush=True)
        self.index += 1
        self.remaining -= 1
        QTimer.singleShot(self.interval, self.step)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
