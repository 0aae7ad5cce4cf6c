"""User preferences shared by the app and its exports, without Qt.

:class:`Preferences` holds the defaults a practitioner sets once (Edit > Settings):
paper size, protective marking, redaction profile, organisation, their own name,
and the idle-lock delay.  The UI stores them in ``QSettings`` under :data:`KEYS`
(``genomap.ui.dialogs.settings``); the export dialog and the idle lock read the
same keys, so core code and tests can build, check and compare preferences
without a Qt application.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Callable, Mapping

from genomap.privacy import IDLE_LOCK_DEFAULT_MINUTES, IDLE_LOCK_KEY

PAPER_SIZES = ("A4", "A3")
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
#: Government Security Classifications markings offered in the dialog (free text is allowed too).
COMMON_MARKINGS = ("OFFICIAL-SENSITIVE", "OFFICIAL", "OFFICIAL-SENSITIVE PERSONAL", "")
MAX_MARKING = 60
MAX_IDLE_LOCK_MINUTES = 240


@dataclass(frozen=True)
class Preferences:
    """The user's defaults; every field has a safe value for a first run."""

    paper: str = "A4"
    marking: str = DEFAULT_MARKING
    redaction_profile: str = "professionals"
    organisation: str = ""
    user_name: str = ""
    idle_lock_minutes: int = IDLE_LOCK_DEFAULT_MINUTES


#: field -> settings key.  The export dialog reads ``export/*`` and ``user/name``; the
#: idle lock reads :data:`genomap.privacy.IDLE_LOCK_KEY`.
KEYS: dict[str, str] = {
    "paper": "export/paper",
    "marking": "export/marking",
    "redaction_profile": "export/redaction_profile",
    "organisation": "user/organisation",
    "user_name": "user/name",
    "idle_lock_minutes": IDLE_LOCK_KEY,
}


def problems(prefs: Preferences, profiles: tuple[str, ...] | None = None) -> list[str]:
    """Plain-language reasons ``prefs`` cannot be saved (empty when they can)."""
    out = []
    if prefs.paper not in PAPER_SIZES:
        out.append(f"Paper size must be one of {', '.join(PAPER_SIZES)}.")
    if len(prefs.marking) > MAX_MARKING:
        out.append(f"The protective marking is too long (at most {MAX_MARKING} characters).")
    if "\n" in prefs.marking:
        out.append("The protective marking must fit on one line.")
    if profiles is not None and prefs.redaction_profile not in profiles:
        out.append(f"There is no redaction profile called '{prefs.redaction_profile}'.")
    if not 0 <= prefs.idle_lock_minutes <= MAX_IDLE_LOCK_MINUTES:
        out.append(f"Idle lock must be between 0 (never) and {MAX_IDLE_LOCK_MINUTES} minutes.")
    return out


def builtin_profiles() -> tuple[str, ...]:
    """Names of the built-in redaction profiles, in the order the dialog offers them."""
    from genomap.redaction import BUILTIN_PROFILES

    return tuple(BUILTIN_PROFILES)


def load(get: Callable[[str, Any], Any]) -> Preferences:
    """Preferences from a key-value store (``get(key, default)``); bad stored values fall back."""
    defaults = Preferences()
    values: dict[str, Any] = {}
    for f in fields(Preferences):
        default = getattr(defaults, f.name)
        raw = get(KEYS[f.name], default)
        try:
            value = int(float(raw)) if isinstance(default, int) else ("" if raw is None else str(raw))
        except (TypeError, ValueError):
            value = default
        values[f.name] = value
    prefs = replace(defaults, **values)
    if prefs.paper not in PAPER_SIZES:
        prefs = replace(prefs, paper=defaults.paper)
    if not 0 <= prefs.idle_lock_minutes <= MAX_IDLE_LOCK_MINUTES:
        prefs = replace(prefs, idle_lock_minutes=defaults.idle_lock_minutes)
    return prefs


def as_settings(prefs: Preferences) -> dict[str, Any]:
    """settings key -> value, ready to write."""
    return {KEYS[name]: value for name, value in asdict(prefs).items()}


def from_mapping(data: Mapping[str, Any]) -> Preferences:
    """Preferences from a plain dict of settings keys (tests, imports)."""
    return load(lambda key, default: data.get(key, default))
