"""The headless subcommands; importing this package registers them with :mod:`genomap.cli`.

One module per area (files, render, export, ...), each using ``@subcommand``.
"""

from importlib import import_module

for _name in ("files", "render", "export", "interop", "protect", "connections", "register", "db"):
    try:
        import_module(f"genomap.cli_commands.{_name}")
    except ModuleNotFoundError as exc:  # a module not written yet
        if exc.name != f"genomap.cli_commands.{_name}":
            raise
