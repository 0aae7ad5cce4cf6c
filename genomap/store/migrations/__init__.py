"""Alembic migrations of the GenoMap schema (run programmatically by genomap.store.files)."""
