"""Daily enforcement in the work store (issue 6): patrol ledger, clues with their deadlines, and grading.

The work is split by concern in this package: the bureau's templates (``templates``), importing them
(``importing``), the patrol ledger (``patrols``), clues and their deadlines (``clues``), the store's
holiday list and rules (``settings``) and grading against the satellite patches (``assessment``, over
the pure ``grading``). This module is the one name the GUI, exporters and algorithms import them by.
"""
from __future__ import annotations

from weipian_plugin.core.enforcement.assessment import (
    GRADING_NOTES,
    UNMATCHED_COLUMNS,
    grade_store,
    grading_columns,
    grading_rows,
    report_summary,
    unmatched_patches,
)
from weipian_plugin.core.enforcement.clues import (
    CLUE_COLUMNS,
    ClueStatus,
    clue_deadlines,
    clue_rows,
    clue_values,
    save_clue,
)
from weipian_plugin.core.enforcement.errors import (
    MAX_ERRORS_SHOWN,
    EnforcementCancelled,
    EnforcementError,
)
from weipian_plugin.core.enforcement.importing import (
    ImportSummary,
    import_enforcement,
    import_enforcement_csv,
)
from weipian_plugin.core.enforcement.patrols import (
    PATROL_COLUMNS,
    PATROL_FREQUENCY_COLUMNS,
    PATROLS_PER_WEEK,
    PatrolFrequencyRow,
    add_finding,
    add_finding_photo,
    delete_patrol,
    finding_photos,
    patrol_findings,
    patrol_frequency,
    patrol_rows,
    save_patrol,
)
from weipian_plugin.core.enforcement.settings import (
    calendar,
    deadline_config,
    grading_config,
    holiday_warning,
    holidays_text,
    set_holidays,
    store_year,
)
from weipian_plugin.core.enforcement.templates import (
    CLUE_AREA_FIELDS,
    CLUE_DATE_FIELDS,
    CLUE_FIELDS,
    CLUE_FLAG_FIELDS,
    CLUE_HEADERS,
    CLUE_TEXT_FIELDS,
    PATROL_FIELDS,
    PATROL_HEADERS,
    TemplateRows,
    clean_clue,
    clean_patrol,
    decode_text,
    normalise_source,
    read_csv_rows,
    split_header,
)

__all__ = ["PATROL_FREQUENCY_COLUMNS", "PATROLS_PER_WEEK", "PatrolFrequencyRow", "patrol_frequency", "MAX_ERRORS_SHOWN", "EnforcementCancelled", "EnforcementError", "CLUE_AREA_FIELDS", "CLUE_DATE_FIELDS", "CLUE_FIELDS", "CLUE_FLAG_FIELDS", "CLUE_HEADERS", "CLUE_TEXT_FIELDS", "PATROL_FIELDS", "PATROL_HEADERS", "TemplateRows", "clean_clue", "clean_patrol", "decode_text", "normalise_source", "read_csv_rows", "split_header", "calendar", "deadline_config", "grading_config", "holiday_warning", "holidays_text", "set_holidays", "store_year", "ImportSummary", "import_enforcement", "import_enforcement_csv", "PATROL_COLUMNS", "add_finding", "add_finding_photo", "delete_patrol", "finding_photos", "patrol_findings", "patrol_rows", "save_patrol", "CLUE_COLUMNS", "ClueStatus", "clue_deadlines", "clue_rows", "clue_values", "save_clue", "GRADING_NOTES", "UNMATCHED_COLUMNS", "grade_store", "grading_columns", "grading_rows", "report_summary", "unmatched_patches"]
