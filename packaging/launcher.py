"""Entry point frozen by PyInstaller: ``genomap`` opens the app, ``genomap COMMAND`` runs the CLI."""

import sys

from genomap.cli import main

if __name__ == "__main__":
    sys.exit(main())
