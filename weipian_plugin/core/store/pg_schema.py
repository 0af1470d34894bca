"""The work store's schema on PostgreSQL/PostGIS: the same tables, columns, view and guarantees as
core/store/schema.py, in PostgreSQL's words.

Tables and columns have the GeoPackage's names and order (tests/test_store_backends.py compares them);
geometries are ``geometry(MultiPolygon|Geometry, <epsg>)`` with GiST indexes, so QGIS opens the tables
with its ``postgres`` provider. The protections are PL/pgSQL triggers holding for every writer, QGIS's
attribute table included: audit of person-owned rows and patch edits, stage locks, append-only audit
tables (TRUNCATE refused too), row versions. The audit hash chain is sealed by a trigger as each audit
row is written: one advisory lock orders concurrent writers, so ids and seals follow commit order.

A store is created at the latest schema version; ``weipian_meta`` holds the same version number as a
GeoPackage store of the same plugin.
"""
from __future__ import annotations

from weipian_plugin.core import roles
from weipian_plugin.core.store import audit, schema

ACTOR_SETTING = "weipian.actor"
"""The transaction-local setting naming who writes (``set_config``), read by the audit triggers."""
# A login that belongs to one of the store's groups (core/store/pgroles.py) is who writes, whatever name a
# client sets; the store's owner and other roles keep the name the plugin sets.
_LOGIN = ("(SELECT session_user::text WHERE EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
          "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user AND g.rolname LIKE 'weipian\\_%'))")
_ACTOR = f"coalesce({_LOGIN}, nullif(current_setting('{ACTOR_SETTING}', true), ''))"
AUDIT_LOCK = 7_041_016
"""pg_advisory_xact_lock key ordering the writers of audit rows, stage events and lock checks (a number
unique to weipian): held to commit, so audit ids and seals follow commit order, and a save's lock check
never passes while a stage that locks its batch is being recorded."""


def _iso_date(column: str) -> str:
    return f"CHECK ({column} IS NULL OR weipian_iso_date({column}))"


def _tables(epsg: int) -> str:
    epsg = int(epsg)
    return f"""
CREATE FUNCTION weipian_iso_date(value text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN value ~ '^\\d{{4}}-\\d{{2}}-\\d{{2}}$' AND to_char(value::date, 'YYYY-MM-DD') = value;
EXCEPTION WHEN others THEN
  RETURN false;
END $$;

CREATE TABLE weipian_meta (key text PRIMARY KEY, value text);

CREATE TABLE batches (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  received_date text, file_name text, checksum text, encoding text, encoding_source text,
  source_epsg integer, crs_source text, field_map text, area_unit text, imported_at text,
  patch_count integer NOT NULL DEFAULT 0,
  reject_count integer NOT NULL DEFAULT 0);

CREATE TABLE patches (
  fid serial PRIMARY KEY,
  geom geometry(MultiPolygon, {epsg}),
  batch_id integer NOT NULL REFERENCES batches(id),
  jcbh text NOT NULL,
  xzqdm text, xmc text, tblx text, qsx text, hsx text,
  jcmj_m2 double precision, tz text, sfyn text, sfhx text, dlbm text,
  area_m2 double precision NOT NULL,
  area_mu double precision NOT NULL,
  geom_repaired integer NOT NULL DEFAULT 0,
  source_row integer,
  source_attrs text,
  parent_fid integer REFERENCES patches(fid),
  split_state text NOT NULL DEFAULT '',
  township_code text, township_name text, due_date text, imported_at text, updated_at text,
  review_note text,
  UNIQUE (batch_id, jcbh));
CREATE INDEX patches_batch ON patches(batch_id);
CREATE INDEX patches_geom ON patches USING gist (geom);

CREATE TABLE rejects (
  id serial PRIMARY KEY,
  batch_id integer NOT NULL REFERENCES batches(id),
  source_row integer, jcbh text, reason text NOT NULL, source_attrs text, geom_wkt text);

CREATE TABLE determinations (
  patch_fid integer PRIMARY KEY REFERENCES patches(fid),
  result text, subtype text, basis text, doc_numbers text, violation_category text, violation_type text,
  is_nonagri integer, is_new_housing integer,
  illegal_m2 double precision, illegal_cultivated_m2 double precision, illegal_basic_farmland_m2 double precision,
  project_name text, offender text, build_time text,
  from_suggestion integer NOT NULL DEFAULT 0,
  reviewer text, reviewed_at text,
  row_version integer NOT NULL DEFAULT 1,
  CHECK (illegal_cultivated_m2 IS NULL OR illegal_m2 IS NULL OR illegal_cultivated_m2 <= illegal_m2 + 1e-6));

CREATE TABLE rectifications (
  patch_fid integer PRIMARY KEY REFERENCES patches(fid),
  case_filed integer, case_date text, case_number text, no_case_reason text, penalty_decision text,
  fine_yuan double precision, demolished_m2 double precision, restored_m2 double precision,
  supplement_doc text, supplement_m2 double precision, supplement_cultivated_m2 double precision,
  confiscated_m2 double precision, transfer_department text, transfer_date text, closed_date text,
  writeoff_status text, writeoff_date text, writeoff_person text, writeoff_reason text,
  updated_by text, updated_at text,
  restored_cultivated_m2 double precision CHECK (restored_cultivated_m2 IS NULL OR restored_cultivated_m2 >= 0),
  referral_agency text,
  referral_date text {_iso_date('referral_date')},
  referral_number text,
  row_version integer NOT NULL DEFAULT 1);

CREATE TABLE audit_log (
  id serial PRIMARY KEY,
  at text NOT NULL DEFAULT to_char(localtimestamp, 'YYYY-MM-DD"T"HH24:MI:SS'),
  actor text,
  table_name text NOT NULL,
  patch_fid integer,
  action text NOT NULL,
  old_values text,
  new_values text);
CREATE INDEX audit_patch ON audit_log(patch_fid);

CREATE TABLE stage_events (
  id serial PRIMARY KEY,
  batch_id integer NOT NULL REFERENCES batches(id),
  stage text NOT NULL CHECK (stage IN ('一上', '一下', '二上')),
  locks integer NOT NULL,
  at text NOT NULL,
  actor text, note text, snapshot text);
CREATE INDEX stage_events_batch ON stage_events(batch_id, id);

CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);

CREATE TABLE code_lists (
  list text NOT NULL, code text NOT NULL, label text NOT NULL,
  parent text NOT NULL DEFAULT '', sort integer NOT NULL DEFAULT 0,
  PRIMARY KEY (list, parent, code));

CREATE TABLE analysis (
  patch_fid integer PRIMARY KEY REFERENCES patches(fid),
  analyzed_at text, layers text,
  approved_m2 double precision, supplied_m2 double precision, registered_m2 double precision,
  cultivated_m2 double precision, uncovered_cultivated_m2 double precision, basic_farmland_m2 double precision,
  eco_redline_m2 double precision, mining_m2 double precision, facility_m2 double precision,
  temporary_m2 double precision, construction_before_m2 double precision,
  dominant_dlbm text,
  suggestion text, suggestion_type text, suggestion_reason text, basis text,
  involves_basic_farmland integer, involves_eco_redline integer, involves_mining integer,
  new_or_stock text,
  new_construction_m2 double precision, stock_construction_m2 double precision, uncovered_m2 double precision,
  comparison_date text, mining_suggestion text, mining_suggestion_type text, mining_suggestion_reason text,
  new_housing integer);

CREATE TABLE analysis_classes (
  patch_fid integer NOT NULL REFERENCES patches(fid),
  dlbm text, dlmc text, area_m2 double precision NOT NULL, cultivated_m2 double precision NOT NULL DEFAULT 0);
CREATE INDEX analysis_classes_patch ON analysis_classes(patch_fid);

CREATE TABLE analysis_features (
  patch_fid integer NOT NULL REFERENCES patches(fid),
  role text NOT NULL, doc_number text, doc_date text, valid_from text, valid_to text,
  share double precision, area_m2 double precision, name text, kind text, valid integer);
CREATE INDEX analysis_features_patch ON analysis_features(patch_fid);

CREATE TABLE patrols (
  fid serial PRIMARY KEY,
  geom geometry(Geometry, {epsg}),
  patrol_date text NOT NULL {_iso_date('patrol_date')},
  township text, route text, people text, findings text, stop_measures text, handling_opinion text,
  updated_at text);
CREATE INDEX patrols_date ON patrols(patrol_date);
CREATE INDEX patrols_geom ON patrols USING gist (geom);

CREATE TABLE patrol_findings (
  fid serial PRIMARY KEY,
  geom geometry(Geometry, {epsg}),
  patrol_fid integer NOT NULL REFERENCES patrols(fid) ON DELETE CASCADE,
  description text,
  updated_at text);
CREATE INDEX patrol_findings_patrol ON patrol_findings(patrol_fid);
CREATE INDEX patrol_findings_geom ON patrol_findings USING gist (geom);

CREATE TABLE clues (
  fid serial PRIMARY KEY,
  geom geometry(Geometry, {epsg}),
  clue_no text NOT NULL UNIQUE,
  source text NOT NULL CHECK (source IN ('巡查', '12336', '微信', '其他')),
  source_detail text, received_at text, township text, location text, description text,
  land_m2 double precision CHECK (land_m2 IS NULL OR land_m2 >= 0),
  cultivated_m2 double precision CHECK (cultivated_m2 IS NULL OR cultivated_m2 >= 0),
  basic_farmland_m2 double precision CHECK (basic_farmland_m2 IS NULL OR basic_farmland_m2 >= 0),
  is_mining integer NOT NULL DEFAULT 0,
  major integer NOT NULL DEFAULT 0,
  started text {_iso_date('started')},
  discovered text NOT NULL {_iso_date('discovered')},
  stop_notice text {_iso_date('stop_notice')},
  reported text {_iso_date('reported')},
  major_reported text {_iso_date('major_reported')},
  filed text {_iso_date('filed')},
  closed text {_iso_date('closed')},
  extension_workdays integer NOT NULL DEFAULT 0 CHECK (extension_workdays >= 0),
  updated_at text);
CREATE INDEX clues_discovered ON clues(discovered);
CREATE INDEX clues_geom ON clues USING gist (geom);

CREATE TABLE military_land (
  patch_fid integer PRIMARY KEY REFERENCES patches(fid),
  source text NOT NULL CHECK (source IN ('手工', '图层')),
  note text, marked_by text, marked_at text);

CREATE TABLE interviews (
  id serial PRIMARY KEY,
  township_code text,
  township text NOT NULL,
  interview_date text NOT NULL {_iso_date('interview_date')},
  interviewees text NOT NULL,
  interviewer text, reason text, minutes_name text, minutes_data bytea, recorded_by text, recorded_at text);

CREATE TABLE serious_impact (
  unit_code text PRIMARY KEY,
  unit_name text,
  reason text NOT NULL CHECK (trim(reason) != ''),
  marked_by text, marked_at text);

CREATE TABLE audit_seals (audit_id integer PRIMARY KEY, hash text NOT NULL, sealed_at text NOT NULL);

CREATE TABLE analysis_runs (
  id serial PRIMARY KEY,
  started_at text NOT NULL, finished_at text NOT NULL, batch text,
  patches integer NOT NULL, settings text NOT NULL);

CREATE TABLE analysis_run_layers (
  run_id integer NOT NULL REFERENCES analysis_runs(id),
  role text NOT NULL, path text NOT NULL, layer text NOT NULL DEFAULT '',
  size bigint, modified_at text, checksum text, crs text, feature_count integer, read_count integer,
  repaired integer, cached integer NOT NULL, registered_at text,
  PRIMARY KEY (run_id, role));

CREATE TABLE change_types (
  code text PRIMARY KEY,
  label text NOT NULL DEFAULT '',
  rule text NOT NULL,
  cultivated_result text NOT NULL DEFAULT '待核' CHECK (cultivated_result IN ('待核', '违法')),
  sort integer NOT NULL DEFAULT 0);

CREATE TABLE attachments (
  id serial PRIMARY KEY,
  owner text NOT NULL CHECK (owner IN ('patch', 'finding', 'clue')),
  owner_id integer NOT NULL,
  patch_fid integer REFERENCES patches(fid) CHECK ((owner = 'patch') = (patch_fid IS NOT NULL)),
  file_name text NOT NULL, mime_type text, kind text, added_at text, added_by text, taken_at text,
  longitude double precision, latitude double precision, bearing double precision,
  size_bytes bigint, sha256 text,
  data bytea NOT NULL,
  CHECK (owner != 'patch' OR patch_fid = owner_id));
CREATE INDEX attachments_patch ON attachments(patch_fid);
CREATE INDEX attachments_owner ON attachments(owner, owner_id);
"""


def _json(prefix: str, cols) -> str:
    return "json_build_object(" + ", ".join(f"'{c}', {prefix}.{c}" for c in cols) + ")::text"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _functions() -> dict:
    """name → body (``$$ … $$`` without the dollars) of every PL/pgSQL trigger function; audit.verify
    compares them with what the database holds."""
    locked = "weipian_batch_locked"
    outside = _quote(audit.OUTSIDE)
    out = {
        "weipian_audit_order": f"""
BEGIN
  PERFORM pg_advisory_xact_lock({AUDIT_LOCK});
  RETURN NULL;
END""",
        "weipian_audit_seal": """
DECLARE previous text;
BEGIN
  SELECT hash INTO previous FROM audit_seals ORDER BY audit_id DESC LIMIT 1;
  INSERT INTO audit_seals (audit_id, hash, sealed_at)
    VALUES (NEW.id, encode(sha256(convert_to(coalesce(previous, '') || weipian_audit_text(NEW), 'UTF8')), 'hex'),
            to_char(localtimestamp, 'YYYY-MM-DD"T"HH24:MI:SS'));
  RETURN NULL;
END""",
    }
    for table, label in audit.APPEND_ONLY_TABLES.items():
        out[f"{table}_append_only"] = f"""
BEGIN
  RAISE EXCEPTION '%', {_quote(audit.APPEND_ONLY_MESSAGE.format(table=label))};
END"""
    lock = _quote(schema.LOCK_MESSAGE)
    locked_cols = schema.LOCKED_DETERMINATION_COLUMNS
    out["determinations_lock"] = f"""
BEGIN
  PERFORM pg_advisory_xact_lock({AUDIT_LOCK});
  IF TG_OP = 'INSERT' THEN
    -- an upsert fires this before it turns into an update: the update judges existing rows
    IF ({" OR ".join(f"NEW.{c} IS NOT NULL" for c in locked_cols)})
       AND NOT EXISTS (SELECT 1 FROM determinations WHERE patch_fid = NEW.patch_fid)
       AND {locked}((SELECT batch_id FROM patches WHERE fid = NEW.patch_fid)) THEN
      RAISE EXCEPTION '%', {lock};
    END IF;
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    IF ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in locked_cols)})
       AND {locked}((SELECT batch_id FROM patches WHERE fid = OLD.patch_fid)) THEN
      RAISE EXCEPTION '%', {lock};
    END IF;
    RETURN NEW;
  END IF;
  IF {locked}((SELECT batch_id FROM patches WHERE fid = OLD.patch_fid)) THEN
    RAISE EXCEPTION '%', {lock};
  END IF;
  RETURN OLD;
END"""
    for table in schema.AUDITED_TABLES:
        cols = schema.AUDITED_COLUMNS[table]
        who, when = audit.SIGNED[table]
        out[f"{table}_audit"] = f"""
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
      VALUES (coalesce({_ACTOR}, NEW.{who}, {outside}), '{table}', NEW.patch_fid, 'insert', {_json('NEW', cols)});
  ELSIF TG_OP = 'UPDATE' THEN
    IF {_json('OLD', cols)} IS DISTINCT FROM {_json('NEW', cols)} THEN
      INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values)
        VALUES (coalesce({_ACTOR}, CASE WHEN NEW.{when} IS DISTINCT FROM OLD.{when} THEN NEW.{who} END,
                         {outside} || '（上次保存人：' || coalesce(OLD.{who}, '') || '）'),
                '{table}', NEW.patch_fid, 'update', {_json('OLD', cols)}, {_json('NEW', cols)});
    END IF;
  ELSE
    INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
      VALUES (coalesce({_ACTOR}, {outside}), '{table}', OLD.patch_fid, 'delete', {_json('OLD', cols)});
  END IF;
  RETURN NULL;
END"""
        # An edit that does not name the version it was based on (QGIS's attribute table) still moves it on,
        # so a reviewer's form opened before that edit gets a conflict instead of overwriting it.
        out[f"{table}_row_version"] = """
BEGIN
  IF NEW.row_version IS NOT DISTINCT FROM OLD.row_version THEN
    NEW.row_version := OLD.row_version + 1;
  END IF;
  RETURN NEW;
END"""
    fields = audit.PATCH_FIELDS
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in ("geom",) + fields)
    values = ", ".join(f"'{c}', {{p}}.{c}" for c in fields)
    patch_lock = _quote(audit.PATCH_LOCK_MESSAGE)
    old_geom = "'geom', encode(ST_AsBinary(OLD.geom), 'hex')"
    out["patches_lock"] = f"""
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF {locked}(NEW.batch_id) THEN RAISE EXCEPTION '%', {patch_lock}; END IF;
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    IF ({changed}) AND ({locked}(OLD.batch_id) OR {locked}(NEW.batch_id)) THEN
      RAISE EXCEPTION '%', {patch_lock};
    END IF;
    RETURN NEW;
  END IF;
  IF {locked}(OLD.batch_id) THEN RAISE EXCEPTION '%', {patch_lock}; END IF;
  RETURN OLD;
END"""
    out["patches_audit"] = f"""
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF {changed} THEN
      INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values)
        VALUES (coalesce({_ACTOR}, {outside}), 'patches', NEW.fid, 'update',
                json_build_object({values.format(p='OLD')}, {old_geom})::text,
                json_build_object({values.format(p='NEW')},
                                  'geom_changed', (OLD.geom IS DISTINCT FROM NEW.geom)::integer)::text);
    END IF;
  ELSE
    INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
      VALUES (coalesce({_ACTOR}, {outside}), 'patches', OLD.fid, 'delete',
              json_build_object({values.format(p='OLD')}, {old_geom})::text);
  END IF;
  RETURN NULL;
END"""
    cols = ("id", "file_name", "kind", "size_bytes", "sha256")
    out["attachments_audit"] = f"""
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
      VALUES (coalesce({_ACTOR}, NEW.added_by, {outside}), 'attachments', NEW.patch_fid, 'insert', {_json('NEW', cols)});
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values)
      VALUES (coalesce({_ACTOR}, {outside}), 'attachments', NEW.patch_fid, 'update',
              {_json('OLD', cols)}, {_json('NEW', cols)});
  ELSE
    INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
      VALUES (coalesce({_ACTOR}, {outside}), 'attachments', OLD.patch_fid, 'delete', {_json('OLD', cols)});
  END IF;
  RETURN NULL;
END"""
    military = "json_build_object('military', 1, 'military_source', {p}.source, 'military_note', {p}.note)::text"
    out["military_land_audit"] = f"""
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values)
      VALUES (NEW.marked_by, 'military_land', NEW.patch_fid, 'insert', {military.format(p='NEW')});
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values)
      VALUES (OLD.marked_by, 'military_land', OLD.patch_fid, 'delete', {military.format(p='OLD')});
  END IF;
  RETURN NULL;
END"""
    out["owner_attachments_delete"] = """
BEGIN
  DELETE FROM attachments WHERE owner = TG_ARGV[0] AND owner_id = OLD.fid;
  RETURN NULL;
END"""
    return out


# trigger name → (table, timing and events, function, arguments)
TRIGGERS = {
    "audit_log_order": ("audit_log", "BEFORE INSERT", "FOR EACH STATEMENT", "weipian_audit_order()"),
    "stage_events_order": ("stage_events", "BEFORE INSERT", "FOR EACH STATEMENT", "weipian_audit_order()"),
    "audit_log_seal": ("audit_log", "AFTER INSERT", "FOR EACH ROW", "weipian_audit_seal()"),
    **{f"{t}_append_only": (t, "BEFORE UPDATE OR DELETE", "FOR EACH ROW", f"{t}_append_only()")
       for t in audit.APPEND_ONLY_TABLES},
    **{f"{t}_append_only_truncate": (t, "BEFORE TRUNCATE", "FOR EACH STATEMENT", f"{t}_append_only()")
       for t in audit.APPEND_ONLY_TABLES},
    "determinations_lock": ("determinations", "BEFORE INSERT OR UPDATE OR DELETE", "FOR EACH ROW",
                            "determinations_lock()"),
    **{f"{t}_audit": (t, "AFTER INSERT OR UPDATE OR DELETE", "FOR EACH ROW", f"{t}_audit()")
       for t in schema.AUDITED_TABLES},
    **{f"{t}_row_version": (t, "BEFORE UPDATE", "FOR EACH ROW", f"{t}_row_version()")
       for t in schema.AUDITED_TABLES},
    **{f"{t}_truncate": (t, "BEFORE TRUNCATE", "FOR EACH STATEMENT", "audit_log_append_only()")
       for t in schema.AUDITED_TABLES + ("patches", "attachments")},
    "patches_lock": ("patches", "BEFORE INSERT OR UPDATE OR DELETE", "FOR EACH ROW", "patches_lock()"),
    "patches_audit": ("patches", "AFTER UPDATE OR DELETE", "FOR EACH ROW", "patches_audit()"),
    "attachments_audit": ("attachments", "AFTER INSERT OR UPDATE OR DELETE", "FOR EACH ROW", "attachments_audit()"),
    "military_land_audit": ("military_land", "AFTER INSERT OR DELETE", "FOR EACH ROW", "military_land_audit()"),
    "patrol_findings_attachments_delete": ("patrol_findings", "AFTER DELETE", "FOR EACH ROW",
                                           "owner_attachments_delete('finding')"),
    "clues_attachments_delete": ("clues", "AFTER DELETE", "FOR EACH ROW", "owner_attachments_delete('clue')"),
}


def _routines() -> str:
    functions = "".join(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}\n$$;\n"
                        for name, body in _functions().items())
    triggers = "".join(f"CREATE TRIGGER {name} {timing} ON {table} {each} EXECUTE FUNCTION {call};\n"
                       for name, (table, timing, each, call) in TRIGGERS.items())
    return f"""
CREATE FUNCTION weipian_batch_locked(batch integer) RETURNS boolean LANGUAGE sql STABLE AS $${_BATCH_LOCKED}$$;
CREATE FUNCTION weipian_audit_text(a audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $${_AUDIT_TEXT}$$;
{functions}{triggers}"""


# The lock state of a batch: its latest stage event locks it.
_BATCH_LOCKED = """
  SELECT coalesce((SELECT locks = 1 FROM stage_events WHERE batch_id = batch ORDER BY id DESC LIMIT 1), false)
"""
# The text an audit row is sealed over: json_build_array writes exactly what core/store/audit.py's
# ``json.dumps(list(row), ensure_ascii=False)`` does (", " separators, the same escapes), so both backends
# chain the same SHA-256 and one verify checks either.
_AUDIT_TEXT = """
  SELECT json_build_array(a.id, a.at, a.actor, a.table_name, a.patch_fid, a.action, a.old_values, a.new_values)::text
"""


def protected_functions() -> dict:
    """name → body of every function the protection depends on (for audit.verify)."""
    return {**_functions(), "weipian_batch_locked": _BATCH_LOCKED, "weipian_audit_text": _AUDIT_TEXT}


_STATUS_REMAINING = ("GREATEST(0.0, coalesce(d.illegal_m2, p.area_m2) "
                     "- GREATEST(coalesce(r.demolished_m2, 0.0), coalesce(r.restored_m2, 0.0)) "
                     "- coalesce(r.supplement_m2, 0.0) - coalesce(r.confiscated_m2, 0.0))")


def views() -> str:
    """``patch_status`` and ``patch_analysis`` as in core/store/schema.py:views (recreated whenever a role
    column is added)."""
    role_columns = "".join(f"  a.{c} AS {c},\n" for c in roles.COLUMNS)
    analysis_columns = ",\n".join(f"  a.{c} AS {c}" for c in schema.ANALYSIS_VIEW_COLUMNS)
    return f"""
DROP VIEW IF EXISTS patch_analysis;
DROP VIEW IF EXISTS patch_status;
CREATE VIEW patch_status AS
SELECT p.fid AS fid, p.batch_id AS batch_id, b.name AS batch, p.jcbh AS jcbh,
  p.township_code AS township_code, p.township_name AS township,
  p.area_m2 AS area_m2, p.area_mu AS area_mu, p.split_state AS split_state, p.due_date AS due_date,
  d.result AS result, d.subtype AS subtype,
  d.illegal_m2 AS illegal_m2, d.illegal_cultivated_m2 AS illegal_cultivated_m2,
  d.illegal_basic_farmland_m2 AS illegal_basic_farmland_m2,
  CASE WHEN d.result = '违法' THEN {_STATUS_REMAINING} ELSE 0.0 END AS remaining_m2,
  CASE
    WHEN p.split_state = '被拆分' THEN '被拆分'
    WHEN d.result IS NULL OR d.result = '' THEN '未判定'
    WHEN d.result != '违法' THEN '已判定'
    WHEN r.writeoff_status = '已销号' THEN '已销号'
    WHEN {_STATUS_REMAINING} <= 0.005 THEN '已整改'
    WHEN r.case_filed IS NOT NULL OR r.case_number IS NOT NULL OR r.demolished_m2 > 0 OR r.restored_m2 > 0
       OR r.supplement_m2 > 0 OR r.confiscated_m2 > 0 OR r.transfer_department IS NOT NULL THEN '整改中'
    ELSE '未整改' END AS status,
  CASE WHEN (d.result IS NULL OR d.result = '') AND p.split_state != '被拆分' AND p.due_date IS NOT NULL
       AND p.due_date < to_char(CURRENT_DATE, 'YYYY-MM-DD') THEN 1 ELSE 0 END AS overdue,
  CASE WHEN m.patch_fid IS NULL THEN 0 ELSE 1 END AS military,
  CASE WHEN coalesce(
         CASE WHEN d.result = '违法' AND coalesce(d.violation_category, '新增') = '新增' THEN d.illegal_cultivated_m2 END,
         CASE WHEN coalesce(d.result, '') = '' AND a.suggestion = '违法' THEN a.cultivated_m2 END, 0.0)
       >= {schema.FIELD_CHECK_MU} * 2000.0 / 3 - 1e-6 THEN 1 ELSE 0 END AS field_check
FROM patches p
JOIN batches b ON b.id = p.batch_id
LEFT JOIN determinations d ON d.patch_fid = p.fid
LEFT JOIN rectifications r ON r.patch_fid = p.fid
LEFT JOIN analysis a ON a.patch_fid = p.fid
LEFT JOIN military_land m ON m.patch_fid = p.fid;

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


def create_sql(epsg: int) -> str:
    """Every table, function and trigger of a new store (views come with :func:`views`)."""
    return _tables(epsg) + _routines()


def missing_role_columns(conn) -> list:
    """``ALTER TABLE`` statements adding the column of every registry role ``analysis`` lacks."""
    have = {r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = 'analysis'")}
    return [f"ALTER TABLE analysis ADD COLUMN {c} double precision" for c in roles.COLUMNS if c not in have]
