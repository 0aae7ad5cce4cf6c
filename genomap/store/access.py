"""Case-level access lists on a team database: who may open which family map.

A team (PostgreSQL) database has users (``app_user``; ``is_admin`` marks those who
may grant any case) and, per family map, the users who may open it
(``case_access``).  Whoever creates a family map is given access to it as its
``owner``; owners and admins may grant and revoke.  A local GenoMap file has one
user and no access lists: there the policy is unrestricted.

Enforcement is in the queries, not in the windows: every *reading* session of a
restricted document (:meth:`Document.read`, hence snapshots, search, cross-family
connections and export) carries an :class:`AccessPolicy` in ``session.info``, and
a ``do_orm_execute`` hook adds ``with_loader_criteria`` to every ORM query so that
rows of cases the user cannot open -- the case, its memberships and events, the
people who are in no case the user can open, and their relationships, homes,
flags and involvements -- are simply not there.  ``session.get`` goes through
the same hook.  :func:`hidden_case_count` (which deliberately looks past the
policy) says how many family maps the user cannot open a person is in, for the
"connected to 1 family you cannot open" note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Optional

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, with_loader_criteria

from genomap.model import tables as T
from genomap.store.audit import TEAM_METADATA

app_user = sa.Table(
    "app_user",
    TEAM_METADATA,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

case_access = sa.Table(
    "case_access",
    TEAM_METADATA,
    # No foreign key to case on purpose: a deleted case that is restored by undo
    # keeps its access list (ids are never reused on PostgreSQL).
    sa.Column("case_id", sa.Integer, primary_key=True),
    sa.Column("user_name", sa.String(200), primary_key=True, index=True),
    sa.Column("role", sa.String(20), nullable=False, server_default="member"),
    sa.Column("granted_by", sa.String(200), nullable=False, server_default=""),
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
)

OWNER = "owner"
MEMBER = "member"
_UNRESTRICTED = "genomap_unrestricted"
_INFO_KEY = "genomap_access"


class AccessDenied(Exception):
    """Raised by :func:`grant`/:func:`revoke` when the user may not change a case's list."""


@dataclass(frozen=True)
class AccessPolicy:
    """Who is reading; ``restricted`` = apply the team database's access lists."""

    user: str
    restricted: bool = True

    def visible_cases(self) -> sa.Select:
        return sa.select(case_access.c.case_id).where(case_access.c.user_name == self.user)

    def visible_people(self) -> sa.Select:
        cm = T.CaseMember.__table__
        return sa.select(cm.c.person_id).where(cm.c.case_id.in_(self.visible_cases()))

    def criteria(self) -> list:
        """``with_loader_criteria`` options for every family table."""
        cases = self.visible_cases()
        people = self.visible_people()

        def person(col):
            return col.in_(people)

        def maybe_person(col):
            return sa.or_(col.is_(None), col.in_(people))

        res = T.Residence.__table__
        seen_households = sa.select(res.c.household_id).where(res.c.person_id.in_(people))
        any_households = sa.select(res.c.household_id)
        household_ok = sa.or_(T.Household.id.in_(seen_households), T.Household.id.not_in(any_households))
        ev = T.Event.__table__
        events = sa.select(ev.c.id).where(ev.c.case_id.in_(cases))
        opts = [
            (T.Case, T.Case.id.in_(cases)),
            (T.CaseMember, T.CaseMember.case_id.in_(cases)),
            (T.Event, T.Event.case_id.in_(cases)),
            (T.EventPerson, T.EventPerson.event_id.in_(events)),
            (T.EventHousehold, T.EventHousehold.event_id.in_(events)),
            (T.Person, T.Person.id.in_(people)),
            (T.Partnership, sa.and_(person(T.Partnership.person_a_id), person(T.Partnership.person_b_id))),
            (T.ParentLink, sa.and_(person(T.ParentLink.parent_id), person(T.ParentLink.child_id))),
            (T.Tie, sa.and_(person(T.Tie.from_id), person(T.Tie.to_id))),
            (T.Residence, person(T.Residence.person_id)),
            (T.RiskFlag, person(T.RiskFlag.person_id)),
            (T.LegalStatus, person(T.LegalStatus.person_id)),
            (T.MatchDecision, sa.and_(person(T.MatchDecision.person_a_id),
                                      person(T.MatchDecision.person_b_id))),
            (T.SignificantAdult, sa.and_(person(T.SignificantAdult.child_id),
                                         person(T.SignificantAdult.adult_id))),
            (T.Household, household_ok),
            (T.Involvement, sa.and_(
                maybe_person(T.Involvement.person_id),
                sa.or_(T.Involvement.household_id.is_(None),
                       T.Involvement.household_id.in_(seen_households)))),
        ]
        return [with_loader_criteria(entity, crit, include_aliases=True) for entity, crit in opts]


UNRESTRICTED = AccessPolicy("", restricted=False)


def install(session: Session, policy: Optional[AccessPolicy]) -> Session:
    """Make ``session`` see only what ``policy`` allows (no-op for an unrestricted policy)."""
    if policy is not None and policy.restricted:
        session.info[_INFO_KEY] = policy
    return session


def unrestricted(statement):
    """Mark an ORM statement as looking past the access lists (counts of hidden links only)."""
    return statement.execution_options(**{_UNRESTRICTED: True})


@event.listens_for(Session, "do_orm_execute")
def _filter(state) -> None:
    policy = state.session.info.get(_INFO_KEY)
    if policy is None or not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    if state.execution_options.get(_UNRESTRICTED):
        return
    state.statement = state.statement.options(*policy.criteria())


# -- users and grants (Core, caller's transaction) ---------------------------------------


def _now() -> datetime:
    return datetime.now(timezone.utc)


def ensure_user(conn: sa.Connection, name: str, is_admin: bool = False, display_name: str = "") -> None:
    """Add ``name`` to the users if new (``is_admin`` only raises, never lowers)."""
    row = conn.execute(sa.select(app_user.c.is_admin).where(app_user.c.name == name)).first()
    if row is None:
        conn.execute(app_user.insert().values(name=name, display_name=display_name,
                                              is_admin=is_admin, created_at=_now()))
    elif is_admin and not row.is_admin:
        conn.execute(app_user.update().where(app_user.c.name == name).values(is_admin=True))


def is_admin(conn: sa.Connection, name: str) -> bool:
    return bool(conn.execute(sa.select(app_user.c.is_admin).where(app_user.c.name == name)).scalar())


def role_of(conn: sa.Connection, case_id: int, user: str) -> Optional[str]:
    return conn.execute(sa.select(case_access.c.role).where(
        case_access.c.case_id == case_id, case_access.c.user_name == user)).scalar()


def can_grant(conn: sa.Connection, case_id: int, user: str) -> bool:
    return is_admin(conn, user) or role_of(conn, case_id, user) == OWNER


def add_access(conn: sa.Connection, case_ids: Iterable[int], user: str, role: str = MEMBER,
               granted_by: str = "") -> None:
    """Record access without permission checks (case creation, copies, admin tools)."""
    ids = [int(c) for c in case_ids]
    if not ids:
        return
    have = set(conn.execute(sa.select(case_access.c.case_id).where(
        case_access.c.user_name == user, case_access.c.case_id.in_(ids))).scalars())
    rows = [{"case_id": c, "user_name": user, "role": role, "granted_by": granted_by or user,
             "granted_at": _now()} for c in ids if c not in have]
    if rows:
        conn.execute(case_access.insert(), rows)


def grant(conn: sa.Connection, case_id: int, user: str, by: str, role: str = MEMBER) -> None:
    """Let ``user`` open family map ``case_id``; ``by`` must own the case or be an admin."""
    if not can_grant(conn, case_id, by):
        raise AccessDenied(f"{by} may not give others access to family map {case_id}: only its "
                           "owner or an administrator can.")
    ensure_user(conn, user)
    if role_of(conn, case_id, user) is None:
        add_access(conn, [case_id], user, role, by)
    else:
        conn.execute(case_access.update().where(case_access.c.case_id == case_id,
                                                case_access.c.user_name == user).values(role=role))


def revoke(conn: sa.Connection, case_id: int, user: str, by: str) -> None:
    if not can_grant(conn, case_id, by):
        raise AccessDenied(f"{by} may not change who can open family map {case_id}.")
    conn.execute(case_access.delete().where(case_access.c.case_id == case_id,
                                            case_access.c.user_name == user))


def users_of(conn: sa.Connection, case_id: int) -> list[tuple[str, str]]:
    """(user, role) pairs that may open ``case_id``."""
    return [(r.user_name, r.role) for r in conn.execute(
        sa.select(case_access.c.user_name, case_access.c.role)
        .where(case_access.c.case_id == case_id).order_by(case_access.c.user_name))]


def hidden_case_count(session: Session, person_id: int) -> int:
    """How many family maps ``person_id`` is in that this session's user cannot open.

    Only a number: which maps, and who else is in them, stays hidden.
    """
    policy = session.info.get(_INFO_KEY)
    if policy is None:
        return 0
    cm = T.CaseMember.__table__
    q = (sa.select(sa.func.count()).select_from(cm)
         .where(cm.c.person_id == person_id, cm.c.case_id.not_in(policy.visible_cases())))
    return int(session.execute(q).scalar() or 0)


def hidden_connections_note(session: Session, person_id: int) -> str:
    """ "connected to 1 family you cannot open" (or "" when there is none)."""
    n = hidden_case_count(session, person_id)
    if not n:
        return ""
    return f"connected to {n} {'family' if n == 1 else 'families'} you cannot open"
