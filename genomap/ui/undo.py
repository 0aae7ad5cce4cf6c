"""Qt undo stack adapter: every :class:`~genomap.commands.Command` becomes a ``QUndoCommand``.

The stack lives as long as the open file, independently of drawings, so the
history survives every redraw.  A command is first run *before* it is pushed
(:meth:`UndoController.run`): if the model refuses it (a rule broken, a date
that does not parse) the exception goes back to the form that asked, nothing is
written and the stack is untouched.  When a later undo or redo fails (the file
vanished, a disk error) the database transaction rolls back, the stack index is
put back where it was, and a calm message is shown.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from genomap.commands import Command

log = logging.getLogger(__name__)


class _QtCommand(QUndoCommand):
    """Wraps a Command that has already been done once."""

    def __init__(self, controller: "UndoController", command: Command):
        super().__init__(command.description)
        self.controller = controller
        self.command = command
        self._skip_next = True  # push() calls redo(); the edit is already done

    def redo(self) -> None:
        if self._skip_next:
            self._skip_next = False
            return
        self.controller._guarded(self, "redo")

    def undo(self) -> None:
        if self._skip_next:
            self._skip_next = False
            return
        self.controller._guarded(self, "undo")


class UndoController(QObject):
    """Runs commands on a document and keeps their history on a ``QUndoStack``."""

    failed = Signal(str)  # a calm message: an undo/redo could not be done
    command_done = Signal(object)  # the Command just run, undone or redone

    def __init__(self, document, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.document = document
        self.stack = QUndoStack(self)
        self._failure: Optional[BaseException] = None
        self._failed_step = ""
        self._in_step = False

    # -- doing -------------------------------------------------------------
    def run(self, command: Command) -> Any:
        """Do ``command`` now and record it; returns its result.

        Raises whatever the edit raised (ValidationError, PartialDateError,
        CommandError…); then nothing was written and the history is unchanged.
        """
        result = command.redo(self.document)
        if command.change_set:  # an edit that changed nothing is not worth an undo step
            self.stack.push(_QtCommand(self, command))
        self.command_done.emit(command)
        return result

    def undo(self) -> bool:
        return self._step(self.stack.undo, self.stack.canUndo())

    def redo(self) -> bool:
        return self._step(self.stack.redo, self.stack.canRedo())

    def _step(self, fn: Callable[[], None], possible: bool) -> bool:
        if not possible:
            return False
        self._failure = None
        self._in_step = True
        try:
            fn()
        finally:
            self._in_step = False
        if self._failure is not None:
            exc, which, self._failure = self._failure, self._failed_step, None
            # The stack index moved past the command although the database did
            # not change; step back over it without touching the database.
            self.stack.redo() if which == "undo" else self.stack.undo()
            self.failed.emit(_calm_message(exc))
            return False
        return True

    def _guarded(self, qcmd: _QtCommand, which: str) -> None:
        try:
            getattr(qcmd.command, which)(self.document)
        except Exception as exc:  # noqa: BLE001 - reported as a calm message, stack kept consistent
            log.error("%s of a command failed: %s", which, type(exc).__name__, exc_info=True)
            qcmd._skip_next = True
            if self._in_step:
                self._failure, self._failed_step = exc, which
            else:  # driven by the stack directly: repair once it has finished
                from PySide6.QtCore import QTimer

                QTimer.singleShot(0, self.stack.redo if which == "undo" else self.stack.undo)
                self.failed.emit(_calm_message(exc))
            return
        self.command_done.emit(qcmd.command)

    def clear(self) -> None:
        self.stack.clear()


def _calm_message(exc: BaseException) -> str:
    from genomap.errors import is_user_facing

    detail = str(exc) if is_user_facing(exc) else "The file could not be changed."
    return (
        f"That step could not be undone or redone. {detail} "
        "Nothing was changed, and all your earlier work is still saved in the file."
    )
