"""The review dock's patch list: a plain table model over :class:`PatchRow` tuples and its filter.

20,000 rows stay smooth: no per-row widgets, filtering is a precomputed-tuple test, sorting happens in
Python in the source model; after a save only that patch's row is read again.
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

from qgis.PyQt.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from qgis.PyQt.QtGui import QBrush, QColor

from weipian_plugin.core.review.worklist import PatchRow
from weipian_plugin.core.statistics.ledger import round_half_up
from weipian_plugin.core.statistics.ledger import total as ledger_total
from weipian_plugin.core.vocabulary import ILLEGAL, RECTIFIED_STATUSES, SPLIT

ANY = "\x00any"      # filter combo value: no filter
BLANK = "\x00blank"  # filter combo value: empty (not analysed / not judged)


def join_types(code: Optional[str], sub: Optional[str]) -> str:
    """'违法/新增' style: a result with its subtype."""
    return f"{code}/{sub}" if code and sub else (code or "")


def _none_last(value) -> tuple:
    return (value is None or value == "", value if value is not None else "")


class PatchTableModel(QAbstractTableModel):
    """All patches as tuples; sorting reorders the tuples (fast in Python), single rows refresh in place."""

    AREA_COLUMN = 3
    SORT_KEYS = (
        lambda r: _none_last(r.jcbh), lambda r: (_none_last(r.batch), r.jcbh),
        lambda r: (_none_last(r.township), r.jcbh), lambda r: r.area_mu or 0.0,
        lambda r: (_none_last(join_types(r.suggestion, r.suggestion_type)), r.jcbh),
        lambda r: (_none_last(join_types(r.determination, r.determination_type)), r.jcbh),
        lambda r: (_none_last(r.status), r.jcbh), lambda r: (_none_last(r.due_date), r.jcbh),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers = (self.tr("JCBH"), self.tr("Batch"), self.tr("Township"), self.tr("Area (mu)"),
                        self.tr("Suggestion"), self.tr("Determination"), self.tr("Status"), self.tr("Due"))
        self.rows: List[PatchRow] = []
        self.row_of: Dict[int, int] = {}
        self._overdue = QBrush(QColor(255, 205, 200))
        self._split = QBrush(QColor(140, 140, 140))

    def set_rows(self, rows: List[PatchRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._reindex()
        self.endResetModel()

    def update_row(self, row: PatchRow) -> None:
        i = self.row_of.get(row.fid)
        if i is None:
            return
        self.rows[i] = row
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.headers) - 1))

    def _reindex(self) -> None:
        self.row_of = {r.fid: i for i, r in enumerate(self.rows)}

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.AREA_COLUMN:
                return f"{r.area_mu:.2f}" if r.area_mu is not None else ""
            return (r.jcbh, r.batch, r.township, None, join_types(r.suggestion, r.suggestion_type),
                    join_types(r.determination, r.determination_type), r.status, r.due_date)[col]
        if role == Qt.ItemDataRole.UserRole:
            return r.fid
        if role == Qt.ItemDataRole.BackgroundRole and r.overdue:
            return self._overdue
        if role == Qt.ItemDataRole.ForegroundRole and r.split_state == SPLIT:
            return self._split
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.AREA_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.headers):
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        fids = [self.rows[i.row()].fid for i in old]
        self.rows.sort(key=self.SORT_KEYS[column], reverse=order == Qt.SortOrder.DescendingOrder)
        self._reindex()
        self.changePersistentIndexList(old, [self.index(self.row_of[f], i.column()) for f, i in zip(fids, old)])
        self.layoutChanged.emit()


class PatchFilterModel(QSortFilterProxyModel):
    """Filters by plain tuple tests (``criteria``: PatchRow field -> wanted value, BLANK for empty);
    sorting is delegated to the source model."""

    def __init__(self, source: PatchTableModel, parent=None):
        super().__init__(parent)
        self.source = source
        self.setSourceModel(source)
        self.criteria: Dict[str, str] = {}
        self.overdue_only = False
        self.search = ""

    def accepts(self, r: PatchRow) -> bool:
        for name, wanted in self.criteria.items():
            if (getattr(r, name) or BLANK) != wanted:
                return False
        if self.overdue_only and not r.overdue:
            return False
        return not self.search or self.search in (r.jcbh or "").lower()

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        return self.accepts(self.source.rows[source_row])

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.source.sort(column, order)

    def visible_rows(self) -> Iterator[PatchRow]:
        return (r for r in self.source.rows if self.accepts(r))

    def fid_at(self, row: int) -> int:
        return self.data(self.index(row, 0), Qt.ItemDataRole.UserRole)

    def row_at(self, row: int) -> PatchRow:
        return self.source.rows[self.mapToSource(self.index(row, 0)).row()]


def counts(rows) -> Dict[str, Any]:
    """Counts and the area (亩, rounded once as every output rounds it) over ``rows``; split originals
    are replaced by their parts, and 涉军 patches are left out as every ordinary output leaves them out."""
    total = judged = illegal = rectified = overdue = 0
    areas = []
    for r in rows:
        if r.split_state == SPLIT or r.military:
            continue
        total += 1
        areas.append(r.area_mu)
        judged += bool(r.determination)
        illegal += r.determination == ILLEGAL
        rectified += r.determination == ILLEGAL and r.status in RECTIFIED_STATUSES
        overdue += bool(r.overdue)
    return {"total": total, "judged": judged, "illegal": illegal, "rectified": rectified, "overdue": overdue,
            "area": f"{round_half_up(ledger_total(areas), 2):.2f}"}
