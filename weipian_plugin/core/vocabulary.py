"""The domain's words as the store holds them, and the one palette that colours them (docs/DOMAIN.md §4, §6).

Outcomes (合法/违法/其他, and 待核 for a suggestion that needs a person) are both what the analysis
suggests and what a reviewer determines; statuses are what the ``patch_status`` view derives; split
states mark a patch cut into parts. These are data the bureau hands in, so they are Chinese and must
not vary: every module compares against these constants, never against a literal of its own. The
schema's SQL views spell the same words (core/store/schema.py), as a stored view cannot import them.
"""
from __future__ import annotations

from typing import Dict, Tuple

# -- outcomes (suggestion and determination) -----------------------------------------------------------
LEGAL, ILLEGAL, OTHER, PENDING = "合法", "违法", "其他", "待核"
RESULTS = (LEGAL, ILLEGAL, OTHER)
"""What a determination can be (code list ``result``); 待核 is a suggestion only."""
UNDETERMINED = "未判定"

# -- 新增/存量 -------------------------------------------------------------------------------------------
NEW, STOCK = "新增", "存量"

# -- split states ----------------------------------------------------------------------------------------
SPLIT, PART = "被拆分", "拆分部分"
"""The parent that was cut (kept as history) and each part cut from it."""

# -- statuses derived by the patch_status view ---------------------------------------------------------
JUDGED = "已判定"
NOT_RECTIFIED, RECTIFYING, RECTIFIED, WRITTEN_OFF = "未整改", "整改中", "已整改", "已销号"
RECTIFIED_STATUSES = (RECTIFIED, WRITTEN_OFF)
"""Statuses of an illegal patch that count as rectified."""
WRITEOFF_APPLIED = "申请销号"
WRITEOFF_STATUSES = (WRITEOFF_APPLIED, WRITTEN_OFF)
"""Values of ``rectifications.writeoff_status``."""

# -- the one palette -------------------------------------------------------------------------------------
RGB = Tuple[int, int, int]
OUTCOME_COLOURS: Dict[str, RGB] = {
    LEGAL: (51, 160, 44),
    ILLEGAL: (227, 26, 28),
    OTHER: (31, 120, 180),
    PENDING: (255, 127, 0),
    UNDETERMINED: (150, 150, 150),
}
"""Outcome -> colour on the map, in figures and in reports; UNDETERMINED also stands for 'not analysed'."""


def outcome_hex(outcome: str) -> str:
    """'#rrggbb' of an outcome (UNDETERMINED's grey for anything else)."""
    r, g, b = OUTCOME_COLOURS.get(outcome, OUTCOME_COLOURS[UNDETERMINED])
    return f"#{r:02x}{g:02x}{b:02x}"
