"""The work store's schema, versioned from the first release on.

Each migration runs in the transaction that opens the store, so a store is never left between two
versions. The tables, columns and indexes each version adds are described once in core/store/tables.py
(rendered here into SQLite, in core/store/pg_schema.py into PostgreSQL); this module adds what SQLite
alone says: the triggers and the moves of data. Audit logging and stage locks are SQLite triggers: they
hold for every writer, including QGIS's own attribute table, not only for this plugin's forms. The views
are one text for both dialects.
"""
from __future__ import annotations

import sqlite3
from typing import Optional

from weipian_plugin.core import roles
from weipian_plugin.core.store import audit, codes, tables
from weipian_plugin.core.vocabulary import LEGAL, OTHER

SCHEMA_VERSION_KEY = "schema_version"

# Person-owned tables: the audit log records every change to them, and a locked batch refuses them.
AUDITED_TABLES = ("determinations", "rectifications")

# Every audited column. Migration 1 audited the first ones; later migrations that add columns recreate
# the audit triggers from this table, so a new column is audited as soon as it exists.
AUDITED_COLUMNS = {
    "determinations": ("result", "subtype", "basis", "doc_numbers", "violation_category", "violation_type",
                       "is_nonagri", "is_new_housing", "illegal_m2", "illegal_cultivated_m2",
                       "illegal_basic_farmland_m2", "project_name", "offender", "build_time",
                       "from_suggestion"),
    "rectifications": ("case_filed", "case_date", "case_number", "no_case_reason", "penalty_decision",
                       "fine_yuan", "demolished_m2", "restored_m2", "supplement_doc", "supplement_m2",
                       "supplement_cultivated_m2", "confiscated_m2", "transfer_department",
                       "transfer_date", "closed_date", "writeoff_status", "writeoff_date",
                       "writeoff_person", "writeoff_reason",
                       # migration 3
                       "restored_cultivated_m2", "referral_agency", "referral_date", "referral_number"),
}
_V1_AUDITED = {"determinations": AUDITED_COLUMNS["determinations"],
               "rectifications": AUDITED_COLUMNS["rectifications"][:19]}

# What a stage lock freezes (docs/DOMAIN.md §5 as revised): the determination itself — its result, type, category
# and areas. 查处整改 (rectifications), attachments and the determination's descriptive fields (项目名称,
# 违法主体, 建设时间 …) stay editable all year, audited; each stage's snapshot keeps what was reported.
LOCKED_DETERMINATION_COLUMNS = ("result", "subtype", "violation_category", "violation_type", "illegal_m2",
                                "illegal_cultivated_m2", "illegal_basic_farmland_m2")

FIELD_CHECK_MU = 50
"""实地核查: a patch with at least this much cultivated land under new buildings is checked on site."""

# What the lock triggers say when they refuse an edit; Python-side lock checks raise the same words.
LOCK_MESSAGE = "该批次已上报锁定，不能修改（图斑所在批次处于一上/二上锁定状态）"

# The remaining illegal area of a patch; ``{greatest}`` is the dialect's largest-of (SQLite's max(a, b, …)).
_REMAINING = ("{greatest}(0.0, coalesce(d.illegal_m2, p.area_m2)\n"
              "       - {greatest}(coalesce(r.demolished_m2, 0.0), coalesce(r.restored_m2, 0.0))\n"
              "       - coalesce(r.supplement_m2, 0.0) - coalesce(r.confiscated_m2, 0.0))")
_PATCH_STATUS_VIEW = f"""
DROP VIEW IF EXISTS patch_analysis;
DROP VIEW IF EXISTS patch_status;
CREATE VIEW patch_status AS
SELECT p.fid AS fid, p.batch_id AS batch_id, b.name AS batch, p.jcbh AS jcbh,
  p.township_code AS township_code, p.township_name AS township,
  p.area_m2 AS area_m2, p.area_mu AS area_mu, p.split_state AS split_state, p.due_date AS due_date,
  d.result AS result, d.subtype AS subtype,
  d.illegal_m2 AS illegal_m2, d.illegal_cultivated_m2 AS illegal_cultivated_m2,
  d.illegal_basic_farmland_m2 AS illegal_basic_farmland_m2,
  CASE WHEN d.result = '违法' THEN {_REMAINING} ELSE 0.0 END AS remaining_m2,
  CASE
    WHEN p.split_state = '被拆分' THEN '被拆分'
    WHEN d.result IS NULL OR d.result = '' THEN '未判定'
    WHEN d.result != '违法' THEN '已判定'
    WHEN r.writeoff_status = '已销号' THEN '已销号'
    WHEN {_REMAINING} <= 0.005 THEN '已整改'
    WHEN r.case_filed IS NOT NULL OR r.case_number IS NOT NULL OR r.demolished_m2 > 0 OR r.restored_m2 > 0
       OR r.supplement_m2 > 0 OR r.confiscated_m2 > 0 OR r.transfer_department IS NOT NULL THEN '整改中'
    ELSE '未整改' END AS status,
  CASE WHEN (d.result IS NULL OR d.result = '') AND p.split_state != '被拆分' AND p.due_date IS NOT NULL
       AND p.due_date < {{today}} THEN 1 ELSE 0 END AS overdue,
  CASE WHEN m.patch_fid IS NULL THEN 0 ELSE 1 END AS military,
  CASE WHEN coalesce(
         CASE WHEN d.result = '违法' AND coalesce(d.violation_category, '新增') = '新增' THEN d.illegal_cultivated_m2 END,
         CASE WHEN coalesce(d.result, '') = '' AND a.suggestion = '违法' THEN a.cultivated_m2 END, 0.0)
       >= {FIELD_CHECK_MU} * 2000.0 / 3 - 1e-6 THEN 1 ELSE 0 END AS field_check
FROM patches p
JOIN batches b ON b.id = p.batch_id
LEFT JOIN determinations d ON d.patch_fid = p.fid
LEFT JOIN rectifications r ON r.patch_fid = p.fid
LEFT JOIN analysis a ON a.patch_fid = p.fid
LEFT JOIN military_land m ON m.patch_fid = p.fid;
"""
# What the two dialects say differently in the views.
_VIEW_WORDS = {tables.GPKG: {"greatest": "max", "today": "date('now', 'localtime')"},
               tables.POSTGIS: {"greatest": "GREATEST", "today": "to_char(CURRENT_DATE, 'YYYY-MM-DD')"}}

# Analysis columns that are not one per reference role (those come from core/roles.py, see
# :func:`missing_role_columns`); the view lists them in this order after the role columns.
ANALYSIS_VIEW_COLUMNS = (
    "cultivated_m2", "construction_before_m2", "new_construction_m2", "stock_construction_m2",
    "uncovered_m2", "dominant_dlbm", "comparison_date", "suggestion", "suggestion_type", "suggestion_reason",
    "mining_suggestion", "mining_suggestion_type", "mining_suggestion_reason", "involves_basic_farmland",
    "involves_eco_redline", "involves_mining", "new_housing", "new_or_stock")


def views(dialect: str = tables.GPKG) -> str:
    """The views in ``dialect``, recreated after every migration so they always match the tables they read.

    ``patch_analysis`` (the data contract, README) has one area column per reference role that has one
    (core/roles.py), so a new role needs no view edit.
    """
    role_columns = "".join(f"  a.{c} AS {c},\n" for c in roles.COLUMNS)
    analysis_columns = ",\n".join(f"  a.{c} AS {c}" for c in ANALYSIS_VIEW_COLUMNS)
    return _PATCH_STATUS_VIEW.format(**_VIEW_WORDS[dialect]) + f"""
CREATE VIEW patch_analysis AS
SELECT p.fid AS fid, p.geom AS geom, s.batch AS batch, p.jcbh AS jcbh, p.tblx AS tblx, p.qsx AS qsx, p.hsx AS hsx,
  s.township_code AS township_code, s.township AS township,
  p.area_m2 AS area_m2, p.area_mu AS area_mu,
{role_columns}{analysis_columns},
  s.result AS determination, s.subtype AS determination_type, s.status AS status,
  s.remaining_m2 AS remaining_m2, s.overdue AS overdue, s.due_date AS due_date, s.split_state AS split_state,
  s.military AS military, s.field_check AS field_check
FROM patches p
JOIN patch_status s ON s.fid = p.fid
LEFT JOIN analysis a ON a.patch_fid = p.fid;
"""


_ROLE_RESULT = {roles.LEGAL: LEGAL, roles.OTHER: OTHER, roles.MINING: LEGAL}
"""The result a role's sub-type belongs to in the code list ``subtype``."""


def missing_role_codes(conn: sqlite3.Connection) -> list:
    """(code, parent) of every registry sub-type the store's code list lacks (none while it is empty: a
    store being created gets the whole default lists first), so a suggestion of a new role can be accepted."""
    if conn.execute("SELECT 1 FROM code_lists LIMIT 1").fetchone() is None:
        return []
    have = set(conn.execute("SELECT code, parent FROM code_lists WHERE list = 'subtype'"))
    wanted = [(r.subtype, _ROLE_RESULT[r.effect]) for r in roles.ROLES if r.subtype and r.effect in _ROLE_RESULT]
    return [pair for pair in dict.fromkeys(wanted) if pair not in have]


def missing_role_columns(conn: sqlite3.Connection) -> list:
    """``ALTER TABLE`` statements adding the contract column of every registry role ``analysis`` lacks.

    Run after the migrations whenever a store is opened: a role added to core/roles.py gets its column
    in every store, old or new, without a migration of its own.
    """
    have = {row[1] for row in conn.execute("PRAGMA table_info(analysis)")}
    return [f"ALTER TABLE analysis ADD COLUMN {c} REAL" for c in roles.COLUMNS if c not in have]


def _audit_triggers(table: str, columns: Optional[tuple] = None, locks: bool = True) -> str:
    """Row-level audit: whole old/new rows as JSON, so the history can show every field's change.
    ``columns`` (default: all of :data:`AUDITED_COLUMNS`) fixes what migration 1 audited; ``locks`` adds
    migration 1's whole-row lock triggers (migration 3 narrows them, see :data:`_V3`)."""
    cols = columns or AUDITED_COLUMNS[table]
    actor = "reviewer" if table == "determinations" else "updated_by"

    def obj(prefix: str) -> str:
        return "json_object(" + ", ".join(f"'{c}', {prefix}.{c}" for c in cols) + ")"

    lock_check = f"""
  SELECT RAISE(ABORT, '{LOCK_MESSAGE}')
  WHERE (SELECT e.locks FROM stage_events e JOIN patches p ON p.batch_id = e.batch_id
         WHERE p.fid = {{row}}.patch_fid ORDER BY e.id DESC LIMIT 1) = 1;"""
    lock_triggers = f"""
CREATE TRIGGER {table}_lock_insert BEFORE INSERT ON {table} BEGIN{lock_check.format(row='NEW')} END;
CREATE TRIGGER {table}_lock_update BEFORE UPDATE ON {table} BEGIN{lock_check.format(row='OLD')} END;
CREATE TRIGGER {table}_lock_delete BEFORE DELETE ON {table} BEGIN{lock_check.format(row='OLD')} END;"""
    return (lock_triggers if locks else "") + f"""
CREATE TRIGGER {table}_audit_insert AFTER INSERT ON {table} BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
  VALUES (NEW.{actor}, '{table}', NEW.patch_fid, 'insert', {obj('NEW')}); END;
CREATE TRIGGER {table}_audit_update AFTER UPDATE ON {table} WHEN {obj('OLD')} IS NOT {obj('NEW')} BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values)
  VALUES (NEW.{actor}, '{table}', NEW.patch_fid, 'update', {obj('OLD')}, {obj('NEW')}); END;
CREATE TRIGGER {table}_audit_delete AFTER DELETE ON {table} BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
  VALUES (OLD.{actor}, '{table}', OLD.patch_fid, 'delete', {obj('OLD')}); END;
"""


# Feature tables of version 2 (registered with a GEOMETRY column in the patches' CRS).
FEATURE_TABLES_V2 = {"patrols": "巡查台账", "patrol_findings": "巡查发现问题", "clues": "违法线索"}


def _lock_check(row: str) -> str:
    return f"""
  SELECT RAISE(ABORT, '{LOCK_MESSAGE}')
  WHERE (SELECT e.locks FROM stage_events e JOIN patches p ON p.batch_id = e.batch_id
         WHERE p.fid = {row}.patch_fid ORDER BY e.id DESC LIMIT 1) = 1;"""


# Records that stay true all year (issue 10): locks narrowed to the determination (查处整改 and attachments
# editable after 一上/二上, audited); 复耕其中耕地 and 移送 (公安/纪检, apart from 移交) on the rectification;
# 涉军 patches; 约谈 records; manual 「造成恶劣影响」 marks for the accountability ratio. (An upsert runs the
# BEFORE INSERT trigger even when it turns into an update, so the insert lock skips existing rows: the
# update trigger judges those.)
_V3 = f"""
DROP TRIGGER rectifications_lock_insert;
DROP TRIGGER rectifications_lock_update;
DROP TRIGGER rectifications_lock_delete;
DROP TRIGGER determinations_lock_insert;
DROP TRIGGER determinations_lock_update;
DROP TRIGGER determinations_lock_delete;
CREATE TRIGGER determinations_lock_insert BEFORE INSERT ON determinations
WHEN ({" OR ".join(f"NEW.{c} IS NOT NULL" for c in LOCKED_DETERMINATION_COLUMNS)})
  AND NOT EXISTS (SELECT 1 FROM determinations WHERE patch_fid = NEW.patch_fid)
BEGIN{_lock_check('NEW')} END;
CREATE TRIGGER determinations_lock_update BEFORE UPDATE ON determinations
WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in LOCKED_DETERMINATION_COLUMNS)}
BEGIN{_lock_check('OLD')} END;
CREATE TRIGGER determinations_lock_delete BEFORE DELETE ON determinations BEGIN{_lock_check('OLD')} END;

DROP TRIGGER rectifications_audit_insert;
DROP TRIGGER rectifications_audit_update;
DROP TRIGGER rectifications_audit_delete;
{_audit_triggers('rectifications', locks=False)}

CREATE TRIGGER military_land_audit_insert AFTER INSERT ON military_land BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
  VALUES (NEW.marked_by, 'military_land', NEW.patch_fid, 'insert',
          json_object('military', 1, 'military_source', NEW.source, 'military_note', NEW.note)); END;
CREATE TRIGGER military_land_audit_delete AFTER DELETE ON military_land BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
  VALUES (OLD.marked_by, 'military_land', OLD.patch_fid, 'delete',
          json_object('military', 1, 'military_source', OLD.source, 'military_note', OLD.note)); END;
"""


# One attachments table for every owner (issue 12): a patch's evidence, a patrol finding's photos and a
# clue's files share the columns and the code path (core/review/attachments.py). ``patch_fid`` stays for
# patch-owned rows (QGIS's relation, the audit trail's patch); finding_attachments rows move over with
# their ids renumbered after the patches' ones. Owners that are deleted take their attachments along.
_V7_ATTACHMENTS = tables.create_table(tables.table("attachments", 7), tables.GPKG, 7, name="attachments_v6") + """
INSERT INTO attachments_v6 (id, owner, owner_id, patch_fid, file_name, mime_type, kind, added_at, added_by, taken_at,
                            longitude, latitude, bearing, size_bytes, sha256, data)
  SELECT id, 'patch', patch_fid, patch_fid, file_name, mime_type, kind, added_at, added_by, taken_at, longitude,
         latitude, bearing, size_bytes, sha256, data FROM attachments ORDER BY id;
INSERT INTO attachments_v6 (owner, owner_id, file_name, mime_type, kind, added_at, taken_at, longitude, latitude,
                            bearing, size_bytes, sha256, data)
  SELECT 'finding', finding_fid, file_name, mime_type,
         CASE WHEN coalesce(mime_type, '') LIKE 'image/%' THEN '照片' ELSE '文件' END, added_at, taken_at,
         longitude, latitude, bearing, size_bytes, sha256, data FROM finding_attachments ORDER BY id;
DROP TABLE attachments;
DROP TABLE finding_attachments;
DELETE FROM gpkg_contents WHERE table_name = 'finding_attachments';
ALTER TABLE attachments_v6 RENAME TO attachments;
""" + "".join(tables.create_index(i) for i in tables.INDEXES if i.table == "attachments") + """
CREATE TRIGGER patrol_findings_attachments_delete AFTER DELETE ON patrol_findings BEGIN
  DELETE FROM attachments WHERE owner = 'finding' AND owner_id = OLD.fid; END;
CREATE TRIGGER clues_attachments_delete AFTER DELETE ON clues BEGIN
  DELETE FROM attachments WHERE owner = 'clue' AND owner_id = OLD.fid; END;
""" + audit.attachment_triggers()


# Rules revision (issue 9): the change-type table; 新增/存量 by area, the mining suggestion beside the
# land one, the uncovered area and the 新增乱占耕地建房 flag; 永农 no longer capped at the cultivated area
# (after 三调, 永农 often holds non-cultivated land), so the CHECK saying so is removed in place
# (sqlite.org/lang_altertable.html §7: dropping a CHECK does not change stored content, and the table's
# triggers stay as they are).
_FARMLAND_CHECK = ",\n  " + tables.FARMLAND_CHECK  # as core/store/tables.py writes a table constraint
_V6 = f"""
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, '{_FARMLAND_CHECK}', '')
  WHERE type = 'table' AND name = 'determinations';
PRAGMA writable_schema = RESET;
""" + "".join(
    f"INSERT INTO change_types VALUES ('{code}', '{label}', '{rule}', '{result}', {i});\n"
    for i, (code, label, rule, result) in enumerate(codes.DEFAULT_CHANGE_TYPES)) + "".join(
    # a store created now gets its whole code lists after the migrations (workstore.create)
    f"INSERT OR IGNORE INTO code_lists (list, code, label, parent, sort) SELECT '{name}', '{code}', '{code}', "
    f"'{parent}', 100 + {i} WHERE EXISTS (SELECT 1 FROM code_lists);\n"
    for i, (name, code, parent) in enumerate(codes.ADDED_CODES))


# Row versions (issue 16): a save names the version it was based on and fails with a conflict when someone
# saved the row since, so two reviewers never overwrite each other silently (core/review/records.py). An
# edit that names no version (QGIS's attribute table) moves it on through the trigger; the trigger's own
# UPDATE changes no audited or locked column, so it neither logs nor is refused.
_V8_ROW_VERSIONS = "".join(f"""
CREATE TRIGGER {t}_row_version AFTER UPDATE ON {t} WHEN NEW.row_version IS OLD.row_version
BEGIN UPDATE {t} SET row_version = OLD.row_version + 1 WHERE patch_fid = NEW.patch_fid; END;
""" for t in AUDITED_TABLES)


# What each version adds beyond its tables, columns and indexes (core/store/tables.py): SQLite triggers and
# moves of data. A PostGIS store (created at version 8 or later) gets the same table changes and its own
# PL/pgSQL (core/store/pg_schema.py).
_GPKG_EXTRAS = {
    1: "".join(_audit_triggers(t, _V1_AUDITED[t]) for t in AUDITED_TABLES),
    3: _V3,
    4: audit.migration_sql(),
    6: _V6,
    7: _V7_ATTACHMENTS,
    8: _V8_ROW_VERSIONS,
}
# Version 9: the index every lock check reads a batch's latest stage event through (PostGIS stores had it).
_LATEST = 9


def migrations() -> list:
    """(version, sql) pairs, applied in order to bring a GeoPackage store up to date."""
    return [(v, tables.changes(v, tables.GPKG) + _GPKG_EXTRAS.get(v, "")) for v in range(1, _LATEST + 1)]


LATEST_VERSION = migrations()[-1][0]

# Plain tables QGIS should list as layers (feature tables are registered with their geometry).
ATTRIBUTE_TABLES = {
    "batches": "监测图斑批次",
    "rejects": "导入拒收记录",
    "determinations": "合法性判定",
    "rectifications": "查处整改",
    "attachments": "附件",
    "audit_log": "修改日志",
    "audit_seals": "修改日志封存",
    "stage_events": "上报阶段与锁定",
    "code_lists": "代码表",
    "change_types": "图斑类型规则",
    "settings": "设置",
    "patch_status": "图斑状态",
    "military_land": "涉军图斑",
    "interviews": "约谈记录",
    "serious_impact": "造成恶劣影响认定",
    "analysis_runs": "分析运行记录",
    "analysis_run_layers": "分析所用参考图层",
}
