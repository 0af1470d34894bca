"""The work store's tables, written once and rendered into both dialects: SQLite for a GeoPackage,
PostgreSQL for a PostGIS store.

Every table, column, table constraint and index carries the schema version that added it (``since``) and,
for what a later version removed, the version that removed it (``until``). From that one description:

- a GeoPackage's migration N creates the tables of version N and adds the columns and indexes of version N
  (:func:`changes`; core/store/schema.py adds what only SQLite says: triggers, data moves);
- a PostGIS store is created with every table as it stands at the latest version (:func:`create`), and a
  PostGIS store of an older version gets the same :func:`changes` (core/store/pg_schema.py).

Column types are SQLite's names (``INTEGER``, ``REAL``, ``TEXT``, ``BLOB``, ``MULTIPOLYGON``,
``GEOMETRY``) plus ``KEY`` (an automatic integer primary key) and ``BIGINT`` (a file size: ``INTEGER`` in
SQLite, which stores 64 bits anyway). Constraints are written in the SQL both dialects understand; a date
column's "blank or a real ISO date" check is the flag ``iso_date`` because the two say it differently.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

GPKG = "gpkg"
POSTGIS = "postgis"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    extra: str = ""  # NOT NULL, DEFAULT, REFERENCES, CHECK … (both dialects)
    since: int = 0  # 0: with its table
    iso_date: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    since: int
    columns: Tuple[Column, ...]
    constraints: Tuple[Tuple[str, int, Optional[int]], ...] = ()  # (SQL, since, until)
    until: Optional[int] = None
    rebuilt: bool = False  # replaces an older table of the same name: its migration moves the rows itself

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class Index:
    name: str
    table: str
    columns: str
    since: int
    until: Optional[int] = None


def C(name: str, type_: str, extra: str = "", since: int = 0, iso_date: bool = False) -> Column:
    return Column(name, type_, extra, since, iso_date)


def _text(*names: str) -> tuple:
    return tuple(C(n, "TEXT") for n in names)


def _real(*names: str) -> tuple:
    return tuple(C(n, "REAL") for n in names)


FARMLAND_CHECK = ("CHECK (illegal_basic_farmland_m2 IS NULL OR illegal_cultivated_m2 IS NULL\n"
                   "         OR illegal_basic_farmland_m2 <= illegal_cultivated_m2 + 1e-6)")
"""永农 at most the cultivated area: version 6 removed it (after 三调, 永农 often holds non-cultivated land)."""

_ATTACHMENT_FILE = (C("file_name", "TEXT", "NOT NULL"), C("mime_type", "TEXT"))
_PHOTO_PLACE = (C("taken_at", "TEXT"), *_real("longitude", "latitude", "bearing"), C("size_bytes", "BIGINT"),
                C("sha256", "TEXT"), C("data", "BLOB", "NOT NULL"))
_ROW_VERSION = C("row_version", "INTEGER", "NOT NULL DEFAULT 1", since=8)

TABLES: Tuple[Table, ...] = (
    Table("weipian_meta", 1, (C("key", "TEXT", "PRIMARY KEY"), C("value", "TEXT"))),
    Table("batches", 1, (
        C("id", "KEY"), C("name", "TEXT", "NOT NULL UNIQUE"),
        *_text("received_date", "file_name", "checksum", "encoding", "encoding_source"),
        C("source_epsg", "INTEGER"), *_text("crs_source", "field_map", "area_unit", "imported_at"),
        C("patch_count", "INTEGER", "NOT NULL DEFAULT 0"), C("reject_count", "INTEGER", "NOT NULL DEFAULT 0"))),
    Table("patches", 1, (
        C("fid", "KEY", "NOT NULL"), C("geom", "MULTIPOLYGON"),
        C("batch_id", "INTEGER", "NOT NULL REFERENCES batches(id)"), C("jcbh", "TEXT", "NOT NULL"),
        *_text("xzqdm", "xmc", "tblx", "qsx", "hsx"), C("jcmj_m2", "REAL"), *_text("tz", "sfyn", "sfhx", "dlbm"),
        C("area_m2", "REAL", "NOT NULL"), C("area_mu", "REAL", "NOT NULL"),
        C("geom_repaired", "INTEGER", "NOT NULL DEFAULT 0"), C("source_row", "INTEGER"), C("source_attrs", "TEXT"),
        C("parent_fid", "INTEGER", "REFERENCES patches(fid)"), C("split_state", "TEXT", "NOT NULL DEFAULT ''"),
        *_text("township_code", "township_name", "due_date", "imported_at", "updated_at"),
        C("review_note", "TEXT", since=4)),
        constraints=(("UNIQUE (batch_id, jcbh)", 1, None),)),
    Table("rejects", 1, (
        C("id", "KEY"), C("batch_id", "INTEGER", "NOT NULL REFERENCES batches(id)"), C("source_row", "INTEGER"),
        C("jcbh", "TEXT"), C("reason", "TEXT", "NOT NULL"), *_text("source_attrs", "geom_wkt"))),
    Table("determinations", 1, (
        C("patch_fid", "INTEGER", "PRIMARY KEY REFERENCES patches(fid)"),
        *_text("result", "subtype", "basis", "doc_numbers", "violation_category", "violation_type"),
        C("is_nonagri", "INTEGER"), C("is_new_housing", "INTEGER"),
        *_real("illegal_m2", "illegal_cultivated_m2", "illegal_basic_farmland_m2"),
        *_text("project_name", "offender", "build_time"), C("from_suggestion", "INTEGER", "NOT NULL DEFAULT 0"),
        *_text("reviewer", "reviewed_at"), _ROW_VERSION),
        constraints=(("CHECK (illegal_cultivated_m2 IS NULL OR illegal_m2 IS NULL "
                      "OR illegal_cultivated_m2 <= illegal_m2 + 1e-6)", 1, None),
                     (FARMLAND_CHECK, 1, 6))),
    Table("rectifications", 1, (
        C("patch_fid", "INTEGER", "PRIMARY KEY REFERENCES patches(fid)"),
        C("case_filed", "INTEGER"), *_text("case_date", "case_number", "no_case_reason", "penalty_decision"),
        *_real("fine_yuan", "demolished_m2", "restored_m2"), C("supplement_doc", "TEXT"),
        *_real("supplement_m2", "supplement_cultivated_m2", "confiscated_m2"),
        *_text("transfer_department", "transfer_date", "closed_date", "writeoff_status", "writeoff_date",
               "writeoff_person", "writeoff_reason", "updated_by", "updated_at"),
        C("restored_cultivated_m2", "REAL", "CHECK (restored_cultivated_m2 IS NULL OR restored_cultivated_m2 >= 0)",
          since=3),
        C("referral_agency", "TEXT", since=3), C("referral_date", "TEXT", since=3, iso_date=True),
        C("referral_number", "TEXT", since=3), _ROW_VERSION)),
    Table("attachments", 1, (
        C("id", "KEY"), C("patch_fid", "INTEGER", "NOT NULL REFERENCES patches(fid)"), *_ATTACHMENT_FILE,
        *_text("kind", "added_at", "added_by"), *_PHOTO_PLACE), until=7),
    Table("audit_log", 1, (
        C("id", "KEY"), C("at", "TEXT", "NOT NULL DEFAULT {now}"), C("actor", "TEXT"),
        C("table_name", "TEXT", "NOT NULL"), C("patch_fid", "INTEGER"), C("action", "TEXT", "NOT NULL"),
        *_text("old_values", "new_values"))),
    Table("stage_events", 1, (
        C("id", "KEY"), C("batch_id", "INTEGER", "NOT NULL REFERENCES batches(id)"),
        C("stage", "TEXT", "NOT NULL CHECK (stage IN ('一上', '一下', '二上'))"), C("locks", "INTEGER", "NOT NULL"),
        C("at", "TEXT", "NOT NULL"), *_text("actor", "note", "snapshot"))),
    Table("settings", 1, (C("key", "TEXT", "PRIMARY KEY"), C("value", "TEXT", "NOT NULL"))),
    Table("code_lists", 1, (
        C("list", "TEXT", "NOT NULL"), C("code", "TEXT", "NOT NULL"), C("label", "TEXT", "NOT NULL"),
        C("parent", "TEXT", "NOT NULL DEFAULT ''"), C("sort", "INTEGER", "NOT NULL DEFAULT 0")),
        constraints=(("PRIMARY KEY (list, parent, code)", 1, None),)),
    Table("analysis", 1, (
        C("patch_fid", "INTEGER", "PRIMARY KEY REFERENCES patches(fid)"), *_text("analyzed_at", "layers"),
        *_real("approved_m2", "supplied_m2", "registered_m2", "cultivated_m2", "uncovered_cultivated_m2",
               "basic_farmland_m2", "eco_redline_m2", "mining_m2", "facility_m2", "temporary_m2",
               "construction_before_m2"),
        *_text("dominant_dlbm", "suggestion", "suggestion_type", "suggestion_reason", "basis"),
        *(C(n, "INTEGER") for n in ("involves_basic_farmland", "involves_eco_redline", "involves_mining")),
        C("new_or_stock", "TEXT"),
        *(C(n, t, since=6) for n, t in (
            ("new_construction_m2", "REAL"), ("stock_construction_m2", "REAL"), ("uncovered_m2", "REAL"),
            ("comparison_date", "TEXT"), ("mining_suggestion", "TEXT"), ("mining_suggestion_type", "TEXT"),
            ("mining_suggestion_reason", "TEXT"), ("new_housing", "INTEGER"))))),
    Table("analysis_classes", 1, (
        C("patch_fid", "INTEGER", "NOT NULL REFERENCES patches(fid)"), *_text("dlbm", "dlmc"),
        C("area_m2", "REAL", "NOT NULL"), C("cultivated_m2", "REAL", "NOT NULL DEFAULT 0"))),
    Table("analysis_features", 1, (
        C("patch_fid", "INTEGER", "NOT NULL REFERENCES patches(fid)"), C("role", "TEXT", "NOT NULL"),
        *_text("doc_number", "doc_date", "valid_from", "valid_to"), *_real("share", "area_m2"),
        *_text("name", "kind"), C("valid", "INTEGER"))),
    # daily enforcement (issue 6): the patrol ledger with its findings, and clues from patrols and tips
    Table("patrols", 2, (
        C("fid", "KEY", "NOT NULL"), C("geom", "GEOMETRY"), C("patrol_date", "TEXT", "NOT NULL", iso_date=True),
        *_text("township", "route", "people", "findings", "stop_measures", "handling_opinion", "updated_at"))),
    Table("patrol_findings", 2, (
        C("fid", "KEY", "NOT NULL"), C("geom", "GEOMETRY"),
        C("patrol_fid", "INTEGER", "NOT NULL REFERENCES patrols(fid) ON DELETE CASCADE"),
        *_text("description", "updated_at"))),
    Table("finding_attachments", 2, (
        C("id", "KEY"), C("finding_fid", "INTEGER", "NOT NULL REFERENCES patrol_findings(fid) ON DELETE CASCADE"),
        *_ATTACHMENT_FILE, C("added_at", "TEXT"), *_PHOTO_PLACE), until=7),
    Table("clues", 2, (
        C("fid", "KEY", "NOT NULL"), C("geom", "GEOMETRY"), C("clue_no", "TEXT", "NOT NULL UNIQUE"),
        C("source", "TEXT", "NOT NULL CHECK (source IN ('巡查', '12336', '微信', '其他'))"),
        *_text("source_detail", "received_at", "township", "location", "description"),
        *(C(n, "REAL", f"CHECK ({n} IS NULL OR {n} >= 0)") for n in ("land_m2", "cultivated_m2", "basic_farmland_m2")),
        C("is_mining", "INTEGER", "NOT NULL DEFAULT 0"), C("major", "INTEGER", "NOT NULL DEFAULT 0"),
        C("started", "TEXT", iso_date=True), C("discovered", "TEXT", "NOT NULL", iso_date=True),
        *(C(n, "TEXT", iso_date=True) for n in ("stop_notice", "reported", "major_reported", "filed", "closed")),
        C("extension_workdays", "INTEGER", "NOT NULL DEFAULT 0 CHECK (extension_workdays >= 0)"),
        C("updated_at", "TEXT"))),
    # records that stay true all year (issue 10): 涉军 patches, 约谈 records, 「造成恶劣影响」 marks
    Table("military_land", 3, (
        C("patch_fid", "INTEGER", "PRIMARY KEY REFERENCES patches(fid)"),
        C("source", "TEXT", "NOT NULL CHECK (source IN ('手工', '图层'))"), *_text("note", "marked_by", "marked_at"))),
    Table("interviews", 3, (
        C("id", "KEY"), C("township_code", "TEXT"), C("township", "TEXT", "NOT NULL"),
        C("interview_date", "TEXT", "NOT NULL", iso_date=True), C("interviewees", "TEXT", "NOT NULL"),
        *_text("interviewer", "reason", "minutes_name"), C("minutes_data", "BLOB"),
        *_text("recorded_by", "recorded_at"))),
    Table("serious_impact", 3, (
        C("unit_code", "TEXT", "PRIMARY KEY"), C("unit_name", "TEXT"),
        C("reason", "TEXT", "NOT NULL CHECK (trim(reason) != '')"), *_text("marked_by", "marked_at"))),
    # the hash chain's seals (core/store/audit.py)
    Table("audit_seals", 4, (
        C("audit_id", "INTEGER", "PRIMARY KEY"), C("hash", "TEXT", "NOT NULL"), C("sealed_at", "TEXT", "NOT NULL"))),
    # the provenance of every analysis run: when, which patches, the settings, each reference layer as read
    Table("analysis_runs", 5, (
        C("id", "KEY"), C("started_at", "TEXT", "NOT NULL"), C("finished_at", "TEXT", "NOT NULL"),
        C("batch", "TEXT"), C("patches", "INTEGER", "NOT NULL"), C("settings", "TEXT", "NOT NULL"))),
    Table("analysis_run_layers", 5, (
        C("run_id", "INTEGER", "NOT NULL REFERENCES analysis_runs(id)"), C("role", "TEXT", "NOT NULL"),
        C("path", "TEXT", "NOT NULL"), C("layer", "TEXT", "NOT NULL DEFAULT ''"), C("size", "BIGINT"),
        *_text("modified_at", "checksum", "crs"), C("feature_count", "INTEGER"), C("read_count", "INTEGER"),
        C("repaired", "INTEGER"), C("cached", "INTEGER", "NOT NULL"), C("registered_at", "TEXT")),
        constraints=(("PRIMARY KEY (run_id, role)", 5, None),)),
    # the change-type table of the rules revision (issue 9)
    Table("change_types", 6, (
        C("code", "TEXT", "PRIMARY KEY"), C("label", "TEXT", "NOT NULL DEFAULT ''"), C("rule", "TEXT", "NOT NULL"),
        C("cultivated_result", "TEXT", "NOT NULL DEFAULT '待核' CHECK (cultivated_result IN ('待核', '违法'))"),
        C("sort", "INTEGER", "NOT NULL DEFAULT 0"))),
    # one attachments table for every owner (issue 12); schema.py's migration 7 moves the old rows over
    Table("attachments", 7, (
        C("id", "KEY"), C("owner", "TEXT", "NOT NULL CHECK (owner IN ('patch', 'finding', 'clue'))"),
        C("owner_id", "INTEGER", "NOT NULL"),
        C("patch_fid", "INTEGER", "REFERENCES patches(fid) CHECK ((owner = 'patch') = (patch_fid IS NOT NULL))"),
        *_ATTACHMENT_FILE, *_text("kind", "added_at", "added_by"), *_PHOTO_PLACE),
        constraints=(("CHECK (owner != 'patch' OR patch_fid = owner_id)", 7, None),), rebuilt=True),
)

INDEXES: Tuple[Index, ...] = (
    Index("patches_batch", "patches", "batch_id", 1),
    Index("attachments_patch", "attachments", "patch_fid", 1),
    Index("audit_patch", "audit_log", "patch_fid", 1),
    Index("analysis_classes_patch", "analysis_classes", "patch_fid", 1),
    Index("analysis_features_patch", "analysis_features", "patch_fid", 1),
    Index("patrols_date", "patrols", "patrol_date", 2),
    Index("patrol_findings_patrol", "patrol_findings", "patrol_fid", 2),
    Index("finding_attachments_finding", "finding_attachments", "finding_fid", 2, until=7),
    Index("clues_discovered", "clues", "discovered", 2),
    Index("attachments_owner", "attachments", "owner, owner_id", 7),
    # every lock check reads a batch's latest stage event
    Index("stage_events_batch", "stage_events", "batch_id, id", 9),
)


def _alive(since: int, until: Optional[int], version: int) -> bool:
    return since <= version and (until is None or until > version)


def tables_at(version: int) -> Tuple[Table, ...]:
    """The tables a store of ``version`` has, in the order they can be created (references point back)."""
    return tuple(t for t in TABLES if _alive(t.since, t.until, version))


def table(name: str, version: int) -> Table:
    return next(t for t in tables_at(version) if t.name == name)


def geometry_columns(version: int) -> dict:
    """table → (column, MULTIPOLYGON or GEOMETRY) of every feature table at ``version``."""
    return {t.name: (c.name, c.type) for t in tables_at(version) for c in t.columns
            if c.type in ("MULTIPOLYGON", "GEOMETRY") and _alive(c.since or t.since, None, version)}


# -- rendering -------------------------------------------------------------------------------------
_NOW = {GPKG: "(strftime('%Y-%m-%dT%H:%M:%S','now','localtime'))",
        POSTGIS: "to_char(localtimestamp, 'YYYY-MM-DD\"T\"HH24:MI:SS')"}
_TYPES = {GPKG: {"KEY": "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT": "INTEGER"},
          POSTGIS: {"KEY": "serial PRIMARY KEY", "INTEGER": "integer", "BIGINT": "bigint", "REAL": "double precision",
                    "TEXT": "text", "BLOB": "bytea"}}
_POSTGIS_GEOMETRY = {"MULTIPOLYGON": "MultiPolygon", "GEOMETRY": "Geometry"}


def iso_date_check(column: str, dialect: str) -> str:
    """A CHECK that ``column`` is blank or a real ISO date (YYYY-MM-DD), for every writer: SQLite's date()
    with a modifier normalises, so 2026-02-30 fails; PostgreSQL asks weipian_iso_date (pg_schema.py)."""
    if dialect == GPKG:
        return f"CHECK ({column} IS NULL OR date({column}, '+0 days') IS {column})"
    return f"CHECK ({column} IS NULL OR weipian_iso_date({column}))"


def column_sql(col: Column, dialect: str, epsg: Optional[int] = None) -> str:
    if col.type in _POSTGIS_GEOMETRY and dialect == POSTGIS:
        type_ = f"geometry({_POSTGIS_GEOMETRY[col.type]}, {int(epsg)})"
    else:
        type_ = _TYPES[dialect].get(col.type, col.type)
    parts = [col.name, type_, col.extra.format(now=_NOW[dialect])]
    if col.iso_date:
        parts.append(iso_date_check(col.name, dialect))
    return " ".join(p for p in parts if p)


def create_table(t: Table, dialect: str, version: int, epsg: Optional[int] = None,
                 name: Optional[str] = None) -> str:
    """``CREATE TABLE`` of ``t`` as it stands at ``version`` (under ``name`` when a migration rebuilds it),
    with a PostGIS store's GiST index on each geometry column."""
    lines = [f"  {column_sql(c, dialect, epsg)}" for c in t.columns if c.since <= version]
    lines += [f"  {sql}" for sql, since, until in t.constraints if _alive(since, until, version)]
    out = f"CREATE TABLE {name or t.name} (\n" + ",\n".join(lines) + ");\n"
    if dialect == POSTGIS:
        out += "".join(f"CREATE INDEX {t.name}_{c.name} ON {t.name} USING gist ({c.name});\n"
                       for c in t.columns if c.type in _POSTGIS_GEOMETRY and c.since <= version)
    return out


def create_index(i: Index, if_missing: bool = False) -> str:
    return f"CREATE INDEX {'IF NOT EXISTS ' if if_missing else ''}{i.name} ON {i.table}({i.columns});\n"


def create(dialect: str, version: int, epsg: Optional[int] = None) -> str:
    """Every table and index of a store of ``version``, created at once."""
    return ("".join(create_table(t, dialect, version, epsg) for t in tables_at(version))
            + "".join(create_index(i) for i in INDEXES if _alive(i.since, i.until, version)))


def changes(version: int, dialect: str, epsg: Optional[int] = None) -> str:
    """What migration ``version`` does to the tables: new tables (not those it rebuilds: its own script
    moves their rows), new columns of older tables, new indexes (``IF NOT EXISTS``: a PostGIS store created
    before an index was described may have it already)."""
    out = [create_table(t, dialect, version, epsg) for t in TABLES if t.since == version and not t.rebuilt]
    for t in tables_at(version):
        if t.since < version:
            out += [f"ALTER TABLE {t.name} ADD COLUMN {column_sql(c, dialect, epsg)};\n"
                    for c in t.columns if c.since == version]
    out += [create_index(i, if_missing=True) for i in INDEXES if i.since == version
            and not any(t.rebuilt and t.since == version and t.name == i.table for t in TABLES)]
    return "".join(out)
