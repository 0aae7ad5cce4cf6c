"""What every importer shares: the import report, failure/cancel errors, progress and the target case.

An import is all or nothing.  Each importer first reads and checks its whole
input (collecting :class:`Issue` s with line numbers or JSON paths), then writes
everything in ONE transaction: :meth:`Document.bulk_insert` (GEDCOM, JSON: plain
row dicts, validated, audited and undoable like an edit) or :meth:`Document.edit`.  When the input is
malformed, a model rule is broken or the user cancels, the importer raises
:class:`ImportFailed` / :class:`ImportCancelled` and the file is unchanged.
On success it returns an :class:`ImportReport` saying what was mapped, what was
kept in notes and what could not be used.

No Qt here: the progress dialog in :mod:`genomap.ui.import_dialogs` passes a
``progress(done, total)`` callback and a cancel flag (a ``threading.Event`` or
any callable returning True when the user has cancelled).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Optional, Union

from genomap.errors import UserFacingError

ProgressFn = Callable[[int, int], None]
CancelFlag = Union[threading.Event, Callable[[], bool], None]

MAX_LISTED_ISSUES = 500  # a report lists this many warnings/errors; the rest are counted


@dataclass(frozen=True)
class Issue:
    """One problem found in the input, located by line number (GEDCOM, CSV) or JSON path."""

    message: str
    line: Optional[int] = None
    path: Optional[str] = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"line {self.line}: {self.message}"
        if self.path is not None:
            return f"{self.path}: {self.message}"
        return self.message


@dataclass
class ImportReport:
    """What an import did (or, inside :class:`ImportFailed`, why it did nothing)."""

    source: str
    format: str = ""
    encoding: str = ""
    case_id: Optional[int] = None
    case_reference: str = ""
    created: Counter = field(default_factory=Counter)  # table -> rows written
    mapped: Counter = field(default_factory=Counter)  # source construct -> times mapped
    kept_in_notes: Counter = field(default_factory=Counter)  # source construct -> times kept in notes
    not_imported: Counter = field(default_factory=Counter)  # construct -> times reported, not kept
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    more_warnings: int = 0
    more_errors: int = 0
    seconds: float = 0.0
    redaction_profiles: list = field(default_factory=list)  # JSON import: profiles the document carried

    # -- collecting ---------------------------------------------------------
    def warn(self, message: str, line: Optional[int] = None, path: Optional[str] = None) -> None:
        if len(self.warnings) < MAX_LISTED_ISSUES:
            self.warnings.append(Issue(message, line, path))
        else:
            self.more_warnings += 1

    def error(self, message: str, line: Optional[int] = None, path: Optional[str] = None) -> None:
        if len(self.errors) < MAX_LISTED_ISSUES:
            self.errors.append(Issue(message, line, path))
        else:
            self.more_errors += 1

    @property
    def ok(self) -> bool:
        return not self.errors and not self.more_errors

    @property
    def people(self) -> int:
        return self.created.get("person", 0)

    # -- reading ------------------------------------------------------------
    def summary(self, max_issues: int = 20) -> str:
        """Several lines of plain text for the CLI and the import dialog."""
        lines = []
        head = f"Import of {self.source}"
        if self.format:
            head += f" ({self.format}{', ' + self.encoding if self.encoding else ''})"
        if self.ok:
            where = f" into case {self.case_reference!r}" if self.case_reference else ""
            lines.append(f"{head}: done{where} in {self.seconds:.2f} s.")
            if self.created:
                lines.append("Created: " + ", ".join(f"{n} {_plural(t, n)}" for t, n in _ordered(self.created)))
        else:
            lines.append(f"{head}: NOTHING was imported; the file is unchanged.")
        if self.mapped:
            lines.append("Mapped: " + ", ".join(f"{k} x{n}" for k, n in sorted(self.mapped.items())))
        if self.kept_in_notes:
            lines.append(
                "Kept in notes (no GenoMap field): "
                + ", ".join(f"{k} x{n}" for k, n in sorted(self.kept_in_notes.items()))
            )
        if self.not_imported:
            lines.append(
                "Not imported: " + ", ".join(f"{k} x{n}" for k, n in sorted(self.not_imported.items()))
            )
        for label, items, more in (
            ("Errors", self.errors, self.more_errors),
            ("Warnings", self.warnings, self.more_warnings),
        ):
            total = len(items) + more
            if not total:
                continue
            lines.append(f"{label} ({total}):")
            for issue in items[:max_issues]:
                lines.append(f"  {issue}")
            if total > max_issues:
                lines.append(f"  ... and {total - max_issues} more")
        return "\n".join(lines)


_TABLE_NAMES = {
    "case": ("case", "cases"),
    "person": ("person", "people"),
    "casemember": ("case membership", "case memberships"),
    "partnership": ("partnership", "partnerships"),
    "parentlink": ("parent-child link", "parent-child links"),
    "tie": ("tie", "ties"),
    "household": ("household", "households"),
    "residence": ("residence", "residences"),
    "agency": ("agency", "agencies"),
    "involvement": ("involvement", "involvements"),
    "riskflag": ("risk flag", "risk flags"),
    "legalstatus": ("legal status", "legal statuses"),
    "event": ("event", "events"),
}


def _plural(table: str, n: int) -> str:
    one, many = _TABLE_NAMES.get(table, (table, table))
    return one if n == 1 else many


def _ordered(counter: Counter):
    order = list(_TABLE_NAMES)
    return sorted(counter.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0]))


class ImportFailed(UserFacingError):
    """The input could not be imported; nothing was written.  ``report`` says why."""

    def __init__(self, report: ImportReport, reason: str = ""):
        self.report = report
        first = report.errors[0] if report.errors else None
        n = len(report.errors) + report.more_errors
        msg = reason or (
            f"nothing was imported from {report.source}: {n} problem{'s' if n != 1 else ''}"
            + (f"; first: {first}" if first else "")
        )
        super().__init__(msg)


class ImportCancelled(UserFacingError):
    """The user cancelled the import; nothing was written."""

    def __init__(self, source: str = ""):
        super().__init__(f"import of {source} cancelled; nothing was imported" if source else
                         "import cancelled; nothing was imported")


class Progress:
    """Throttled progress reporting and cancel checks for a long loop."""

    def __init__(self, progress: Optional[ProgressFn], cancel: CancelFlag, source: str = ""):
        self._fn = progress
        self._cancel = cancel
        self._source = source
        self._last = 0.0

    def cancelled(self) -> bool:
        c = self._cancel
        if c is None:
            return False
        if isinstance(c, threading.Event):
            return c.is_set()
        return bool(c())

    def check(self) -> None:
        if self.cancelled():
            raise ImportCancelled(self._source)

    def __call__(self, done: int, total: int, force: bool = False) -> None:
        """Report progress (at most ~20 times a second) and stop if cancelled."""
        self.check()
        if self._fn is None:
            return
        now = time.monotonic()
        if force or done >= total or now - self._last > 0.05:
            self._last = now
            self._fn(done, total)


def target_case(session, case_ref: Optional[str], report: ImportReport, **new_case_fields):
    """The case an import adds to.

    With ``case_ref``: the existing case with that reference, or a new case with
    that reference.  Without: a new case built from ``new_case_fields``.
    """
    from sqlalchemy import select

    from genomap.model.tables import Case

    if case_ref:
        found = session.scalars(select(Case).where(Case.reference == case_ref)).first()
        if found is not None:
            report.case_id, report.case_reference = found.id, found.reference
            return found
        new_case_fields = {**new_case_fields, "reference": case_ref}
    case = Case(**new_case_fields)
    session.add(case)
    session.flush()
    report.created["case"] += 1
    report.case_id, report.case_reference = case.id, case.reference
    return case


def target_case_bulk(writer, case_ref: Optional[str], report: ImportReport, **new_case_fields) -> int:
    """:func:`target_case` for a bulk import (:meth:`Document.bulk_insert`): the case's id."""
    from sqlalchemy import select

    from genomap.model.tables import Case

    if case_ref:
        found = writer.session.execute(
            select(Case.id, Case.reference).where(Case.reference == case_ref)).first()
        if found is not None:
            report.case_id, report.case_reference = found.id, found.reference
            return found.id
        new_case_fields = {**new_case_fields, "reference": case_ref}
    (case_id,) = writer.insert(Case, [new_case_fields])
    report.created["case"] += 1
    report.case_id, report.case_reference = case_id, new_case_fields.get("reference", "")
    return case_id
