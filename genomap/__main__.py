"""Run GenoMap with ``python -m genomap``."""

from genomap.cli import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
