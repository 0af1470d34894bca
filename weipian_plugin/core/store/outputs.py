"""Writing exports so that they can never destroy the work store or any other database.

An export's OUTPUT is checked before any work starts (extension, not the store, not an existing
GeoPackage/SQLite file, not a folder), and the file is written under a unique temporary name in the
same folder and renamed into place only when complete: a failure or a cancel leaves nothing behind,
and two runs never share a temporary file.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator, Optional, Sequence

SQLITE_MAGIC = b"SQLite format 3\x00"


class OutputError(ValueError):
    """An OUTPUT the export refuses to write (message in Chinese, names the file)."""


def is_sqlite_file(path: os.PathLike) -> bool:
    """Whether ``path`` is an SQLite database (every GeoPackage is one), by its header bytes."""
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: os.PathLike, suffixes: Sequence[str], store_path: Optional[os.PathLike] = None) -> Path:
    """``path`` as a Path when an export may write it; else OutputError saying why and what to do."""
    if not str(path).strip():
        raise OutputError("没有指定输出文件。")
    path = Path(path)
    if store_path is not None and (_same_file(path, Path(store_path))
                                   or path.resolve() == Path(store_path).resolve()):
        raise OutputError(f"输出文件不能是工作库本身：{path}。请另选一个文件名。")
    if path.is_dir():
        raise OutputError(f"输出路径是一个文件夹：{path}。请指定文件名。")
    if path.exists() and is_sqlite_file(path):
        raise OutputError(f"输出文件 {path} 是一个已有的 GeoPackage/SQLite 数据库，不会覆盖它。请另选文件名。")
    if path.suffix.lower() not in suffixes:
        wanted = " 或 ".join(suffixes)
        raise OutputError(f"输出文件应为 {wanted} 文件：{path}。请改用正确的扩展名。")
    if not path.parent.is_dir():
        raise OutputError(f"输出文件夹不存在：{path.parent}")
    return path


def check_output_folder(folder: os.PathLike) -> Path:
    """A folder an export may write its files into (created when missing)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"输出位置 {folder} 是一个文件而不是文件夹，不会覆盖它。请另选文件夹。")
    return folder


def temporary_sibling(path: os.PathLike, suffix: str = ".part") -> Path:
    """A new, empty file with a name no other run can have, in ``path``'s folder (so the final rename
    stays on one file system and is atomic)."""
    path = Path(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=str(path.parent))
    except OSError as exc:
        raise OutputError(explain_os(exc, path)) from exc
    os.close(fd)
    return Path(name)


def explain_os(exc: OSError, path: Path) -> str:
    from weipian_plugin.core.store.errors import explain

    return explain(exc, path) or f"无法写入 {path}：{exc.strerror or exc}"


@contextlib.contextmanager
def replacing(path: os.PathLike) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``, on any failure it is removed
    (an OS failure becomes an OutputError saying what to do)."""
    path = Path(path)
    tmp = temporary_sibling(path, path.suffix + ".part")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:  # a full disk or a file open in another program: nothing half-written remains
        raise OutputError(explain_os(exc, path)) from exc
    finally:
        tmp.unlink(missing_ok=True)


def publish_new(tmp: os.PathLike, path: os.PathLike) -> bool:
    """Move the complete file ``tmp`` to ``path`` only if nothing is there yet (a hard link cannot
    overwrite, unlike a rename). True when published; False when another run created ``path`` first
    (``tmp`` is then left for the caller to remove)."""
    tmp, path = Path(tmp), Path(path)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: check, then rename (a narrow race remains)
        if path.exists():
            return False
        os.replace(tmp, path)
        return True
    tmp.unlink(missing_ok=True)
    return True
