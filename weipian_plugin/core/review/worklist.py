"""What the review dock reads: the patch list (one row per patch) and one patch's header.

Both come from the ``patch_analysis`` view, so the list shows exactly what the data contract holds;
a row is a :class:`PatchRow` so the dock reads columns by name.
"""
from __future__ import annotations

from typing import List, NamedTuple, Optional

from weipian_plugin.core.store.workstore import WorkStore


class PatchRow(NamedTuple):
    fid: int
    jcbh: Optional[str]
    batch: Optional[str]
    township: Optional[str]
    area_mu: Optional[float]
    suggestion: Optional[str]
    suggestion_type: Optional[str]
    determination: Optional[str]
    determination_type: Optional[str]
    status: Optional[str]
    due_date: Optional[str]
    overdue: Optional[int]
    split_state: Optional[str]
    military: Optional[int]
    """涉军: left out of counts and totals, as every ordinary output leaves it out."""


_ROW_SQL = f"SELECT {', '.join(PatchRow._fields)} FROM patch_analysis"
_INFO_SQL = ("SELECT pa.fid, pa.batch, pa.jcbh, pa.township, pa.area_m2, pa.due_date, pa.split_state, pa.suggestion, "
             "pa.suggestion_type, pa.suggestion_reason, pa.cultivated_m2, pa.basic_farmland_m2, pa.new_or_stock, "
             "pa.mining_suggestion, pa.mining_suggestion_type, pa.mining_suggestion_reason, "
             "pa.determination, a.basis FROM patch_analysis pa LEFT JOIN analysis a ON a.patch_fid = pa.fid "
             "WHERE pa.fid = ?")


def patch_rows(store: WorkStore) -> List[PatchRow]:
    """Every patch (split originals included), ordered by batch and JCBH."""
    order = f"{store.dialect.order_text('batch')}, {store.dialect.order_text('jcbh')}"
    return list(map(PatchRow._make, store.conn.execute(f"{_ROW_SQL} ORDER BY {order}")))


def patch_row(store: WorkStore, fid: int) -> Optional[PatchRow]:
    row = store.conn.execute(_ROW_SQL + " WHERE fid = ?", (fid,)).fetchone()
    return None if row is None else PatchRow._make(row)


def patch_info(store: WorkStore, fid: int) -> Optional[dict]:
    """One patch's header, suggestion and its basis (JSON text), or None when there is no such patch."""
    cur = store.conn.execute(_INFO_SQL, (fid,))
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row))
