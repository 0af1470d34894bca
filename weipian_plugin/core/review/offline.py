"""Offline field work on a snapshot of the shared store, and bringing it back (weipian:exportstore).

A snapshot (core/store/transfer.snapshot) remembers the row version of every determination and
rectification as exported and the last audit row it holds. What was changed offline is what the
snapshot's own audit log shows after that row — the triggers record every edit, QGIS's attribute table
included. Returning applies each changed row through the same audited, version-checked saves as the
review dock; a row someone changed on the server since the export is not overwritten: it is reported as a
conflict with both values, for a person to decide in the dock. Photos added offline are added; photos
removed offline are removed only if they are still unchanged on the server. A determination or 查处整改
record deleted offline (in QGIS's attribute table, say) is deleted on the server only if nobody saved it
there since the export, and never in a batch locked there. 涉军 marks set or taken off offline are carried.
A stage (一上/一下/二上) recorded in the snapshot is not: reporting and its lock belong to the shared store,
so the return says so in words and the bureau reports there. Nor are 约谈 records and 「造成恶劣影响」
marks added, changed or removed offline: those tables keep no row version and no audit trail, so a
change to them cannot be checked against the server's or audited there; the return names each one (and
whether the server's record changed since the export too), for a person to enter it in the shared store.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Callable, List, Optional

from weipian_plugin.core.review import marks, records
from weipian_plugin.core.store import keys, transfer
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
        head = f"图斑 {self.jcbh} {self.part}" if self.jcbh else self.part  # a batch's stage names no patch
        return f"{head}：{self.status}" + (f"（{self.detail}）" if self.detail else "")


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


def _saved_since(server: WorkStore, table: str, fid: int) -> str:
    who = server.conn.execute("SELECT actor, at FROM audit_log WHERE table_name = ? AND patch_fid = ? "
                              "ORDER BY id DESC LIMIT 1", (table, fid)).fetchone()
    return f"导出后已由{who[0]}于 {who[1]} 修改；" if who else "导出后已在服务器上修改；"


def _jcbh(server: WorkStore, fid: int) -> str:
    row = server.conn.execute("SELECT jcbh FROM patches WHERE fid = ?", (fid,)).fetchone()
    return row[0] if row else str(fid)


def _return_deletion(server: WorkStore, table: str, fid: int, jcbh: str, current: dict, base_version,
                     actor: str) -> Outcome:
    """A record deleted offline: deleted on the server (audited) only if it is still the version exported."""
    label = _PARTS[table][0]
    if not current:
        return Outcome(jcbh, label, UNCHANGED, "服务器上也没有该记录")
    if current.get("row_version") != base_version:
        return Outcome(jcbh, label, CONFLICT, "离线已删除；" + _saved_since(server, table, fid) + "服务器上的记录未删除")
    try:
        with server.transaction(actor) as conn:
            gone = conn.execute(f"DELETE FROM {table} WHERE patch_fid = ? AND row_version = ?",
                                (fid, base_version)).rowcount
    except (sqlite3.IntegrityError, StoreProblem) as exc:  # the batch is locked there, or not this login's to write
        return Outcome(jcbh, label, REFUSED, f"离线已删除，服务器拒绝删除：{exc}")
    if not gone:  # saved on the server between the check and the delete
        return Outcome(jcbh, label, CONFLICT, "离线已删除；导出后已在服务器上修改，服务器上的记录未删除")
    return Outcome(jcbh, label, APPLIED, "删除（离线删除的记录）")


def _return_row(snapshot: WorkStore, server: WorkStore, table: str, fid: int, base_version, actor: str) -> Outcome:
    label, fields, load = _PARTS[table]
    jcbh_row = server.conn.execute("SELECT jcbh FROM patches WHERE fid = ?", (fid,)).fetchone()
    if jcbh_row is None:
        return Outcome(str(fid), label, REFUSED, "服务器上没有该图斑")
    jcbh = jcbh_row[0]
    offline = load(snapshot, fid)
    current = load(server, fid)
    if not offline:
        return _return_deletion(server, table, fid, jcbh, current, base_version, actor)
    mine = {f: offline.get(f) for f in fields}
    if current and all(_same(mine[f], current.get(f)) for f in fields):
        return Outcome(jcbh, label, UNCHANGED, "服务器上已是相同内容")
    if current.get("row_version") != base_version:
        differ = [f for f in fields if not _same(mine[f], current.get(f))]
        return Outcome(jcbh, label, CONFLICT, _saved_since(server, table, fid) + "；".join(
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


def _return_marks(snapshot: WorkStore, server: WorkStore, after: int, actor: str) -> List[Outcome]:
    """涉军 marks whose state the snapshot's audit log shows changed offline (a mark set and taken off again
    is no change), set or taken off on the server as the patch stands in the snapshot."""
    first = {}
    for fid, action in snapshot.conn.execute(
            "SELECT patch_fid, action FROM audit_log WHERE table_name = 'military_land' AND id > ? ORDER BY id",
            (after,)):
        first.setdefault(fid, action)
    out: List[Outcome] = []
    for fid, action in first.items():
        marked = snapshot.conn.execute("SELECT source, note, marked_by FROM military_land WHERE patch_fid = ?",
                                       (fid,)).fetchone()
        if (marked is not None) == (action == "delete"):  # as it was at the export
            continue
        jcbh = _jcbh(server, fid)
        if marks.is_military(server, fid) == (marked is not None):
            out.append(Outcome(jcbh, "涉军标记", UNCHANGED, "服务器上已是相同状态"))
            continue
        try:
            if marked is not None:
                source, note, by = marked
                marks.mark_military(server, [fid], by or actor, note or "", source)
            else:
                marks.unmark_military(server, fid)
        except (records.ReviewError, StoreProblem) as exc:
            out.append(Outcome(jcbh, "涉军标记", REFUSED, str(exc)))
            continue
        out.append(Outcome(jcbh, "涉军标记", APPLIED, "标记为涉军" if marked is not None else "取消涉军标记"))
    return out


def _offline_stages(snapshot: WorkStore, server: WorkStore) -> List[Outcome]:
    """Stages recorded in the snapshot that the server does not have: said, not returned."""
    known = set(server.conn.execute("SELECT id, stage, at FROM stage_events").fetchall())
    return [Outcome("", f"批次 {batch} 上报阶段", REFUSED,
                    f"离线记录的「{stage}」（{who or '未署名'}，{at}）不回传：上报和锁定只能在共享工作库中进行，"
                    "请在服务器上上报")
            for event_id, batch, stage, at, who in snapshot.conn.execute(
                "SELECT e.id, b.name, e.stage, e.at, e.actor FROM stage_events e JOIN batches b ON b.id = e.batch_id "
                "ORDER BY e.id").fetchall()
            if (event_id, stage, at) not in known]


_SIDE_LABELS = {"interviews": "约谈记录", "serious_impact": "造成恶劣影响认定"}


def _side_named(table: str, key: str, row: dict) -> str:
    if table == "interviews":
        return f"{_shown(row.get('township'))} {_shown(row.get('interview_date'))} 约谈{_shown(row.get('interviewees'))}"
    return f"{row.get('unit_name') or ''}（{key}）：{_shown(row.get('reason'))}"


def _offline_side_edits(snapshot: WorkStore, server: WorkStore, record: dict) -> List[Outcome]:
    """约谈 and 造成恶劣影响 records changed offline: named, not returned (see the module's docstring)."""
    now, there = transfer.side_records(snapshot.conn), transfer.side_records(server.conn)
    exported = record.get("side")
    # A snapshot exported before the record kept them: every difference from the server is named.
    older = exported is None
    out: List[Outcome] = []
    for table, label in _SIDE_LABELS.items():
        before = there[table] if older else exported.get(table, {})
        for key in sorted(set(before) | set(now[table])):
            mine, base = now[table].get(key), before.get(key)
            if mine == base:
                continue
            action, todo = (("离线新增", "请在共享工作库中重新录入") if base is None else
                            ("离线删除", "如确需删除，请在共享工作库中删除") if mine is None else
                            ("离线修改", "请在共享工作库中照此修改"))
            detail = f"{action}，未回传：{label}没有版本号和审计记录，离线的改动无法核对、不能回传，{todo}"
            if older:
                detail += "（该快照导出时未记录这些表，无法区分是离线修改还是服务器上导出后的修改）"
            elif base is not None or table == "serious_impact":  # an id new offline may name another record there
                current = there[table].get(key)
                if current != base:
                    detail += ("；导出后服务器上" + ("已删除该记录" if current is None else
                               f"也已改为「{_side_named(table, key, current)}」") + "，服务器上的记录保持不变")
            out.append(Outcome("", f"{label}「{_side_named(table, key, mine or base)}」", REFUSED, detail))
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
            out += _return_marks(snapshot, server, after, actor)
            out += _offline_stages(snapshot, server)
            out += _offline_side_edits(snapshot, server, record)
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
