"""The undoable :class:`Command`: one logical edit, one database transaction.

A command wraps an *edit function* ``fn(session) -> result`` (see
:mod:`genomap.commands.edits`).  The first :meth:`Command.redo` runs it through
:meth:`Document.edit`, which validates and commits it and hands back the
:class:`~genomap.store.changes.ChangeSet`; later redos replay that change set and
:meth:`Command.undo` applies its inverse.  Replaying row images (rather than
running the edit again) means a redo recreates exactly the same ids, so later
commands in the history still refer to the right rows.

Nothing here imports Qt: the Qt undo stack adapter lives in ``genomap.ui.undo``.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from genomap.store.changes import ChangeSet


class CommandError(Exception):
    """A command could not be run as asked; the message is written for the practitioner."""


class Command:
    """An undoable edit of a :class:`~genomap.store.document.Document`."""

    def __init__(self, description: str, fn: Callable[..., Any]):
        self.description = description
        self._fn = fn
        self.change_set: Optional[ChangeSet] = None
        self.result: Any = None

    @property
    def done_once(self) -> bool:
        return self.change_set is not None

    def redo(self, doc) -> Any:
        """Do the edit (first time) or replay it (after an undo). Returns the edit's result."""
        if self.change_set is None:
            box: dict[str, Any] = {}

            def run(session):
                box["result"] = self._fn(session)

            self.change_set = doc.edit(self.description, run)
            self.result = box.get("result")
        else:
            doc.apply(self.change_set)
        return self.result

    def undo(self, doc) -> None:
        """Bring the database back to exactly the state before :meth:`redo`."""
        if self.change_set is None:
            raise CommandError(f"{self.description!r} has not been done yet, so it cannot be undone")
        doc.apply(self.change_set.inverse())

    def __repr__(self) -> str:
        state = "done" if self.done_once else "new"
        return f"<Command {self.description!r} ({state})>"


def command(description: str, fn: Callable[..., Any], /, *args, **kwargs) -> Command:
    """Build a :class:`Command` running ``fn(session, *args, **kwargs)``."""
    def run(session):
        return fn(session, *args, **kwargs)

    return Command(description, run)
