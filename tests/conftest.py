"""Shared fixtures.  The PostgreSQL fixtures (a throwaway server) live in tests/pg.py."""

from pg import backend, pg_server, pg_url  # noqa: F401  (fixtures)
