"""Dialogs of the editor. All open non-modally (``open()``), never with a blocking ``exec()``,
so a practitioner can keep looking at the genogram and tests can fill them like a user."""
