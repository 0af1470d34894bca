"""Import a ministry patch shapefile into the work store.

A broken file is a clear error that changes nothing; bad rows are rejected with a Chinese reason; a
re-import updates patches in place (matched by batch and JCBH), so determinations made on them stay.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from json.encoder import encode_basestring as _json_text  # what json.dumps(ensure_ascii=False) writes for a str
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np
import shapely

from weipian_plugin.core.dates import DateError, parse_date
from weipian_plugin.core.geo.area import ellipsoidal_area
from weipian_plugin.core.geo.crs import CrsGuess, detect_crs, projected_crs_for, transform_geoms
from weipian_plugin.core.intake import fieldmap
from weipian_plugin.core.intake.encoding import (
    UTF8,
    EncodingGuess,
    dbf_column_text,
    detect_shapefile_encoding,
    plausible_utf8,
)
from weipian_plugin.core.schedule.deadlines import DeadlineConfig, determination_due
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.audit import REVIEW_NOTE_GEOMETRY
from weipian_plugin.core.store.workstore import PATCH_TABLE, WorkStore, now_iso
from weipian_plugin.core.units import MU_M2

_POLYGONAL = {"Polygon", "MultiPolygon"}
_POLYGONAL_TYPE_IDS = (int(shapely.GeometryType.POLYGON), int(shapely.GeometryType.MULTIPOLYGON))
_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


class ImportFailed(ValueError):
    """The file cannot be imported at all; nothing was written (message in Chinese)."""


class ImportCancelled(Exception):
    pass


class DuplicateFile(ImportFailed):
    """The same file was imported before as another batch; ``batch`` names it (the dialog offers to
    update that batch instead)."""

    def __init__(self, message: str, batch: str):
        super().__init__(message)
        self.batch = batch


@dataclass
class ImportResult:
    batch: str
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    repaired: int = 0
    reject_reasons: Counter = field(default_factory=Counter)
    encoding: Optional[EncodingGuess] = None
    crs: Optional[CrsGuess] = None
    field_map: Optional[fieldmap.FieldMap] = None
    area_unit: str = ""
    kept_not_in_file: int = 0
    warnings: List[str] = field(default_factory=list)
    geometry_changed: List[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.inserted + self.updated

    def summary(self) -> str:
        lines = [f"批次“{self.batch}”：导入 {self.imported} 个图斑（新增 {self.inserted}，更新 {self.updated}），"
                 f"拒收 {self.rejected} 个，修复几何 {self.repaired} 个。"]
        lines += [f"  拒收原因：{reason} × {n}" for reason, n in self.reject_reasons.most_common()]
        lines += [f"  注意：{w}" for w in self.warnings]
        if self.geometry_changed:
            shown = "、".join(self.geometry_changed[:10]) + ("等" if len(self.geometry_changed) > 10 else "")
            lines.append(f"  注意：{len(self.geometry_changed)} 个图斑的几何与上次导入不同（{shown}），"
                         "已记入修改日志并标记为需重新审核。")
        if self.kept_not_in_file:
            lines.append(f"  库中有 {self.kept_not_in_file} 个图斑不在本次文件中，已保留未删除。")
        if self.encoding:
            lines.append(f"  编码：{self.encoding.description}")
        if self.crs:
            lines.append(f"  坐标系：{self.crs.description}")
        if self.field_map:
            lines.append(f"  {self.field_map.describe()}")
        if self.area_unit:
            lines.append(f"  监测面积单位：{self.area_unit}")
        return "\n".join(lines)


def _sidecar(shp: Path, ext: str) -> Optional[Path]:
    """Sidecar files next to the .shp, matched case-insensitively (Windows users rename freely)."""
    for candidate in shp.parent.glob(shp.stem + ".*"):
        if candidate.suffix.lower() == ext:
            return candidate
    return None


def checksum(shp: Path) -> str:
    """SHA-256 of the shapefile's parts in turn, read through one reused buffer (a county's .dbf is ~100 MB:
    reading each part whole would allocate it afresh only to hash it)."""
    digest = hashlib.sha256()
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    for ext in _SIDECARS:
        part = _sidecar(shp, ext)
        if part:
            with part.open("rb", buffering=0) as f:
                while size := f.readinto(buffer):
                    digest.update(view[:size])
    return digest.hexdigest()


def record_counts(shp: Path) -> Dict[str, int]:
    """How many records each part of a shapefile holds: complete geometry records in the .shp, index
    entries in the .shx, records the .dbf header declares and those its bytes actually hold.

    A damaged set (one part cut short or its header wrong) reads without error in GDAL but loses the
    rows past the shortest part, so the import compares these and rejects every missing row by number.
    """
    data = _sidecar(shp, ".shp").read_bytes()
    pos, complete = _indexed_records(data, _sidecar(shp, ".shx").read_bytes())
    while pos + 8 <= len(data):  # records past those the index vouches for, one header at a time
        end = pos + 8 + 2 * int.from_bytes(data[pos + 4:pos + 8], "big")
        if end > len(data):
            break
        complete, pos = complete + 1, end
    shx = _sidecar(shp, ".shx").stat().st_size
    with _sidecar(shp, ".dbf").open("rb") as f:
        dbf = f.read(12)
    dbf_size = _sidecar(shp, ".dbf").stat().st_size
    header_len, record_len = int.from_bytes(dbf[8:10], "little"), int.from_bytes(dbf[10:12], "little")
    return {"shp": complete, "shx": max(0, (shx - 100) // 8), "dbf": int.from_bytes(dbf[4:8], "little"),
            "dbf_present": max(0, (dbf_size - header_len) // record_len) if record_len else 0}


def _indexed_records(shp: bytes, shx: bytes) -> tuple:
    """(where the records stop, how many) for the leading .shp records that follow each other as the .shx
    says: the k-th at the k-th index offset, each ending where the next starts, complete in the file.

    Walking record headers one by one takes 100,000 steps for a county's batch; with an intact index the
    walk would visit exactly these offsets, so they are checked at once and the walk goes on from there."""
    entries = max(0, len(shx) - 100) // 8
    index = np.frombuffer(shx[100:100 + 8 * entries], ">i4").reshape(-1, 2)
    starts = index[:, 0].astype(np.int64) * 2
    fits = np.flatnonzero((starts < 100) | (starts + 8 > len(shp)))
    starts = starts[:fits[0] if len(fits) else len(starts)]
    raw = np.frombuffer(shp, np.uint8)
    lengths = raw[starts[:, None] + np.arange(4, 8)].astype(np.int64) @ np.array([1 << 24, 1 << 16, 1 << 8, 1])
    ends = starts + 8 + 2 * lengths
    follows = np.empty(len(starts), dtype=bool)
    follows[:1] = starts[:1] == 100
    follows[1:] = starts[1:] == ends[:-1]
    follows &= ends <= len(shp)
    broken = np.flatnonzero(~follows)
    count = int(broken[0]) if len(broken) else len(starts)
    return (int(ends[count - 1]), count) if count else (100, 0)


def _missing_reason(i: int, counts: Dict[str, int]) -> str:
    """Why row ``i`` (0-based) of a damaged shapefile could not be read, naming the short part."""
    if i >= counts["dbf"]:
        return f"属性记录缺失（.dbf 文件头只声明 {counts['dbf']} 条记录，.shp 有 {counts['shp']} 条）"
    if i >= counts["dbf_present"]:
        return f"属性记录缺失（.dbf 文件被截断，只有 {counts['dbf_present']} 条完整记录）"
    if i >= counts["shx"]:
        return f"索引记录缺失（.shx 文件只有 {counts['shx']} 条索引）"
    return f"几何记录缺失（.shp 文件被截断，只有 {counts['shp']} 条完整记录）"


def _decode_each(text, shp: Path, what: str, legacy: str):
    """A value read byte for byte (as ISO-8859-1) decoded on its own: UTF-8 if it is, else ``legacy``."""
    if not isinstance(text, str):
        return text
    raw = text.encode("latin-1")
    for codec in ((UTF8, legacy) if plausible_utf8(raw) else (legacy, UTF8)):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(f"{shp.name} 的{what}既不是 UTF-8 也不是 {legacy}，无法可靠读取。请转换编码后重新导入。")


def read_shapefile(shp: Path, encoding: EncodingGuess):
    """(field names, {name: values}, shapely geometries, their WKB as GDAL wrote it); any reader failure
    is an ImportFailed.

    Text arrives decoded per ``encoding`` (value by value when it is mixed) with byte-order marks
    removed, which spreadsheet exports leave inside values."""
    import pyogrio.raw

    for ext in (".shp", ".shx", ".dbf"):
        if _sidecar(shp, ext) is None:
            raise ImportFailed(f"shapefile 不完整：缺少 {shp.stem}{ext}")
    try:
        meta, _, wkb, values = pyogrio.raw.read(
            str(shp), encoding="ISO-8859-1" if encoding.mixed else encoding.encoding)
    except Exception as exc:  # pyogrio raises several types for corrupt files; all mean "unreadable"
        counts = record_counts(shp)
        detail = f"（.shp {counts['shp']} 条、.shx {counts['shx']} 条、.dbf {counts['dbf']} 条记录）" \
            if len(set(counts.values())) > 1 else ""
        raise ImportFailed(f"无法读取 {shp.name}{detail}：{exc}。请重新获取完整的 shapefile。") from exc
    names = list(meta["fields"])
    if encoding.mixed:
        names = [_decode_each(n, shp, "字段名", encoding.encoding) for n in names]
        values = [np.array([_decode_each(v, shp, f"字段 {n} 第 {i + 1} 行", encoding.encoding)
                            for i, v in enumerate(col)], dtype=object) if col.dtype == object else col
                  for n, col in zip(names, values)]
    values = [_without_bom(col) if col.dtype == object else col for col in values]
    names = [n.replace("\ufeff", "") for n in names]
    try:
        geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    except Exception as exc:
        raise ImportFailed(f"{shp.name} 的几何数据已损坏：{exc}") from exc
    return names, dict(zip(names, values)), geoms, wkb


def _without_bom(col: np.ndarray) -> np.ndarray:
    """An object column with byte-order marks removed from its texts (copied only when one has any)."""
    items = col.tolist()
    try:  # the texts joined, in one C pass (three times faster than looking through their repr)
        marked = "\ufeff" in "".join(filter(None, items))
    except TypeError:  # a value that is not text: look value by value
        marked = True
    if not marked:
        return col
    out = np.empty(len(items), dtype=object)
    out[:] = [v.replace("\ufeff", "") if isinstance(v, str) else v for v in items]
    return out


_last_read: Dict[tuple, tuple] = {}


def _file_state(shp: Path, encoding: Optional[str]) -> tuple:
    """What identifies one read of a batch file: its path, the encoding asked for, and every part's size
    and modification time."""
    parts = [_sidecar(shp, ext) for ext in _SIDECARS]
    return (str(shp.resolve()), encoding, *((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in parts if p))


def _read_batch(shp: Path, encoding: Optional[str], keep: bool) -> tuple:
    """(encoding guess, field names, values, geometries, their WKB) of a batch file. Creating a store for a batch
    reads it, and the import that follows would read it again (a third of a county import): the
    creation keeps its read (``keep``) for the import of the same unchanged file, which takes it."""
    state = _file_state(shp, encoding)
    hit = _last_read.pop(state, None)
    _last_read.clear()
    if hit is None:
        guess = detect_shapefile_encoding(shp, encoding)
        hit = (guess, *read_shapefile(shp, guess))
    if keep:
        _last_read[state] = hit
    return hit


def _jsonable(value):
    if type(value) is str:  # most values: skip the checks below
        return value
    if value is None or isinstance(value, (str, int, float, bool)):
        return None if isinstance(value, float) and np.isnan(value) else value
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    return str(value)


def _text(value) -> Optional[str]:
    if type(value) is str:
        return value.strip() or None
    value = _jsonable(value)
    if value is None:
        return None
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text or None


def _iso_date(value) -> Optional[str]:
    if isinstance(value, np.datetime64):
        value = str(value)[:10]
    try:
        parsed = parse_date(_jsonable(value))
    except DateError:
        return None
    return parsed.isoformat() if parsed else None


def _converted(items: list, convert) -> list:
    """``convert`` of every value, once per distinct value (a batch repeats its dates and codes)."""
    try:
        table = dict.fromkeys(items)
    except TypeError:  # unhashable
        return [convert(v) for v in items]
    for v in table:
        table[v] = convert(v)
    return list(map(table.__getitem__, items))


def _json_rows(values: dict, names: list, rows: np.ndarray) -> list:
    """The source attributes of ``rows`` as JSON objects (as ``_jsonable`` gives them): each column's
    values are encoded as ``"name": value`` pieces, once per distinct text, and a row joins its pieces,
    which is the text that encoding the row's dict gives."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    columns = []
    for name in dict.fromkeys(names):  # as dict(zip(names, row)): a repeated name once, where it came first
        key = encode(name) + ": "
        column = values[name][rows]
        if column.dtype.kind in "iu" or (column.dtype.kind == "f" and np.isfinite(column).all()):
            # json writes a Python int or finite float as its repr: one C-level map over the column
            columns.append([key + text for text in map(repr, column.tolist())])
            continue
        items = column.tolist()

        def piece(v, key=key):
            if type(v) is str:
                return key + _json_text(v)
            if type(v) is float and v - v == 0:  # finite: json writes float.__repr__
                return key + repr(v)
            return key + encode(_jsonable(v))
        # equal texts (or ints) encode alike; floats are encoded one by one (0.0 == -0.0, 1 == 1.0 == True)
        alike = set(map(type, items)) - {type(None)} in ({str}, {int}, set())
        columns.append(_converted(items, piece) if alike else list(map(piece, items)))
    if not columns:
        return ["{}"] * len(rows)
    return ["{" + ", ".join(row) + "}" for row in zip(*columns)]


def detect_area_unit(declared: np.ndarray, area_m2: np.ndarray) -> str:
    """'亩' or '平方米' for the issued area field, from its median ratio to the computed area."""
    declared = np.asarray(declared, dtype=float)
    ok = np.isfinite(declared) & (declared > 0) & (area_m2 > 0)
    if not ok.any():
        return ""
    ratio = float(np.median(declared[ok] / area_m2[ok]))
    return "亩" if abs(ratio * MU_M2 - 1) < abs(ratio - 1) else "平方米"


def _to_multipolygons(geoms: np.ndarray) -> np.ndarray:
    """Polygons and MultiPolygons as MultiPolygons (a Polygon is the one part of its MultiPolygon)."""
    out = np.empty(len(geoms), dtype=object)
    single = shapely.get_type_id(geoms) == 3
    out[single] = shapely.multipolygons(geoms[single], indices=np.arange(single.sum()))
    parts, index = shapely.get_parts(geoms[~single], return_index=True)
    out[~single] = shapely.multipolygons(parts, indices=index) if len(parts) else []
    return out


_LE_POLYGON, _LE_MULTIPOLYGON = b"\x01\x03\x00\x00\x00", b"\x01\x06\x00\x00\x00"
_ONE_PART = _LE_MULTIPOLYGON + (1).to_bytes(4, "little")  # a MultiPolygon of one part; the part follows


def _multipolygon_wkbs(geoms: np.ndarray, source_wkb: np.ndarray) -> np.ndarray:
    """The little-endian XY WKB of each Polygon or MultiPolygon as a MultiPolygon.

    ``source_wkb`` is what GDAL read each geometry from (None where the geometry was replaced since).
    Where that is already a little-endian XY Polygon or MultiPolygon it is the byte string shapely would
    write for the same shape, so it is used as it is (a Polygon behind a one-part MultiPolygon header);
    only the other geometries are made MultiPolygons and written by shapely (building and writing all
    of a county's 100,000 took ~0.25 s, 6 % of its import)."""
    out = np.empty(len(geoms), dtype=object)
    rest = []
    for k, wkb in enumerate(source_wkb.tolist()):
        head = None if wkb is None else wkb[:5]
        if head == _LE_POLYGON:
            out[k] = _ONE_PART + wkb
        elif head == _LE_MULTIPOLYGON:
            out[k] = wkb
        else:  # replaced, reprojected, or Z/M or big-endian in the file
            rest.append(k)
    if rest:
        out[rest] = shapely.to_wkb(_to_multipolygons(geoms[rest]), byte_order=1, output_dimension=2)
    return out


def _polygonal_part(geom):
    """make_valid may return a collection; keep its polygonal part."""
    if geom is None or geom.geom_type in _POLYGONAL:
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in _POLYGONAL]
    return shapely.union_all(polys) if polys else None


def _number(value) -> float:
    """The issued area as a number: numbers as they are, text such as "1,234.5" or " 12.5亩" parsed."""
    value = _jsonable(value)
    if isinstance(value, bool) or value is None:
        return np.nan
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).replace(",", "").replace("，", "").strip().rstrip("亩平方米㎡m2 ")
    try:
        return float(text)
    except ValueError:
        return np.nan


def propose_batch_name(shp: Path, hsx_values=None) -> str:
    """A batch name from the month most patches were imaged after (后时相), e.g. "2026年3月"; the file
    name when there are no dates (files are often named after the county, not the month)."""
    months = Counter(d[:7] for d in (_iso_date(v) for v in (hsx_values if hsx_values is not None else ())) if d)
    if not months:
        return Path(shp).stem
    year, month = months.most_common(1)[0][0].split("-")
    return f"{year}年{int(month)}月"


def batch_name_for(shp_path, encoding: Optional[str] = None, field_map: Optional[str] = None) -> str:
    """The batch name an import of this file would propose (see :func:`propose_batch_name`), reading
    only the 后时相 column, for the import dialog."""
    import pyogrio.raw

    shp = Path(shp_path)
    guess = detect_shapefile_encoding(shp, encoding)
    names = [str(n) for n in pyogrio.read_info(str(shp), encoding=guess.encoding)["fields"]]
    mapping = (fieldmap.parse(field_map, names) if field_map else fieldmap.detect(names)).mapping
    if "hsx" not in mapping:
        return shp.stem
    _, _, _, values = pyogrio.raw.read(str(shp), encoding=guess.encoding, columns=[mapping["hsx"]],
                                       read_geometry=False)
    return propose_batch_name(shp, values[0])


def same_file_batch(store: WorkStore, shp_path, batch: str) -> Optional[str]:
    """The other batch this very file (same checksum) was imported as, if any."""
    row = store.conn.execute("SELECT name FROM batches WHERE checksum = ? AND name != ?",
                             (checksum(Path(shp_path)), batch)).fetchone()
    return row[0] if row else None


def describe_crs(shp_path, source_epsg: Optional[int] = None) -> str:
    """What the import will take the file's CRS to be, or why it needs to be chosen (the CrsError's
    words), from the .prj and the file's extent, for the import dialog."""
    import pyogrio

    shp = Path(shp_path)
    bounds = pyogrio.read_info(str(shp))["total_bounds"]
    coords = np.array([[bounds[0], bounds[1]], [bounds[2], bounds[3]]], dtype=float)
    return _source_crs(shp, coords, source_epsg).description


def _ranges(rows: List[int]) -> str:
    """1,2,3,7 → "1–3、7" (rows of a damaged file come in runs)."""
    parts, start = [], None
    for k, r in enumerate(rows):
        if start is None:
            start = r
        if k + 1 == len(rows) or rows[k + 1] != r + 1:
            parts.append(str(start) if start == r else f"{start}–{r}")
            start = None
    return "、".join(parts)


def _jcbh_in_other_batches(store: WorkStore, batch: str, jcbh: List[str]) -> Counter:
    """How many of ``jcbh`` each other batch already holds."""
    found: Counter = Counter()
    for k in range(0, len(jcbh), 500):
        chunk = jcbh[k:k + 500]
        found.update(dict(store.conn.execute(
            f"SELECT b.name, count(*) FROM patches p JOIN batches b ON b.id = p.batch_id "
            f"WHERE b.name != ? AND p.jcbh IN ({','.join('?' * len(chunk))}) GROUP BY b.name", [batch, *chunk])))
    return found


def _changed_geometries(dialect, before: dict, jcbh: List[str], geoms: np.ndarray) -> List[int]:
    """Indices into ``jcbh`` of patches already in the batch whose geometry this file changes (beyond a
    millimetre: re-encoding the same shape is not a change)."""
    idx = [k for k, j in enumerate(jcbh) if j in before]
    if not idx:
        return []
    old = dialect.decode([before[jcbh[k]][1] for k in idx])
    new = _to_multipolygons(geoms[idx])  # as stored: a Polygon never equals its one-part MultiPolygon
    same = shapely.equals_exact(shapely.normalize(old), shapely.normalize(new), tolerance=1e-3)
    return [k for k, s in zip(idx, same) if not s]


def _mark_changed(conn, before: dict, changed: List[int], jcbh: List[str], area_m2: np.ndarray,
                  file_name: str) -> List[str]:
    """Flag each patch whose geometry changed for re-review (its determination's areas were judged on
    the old shape); the store's triggers have already written the change to the audit log."""
    for k in changed:
        note = REVIEW_NOTE_GEOMETRY.format(old=before[jcbh[k]][2] or 0.0, new=float(area_m2[k]), file=file_name)
        conn.execute("UPDATE patches SET review_note=? WHERE fid=?", (note, before[jcbh[k]][0]))
    return [jcbh[k] for k in changed]


def import_patches(store: WorkStore, shp_path, batch: Optional[str] = None,
                   received: Optional[dt.date] = None, encoding: Optional[str] = None,
                   field_map: Optional[str] = None, source_epsg: Optional[int] = None,
                   progress: Optional[Callable[[float], None]] = None,
                   is_cancelled: Optional[Callable[[], bool]] = None) -> ImportResult:
    shp = Path(shp_path)
    if not shp.is_file():
        raise ImportFailed(f"文件不存在：{shp}")
    result = ImportResult(batch or "")

    def step(fraction: float) -> None:
        if is_cancelled and is_cancelled():
            raise ImportCancelled()
        if progress:
            progress(fraction)

    result.encoding, names, values, geoms, source_wkb = _read_batch(shp, encoding, keep=False)
    step(0.2)
    if field_map:
        result.field_map = fieldmap.parse(field_map, names)
    else:
        result.field_map = fieldmap.detect(names, keys.FIELD_MAP.read(store))
    mapping = result.field_map.mapping
    if values[mapping["jcbh"]].dtype.kind in "fiu":  # a numeric 监测编号: its digits, not a double
        values[mapping["jcbh"]] = np.array(dbf_column_text(_sidecar(shp, ".dbf"), mapping["jcbh"])[:len(geoms)],
                                           dtype=object)
    batch = result.batch = (batch or propose_batch_name(shp, values.get(mapping.get("hsx", "")))).strip()

    existing = store.batch(batch)
    if existing and store.conn.execute(
            "SELECT locks FROM stage_events WHERE batch_id=? ORDER BY id DESC LIMIT 1",
            (existing["id"],)).fetchone() in ((1,),):
        raise ImportFailed(f"批次“{batch}”已上报锁定，不能重新导入。")
    file_sum = checksum(shp)
    twin = store.conn.execute("SELECT name, imported_at FROM batches WHERE checksum=? AND name != ?",
                              (file_sum, batch)).fetchone()
    if twin:
        raise DuplicateFile(
            f"同一文件已于 {twin[1]} 作为批次“{twin[0]}”导入，再次导入会使每个图斑和每项合计重复。"
            f"若要更新该批次，请以批次名“{twin[0]}”重新导入。", twin[0])

    coords = shapely.get_coordinates(geoms[~shapely.is_missing(geoms)])
    if not len(coords):
        raise ImportFailed(f"{shp.name} 中没有任何几何图形。")
    result.crs = _source_crs(shp, coords, source_epsg)

    counts = record_counts(shp)
    n_read = len(geoms)
    n = max(n_read, counts["shp"], counts["shx"], counts["dbf"])
    if n > n_read:  # rows GDAL could not read at all: rejected by number, without attributes
        geoms = np.concatenate([geoms, np.full(n - n_read, None, dtype=object)])
        source_wkb = np.concatenate([source_wkb, np.full(n - n_read, None, dtype=object)])
        values = {k: np.concatenate([v.astype(object), np.full(n - n_read, None, dtype=object)])
                  for k, v in values.items()}
    reasons: List[Optional[str]] = [None] * n
    repaired = np.zeros(n, dtype=bool)
    jcbh = [_text(v) for v in values[mapping["jcbh"]]]
    missing = shapely.is_missing(geoms)
    empty = missing | shapely.is_empty(np.where(missing, None, geoms))
    types = shapely.get_type_id(geoms)
    valid = shapely.is_valid(geoms)
    # A row's 监测编号 counts as taken once the row passes the checks before the duplicate check; the
    # first such row keeps it. Only rows failing a check (rarely more than a few) are looked at one by one.
    candidate = ~empty & np.isin(types, _POLYGONAL_TYPE_IDS) & np.fromiter(map(bool, jcbh), dtype=bool, count=n)
    taken = np.flatnonzero(candidate).tolist()
    first = dict(zip(reversed([jcbh[i] for i in taken]), reversed(taken)))
    repeated = np.zeros(n, dtype=bool)
    repeated[[i for i in taken if first[jcbh[i]] != i]] = True
    complete = min(n_read, counts["shp"], counts["dbf"], counts["dbf_present"])
    for i in np.flatnonzero(~(candidate & valid) | repeated).tolist():
        if i >= complete and empty[i]:
            reasons[i] = _missing_reason(i, counts)
        elif empty[i]:
            reasons[i] = "几何为空"
        elif types[i] not in (3, 6):
            reasons[i] = f"非面状几何（{geoms[i].geom_type}）"
        elif not jcbh[i]:
            reasons[i] = "监测编号为空"
        elif first[jcbh[i]] != i:
            reasons[i] = f"批次内监测编号重复（与第 {first[jcbh[i]] + 1} 行相同）"
        else:
            fixed = _polygonal_part(shapely.make_valid(geoms[i]))
            if fixed is None or fixed.is_empty:
                reasons[i] = "几何无效且无法修复"
            else:
                geoms[i], source_wkb[i] = fixed, None
                repaired[i] = True
    step(0.4)
    keep = np.array([r is None for r in reasons], dtype=bool)
    kept, kept_wkb = geoms[keep], source_wkb[keep]
    if result.crs.epsg != store.epsg:
        kept = transform_geoms(kept, result.crs.epsg, store.epsg)
        kept_wkb = np.full(len(kept), None, dtype=object)
    # Polygons stay Polygons until written (as MultiPolygons): ellipsoidal_area takes a short path for
    # a hole-free Polygon, and the stored WKB is mostly the file's own (_multipolygon_wkbs)
    area_m2 = ellipsoidal_area(kept, store.epsg)
    kept_wkb = _multipolygon_wkbs(kept, kept_wkb)
    step(0.6)

    if "jcmj" not in mapping:
        declared = np.full(keep.sum(), np.nan)
    elif values[mapping["jcmj"]].dtype.kind in "fiu":  # a numeric field: _number gives the value itself
        declared = values[mapping["jcmj"]][keep].astype(float)
    else:
        declared = np.array([_number(v) for v in values[mapping["jcmj"]][keep].tolist()], dtype=float)
    result.area_unit = detect_area_unit(declared, area_m2)
    jcmj_m2 = declared * MU_M2 if result.area_unit == "亩" else declared

    received = received or dt.date.today()
    if not dt.date(2000, 1, 1) <= received <= dt.date.today() + dt.timedelta(days=366):
        raise ImportFailed(f"接收日期 {received.isoformat()} 不合理（应在 2000 年至明年之间），请检查“接收日期”。")
    deadline_cfg = DeadlineConfig.load(store, keys.DEADLINES)
    due = determination_due(received, deadline_cfg).isoformat()
    stamp = now_iso()

    rows_idx = np.flatnonzero(keep)

    def column(canonical: str, convert=_text) -> list:
        if canonical not in mapping:
            return [None] * int(keep.sum())
        return _converted(values[mapping[canonical]][rows_idx].tolist(), convert)

    attrs_json = _json_rows(values, names, rows_idx)
    blobs = store.dialect.encode(kept, store.epsg, kept_wkb)
    geom = store.dialect.geom_param(store.epsg)
    cols = {c: column(c) for c in ("xzqdm", "xmc", "tblx", "tz", "sfyn", "sfhx", "dlbm")}
    qsx, hsx = column("qsx", _iso_date), column("hsx", _iso_date)
    jcbh_kept = [jcbh[i] for i in rows_idx]

    overlap = _jcbh_in_other_batches(store, batch, jcbh_kept)
    if overlap and sum(overlap.values()) >= max(3, len(jcbh_kept) // 5):
        listed = "、".join(f"“{name}” {k} 个" for name, k in overlap.most_common(3))
        result.warnings.append(f"{sum(overlap.values())} 个监测编号已在其他批次中（{listed}），请确认不是重复下发或重复导入。")
    missing_rows = [i + 1 for i in range(n_read, n)] + [i + 1 for i in range(min(n_read, n))
                                                         if reasons[i] and "记录缺失" in reasons[i]]
    if missing_rows:
        result.warnings.append(
            f"shapefile 不完整（.shp {counts['shp']} 条、.shx {counts['shx']} 条、.dbf {counts['dbf']} 条记录），"
            f"第 {_ranges(sorted(missing_rows))} 条记录缺失，已拒收并列入拒收记录。请向下发单位索取完整数据。")

    with store.transaction(actor=f"导入 {shp.name}") as conn:
        conn.execute(
            """INSERT INTO batches (name, received_date, file_name, checksum, encoding, encoding_source,
                 source_epsg, crs_source, field_map, area_unit, imported_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET received_date=excluded.received_date,
                 file_name=excluded.file_name, checksum=excluded.checksum, encoding=excluded.encoding,
                 encoding_source=excluded.encoding_source, source_epsg=excluded.source_epsg,
                 crs_source=excluded.crs_source, field_map=excluded.field_map,
                 area_unit=excluded.area_unit, imported_at=excluded.imported_at""",
            (batch, received.isoformat(), shp.name, file_sum, result.encoding.encoding,
             result.encoding.source, result.crs.epsg, result.crs.source, result.field_map.to_json(),
             result.area_unit, stamp))
        batch_id = conn.execute("SELECT id FROM batches WHERE name=?", (batch,)).fetchone()[0]
        before = {j: (fid, geom, area) for j, fid, geom, area in conn.execute(
            f"SELECT jcbh, fid, {store.dialect.geom_select('geom')}, area_m2 FROM patches WHERE batch_id=?",
            (batch_id,))}
        changed = _changed_geometries(store.dialect, before, jcbh_kept, kept)
        # Plain UPDATE/INSERT, not an UPSERT: an upsert's conflict clause would override the OR REPLACE
        # inside the GeoPackage R*Tree triggers. Rows are zipped from whole columns (no per-row indexing).
        columns = (blobs, cols["xzqdm"], cols["xmc"], cols["tblx"], qsx, hsx,
                   [None if v != v else v for v in jcmj_m2.tolist()], cols["tz"], cols["sfyn"], cols["sfhx"],
                   cols["dlbm"], area_m2.tolist(), (area_m2 / MU_M2).tolist(), repaired[rows_idx].astype(int).tolist(),
                   (rows_idx + 1).tolist(), attrs_json, repeat(due), repeat(stamp))
        conn.executemany(
            f"""UPDATE {PATCH_TABLE} SET geom={geom}, xzqdm=?, xmc=?, tblx=?, qsx=?, hsx=?, jcmj_m2=?, tz=?, sfyn=?,
                 sfhx=?, dlbm=?, area_m2=?, area_mu=?, geom_repaired=?, source_row=?, source_attrs=?,
                 due_date=?, updated_at=? WHERE batch_id={int(batch_id)} AND jcbh=?""",
            [r for r in zip(*columns, jcbh_kept) if r[-1] in before] if before else [])
        updated = len(before.keys() & set(jcbh_kept))
        inserts = zip(*columns, repeat(stamp), jcbh_kept, repeat(batch_id))  # streamed: a county's are 100,000
        if updated:
            inserts = (r for r in inserts if r[-2] not in before)
        with store.dialect.bulk_insert(conn, PATCH_TABLE, many=len(jcbh_kept) - updated >= 10_000):
            conn.executemany(
                f"""INSERT INTO {PATCH_TABLE} (geom, xzqdm, xmc, tblx, qsx, hsx, jcmj_m2, tz, sfyn, sfhx, dlbm,
                     area_m2, area_mu, geom_repaired, source_row, source_attrs, due_date, imported_at, updated_at,
                     jcbh, batch_id)
                   VALUES ({geom}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", inserts)
        if changed:
            result.geometry_changed = _mark_changed(conn, before, changed, jcbh_kept, area_m2, shp.name)
        step(0.8)
        conn.execute("DELETE FROM rejects WHERE batch_id=?", (batch_id,))
        conn.executemany(
            "INSERT INTO rejects (batch_id, source_row, jcbh, reason, source_attrs, geom_wkt) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(batch_id, i + 1, jcbh[i], reasons[i],
              None if i >= n_read else json.dumps({f: _jsonable(values[f][i]) for f in names}, ensure_ascii=False),
              None if geoms[i] is None else shapely.to_wkt(geoms[i], rounding_precision=3))
             for i in range(n) if reasons[i]])
        count = conn.execute("SELECT count(*) FROM patches WHERE batch_id=?", (batch_id,)).fetchone()[0]
        result.rejected = sum(1 for r in reasons if r)
        conn.execute("UPDATE batches SET patch_count=?, reject_count=? WHERE id=?",
                     (count, result.rejected, batch_id))
        keys.FIELD_MAP.write(store, mapping, conn)
        store.dialect.update_extent(conn, PATCH_TABLE)
        step(1.0)

    result.updated = updated
    result.inserted = len(jcbh_kept) - result.updated
    result.kept_not_in_file = len(before.keys() - set(jcbh_kept))
    result.repaired = int(repaired.sum())
    result.reject_reasons = Counter(r.split("（")[0] for r in reasons if r)
    return result


def _source_crs(shp: Path, coords: np.ndarray, source_epsg: Optional[int]) -> CrsGuess:
    """The file's CRS: the user's choice when given, else its .prj or its coordinates (never a guess
    between several CRSs the coordinates fit; crs.detect_crs then asks for the choice)."""
    if source_epsg:
        return CrsGuess(int(source_epsg), "user", f"用户指定：EPSG:{int(source_epsg)}")
    prj = _sidecar(shp, ".prj")
    return detect_crs(prj.read_text(errors="replace") if prj else None, coords[:, 0], coords[:, 1])


def create_store_for(store_path, shp_path, encoding: Optional[str] = None, year: Optional[int] = None,
                     field_map: Optional[str] = None, source_epsg: Optional[int] = None) -> WorkStore:
    """A new store in the projected CGCS2000 zone of the first batch (lon/lat data → its 3° zone); the
    encoding, field mapping and CRS the user gave for the import apply here too."""
    shp = Path(shp_path)
    _, names, values, geoms, _ = _read_batch(shp, encoding, keep=True)
    coords = shapely.get_coordinates(geoms[~shapely.is_missing(geoms)])
    if not len(coords):
        raise ImportFailed(f"{shp.name} 中没有任何几何图形。")
    crs = _source_crs(shp, coords, source_epsg)
    mapping = (fieldmap.parse(field_map, names) if field_map else fieldmap.detect(names)).mapping
    county = next((t for t in (_text(v) for v in values.get(mapping.get("xmc", ""), [])) if t), "")
    code = next((t for t in (_text(v) for v in values.get(mapping.get("xzqdm", ""), [])) if t), "")
    return WorkStore.create(store_path, projected_crs_for(crs.epsg, coords[:, 0], coords[:, 1]),
                            county_name=county, county_code=code, year=year or dt.date.today().year)
