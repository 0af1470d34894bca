"""Offline field work on a snapshot of the shared store, and bringing it back (weipian:exportstore).

A snapshot (core/store/transfer.snapshot) remembers the row version of every determination and
rectification as exported and the last audit row it holds. What was changed offline is what the
snapshot's own audit log shows after that row — the triggers record every edit, QGIS's attribute table
included. Returning applies each changed row through the same audited, version-checked saves as the
review dock; a row someone changed on the server since the export is not overwritten: it is reported as a
conflict with both values, for a person to decide in the dock. Photos added offline are added; photos
removed offline are removed only if they are still unchanged on the server.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, List, Optional

from weipian_plugin.core.review import records
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.errors import StoreProblem
from weipian_plugin.core.store.workstore import StoreError, WorkStore

APPLIED = "已回传"
UNCHANGED = "无需回传"
CONFLICT = "冲突"
REFUSED = "拒绝"
_PARTS = {"determinations": ("判定", records.DETERMINATION_FIELDS, records.load_determination),
          "rectifications": ("查处整改", records.RECTIFICATION_FIELDS, records.load_rectification)}


class OfflineCancelled(Exception):
    """The user cancelled: the changes returned so far stay (each is one audited save)."""


@dataclass
class Outcome:
    jcbh: str
    part: str
    status: str
    detail: str = ""

    def text(self) -> str:
        return f"图斑 {self.jcbh} {self.part}：{self.status}" + (f"（{self.detail}）" if self.detail else "")


def _shown(value) -> str:
    return "（空）" if value is None or value == "" else str(value)


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return (a if a != "" else None) == (b if b != "" else None)


def _changed(snapshot: WorkStore, table: str, after: int) -> List[int]:
    return [r[0] for r in snapshot.conn.execute(
        "SELECT DISTINCT patch_fid FROM audit_log WHERE table_name = ? AND id > ? AND patch_fid IS NOT NULL "
        "ORDER BY patch_fid", (table, after))]


def _return_row(snapshot: WorkStore, server: WorkStore, table: str, fid: int, base_version, actor: str) -> Outcome:
    label, fields, load = _PARTS[table]
    jcbh_row = server.conn.execute("SELECT jcbh FROM patches WHERE fid = ?", (fid,)).fetchone()
    if jcbh_row is None:
        return Outcome(str(fid), label, REFUSED, "服务器上没有该图斑")
    jcbh = jcbh_row[0]
    offline = load(snapshot, fid)
    if not offline:
        return Outcome(jcbh, label, REFUSED, "离线删除的记录不回传，请在服务器上处理")
    current = load(server, fid)
    mine = {f: offline.get(f) for f in fields}
    if current and all(_same(mine[f], current.get(f)) for f in fields):
        return Outcome(jcbh, label, UNCHANGED, "服务器上已是相同内容")
    if current.get("row_version") != base_version:
        differ = [f for f in fields if not _same(mine[f], current.get(f))]
        who = server.conn.execute("SELECT actor, at FROM audit_log WHERE table_name = ? AND patch_fid = ? "
                                  "ORDER BY id DESC LIMIT 1", (table, fid)).fetchone()
        since = f"导出后已由{who[0]}于 {who[1]} 修改；" if who else "导出后已在服务器上修改；"
        return Outcome(jcbh, label, CONFLICT, since + "；".join(
            f"{records.FIELD_LABELS.get(f, f)}：离线 {_shown(mine[f])}，服务器 {_shown(current.get(f))}"
            for f in differ))
    save = records.save_determination if table == "determinations" else records.save_rectification
    person = offline.get("reviewer" if table == "determinations" else "updated_by") or actor
    try:
        save(server, fid, mine, person, base=current)
    except records.ConflictError as exc:  # saved on the server between the check and this save
        return Outcome(jcbh, label, CONFLICT, str(exc))
    except (records.ReviewError, StoreProblem) as exc:  # invalid, locked, or not this login's to write
        return Outcome(jcbh, label, REFUSED, str(exc))
    return Outcome(jcbh, label, APPLIED, "、".join(records.FIELD_LABELS.get(f, f) for f in fields
                                                  if not _same(mine[f], current.get(f))))


def _return_attachments(snapshot: WorkStore, server: WorkStore, after: int, known: set, actor: str) -> List[Outcome]:
    out: List[Outcome] = []
    rows = snapshot.conn.execute(
        "SELECT action, old_values, new_values, patch_fid FROM audit_log WHERE table_name = 'attachments' AND id > ? "
        "ORDER BY id", (after,)).fetchall()
    columns = [r[1] for r in snapshot.conn.execute("PRAGMA table_info(attachments)") if r[1] != "id"]
    for action, old, new, fid in rows:
        jcbh = (server.conn.execute("SELECT jcbh FROM patches WHERE fid = ?", (fid,)).fetchone() or [str(fid)])[0]
        values = json.loads(new or old or "{}")
        if action == "insert":
            row = snapshot.conn.execute(f"SELECT {', '.join(columns)} FROM attachments WHERE id = ?",
                                        (values.get("id"),)).fetchone()
            if row is None:  # added and removed again offline
                continue
            record = dict(zip(columns, row))
            if server.conn.execute("SELECT 1 FROM attachments WHERE owner = ? AND owner_id = ? AND sha256 = ?",
                                   (record["owner"], record["owner_id"], record["sha256"])).fetchone():
                out.append(Outcome(jcbh, "附件", UNCHANGED, f"{values.get('file_name')} 已在服务器上"))
                continue
            with server.transaction(actor) as conn:
                conn.execute(f"INSERT INTO attachments ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                             row)
            out.append(Outcome(jcbh, "附件", APPLIED, f"新增 {values.get('file_name')}"))
        elif action == "delete" and values.get("id") in known:
            with server.transaction(actor) as conn:
                gone = conn.execute("DELETE FROM attachments WHERE id = ? AND sha256 IS NOT DISTINCT FROM ?",
                                    (values["id"], values.get("sha256"))).rowcount
            out.append(Outcome(jcbh, "附件", APPLIED if gone else CONFLICT,
                               f"删除 {values.get('file_name')}" if gone else
                               f"{values.get('file_name')} 在服务器上已被删除或替换"))
    return out


def return_snapshot(snapshot_path, address: str, actor: str, progress: Optional[Callable] = None,
                    cancelled: Optional[Callable] = None) -> List[Outcome]:
    """Apply what was changed in the snapshot at ``snapshot_path`` to the shared store at ``address``;
    one outcome per changed part of a patch (applied, unchanged, conflict, refused)."""
    snapshot = WorkStore.open(snapshot_path)
    try:
        record = keys.SNAPSHOT.read(snapshot)
        if not record:
            raise StoreError(f"{snapshot_path} 不是从共享工作库导出的离线快照（没有导出记录）")
        after = int(record["audit_id"])
        server = WorkStore.open(address)
        try:
            work = [(t, fid) for t in _PARTS for fid in _changed(snapshot, t, after)]
            out: List[Outcome] = []
            for i, (table, fid) in enumerate(work):
                if cancelled and cancelled():
                    raise OfflineCancelled()
                base = record["versions"][table].get(str(fid))
                out.append(_return_row(snapshot, server, table, fid, base, actor))
                if progress:
                    progress((i + 1) / (len(work) + 1))
            out += _return_attachments(snapshot, server, after, set(record.get("attachments", [])), actor)
            for fid in _changed(snapshot, "patches", after):  # said, not silently dropped
                row = snapshot.conn.execute("SELECT jcbh FROM patches WHERE fid = ?", (fid,)).fetchone()
                out.append(Outcome(row[0] if row else str(fid), "图斑本身", REFUSED,
                                   "几何、编号等的离线修改不回传，请在共享工作库中修改"))
            if progress:
                progress(1.0)
            return out
        finally:
            server.close()
    finally:
        snapshot.close()
