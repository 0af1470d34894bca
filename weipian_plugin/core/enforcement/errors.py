"""What daily enforcement refuses: bad templates or values, and a cancelled import."""
from __future__ import annotations

MAX_ERRORS_SHOWN = 20


class EnforcementError(ValueError):
    """Bad template or bad values; the message (Chinese) lists the rows to fix."""


class EnforcementCancelled(Exception):
    """The import was cancelled; nothing was written."""
