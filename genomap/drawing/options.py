"""What to show on a genogram: the switches the UI, PDF export and CLI pass down."""

from __future__ import annotations

from dataclasses import dataclass

# Toggling an overlay in a view means hiding/showing these drawing layers.
OVERLAY_LAYERS: dict[str, tuple[str, ...]] = {
    "households": ("households", "household_labels"),
    "ties": ("ties",),
    "badges": ("badges",),
    "legend": ("legend",),
}


@dataclass(frozen=True)
class DrawOptions:
    show_households: bool = True
    show_addresses: bool = False  # addresses are sensitive: only when asked
    show_ties: bool = True
    show_badges: bool = True  # legal/plan status (CIN, CP, CLA...) and PR marks
    show_pr: bool = True
    show_ages: bool = True
    show_dates: bool = True
    hide_unborn: bool = True  # people born after the view date are not drawn
    legend: bool = True
