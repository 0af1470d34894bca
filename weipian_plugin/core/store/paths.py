"""File paths kept in the store relative to the store's folder, so a moved or copied work folder keeps
working: its store, reference layers and imagery are found beside the copy, not at the original place.

A source is ``path`` or ``path|layername=x`` (OGR); only the path part is made relative. A path on
another drive, or outside the work folder's tree by more than it is inside, stays absolute."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Optional


def _split(source: str) -> tuple:
    path, sep, rest = str(source).partition("|")
    return path, sep + rest


def relative(store_path: os.PathLike, source: str) -> str:
    """``source`` written relative to the store's folder (as stored)."""
    path, rest = _split(source)
    if not path or not os.path.isabs(path):
        return source
    base = Path(store_path).resolve().parent
    try:
        rel = os.path.relpath(Path(path).resolve(), base)
    except ValueError:  # another drive (Windows)
        return source
    return rel.replace(os.sep, "/") + rest


def absolute(store_path: os.PathLike, source: str) -> str:
    """A stored ``source`` as an absolute path, relative ones taken from the store's folder."""
    path, rest = _split(source)
    if not path or os.path.isabs(path) or "://" in path or path.startswith(("/vsi", "dbname=")):
        return source
    return str((Path(store_path).resolve().parent / path).resolve()) + rest


def relative_all(store_path: Optional[os.PathLike], sources: Mapping[str, str]) -> dict:
    """Every source relative to the store's folder; as given for a PostGIS store (``store_path`` None),
    which has no folder: its sources are the paths each computer reaches them at."""
    if store_path is None:
        return dict(sources)
    return {k: relative(store_path, v) if isinstance(v, str) else v for k, v in sources.items()}


def absolute_all(store_path: Optional[os.PathLike], sources: Mapping[str, str]) -> dict:
    if store_path is None:
        return dict(sources)
    return {k: absolute(store_path, v) if isinstance(v, str) else v for k, v in sources.items()}
