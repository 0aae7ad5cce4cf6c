"""Exchange formats: GEDCOM, JSON, CSV. No Qt.

:func:`import_file` picks the importer from the file name; every importer is
all-or-nothing (one transaction) and returns an
:class:`~genomap.formats.common.ImportReport`, or raises
:class:`~genomap.formats.common.ImportFailed` / ``ImportCancelled`` with the
file unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from genomap.formats.common import (  # noqa: F401  (public API)
    CancelFlag, ImportCancelled, ImportFailed, ImportReport, Issue, ProgressFn,
)

IMPORT_SUFFIXES = {".json": "json", ".ged": "gedcom", ".gedcom": "gedcom", ".csv": "csv", ".tsv": "csv",
                   ".txt": "csv"}


def import_kind(path) -> Optional[str]:
    """'json', 'gedcom' or 'csv' for a file name, or None."""
    return IMPORT_SUFFIXES.get(Path(path).suffix.lower())


def import_file(document, path, *, case_ref: Optional[str] = None, encoding: Optional[str] = None,
                mapping: Optional[dict[str, str]] = None, strict: bool = False,
                progress: Optional[ProgressFn] = None, cancel: CancelFlag = None) -> ImportReport:
    """Import ``path`` (by its extension: .json, .ged/.gedcom, .csv) into ``document``."""
    kind = import_kind(path)
    if kind == "json":
        from genomap.formats.exchange import import_json

        return import_json(document, path, case_ref=case_ref, progress=progress, cancel=cancel)
    if kind == "gedcom":
        from genomap.formats.gedcom_import import import_gedcom

        return import_gedcom(document, path, case_ref=case_ref, encoding=encoding, strict=strict,
                             progress=progress, cancel=cancel)
    if kind == "csv":
        from genomap.formats.csv_io import import_csv

        return import_csv(document, path, mapping, case_ref=case_ref, encoding=encoding,
                          delimiter="\t" if Path(path).suffix.lower() == ".tsv" else None,
                          progress=progress, cancel=cancel)
    report = ImportReport(source=Path(path).name)
    report.error("GenoMap imports .json (GenoMap exchange), .ged/.gedcom (GEDCOM) and .csv files; "
                 f"{Path(path).suffix or 'a file without an extension'} is not one of them")
    raise ImportFailed(report)
