"""Qt-free undoable edits: each one DB transaction with a description.

``Command(description, fn)`` wraps an edit function ``fn(session)`` from
:mod:`genomap.commands.edits`; ``command(description, edits.add_person, case_id, ...)``
builds one with arguments.  ``cmd.redo(doc)`` / ``cmd.undo(doc)`` do and undo it.
"""

from genomap.commands import edits
from genomap.commands.base import Command, CommandError, command

__all__ = ["Command", "CommandError", "command", "edits"]
