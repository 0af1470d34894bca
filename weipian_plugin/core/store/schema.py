"""The work store's schema, versioned from the first release on.

Each migration runs in the transaction that opens the store, so a store is never left between two
versions. Audit logging and stage locks are SQLite triggers: they hold for every writer, including
QGIS's own attribute table, not only for this plugin's forms.
"""
from __future__ import annotations

import sqlite3
from typing import Optional

from weipian_plugin.core import roles
from weipian_plugin.core.store import audit, codes
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

_V1 = """
CREATE TABLE weipian_meta (key TEXT PRIMARY KEY, value TEXT);

CREATE TABLE batches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  received_date TEXT,
  file_name TEXT,
  checksum TEXT,
  encoding TEXT,
  encoding_source TEXT,
  source_epsg INTEGER,
  crs_source TEXT,
  field_map TEXT,
  area_unit TEXT,
  imported_at TEXT,
  patch_count INTEGER NOT NULL DEFAULT 0,
  reject_count INTEGER NOT NULL DEFAULT 0);

CREATE TABLE patches (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom MULTIPOLYGON,
  batch_id INTEGER NOT NULL REFERENCES batches(id),
  jcbh TEXT NOT NULL,
  xzqdm TEXT, xmc TEXT, tblx TEXT, qsx TEXT, hsx TEXT,
  jcmj_m2 REAL, tz TEXT, sfyn TEXT, sfhx TEXT, dlbm TEXT,
  area_m2 REAL NOT NULL,
  area_mu REAL NOT NULL,
  geom_repaired INTEGER NOT NULL DEFAULT 0,
  source_row INTEGER,
  source_attrs TEXT,
  parent_fid INTEGER REFERENCES patches(fid),
  split_state TEXT NOT NULL DEFAULT '',
  township_code TEXT,
  township_name TEXT,
  due_date TEXT,
  imported_at TEXT,
  updated_at TEXT,
  UNIQUE (batch_id, jcbh));
CREATE INDEX patches_batch ON patches(batch_id);

CREATE TABLE rejects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id INTEGER NOT NULL REFERENCES batches(id),
  source_row INTEGER,
  jcbh TEXT,
  reason TEXT NOT NULL,
  source_attrs TEXT,
  geom_wkt TEXT);

CREATE TABLE determinations (
  patch_fid INTEGER PRIMARY KEY REFERENCES patches(fid),
  result TEXT,
  subtype TEXT,
  basis TEXT,
  doc_numbers TEXT,
  violation_category TEXT,
  violation_type TEXT,
  is_nonagri INTEGER,
  is_new_housing INTEGER,
  illegal_m2 REAL,
  illegal_cultivated_m2 REAL,
  illegal_basic_farmland_m2 REAL,
  project_name TEXT,
  offender TEXT,
  build_time TEXT,
  from_suggestion INTEGER NOT NULL DEFAULT 0,
  reviewer TEXT,
  reviewed_at TEXT,
  CHECK (illegal_cultivated_m2 IS NULL OR illegal_m2 IS NULL OR illegal_cultivated_m2 <= illegal_m2 + 1e-6),
  CHECK (illegal_basic_farmland_m2 IS NULL OR illegal_cultivated_m2 IS NULL
         OR illegal_basic_farmland_m2 <= illegal_cultivated_m2 + 1e-6));

CREATE TABLE rectifications (
  patch_fid INTEGER PRIMARY KEY REFERENCES patches(fid),
  case_filed INTEGER,
  case_date TEXT,
  case_number TEXT,
  no_case_reason TEXT,
  penalty_decision TEXT,
  fine_yuan REAL,
  demolished_m2 REAL,
  restored_m2 REAL,
  supplement_doc TEXT,
  supplement_m2 REAL,
  supplement_cultivated_m2 REAL,
  confiscated_m2 REAL,
  transfer_department TEXT,
  transfer_date TEXT,
  closed_date TEXT,
  writeoff_status TEXT,
  writeoff_date TEXT,
  writeoff_person TEXT,
  writeoff_reason TEXT,
  updated_by TEXT,
  updated_at TEXT);

CREATE TABLE attachments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  patch_fid INTEGER NOT NULL REFERENCES patches(fid),
  file_name TEXT NOT NULL,
  mime_type TEXT,
  kind TEXT,
  added_at TEXT,
  added_by TEXT,
  taken_at TEXT,
  longitude REAL,
  latitude REAL,
  bearing REAL,
  size_bytes INTEGER,
  sha256 TEXT,
  data BLOB NOT NULL);
CREATE INDEX attachments_patch ON attachments(patch_fid);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
  actor TEXT,
  table_name TEXT NOT NULL,
  patch_fid INTEGER,
  action TEXT NOT NULL,
  old_values TEXT,
  new_values TEXT);
CREATE INDEX audit_patch ON audit_log(patch_fid);

CREATE TABLE stage_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id INTEGER NOT NULL REFERENCES batches(id),
  stage TEXT NOT NULL CHECK (stage IN ('一上', '一下', '二上')),
  locks INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor TEXT,
  note TEXT,
  snapshot TEXT);

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE code_lists (
  list TEXT NOT NULL,
  code TEXT NOT NULL,
  label TEXT NOT NULL,
  parent TEXT NOT NULL DEFAULT '',
  sort INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (list, parent, code));

CREATE TABLE analysis (
  patch_fid INTEGER PRIMARY KEY REFERENCES patches(fid),
  analyzed_at TEXT,
  layers TEXT,
  approved_m2 REAL, supplied_m2 REAL, registered_m2 REAL,
  cultivated_m2 REAL, uncovered_cultivated_m2 REAL, basic_farmland_m2 REAL, eco_redline_m2 REAL,
  mining_m2 REAL, facility_m2 REAL, temporary_m2 REAL, construction_before_m2 REAL,
  dominant_dlbm TEXT,
  suggestion TEXT, suggestion_type TEXT, suggestion_reason TEXT, basis TEXT,
  involves_basic_farmland INTEGER, involves_eco_redline INTEGER, involves_mining INTEGER,
  new_or_stock TEXT);

CREATE TABLE analysis_classes (
  patch_fid INTEGER NOT NULL REFERENCES patches(fid),
  dlbm TEXT, dlmc TEXT, area_m2 REAL NOT NULL, cultivated_m2 REAL NOT NULL DEFAULT 0);
CREATE INDEX analysis_classes_patch ON analysis_classes(patch_fid);

CREATE TABLE analysis_features (
  patch_fid INTEGER NOT NULL REFERENCES patches(fid),
  role TEXT NOT NULL,
  doc_number TEXT,
  doc_date TEXT,
  valid_from TEXT,
  valid_to TEXT,
  share REAL,
  area_m2 REAL,
  name TEXT,
  kind TEXT,
  valid INTEGER);
CREATE INDEX analysis_features_patch ON analysis_features(patch_fid);
"""

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
  CASE WHEN d.result = '违法' THEN max(0.0, coalesce(d.illegal_m2, p.area_m2)
       - max(coalesce(r.demolished_m2, 0.0), coalesce(r.restored_m2, 0.0))
       - coalesce(r.supplement_m2, 0.0) - coalesce(r.confiscated_m2, 0.0)) ELSE 0.0 END AS remaining_m2,
  CASE
    WHEN p.split_state = '被拆分' THEN '被拆分'
    WHEN d.result IS NULL OR d.result = '' THEN '未判定'
    WHEN d.result != '违法' THEN '已判定'
    WHEN r.writeoff_status = '已销号' THEN '已销号'
    WHEN max(0.0, coalesce(d.illegal_m2, p.area_m2)
       - max(coalesce(r.demolished_m2, 0.0), coalesce(r.restored_m2, 0.0))
       - coalesce(r.supplement_m2, 0.0) - coalesce(r.confiscated_m2, 0.0)) <= 0.005 THEN '已整改'
    WHEN r.case_filed IS NOT NULL OR r.case_number IS NOT NULL OR r.demolished_m2 > 0 OR r.restored_m2 > 0
       OR r.supplement_m2 > 0 OR r.confiscated_m2 > 0 OR r.transfer_department IS NOT NULL THEN '整改中'
    ELSE '未整改' END AS status,
  CASE WHEN (d.result IS NULL OR d.result = '') AND p.split_state != '被拆分' AND p.due_date IS NOT NULL
       AND p.due_date < date('now', 'localtime') THEN 1 ELSE 0 END AS overdue,
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

# Analysis columns that are not one per reference role (those come from core/roles.py, see
# :func:`missing_role_columns`); the view lists them in this order after the role columns.
ANALYSIS_VIEW_COLUMNS = (
    "cultivated_m2", "construction_before_m2", "new_construction_m2", "stock_construction_m2",
    "uncovered_m2", "dominant_dlbm", "comparison_date", "suggestion", "suggestion_type", "suggestion_reason",
    "mining_suggestion", "mining_suggestion_type", "mining_suggestion_reason", "involves_basic_farmland",
    "involves_eco_redline", "involves_mining", "new_housing", "new_or_stock")


def views() -> str:
    """The views, recreated after every migration so they always match the tables they read.

    ``patch_analysis`` (the data contract, README) has one area column per reference role that has one
    (core/roles.py), so a new role needs no view edit.
    """
    role_columns = "".join(f"  a.{c} AS {c},\n" for c in roles.COLUMNS)
    analysis_columns = ",\n".join(f"  a.{c} AS {c}" for c in ANALYSIS_VIEW_COLUMNS)
    return _PATCH_STATUS_VIEW + f"""
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


def _iso_date(column: str) -> str:
    """A CHECK that ``column`` is blank or a real ISO date (YYYY-MM-DD), for every writer (the modifier
    makes SQLite normalise, so 2026-02-30 fails)."""
    return f"CHECK ({column} IS NULL OR date({column}, '+0 days') IS {column})"


# Daily enforcement (issue 6): the patrol ledger with its findings, and clues from patrols and tips.
_V2 = f"""
CREATE TABLE patrols (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom GEOMETRY,
  patrol_date TEXT NOT NULL {_iso_date('patrol_date')},
  township TEXT,
  route TEXT,
  people TEXT,
  findings TEXT,
  stop_measures TEXT,
  handling_opinion TEXT,
  updated_at TEXT);
CREATE INDEX patrols_date ON patrols(patrol_date);

CREATE TABLE patrol_findings (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom GEOMETRY,
  patrol_fid INTEGER NOT NULL REFERENCES patrols(fid) ON DELETE CASCADE,
  description TEXT,
  updated_at TEXT);
CREATE INDEX patrol_findings_patrol ON patrol_findings(patrol_fid);

CREATE TABLE finding_attachments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  finding_fid INTEGER NOT NULL REFERENCES patrol_findings(fid) ON DELETE CASCADE,
  file_name TEXT NOT NULL,
  mime_type TEXT,
  added_at TEXT,
  taken_at TEXT,
  longitude REAL,
  latitude REAL,
  bearing REAL,
  size_bytes INTEGER,
  sha256 TEXT,
  data BLOB NOT NULL);
CREATE INDEX finding_attachments_finding ON finding_attachments(finding_fid);

CREATE TABLE clues (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom GEOMETRY,
  clue_no TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL CHECK (source IN ('巡查', '12336', '微信', '其他')),
  source_detail TEXT,
  received_at TEXT,
  township TEXT,
  location TEXT,
  description TEXT,
  land_m2 REAL CHECK (land_m2 IS NULL OR land_m2 >= 0),
  cultivated_m2 REAL CHECK (cultivated_m2 IS NULL OR cultivated_m2 >= 0),
  basic_farmland_m2 REAL CHECK (basic_farmland_m2 IS NULL OR basic_farmland_m2 >= 0),
  is_mining INTEGER NOT NULL DEFAULT 0,
  major INTEGER NOT NULL DEFAULT 0,
  started TEXT {_iso_date('started')},
  discovered TEXT NOT NULL {_iso_date('discovered')},
  stop_notice TEXT {_iso_date('stop_notice')},
  reported TEXT {_iso_date('reported')},
  major_reported TEXT {_iso_date('major_reported')},
  filed TEXT {_iso_date('filed')},
  closed TEXT {_iso_date('closed')},
  extension_workdays INTEGER NOT NULL DEFAULT 0 CHECK (extension_workdays >= 0),
  updated_at TEXT);
CREATE INDEX clues_discovered ON clues(discovered);
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

ALTER TABLE rectifications ADD COLUMN restored_cultivated_m2 REAL
  CHECK (restored_cultivated_m2 IS NULL OR restored_cultivated_m2 >= 0);
ALTER TABLE rectifications ADD COLUMN referral_agency TEXT;
ALTER TABLE rectifications ADD COLUMN referral_date TEXT {_iso_date('referral_date')};
ALTER TABLE rectifications ADD COLUMN referral_number TEXT;
DROP TRIGGER rectifications_audit_insert;
DROP TRIGGER rectifications_audit_update;
DROP TRIGGER rectifications_audit_delete;
{_audit_triggers('rectifications', locks=False)}

CREATE TABLE military_land (
  patch_fid INTEGER PRIMARY KEY REFERENCES patches(fid),
  source TEXT NOT NULL CHECK (source IN ('手工', '图层')),
  note TEXT,
  marked_by TEXT,
  marked_at TEXT);
CREATE TRIGGER military_land_audit_insert AFTER INSERT ON military_land BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
  VALUES (NEW.marked_by, 'military_land', NEW.patch_fid, 'insert',
          json_object('military', 1, 'military_source', NEW.source, 'military_note', NEW.note)); END;
CREATE TRIGGER military_land_audit_delete AFTER DELETE ON military_land BEGIN
  INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
  VALUES (OLD.marked_by, 'military_land', OLD.patch_fid, 'delete',
          json_object('military', 1, 'military_source', OLD.source, 'military_note', OLD.note)); END;

CREATE TABLE interviews (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  township_code TEXT,
  township TEXT NOT NULL,
  interview_date TEXT NOT NULL {_iso_date('interview_date')},
  interviewees TEXT NOT NULL,
  interviewer TEXT,
  reason TEXT,
  minutes_name TEXT,
  minutes_data BLOB,
  recorded_by TEXT,
  recorded_at TEXT);

CREATE TABLE serious_impact (
  unit_code TEXT PRIMARY KEY,
  unit_name TEXT,
  reason TEXT NOT NULL CHECK (trim(reason) != ''),
  marked_by TEXT,
  marked_at TEXT);
"""


# The provenance of every analysis run: when, which patches, the settings, and each reference layer
# as it was read (path, size, modification time, checksum, CRS, feature count, served from the
# registered copy or not; see core/intake/reference.py).
_V5_ANALYSIS_RUNS = """
CREATE TABLE analysis_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  batch TEXT,
  patches INTEGER NOT NULL,
  settings TEXT NOT NULL);

CREATE TABLE analysis_run_layers (
  run_id INTEGER NOT NULL REFERENCES analysis_runs(id),
  role TEXT NOT NULL,
  path TEXT NOT NULL,
  layer TEXT NOT NULL DEFAULT '',
  size INTEGER,
  modified_at TEXT,
  checksum TEXT,
  crs TEXT,
  feature_count INTEGER,
  read_count INTEGER,
  repaired INTEGER,
  cached INTEGER NOT NULL,
  registered_at TEXT,
  PRIMARY KEY (run_id, role));
"""


# One attachments table for every owner (issue 12): a patch's evidence, a patrol finding's photos and a
# clue's files share the columns and the code path (core/review/attachments.py). ``patch_fid`` stays for
# patch-owned rows (QGIS's relation, the audit trail's patch); finding_attachments rows move over with
# their ids renumbered after the patches' ones. Owners that are deleted take their attachments along.
_V7_ATTACHMENTS = """
CREATE TABLE attachments_v6 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  owner TEXT NOT NULL CHECK (owner IN ('patch', 'finding', 'clue')),
  owner_id INTEGER NOT NULL,
  patch_fid INTEGER REFERENCES patches(fid) CHECK ((owner = 'patch') = (patch_fid IS NOT NULL)),
  file_name TEXT NOT NULL,
  mime_type TEXT,
  kind TEXT,
  added_at TEXT,
  added_by TEXT,
  taken_at TEXT,
  longitude REAL,
  latitude REAL,
  bearing REAL,
  size_bytes INTEGER,
  sha256 TEXT,
  data BLOB NOT NULL,
  CHECK (owner != 'patch' OR patch_fid = owner_id));
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
CREATE INDEX attachments_patch ON attachments(patch_fid);
CREATE INDEX attachments_owner ON attachments(owner, owner_id);
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
_FARMLAND_CHECK = """,
  CHECK (illegal_basic_farmland_m2 IS NULL OR illegal_cultivated_m2 IS NULL
         OR illegal_basic_farmland_m2 <= illegal_cultivated_m2 + 1e-6)"""
_V6 = f"""
CREATE TABLE change_types (
  code TEXT PRIMARY KEY,
  label TEXT NOT NULL DEFAULT '',
  rule TEXT NOT NULL,
  cultivated_result TEXT NOT NULL DEFAULT '待核' CHECK (cultivated_result IN ('待核', '违法')),
  sort INTEGER NOT NULL DEFAULT 0);
ALTER TABLE analysis ADD COLUMN new_construction_m2 REAL;
ALTER TABLE analysis ADD COLUMN stock_construction_m2 REAL;
ALTER TABLE analysis ADD COLUMN uncovered_m2 REAL;
ALTER TABLE analysis ADD COLUMN comparison_date TEXT;
ALTER TABLE analysis ADD COLUMN mining_suggestion TEXT;
ALTER TABLE analysis ADD COLUMN mining_suggestion_type TEXT;
ALTER TABLE analysis ADD COLUMN mining_suggestion_reason TEXT;
ALTER TABLE analysis ADD COLUMN new_housing INTEGER;
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
ALTER TABLE {t} ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
CREATE TRIGGER {t}_row_version AFTER UPDATE ON {t} WHEN NEW.row_version IS OLD.row_version
BEGIN UPDATE {t} SET row_version = OLD.row_version + 1 WHERE patch_fid = NEW.patch_fid; END;
""" for t in AUDITED_TABLES)


def migrations() -> list:
    """(version, sql) pairs, applied in order to bring a store up to date."""
    return [
        (1, _V1 + "".join(_audit_triggers(t, _V1_AUDITED[t]) for t in AUDITED_TABLES)),
        (2, _V2),
        (3, _V3),
        (4, audit.migration_sql()),
        (5, _V5_ANALYSIS_RUNS),
        (6, _V6),
        (7, _V7_ATTACHMENTS),
        (8, _V8_ROW_VERSIONS),
    ]


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
