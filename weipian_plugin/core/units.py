"""亩 <-> m² conversion.

Areas are kept in m² internally (docs/DOMAIN.md §2); 亩 is only a display unit, defined exactly as 2000/3 m².
"""
from __future__ import annotations

from typing import Union

import numpy as np

MU_M2 = 2000.0 / 3.0
"""One 亩 in m²."""

FloatOrArray = Union[float, np.ndarray]


def m2_to_mu(x: FloatOrArray) -> FloatOrArray:
    """Square metres to 亩 (scalars or numpy arrays)."""
    return x * 3.0 / 2000.0


def mu_to_m2(x: FloatOrArray) -> FloatOrArray:
    """亩 to square metres (scalars or numpy arrays)."""
    return x * 2000.0 / 3.0
