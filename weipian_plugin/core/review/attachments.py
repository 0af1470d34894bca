"""Files kept in the store with what they document: a patch's evidence, a patrol finding's photos, a clue's files.

One table (``attachments``, schema 7) with an owner column and one code path for every owner. A photo's
EXIF time, position and bearing are read from the bytes whatever the file is called (some systems map
.jpg to image/pjpeg); a photo whose EXIF is damaged is still stored, only without them: the evidence
matters more. Evidence is added and removed all year: stage locks do not apply (docs/DOMAIN.md §5).
"""
from __future__ import annotations

import hashlib
import mimetypes
import sqlite3
from pathlib import Path
from typing import List, Optional

from weipian_plugin.core.review.errors import ReviewError
from weipian_plugin.core.review.exif import ExifError, PhotoInfo, read_photo_info
from weipian_plugin.core.store.sql import dialect
from weipian_plugin.core.store.workstore import WorkStore, now_iso

PATCH, FINDING, CLUE = "patch", "finding", "clue"
# owner -> (table, key column, Chinese name for messages)
OWNERS = {PATCH: ("patches", "fid", "图斑"), FINDING: ("patrol_findings", "fid", "巡查发现问题"),
          CLUE: ("clues", "fid", "违法线索")}
PHOTO, FILE = "照片", "文件"
_COLUMNS = ("id", "owner", "owner_id", "patch_fid", "file_name", "mime_type", "kind", "added_at", "added_by",
            "taken_at", "longitude", "latitude", "bearing", "size_bytes", "sha256")


class AttachmentError(ReviewError):
    """An attachment cannot be added, read or removed; the message is Chinese and shown as is."""


def _owner_exists(conn: sqlite3.Connection, owner: str, owner_id: int) -> None:
    if owner not in OWNERS:
        raise AttachmentError(f"未知的附件归属：{owner}")
    table, key, name = OWNERS[owner]
    if conn.execute(f"SELECT 1 FROM {table} WHERE {key} = ?", (owner_id,)).fetchone() is None:
        raise AttachmentError(f"{name}不存在（fid={owner_id}）")


def photo_info(data: bytes) -> PhotoInfo:
    """EXIF time, position and bearing of a photo, decided by its bytes; empty for other files."""
    try:
        return read_photo_info(data)
    except ExifError:
        return PhotoInfo()


def add(store: WorkStore, owner: str, owner_id: int, file_path, kind: Optional[str] = None,
        actor: Optional[str] = None) -> int:
    """Store a file with its owner; returns the attachment's id."""
    source = Path(file_path)
    if not source.is_file():
        raise AttachmentError(f"文件不存在：{source}")
    data = source.read_bytes()
    mime = mimetypes.guess_type(source.name, strict=False)[0] or "application/octet-stream"
    info = photo_info(data)
    with store.transaction() as conn:
        _owner_exists(conn, owner, owner_id)
        return dialect(conn).insert_id(
            conn, "INSERT INTO attachments (owner, owner_id, patch_fid, file_name, mime_type, kind, added_at, added_by, "
            "taken_at, longitude, latitude, bearing, size_bytes, sha256, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (owner, owner_id, owner_id if owner == PATCH else None, source.name, mime,
             kind or (PHOTO if mime.startswith("image/") else FILE), now_iso(), actor, info.taken_at,
             info.longitude, info.latitude, info.bearing, len(data), hashlib.sha256(data).hexdigest(),
             sqlite3.Binary(data)))


def list_for(store: WorkStore, owner: str, owner_id: int) -> List[dict]:
    """The owner's attachments without their bytes, oldest first."""
    cur = store.conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM attachments WHERE owner = ? AND owner_id = ? "
                             "ORDER BY id", (owner, owner_id))
    return [dict(zip(_COLUMNS, row)) for row in cur]


def count_for(store: WorkStore, owner: str, owner_ids) -> dict:
    """owner id -> number of attachments, for the ids given (ids without any are absent)."""
    ids = list(owner_ids)
    if not ids:
        return {}
    rows = store.conn.execute(
        f"SELECT owner_id, count(*) FROM attachments WHERE owner = ? AND owner_id IN ({', '.join('?' * len(ids))}) "
        "GROUP BY owner_id", (owner, *ids))
    return dict(rows.fetchall())


def data(store: WorkStore, attachment_id: int) -> bytes:
    row = store.conn.execute("SELECT data FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
    if row is None:
        raise AttachmentError(f"附件不存在（id={attachment_id}）")
    return bytes(row[0])


def export(store: WorkStore, attachment_id: int, folder) -> Path:
    """Write the attachment into ``folder`` under its file name; never overwrites a different file."""
    row = store.conn.execute("SELECT file_name FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
    if row is None:
        raise AttachmentError(f"附件不存在（id={attachment_id}）")
    content = data(store, attachment_id)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(row[0] or "").name  # the name may have been edited in QGIS: never let it leave the folder
    if name in ("", ".", ".."):
        name = f"附件{attachment_id}"
    target, n = folder / name, 1
    while target.exists() and target.read_bytes() != content:
        n += 1
        target = folder / f"{Path(name).stem} ({n}){Path(name).suffix}"
    target.write_bytes(content)
    return target


def remove(store: WorkStore, attachment_id: int, actor: Optional[str] = None) -> None:
    if store.conn.execute("SELECT 1 FROM attachments WHERE id = ?", (attachment_id,)).fetchone() is None:
        raise AttachmentError(f"附件不存在（id={attachment_id}）")
    with store.transaction(actor) as conn:
        conn.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))
