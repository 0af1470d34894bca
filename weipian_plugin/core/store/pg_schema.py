"""The work store's schema on PostgreSQL/PostGIS: the same tables, columns, view and guarantees as
core/store/schema.py, in PostgreSQL's words.

Tables and columns have the GeoPackage's names and order (tests/test_store_backends.py compares them);
geometries are ``geometry(MultiPolygon|Geometry, <epsg>)`` with GiST indexes, so QGIS opens the tables
with its ``postgres`` provider. The protections are PL/pgSQL triggers holding for every writer, QGIS's
attribute table included: audit of person-owned rows and patch edits, stage locks, append-only audit
tables (TRUNCATE refused too), row versions. The audit hash chain is sealed by a trigger as each audit
row is written: one advisory lock orders concurrent writers, so ids and seals follow commit order.

The tables, columns and indexes are those of core/store/tables.py, rendered into PostgreSQL: a store is
created with them as they stand at the latest schema version, and a store of an older version (the first
PostGIS stores were version 8) gets each later version's changes when it is opened
(WorkStore._open_postgis); ``weipian_meta`` holds the same version number as a GeoPackage store of the
same plugin.
"""
from __future__ import annotations

from weipian_plugin.core import roles
from weipian_plugin.core.store import audit, schema, tables

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


# The ISO-date check of core/store/tables.py (iso_date_check), created before the tables that use it.
_ISO_DATE_FUNCTION = """
CREATE FUNCTION weipian_iso_date(value text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN value ~ '^\\d{4}-\\d{2}-\\d{2}$' AND to_char(value::date, 'YYYY-MM-DD') = value;
EXCEPTION WHEN others THEN
  RETURN false;
END $$;
"""

FIRST_VERSION = 8
"""The schema version of the first PostGIS stores: older versions exist only as GeoPackages."""


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


def views() -> str:
    """``patch_status`` and ``patch_analysis`` (core/store/schema.py, in PostgreSQL's words)."""
    return schema.views(tables.POSTGIS)


def create_sql(epsg: int) -> str:
    """Every table, function and trigger of a new store (views come with :func:`views`)."""
    return _ISO_DATE_FUNCTION + tables.create(tables.POSTGIS, schema.LATEST_VERSION, epsg) + _routines()


def migrations(epsg: int) -> list:
    """(version, sql) of every migration after :data:`FIRST_VERSION`: the table changes of
    core/store/tables.py in PostgreSQL's words. (A migration that changes a trigger function adds its
    ``CREATE OR REPLACE FUNCTION`` here, and pgroles.install runs again after it: replacing a function
    resets its SECURITY DEFINER.)"""
    return [(v, tables.changes(v, tables.POSTGIS, epsg))
            for v in range(FIRST_VERSION + 1, schema.LATEST_VERSION + 1)]


def missing_role_columns(conn) -> list:
    """``ALTER TABLE`` statements adding the column of every registry role ``analysis`` lacks."""
    have = {r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = 'analysis'")}
    return [f"ALTER TABLE analysis ADD COLUMN {c} double precision" for c in roles.COLUMNS if c not in have]
