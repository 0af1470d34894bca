"""The tamper-evident record: append-only audit tables, audited patch edits, and a hash chain.

Anyone can open the store in QGIS or an SQLite client, so the protections are SQLite triggers that hold
for every writer: ``audit_log``, ``stage_events`` and ``audit_seals`` refuse UPDATE and DELETE; edits of a
patch's geometry or key fields are written to ``audit_log`` and refused in a locked batch; attachments
added or removed are audited. SQLite has no hash function a trigger could call from QGIS, so the plugin
seals new audit rows (SHA-256 chained over the previous seal) at the end of each of its write
transactions. :func:`verify` then reports any break: a sealed row deleted, edited or inserted, a
protective trigger dropped, or audit rows that no longer explain the data they describe.

Who made a change: the plugin names its writes (``WorkStore.transaction(actor=…)`` puts the name in
``settings`` for the triggers to read, and removes it before committing); an edit made outside the
plugin is recorded as such rather than credited to whoever last saved the row.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from typing import List, Optional

from weipian_plugin.core.store.sql import dialect

ACTOR_KEY = "audit_actor"
REVIEWER_KEY = "reviewer_name"
OUTSIDE = "插件外直接编辑"
APPEND_ONLY_MESSAGE = "{table}只能追加，不能修改或删除（防篡改记录）"
PATCH_LOCK_MESSAGE = "该批次已上报锁定，图斑的几何和编号等不能修改、删除或新增"
REVIEW_NOTE_GEOMETRY = "重新导入 {file} 时几何已变化（面积 {old:.2f} → {new:.2f} m²），需重新审核"

APPEND_ONLY_TABLES = {"audit_log": "修改日志", "stage_events": "上报阶段记录", "audit_seals": "修改日志封存"}

# Fields of a patch (besides its geometry) whose change is audited and refused in a locked batch;
# the township columns are the analysis's to rewrite, and a split is audited by review/split.py itself.
PATCH_FIELDS = ("jcbh", "batch_id", "area_m2", "area_mu", "jcmj_m2", "tblx", "qsx", "hsx", "xzqdm")

# (who, when) columns the plugin sets on every save: an edit that leaves them as they were was not
# made through the plugin.
SIGNED = {"determinations": ("reviewer", "reviewed_at"), "rectifications": ("updated_by", "updated_at")}



def _audited() -> dict:
    """schema.AUDITED_COLUMNS (imported late: schema builds its migrations from this module)."""
    from weipian_plugin.core.store.schema import AUDITED_COLUMNS

    return AUDITED_COLUMNS


_CONTEXT = f"(SELECT json_extract(value, '$') FROM settings WHERE key = '{ACTOR_KEY}')"
_LOCKED = ("(SELECT e.locks FROM stage_events e WHERE e.batch_id = {batch} "
           "ORDER BY e.id DESC LIMIT 1) = 1")


def _obj(prefix: str, cols) -> str:
    return "json_object(" + ", ".join(f"'{c}', {prefix}.{c}" for c in cols) + ")"


def _append_only(table: str, label: str) -> str:
    """No UPDATE, no DELETE, and no row slipped in below the last one (AFTER INSERT: a BEFORE trigger
    does not know an automatic id yet)."""
    message = APPEND_ONLY_MESSAGE.format(table=label)
    key = "audit_id" if table == "audit_seals" else "id"
    return f"""
CREATE TRIGGER {table}_append_only_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END;
CREATE TRIGGER {table}_append_only_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END;
CREATE TRIGGER {table}_append_only_insert AFTER INSERT ON {table} WHEN NEW.{key} < (SELECT max({key}) FROM {table})
  BEGIN SELECT RAISE(ABORT, '{message}'); END;
"""


def _person_table_audit(table: str) -> str:
    """The audit triggers of version 1, with an honest actor."""
    cols = _audited()[table]
    who, when = SIGNED[table]
    return f"""
DROP TRIGGER IF EXISTS {table}_audit_insert;
DROP TRIGGER IF EXISTS {table}_audit_update;
DROP TRIGGER IF EXISTS {table}_audit_delete;
CREATE TRIGGER {table}_audit_insert AFTER INSERT ON {table} BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
  VALUES (coalesce({_CONTEXT}, NEW.{who}, '{OUTSIDE}'), '{table}', NEW.patch_fid, 'insert', {_obj('NEW', cols)}); END;
CREATE TRIGGER {table}_audit_update AFTER UPDATE ON {table} WHEN {_obj('OLD', cols)} IS NOT {_obj('NEW', cols)} BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values)
  VALUES (coalesce({_CONTEXT}, CASE WHEN NEW.{when} IS NOT OLD.{when} THEN NEW.{who} END,
                   '{OUTSIDE}（上次保存人：' || coalesce(OLD.{who}, '') || '）'),
          '{table}', NEW.patch_fid, 'update', {_obj('OLD', cols)}, {_obj('NEW', cols)}); END;
CREATE TRIGGER {table}_audit_delete AFTER DELETE ON {table} BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
  VALUES (coalesce({_CONTEXT}, '{OUTSIDE}'), '{table}', OLD.patch_fid, 'delete', {_obj('OLD', cols)}); END;
"""


def _patch_triggers() -> str:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ("geom",) + PATCH_FIELDS)
    values = ", ".join(f"'{c}', {{p}}.{c}" for c in PATCH_FIELDS)
    old = f"json_object({values.format(p='OLD')}, 'geom', hex(OLD.geom))"
    new = f"json_object({values.format(p='NEW')}, 'geom_changed', OLD.geom IS NOT NEW.geom)"
    return f"""
CREATE TRIGGER patches_lock_insert BEFORE INSERT ON patches WHEN {_LOCKED.format(batch='NEW.batch_id')}
  BEGIN SELECT RAISE(ABORT, '{PATCH_LOCK_MESSAGE}'); END;
CREATE TRIGGER patches_lock_update BEFORE UPDATE ON patches
  WHEN ({changed}) AND ({_LOCKED.format(batch='OLD.batch_id')} OR {_LOCKED.format(batch='NEW.batch_id')})
  BEGIN SELECT RAISE(ABORT, '{PATCH_LOCK_MESSAGE}'); END;
CREATE TRIGGER patches_lock_delete BEFORE DELETE ON patches WHEN {_LOCKED.format(batch='OLD.batch_id')}
  BEGIN SELECT RAISE(ABORT, '{PATCH_LOCK_MESSAGE}'); END;
CREATE TRIGGER patches_audit_update AFTER UPDATE ON patches WHEN {changed} BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values)
  VALUES (coalesce({_CONTEXT}, '{OUTSIDE}'), 'patches', NEW.fid, 'update', {old}, {new}); END;
CREATE TRIGGER patches_audit_delete AFTER DELETE ON patches BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
  VALUES (coalesce({_CONTEXT}, '{OUTSIDE}'), 'patches', OLD.fid, 'delete',
          json_object({values.format(p='OLD')}, 'geom', hex(OLD.geom))); END;
"""


def attachment_triggers() -> str:
    """The attachments table's audit triggers (schema 4; created again by schema 7, which rebuilds the table)."""
    cols = ("id", "file_name", "kind", "size_bytes", "sha256")
    return f"""
CREATE TRIGGER attachments_audit_insert AFTER INSERT ON attachments BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
  VALUES (coalesce({_CONTEXT}, NEW.added_by, '{OUTSIDE}'), 'attachments', NEW.patch_fid, 'insert',
          {_obj('NEW', cols)}); END;
CREATE TRIGGER attachments_audit_update AFTER UPDATE ON attachments BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values)
  VALUES (coalesce({_CONTEXT}, '{OUTSIDE}'), 'attachments', NEW.patch_fid, 'update',
          {_obj('OLD', cols)}, {_obj('NEW', cols)}); END;
CREATE TRIGGER attachments_audit_delete AFTER DELETE ON attachments BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
  VALUES (coalesce({_CONTEXT}, '{OUTSIDE}'), 'attachments', OLD.patch_fid, 'delete', {_obj('OLD', cols)}); END;
"""


def migration_sql() -> str:
    """Schema version 4's triggers: every protective one (its seals table and the re-review note of a patch
    are in core/store/tables.py)."""
    return ("".join(_append_only(t, label) for t, label in APPEND_ONLY_TABLES.items())
            + "".join(_person_table_audit(t) for t in _audited())
            + _patch_triggers() + attachment_triggers())


def protective_triggers() -> dict:
    """name → SQL of every trigger this module creates (verify checks they are still there, unchanged)."""
    out = {}
    for statement in migration_sql().split(" END;"):
        head = statement.strip()
        if "CREATE TRIGGER" in head:
            sql = head[head.index("CREATE TRIGGER"):] + " END"
            out[sql.split()[2]] = sql
    return out


# -- who ----------------------------------------------------------------------------------------------
def set_actor(conn: sqlite3.Connection, actor: Optional[str]) -> None:
    """Name the writer of the current transaction for the triggers (None removes the name). PostGIS: a
    transaction-local setting, so concurrent writers never see each other's name."""
    if dialect(conn).name == "postgis":
        from weipian_plugin.core.store.pg_schema import ACTOR_SETTING

        conn.execute("SELECT set_config(?, ?, true)", (ACTOR_SETTING, actor or ""))
    elif actor:
        conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                     (ACTOR_KEY, json.dumps(actor, ensure_ascii=False)))
    else:
        conn.execute("DELETE FROM settings WHERE key = ?", (ACTOR_KEY,))


# -- the hash chain -----------------------------------------------------------------------------------
_ROW = "SELECT id, at, actor, table_name, patch_fid, action, old_values, new_values FROM audit_log"


def _digest(previous: str, row) -> str:
    return hashlib.sha256((previous + json.dumps(list(row), ensure_ascii=False)).encode("utf-8")).hexdigest()


def seal(conn: sqlite3.Connection, now: str) -> int:
    """Chain every audit row not yet sealed onto the last seal (inside the caller's transaction). PostGIS
    seals each row as it is written (core/store/pg_schema.py, the same digest), so there is nothing left."""
    if dialect(conn).name == "postgis":
        return 0
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_seals'").fetchone():
        return 0  # a store being migrated from before version 4
    last = conn.execute("SELECT audit_id, hash FROM audit_seals ORDER BY audit_id DESC LIMIT 1").fetchone()
    last_id, previous = last if last else (0, "")
    rows = conn.execute(_ROW + " WHERE id > ? ORDER BY id", (last_id,)).fetchall()
    seals = []
    for row in rows:
        previous = _digest(previous, row)
        seals.append((row[0], previous, now))
    conn.executemany("INSERT INTO audit_seals (audit_id, hash, sealed_at) VALUES (?, ?, ?)", seals)
    return len(seals)


@dataclass
class Verification:
    problems: List[str] = field(default_factory=list)
    sealed: int = 0
    unsealed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        head = (f"修改日志完整：{self.sealed} 条已封存记录的哈希链无断裂" if self.ok
                else f"发现 {len(self.problems)} 处问题，修改日志可能被篡改：")
        lines = [head] + [f"  {p}" for p in self.problems]
        if self.unsealed:
            lines.append(f"  另有 {self.unsealed} 条记录尚未封存（在插件之外产生，下次用插件保存时封存）。")
        return "\n".join(lines)


def _trigger_problems(conn: sqlite3.Connection) -> List[str]:
    present = {r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    problems = []
    for name, sql in protective_triggers().items():
        if name not in present:
            problems.append(f"保护触发器 {name} 已被删除")
        elif " ".join(present[name].split()) != " ".join(sql.split()):
            problems.append(f"保护触发器 {name} 已被修改")
    return problems


def _postgis_trigger_problems(conn) -> List[str]:
    """Every protective trigger present and enabled on its table, every function it calls unchanged."""
    from weipian_plugin.core.store import pg_schema

    problems = []
    present = {(r[0], r[1]): r[2] for r in conn.execute(
        "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal")}
    for name, (table, *_) in pg_schema.TRIGGERS.items():
        state = present.get((table, name))
        if state is None:
            problems.append(f"保护触发器 {name} 已被删除")
        elif state == "D":
            problems.append(f"保护触发器 {name} 已被停用")
    sources = {r[0]: r[1] for r in conn.execute(
        "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = current_schema()::regnamespace")}
    for name, body in pg_schema.protected_functions().items():
        if name not in sources:
            problems.append(f"保护函数 {name} 已被删除")
        elif " ".join(sources[name].split()) != " ".join(body.split()):
            problems.append(f"保护函数 {name} 已被修改")
    return problems


def verify(conn: sqlite3.Connection) -> Verification:
    """Check the record end to end; every break is one line naming the row."""
    out = Verification()
    postgres = dialect(conn).name == "postgis"
    out.problems += _postgis_trigger_problems(conn) if postgres else _trigger_problems(conn)
    rows = {r[0]: r for r in conn.execute(_ROW + " ORDER BY id")}
    seals = conn.execute("SELECT audit_id, hash FROM audit_seals ORDER BY audit_id").fetchall()
    previous = ""
    broken = False
    for audit_id, expected in seals:
        row = rows.get(audit_id)
        if row is None:
            out.problems.append(f"第 {audit_id} 条修改记录已被删除")
            broken = True
            continue
        previous = _digest(previous, row)
        if previous != expected:
            if not broken:
                out.problems.append(f"第 {audit_id} 条修改记录已被改动（内容与封存时的哈希不符）")
            broken = True
            previous = expected  # re-anchor so that one edit is reported once
        else:
            broken = False
    sealed_ids = {s[0] for s in seals}
    last_sealed = seals[-1][0] if seals else 0
    for audit_id in rows:
        if audit_id <= last_sealed and audit_id not in sealed_ids:
            out.problems.append(f"第 {audit_id} 条修改记录是事后插入的（不在封存的哈希链中）")
    latest = max((rows[i][1] for i in rows if i <= last_sealed), default="")
    for audit_id in sorted(i for i in rows if i > last_sealed):
        if rows[audit_id][1] < latest:
            out.problems.append(f"第 {audit_id} 条修改记录的时间（{rows[audit_id][1]}）早于已封存的记录：是伪造的")
        latest = max(latest, rows[audit_id][1])
    tail = sorted(i for i in rows if i > last_sealed)
    if postgres:
        # Each row is sealed as it is written, and a rolled-back transaction leaves a gap in the ids.
        if tail:
            out.problems.append(f"{len(tail)} 条修改记录没有封存（编号 {', '.join(map(str, tail[:10]))}）："
                                "封存触发器曾被停用，或记录是事后插入的")
    else:
        expected_ids = list(range(last_sealed + 1, last_sealed + 1 + len(tail)))
        if tail != expected_ids:
            out.problems.append(f"未封存的修改记录编号不连续（{', '.join(map(str, tail[:10]))}），有记录被删除或插入")
        seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
        if seq and rows and seq[0] > max(rows):
            out.problems.append(f"最后的 {seq[0] - max(rows)} 条修改记录已被删除（编号 {max(rows) + 1}–{seq[0]}）")
    out.problems += _unexplained(conn, rows)
    out.sealed = len(seals)
    out.unsealed = len(tail)
    return out


def _unexplained(conn: sqlite3.Connection, rows: dict) -> List[str]:
    """Person-owned rows whose current values differ from what their last audit row says: an edit made
    with the triggers switched off, or an audit row forged after the fact."""
    last = {}
    for row in rows.values():
        if row[3] in _audited():
            last[(row[3], row[4])] = row
    problems = []
    for (table, fid), row in sorted(last.items(), key=lambda kv: kv[1][0]):
        current = conn.execute(f"SELECT * FROM {table} WHERE patch_fid = ?", (fid,)).fetchone()
        names = [d[0] for d in conn.execute(f"SELECT * FROM {table} LIMIT 0").description]
        if row[5] == "delete":
            if current is not None:
                problems.append(f"第 {row[0]} 条修改记录称图斑 {fid} 的记录已删除，但它仍在（{table}）")
            continue
        if current is None:
            problems.append(f"图斑 {fid} 的记录（{table}）已被删除，修改日志中没有记载")
            continue
        said = json.loads(row[7] or "{}")
        values = dict(zip(names, current))
        diff = [k for k, v in said.items() if k in values and not _same(v, values[k])]
        if diff:
            problems.append(f"图斑 {fid} 的{'、'.join(diff)}（{table}）与最后一条修改记录（第 {row[0]} 条）不符："
                            "有未经记录的修改，或该记录是伪造的")
    return problems


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return a == b
