"""The base of the settings a county keeps in its store: rule thresholds, deadlines, grading, accountability.

Each is a dataclass of plain values, stored as JSON under its key of ``core/store/keys.py``. Reading is
forgiving in one way for all of them: keys the dataclass does not know (another plugin version) are
ignored, and a value of the wrong type (a hand-edited store) leaves that field at its default, so a
threshold never silently becomes text. A value of the right type that a dataclass refuses in its
``__post_init__`` (a 月清 day of 40) is an error with that dataclass's message.
"""
from __future__ import annotations

import math
from dataclasses import asdict, fields
from typing import Any, Mapping, Optional, Type, TypeVar

C = TypeVar("C", bound="Config")
_DROP = object()


def _coerce(annotation: str, value: Any) -> Any:
    """``value`` as the annotated type, or _DROP when it is not one (the field then keeps its default)."""
    kind = annotation.replace("Optional[", "").replace("]", "").split("|")[0].strip()
    if value is None:
        return None if "None" in annotation or "Optional" in annotation else _DROP
    if kind == "bool":
        return value if isinstance(value, bool) else bool(value) if value in (0, 1) else _DROP
    if isinstance(value, bool):
        return _DROP
    if kind == "int":
        if isinstance(value, int):
            return value
        return int(value) if isinstance(value, float) and value.is_integer() else _DROP
    if kind == "float":
        return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else _DROP
    if kind == "str":
        return value if isinstance(value, str) else _DROP
    if kind.startswith(("list", "List", "tuple", "Tuple")):
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else _DROP
    return value


class Config:
    """Mixin of the settings dataclasses: ``to_dict``/``from_dict`` and ``load``/``save`` with a store key."""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls: Type[C], data: Optional[Mapping[str, Any]]) -> C:
        """From stored JSON: unknown keys ignored, missing or ill-typed values left at their default."""
        values = {}
        for f in fields(cls):
            if not data or f.name not in data:
                continue
            value = _coerce(str(f.type), data[f.name])
            if value is not _DROP:
                values[f.name] = value
        return cls(**values)

    @classmethod
    def load(cls: Type[C], store, key) -> C:
        """The store's value under ``key`` (a ``keys.StoreKey``), defaults for what it lacks."""
        return cls.from_dict(key.read(store))

    def save(self, store, key, conn=None) -> None:
        """Write the whole configuration under ``key`` (inside the caller's transaction with ``conn``)."""
        key.write(store, self.to_dict(), conn)

