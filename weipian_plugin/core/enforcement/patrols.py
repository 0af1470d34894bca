"""The patrol ledger: editing patrols and their findings (with photos), and the rows shown and exported."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any, Optional, Tuple

from weipian_plugin.core.dates import parse_date
from weipian_plugin.core.enforcement.errors import EnforcementError
from weipian_plugin.core.enforcement.importing import _blob, _insert_finding, _insert_patrol
from weipian_plugin.core.enforcement.templates import PATROL_FIELDS, _text, clean_patrol
from weipian_plugin.core.review import attachments
from weipian_plugin.core.statistics.ledger import NO_TOWNSHIP, Column
from weipian_plugin.core.store.workstore import WorkStore, now_iso

# -- editing -----------------------------------------------------------------------------------------
_KEEP = object()


def save_patrol(store: WorkStore, values: dict, fid: Optional[int] = None, geometry: Any = _KEEP) -> int:
    """Add (``fid`` None) or update a patrol from form values keyed :data:`PATROL_FIELDS`; ``geometry``
    (shapely, store CRS; None clears it) replaces the route when given. Returns the fid."""
    errors: list = []
    row = clean_patrol({k: values.get(k) for k in PATROL_FIELDS}, store.epsg, errors)
    if errors:
        raise EnforcementError("；".join(errors))
    epsg = store.epsg
    with store.transaction() as conn:
        if fid is None:
            row["geom"] = None if geometry is _KEEP else geometry
            fid = _insert_patrol(conn, row, epsg)
        else:
            sets = [f"{k}=?" for k in PATROL_FIELDS] + ["updated_at=?"]
            params = [row[k] for k in PATROL_FIELDS] + [now_iso()]
            if geometry is not _KEEP:
                sets.append(f"geom={store.dialect.geom_param(epsg)}")
                params.append(_blob(conn, geometry, epsg))
            if conn.execute(f"UPDATE patrols SET {', '.join(sets)} WHERE fid=?", (*params, fid)).rowcount != 1:
                raise EnforcementError(f"巡查记录不存在（fid={fid}）")
        store.dialect.update_extent(conn, "patrols")
    return fid


def delete_patrol(store: WorkStore, fid: int) -> None:
    """Remove a patrol with its findings and their photos."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM patrols WHERE fid=?", (fid,))


def add_finding(store: WorkStore, patrol_fid: int, geometry, description: Optional[str]) -> int:
    """A finding of a patrol: a point or polygon (shapely, store CRS) with its description."""
    if geometry is None or geometry.is_empty:
        raise EnforcementError("发现问题需要点位或范围")
    with store.transaction() as conn:
        if not conn.execute("SELECT 1 FROM patrols WHERE fid=?", (patrol_fid,)).fetchone():
            raise EnforcementError(f"巡查记录不存在（fid={patrol_fid}）")
        fid = _insert_finding(conn, patrol_fid, geometry, _text(description), store.epsg)
        store.dialect.update_extent(conn, "patrol_findings")
    return fid


def add_finding_photo(store: WorkStore, finding_fid: int, file_path, actor: Optional[str] = None) -> int:
    """Store a photo (or any file) with a finding, like every attachment (core/review/attachments.py)."""
    return attachments.add(store, attachments.FINDING, finding_fid, file_path, actor=actor)


def finding_photos(store: WorkStore, finding_fid: int) -> list:
    """A finding's photos and files without their bytes, oldest first (open or remove them through
    core/review/attachments.py, as a patch's)."""
    return attachments.list_for(store, attachments.FINDING, finding_fid)


# -- display rows (xlsx, HTML and the dock format values through these) --------------------------------
PATROL_COLUMNS = (
    Column("patrol_date", "", "巡查日期"), Column("township", "", "乡镇"), Column("route", "", "巡查路线"),
    Column("people", "", "巡查人员"), Column("findings", "", "发现问题"), Column("stop_measures", "", "制止措施"),
    Column("handling_opinion", "", "处理意见"), Column("n_findings", "", "问题点位", "个", 0),
)


def patrol_rows(store: WorkStore) -> list:
    """The patrol ledger, newest first."""
    cur = store.conn.execute(
        f"SELECT p.fid, {', '.join('p.' + k for k in PATROL_FIELDS)}, p.geom IS NOT NULL, "
        "(SELECT count(*) FROM patrol_findings f WHERE f.patrol_fid = p.fid) "
        "FROM patrols p ORDER BY p.patrol_date DESC, p.fid DESC")
    names = ("fid",) + PATROL_FIELDS + ("has_geom", "located_findings")
    rows = [SimpleNamespace(**dict(zip(names, r))) for r in cur]
    for row in rows:
        row.n_findings = problem_points(row.findings, row.located_findings)
    return rows


_NO_PROBLEM = re.compile(r"^\s*(?:未发现|未见|没有发现|没发现|正常|无(?:新增|违法|问题|异常|\s*$))")


def problem_points(findings: Optional[str], located: int) -> int:
    """问题点位 of a patrol: its located findings, and at least one when its 发现问题 text reports a problem
    (a patrol imported from a ledger often has the text but no point drawn)."""
    described = bool(findings and findings.strip()) and not _NO_PROBLEM.match(findings)
    return max(located, 1 if described else 0)


def patrol_findings(store: WorkStore, patrol_fid: int) -> list:
    """A patrol's findings: fid, description, geometry type, photo count."""
    cur = store.conn.execute(
        f"SELECT f.fid, f.description, {store.dialect.geom_select('f.geom')}, (SELECT count(*) FROM attachments a WHERE a.owner = 'finding' "
        "AND a.owner_id = f.fid) "
        "FROM patrol_findings f WHERE f.patrol_fid = ? ORDER BY f.fid", (patrol_fid,))
    rows = cur.fetchall()
    geoms = store.dialect.decode([r[2] for r in rows])
    return [SimpleNamespace(fid=r[0], description=r[1], geom_type=g.geom_type if g is not None else None, photos=r[3])
            for r, g in zip(rows, geoms)]


# -- patrol frequency ---------------------------------------------------------------------------------
PATROLS_PER_WEEK = 2
"""国土所: at least two full-area patrols a week (docs/DOMAIN.md §7)."""


@dataclass(frozen=True)
class PatrolFrequencyRow:
    township: str
    month: str
    """YYYY-MM: the month of the weeks' Thursdays (ISO weeks, Monday to Sunday)."""
    patrols: int
    weeks: int
    """Whole weeks of the month that had ended by ``today``."""
    short_weeks: Tuple[str, ...]
    """Mondays of the weeks with fewer than :data:`PATROLS_PER_WEEK` patrols."""

    @property
    def passed(self) -> Optional[bool]:
        return None if self.weeks == 0 else not self.short_weeks

    @property
    def short_count(self) -> int:
        return len(self.short_weeks)

    @property
    def short_text(self) -> Optional[str]:
        return "、".join(self.short_weeks) or None


PATROL_FREQUENCY_COLUMNS = (
    Column("township", "", "乡镇"), Column("month", "", "月份"), Column("patrols", "", "巡查次数", "次", 0),
    Column("weeks", "", "已过完整周数", "周", 0), Column("short_count", "", "未达2次的周数", "周", 0),
    Column("passed", "", "是否达标"), Column("short_text", "", "未达标的周（周一）"),
)


def patrol_frequency(store: WorkStore, year: int, today: date) -> list:
    """Per township (of the patrols and the patches) and month of ``year``: patrols in each whole ISO
    week ended by ``today`` against :data:`PATROLS_PER_WEEK` (a week belongs to its Thursday's month)."""
    counts: Counter = Counter()
    townships = {t for (t,) in store.conn.execute(
        "SELECT DISTINCT township_name FROM patches WHERE township_name IS NOT NULL AND township_name != '' "
        "AND split_state != '被拆分' AND fid NOT IN (SELECT patch_fid FROM military_land)")}
    for day, township in store.conn.execute("SELECT patrol_date, coalesce(township, '') FROM patrols"):
        d = parse_date(day)
        monday = d - timedelta(days=d.weekday())
        counts[(township or NO_TOWNSHIP, monday)] += 1
        townships.add(township or NO_TOWNSHIP)
    monday = date(year, 1, 1) - timedelta(days=date(year, 1, 1).weekday())
    weeks: dict = {}
    while monday + timedelta(days=6) < min(today, date(year + 1, 1, 4)):
        thursday = monday + timedelta(days=3)
        if thursday.year == year:
            weeks.setdefault(f"{thursday.year:04d}-{thursday.month:02d}", []).append(monday)
        monday += timedelta(days=7)
    rows = []
    for township in sorted(townships):
        for month, mondays in weeks.items():
            rows.append(PatrolFrequencyRow(
                township, month, sum(counts[(township, m)] for m in mondays), len(mondays),
                tuple(m.isoformat() for m in mondays if counts[(township, m)] < PATROLS_PER_WEEK)))
    return rows
