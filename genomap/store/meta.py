"""File-level metadata: a small key/value table inside every GenoMap database.

Added by schema migration 0002.  It records facts about the file itself rather
than about any family: a stable ``file_id`` (a UUID that survives copies, used
later to tell files apart when linking people across files), the GenoMap
version that created the file and when.  Not part of ``ALL_TABLES`` because it
is not family data: exports and change sets of family edits never include it.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel, select

FILE_ID = "file_id"
CREATED_WITH = "created_with"
CREATED_AT = "created_at"


class AppMeta(SQLModel, table=True):
    __tablename__ = "app_meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = ""


def get_meta(session: Session, key: str) -> Optional[str]:
    """The stored value for ``key``, or None."""
    row = session.get(AppMeta, key)
    return None if row is None else row.value


def set_meta(session: Session, key: str, value: str) -> None:
    """Insert or replace ``key`` (the caller commits)."""
    row = session.get(AppMeta, key)
    if row is None:
        session.add(AppMeta(key=key, value=value))
    else:
        row.value = value


def all_meta(session: Session) -> dict[str, str]:
    return {row.key: row.value for row in session.exec(select(AppMeta))}
