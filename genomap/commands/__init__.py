"""Qt-free undoable edits: each one DB transaction with a description."""
