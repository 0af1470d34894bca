"""A login the shared store's server refuses, told in words wherever the review dock reads or writes.

A bureau's administrator may revoke a login's role while its review dock is open (core/store/pgroles.py).
The next statement the dock sends is then refused (SQLSTATE 42501, :func:`.errors.denied`); raised from a
Qt slot it would reach the person as a Python error dialog. The slots that touch the store are wrapped
with :func:`told_when_refused`, which hands such a refusal to the object's ``refused()`` (the dock's
empties the form and says why) and lets every other error through.
"""
from __future__ import annotations

import functools
import sqlite3
from typing import Callable, TypeVar

from weipian_plugin.core.store.errors import StoreProblem, denied

F = TypeVar("F", bound=Callable)


def told_when_refused(method: F) -> F:
    """``method`` (a slot of an object with ``refused()``), with the server's refusal told, not raised."""
    @functools.wraps(method)
    def slot(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (StoreProblem, sqlite3.Error) as exc:
            if not denied(exc):
                raise
            self.refused()
            return None
    return slot  # type: ignore[return-value]
