"""Qt user interface: main window, canvas, docks, dialogs. The only package importing PySide6."""
