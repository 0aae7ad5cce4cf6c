"""Sizes, fonts and the palette of a GenoMap genogram: one place for the look.

All sizes in points.  The palette is calm (slate lines, soft household tints with
distinct hues) and keeps meaning in line *patterns*, so a greyscale print loses
nothing; red is reserved for abuse and risk.
"""

from __future__ import annotations

# -- symbols -----------------------------------------------------------------
SYMBOL = 40.0  # square / circle / diamond size
SMALL_SYMBOL = 18.0  # miscarriage, termination, stillbirth
PREGNANCY_SYMBOL = 26.0  # triangle
DOUBLE_GAP = 3.5  # subject child: gap between the two outlines
BRACKET_GAP = 5.0  # adopted: brackets this far outside the symbol

# -- text ----------------------------------------------------------------------
NAME_SIZE = 8.0
DETAIL_SIZE = 7.0
AGE_SIZE = 11.0
LABEL_WIDTH = 84.0  # names wrap at this width
LABEL_GAP = 4.0  # symbol bottom to first label line

# -- spacing (layout) ----------------------------------------------------------
NODE_SEP = 16.0  # minimum clear space between two people's footprints in a row
PARTNER_LINE_MIN = 44.0  # minimum partnership line length (symbol edge to edge)
HOUSEHOLD_SEP = 14.0  # extra space between neighbours in different households
HOUSEHOLD_PAD = 6.0  # household boundary outside its members' footprints
SIBSHIP_DROP = 18.0  # sibship line to the top of the children's symbols
LANE_STEP = 7.0  # vertical spacing of parallel sibship lines in one band
ROW_GAP = 34.0  # label bottom to the highest sibship lane of the next band
MARGIN = 24.0  # page margin around the genogram

# -- palette -------------------------------------------------------------------
INK = "#334155"  # slate-700: symbols and kinship lines
INK_SOFT = "#64748b"  # slate-500: secondary lines, dates
TEXT = "#1e293b"  # slate-800
TEXT_SOFT = "#475569"
SYMBOL_FILL = "#ffffff"
SUBJECT_FILL = "#f1f5f9"
MARK = "#0f172a"  # X of the deceased, filled small symbols
LINE_WIDTH = 1.4
THIN = 0.9

HOUSEHOLD_FILLS = (
    ("#e0f2fe", "#0284c7"),  # sky
    ("#dcfce7", "#16a34a"),  # green
    ("#fef3c7", "#d97706"),  # amber
    ("#ede9fe", "#7c3aed"),  # violet
    ("#fce7f3", "#db2777"),  # pink
    ("#ccfbf1", "#0d9488"),  # teal
    ("#e0e7ff", "#4f46e5"),  # indigo
    ("#f5f5f4", "#57534e"),  # stone
)

BADGE_COLOURS = {
    "child_in_need": ("#e0f2fe", "#075985"),
    "child_protection": ("#fee2e2", "#991b1b"),
    "looked_after": ("#fef3c7", "#92400e"),
    "care_order": ("#ede9fe", "#5b21b6"),
    "special_guardianship": ("#dcfce7", "#166534"),
}
