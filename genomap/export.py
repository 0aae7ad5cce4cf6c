"""Exporting a family map: snapshot -> redact -> draw -> render, written atomically.

:func:`export_case` is what File > Export and ``genomap export`` call.  The
order matters for safety: redaction is applied to the *snapshot*, before the
drawing is built, so a withheld value is never drawn, tabulated or put in the
metadata.  After rendering, every string that went into the output is checked
against the withheld values; a hit aborts the export.  The output is written to
a temporary file beside the target and moved into place only when complete, so
a failed export leaves neither a half-written file nor a stale temp file, and
an existing file at the target stays as it was.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Optional

from genomap.errors import UserFacingError
from genomap.model.dates import PartialDate
from genomap.redaction import (
    Redacted, RedactionError, RedactionProfile, get_profile, load_document_profiles, load_profiles, redact,
)
from genomap.store.snapshot import FamilySnapshot

FORMATS = ("pdf", "svg", "png", "json")


class ExportError(UserFacingError):
    """An export that could not be made; nothing was written."""


@dataclass
class ExportResult:
    path: Path
    format: str
    pages: int = 0
    seconds: float = 0.0
    suggested_filename: str = ""
    profile: str = "professionals"
    tiled: bool = False
    withheld: tuple[str, ...] = field(default=(), repr=False)
    warnings: list[str] = field(default_factory=list)


def parse_as_at(value: date | str | None) -> date:
    """The view date: a date, text a practitioner typed ("1 Mar 2025", "2025-03"), or today."""
    if value is None or value == "":
        return date.today()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    pd = PartialDate.coerce(value)
    return pd.representative() if pd is not None else date.today()


def resolve_case(document, case: int | str | None) -> int:
    """A case id from an id, a reference or a title; the only case when there is just one."""
    from genomap.store import repository

    with document.read() as session:
        cases = repository.list_cases(session)
    if not cases:
        raise ExportError("the file holds no family maps to export")
    if case is None or case == "":
        if len(cases) == 1:
            return cases[0].id
        refs = ", ".join(c.reference or f"#{c.id}" for c in cases)
        raise ExportError(f"the file holds {len(cases)} family maps; choose one with --case ({refs})")
    text = str(case).strip()
    for c in cases:
        if (c.reference and c.reference.casefold() == text.casefold()) or str(c.id) == text.lstrip("#"):
            return c.id
    for c in cases:
        if c.title and c.title.casefold() == text.casefold():
            return c.id
    refs = ", ".join(c.reference or f"#{c.id}" for c in cases)
    raise ExportError(f"no family map {text!r} in this file; choose one of: {refs}")


def _draw(snapshot: FamilySnapshot, as_at: date, draw_options=None):
    try:
        from genomap.pipeline import draw_family
    except ImportError as exc:  # the drawing pipeline is part of GenoMap; this is a broken install
        raise ExportError(f"the genogram drawing pipeline is not available ({exc})") from None
    return draw_family(snapshot, as_at=as_at, options=draw_options)


def _draw_options(profile: RedactionProfile, base=None):
    from genomap.drawing.options import DrawOptions

    opts = base or DrawOptions()
    if profile.hide_dates:
        from dataclasses import replace

        opts = replace(opts, show_ages=False, show_dates=False)
    if profile.hide_addresses:
        from dataclasses import replace

        opts = replace(opts, show_addresses=False)
    return opts


def atomic_output(target: Path, write: Callable[[Path], object]):
    """Run ``write(tmp)`` for a temp path beside ``target``; move it into place only on success."""
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(f"the folder {directory} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=str(directory))
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        result = write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return result
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def export_case(
    source,
    out_path: str | Path,
    format: str = "pdf",
    case: int | str | None = None,
    as_at: date | str | None = None,
    paper: str = "A4",
    landscape: Optional[bool] = None,
    redact_profile: RedactionProfile | str | None = None,
    appendix: bool = True,
    marking: str = "OFFICIAL-SENSITIVE",
    prepared_by: str = "",
    *,
    dpi: float = 150,
    profiles_file: str | Path | None = None,
    hide_people: tuple[int, ...] = (),
    hide_households: tuple[int, ...] = (),
    sections: Optional[set[str]] = None,
    draw_options=None,
    svg_legend: bool = False,
    draw: Optional[Callable] = None,
) -> ExportResult:
    """Export one family map as PDF, SVG, PNG or exchange JSON.

    ``source`` is an open :class:`~genomap.store.document.Document` (then ``case``
    picks the family map by id, reference or title) or a ready
    :class:`FamilySnapshot`.  ``redact_profile`` is a profile or the name of a
    built-in one ("professionals", "parents", "anonymised") or of one in
    ``profiles_file``.  ``draw`` replaces the drawing pipeline (tests).
    """
    started = time.perf_counter()
    fmt = format.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out_path)
    if out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name to export to")
    # profiles saved in the file, then a profiles JSON file, then the built-in ones
    extra: dict[str, RedactionProfile] = {}
    if not isinstance(source, FamilySnapshot) and hasattr(source, "read"):
        extra.update(load_document_profiles(source))
    if profiles_file:
        extra.update(load_profiles(profiles_file))
    profile = get_profile(redact_profile, extra)
    if hide_people or hide_households:
        profile = profile.with_hidden(hide_people, hide_households)
    day = parse_as_at(as_at)

    if fmt == "json":
        return _export_json(source, out, case, profile, started)

    if isinstance(source, FamilySnapshot):
        snapshot = source
    else:
        snapshot = source.snapshot(resolve_case(source, case))
    red = redact(snapshot, profile, day)
    drawing = (draw or (lambda s, d, o: _draw(s, d, o)))(red.snapshot, day, _draw_options(profile, draw_options))
    filename = red.suggested_filename(fmt)

    if not prepared_by and not profile.hide_worker_names:
        prepared_by = red.snapshot.author

    def check(texts) -> None:
        # the preparer's own name is printed deliberately, even if withheld elsewhere
        leaks = red.leaks([*(t for t in texts if not prepared_by or t != prepared_by), filename])
        if leaks:
            shown = ", ".join(repr(v if len(v) <= 40 else v[:37] + "...") for v in leaks[:3])
            raise RedactionError(
                f"export stopped: {len(leaks)} withheld value(s) would have appeared in the "
                f"{fmt.upper()} (profile {profile.name!r}: {shown}); nothing was written. "
                "Check the case's free-text fields for these values."
            )

    result = ExportResult(out, fmt, suggested_filename=filename, profile=profile.name, withheld=red.withheld)
    if fmt == "pdf":
        from genomap.render.pdf import PdfOptions, render_pdf

        opts = PdfOptions(
            paper=paper, landscape=landscape, marking=marking, title=red.title, reference=red.reference,
            as_at=day, prepared_by=prepared_by, audience=_audience(profile),
            appendix=appendix, sections=sections,
        )

        def write(tmp: Path):
            r = render_pdf(drawing, tmp, opts, snapshot=red.snapshot)
            check(r.texts)
            return r

        r = atomic_output(out, write)
        result.pages, result.tiled = r.pages, r.tiled
        if r.missing_glyphs:
            result.warnings.append(
                f"{len(r.missing_glyphs)} character(s) could not be printed and show as boxes "
                f"({r.missing_glyphs[:20]}): install a font that has them (for Chinese, Japanese or "
                "Korean names e.g. the 'fonts-wqy-microhei' package) and export again")
    elif fmt == "svg":
        from genomap.render.svg import render_svg, svg_texts

        def write(tmp: Path):
            check(svg_texts(drawing, red.title))
            render_svg(drawing, tmp, title=red.title, legend=svg_legend)

        atomic_output(out, write)
        result.pages = 1
    else:  # png
        from genomap.render.svg import svg_texts

        def write(tmp: Path):
            check(svg_texts(drawing, red.title))
            try:
                from genomap.ui.scene import render_png
            except ImportError as exc:
                raise ExportError(f"PNG export needs the Qt part of GenoMap ({exc})") from None
            render_png(drawing, tmp, dpi=dpi)

        atomic_output(out, write)
        result.pages = 1
    result.seconds = time.perf_counter() - started
    return result


def _audience(profile: RedactionProfile) -> str:
    return "" if profile.hides_nothing else (profile.label or profile.name)


def _export_json(source, out: Path, case, profile: RedactionProfile, started: float) -> ExportResult:
    if not profile.hides_nothing:
        raise ExportError(
            "the JSON exchange file is the complete record and cannot be redacted; "
            "use --pdf, --svg or --png with --redact to share a redacted copy"
        )
    if isinstance(source, FamilySnapshot):
        raise ExportError("JSON export needs the GenoMap file, not a snapshot")
    try:
        from genomap.formats.exchange import export_case_json
    except ImportError as exc:
        raise ExportError(f"JSON export is not available in this GenoMap build "
                          f"(genomap.formats.exchange could not be imported: {exc})") from None
    case_id = resolve_case(source, case)
    path = export_case_json(source, case_id, out)
    return ExportResult(Path(path), "json", 1, time.perf_counter() - started, out.name, profile.name)


def redacted_for(snapshot: FamilySnapshot, profile: RedactionProfile | str | None,
                 as_at: date | str | None = None) -> Redacted:
    """Convenience for the UI: the redaction an export with these settings would apply."""
    return redact(snapshot, get_profile(profile), parse_as_at(as_at))


__all__ = ["ExportError", "ExportResult", "FORMATS", "atomic_output", "export_case", "parse_as_at",
           "redacted_for", "resolve_case", "RedactionError"]
