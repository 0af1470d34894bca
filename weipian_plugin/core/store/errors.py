"""SQLite and file-system failures said in words a person can act on: which file, what is wrong, what to do.

SQLite's own texts (``database is locked``, ``attempt to write a readonly database``, ``database or disk
is full``, ``database disk image is malformed``) mean nothing to a county clerk; every layer that
reaches the store (algorithms, docks, dialogs) turns them into :class:`StoreProblem` through
:func:`explain`.
"""
from __future__ import annotations

import errno
import os
import sqlite3
from typing import Optional

BUSY_SECONDS = 15
"""How long a write waits for another program to release the store (sqlite3 ``timeout``)."""


class StoreProblem(ValueError):
    """A store or output file that cannot be used right now; ``busy`` when waiting and retrying may help."""

    def __init__(self, message: str, busy: bool = False):
        super().__init__(message)
        self.busy = busy


def explain(exc: BaseException, path: os.PathLike) -> Optional[str]:
    """The Chinese message for an SQLite or OS error on ``path``; None for errors this does not know
    (the caller keeps them as they are)."""
    text = str(exc).lower()
    if isinstance(exc, sqlite3.Error) and _busy(exc) and getattr(exc, "sqlstate", None):
        return (f"PostgreSQL 工作库 {path} 中的这些记录正被另一个连接占用（例如另一位审核人正在保存，或 QGIS 中"
                "处于编辑状态的图层），等待后仍未释放。请稍后重试；没有保存任何内容。")
    if isinstance(exc, sqlite3.Error) and denied(exc):
        return (f"你的数据库账号没有这项权限（{exc}）。共享工作库 {path} 按角色分工：技术员导入和分析，审核人判定和"
                "跟踪查处整改，乡镇只填报本乡镇图斑的查处整改，只读账号不能修改。没有保存任何内容；如需权限请联系"
                "工作库管理员（weipian:storeroles）。")
    if isinstance(exc, sqlite3.Error):
        if _busy(exc):
            return (f"工作库 {path} 正被其他程序占用（例如 QGIS 中处于编辑状态的图层、另一个 QGIS 窗口或 SQLite "
                    "工具），等待后仍未释放。请在那里保存并结束编辑后重试；没有保存任何内容。")
        if "readonly" in text or "read-only" in text:
            return (f"工作库 {path} 是只读的（文件属性只读，或所在文件夹不可写、在光盘或只读网络盘上）。"
                    "请复制到可写的文件夹或取消只读后重试；没有保存任何内容。")
        if "full" in text:
            return f"磁盘已满，无法写入工作库 {path}。请清理磁盘空间后重试；工作库保持写入前的状态。"
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return (f"工作库 {path} 已损坏（{exc}）。请用最近的备份或上报快照恢复；"
                    "可先用“校验工作库修改记录”检查其他副本。")
        if "unable to open" in text or "disk i/o" in text:
            return (f"无法读写工作库 {path}（{exc}）：文件所在的文件夹可能不可写、已被移走或网络盘已断开。"
                    "请检查后重试。")
        return None
    if isinstance(exc, OSError):
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return (f"没有写入权限：{exc.filename or path}（文件可能正在 Excel/WPS 中打开，或文件、文件夹是只读的）。"
                    "请关闭该文件或选择可写的文件夹后重试。")
        if exc.errno == errno.ENOSPC:
            return f"磁盘已满，无法写入 {exc.filename or path}。请清理磁盘空间后重试；没有留下写了一半的文件。"
        return None
    return None


def denied(exc: Optional[BaseException]) -> bool:
    """The server refused this login the statement (SQLSTATE 42501, kept on the error or on its cause by
    core/store/postgis.py): its role may have been revoked while it kept the store open."""
    while exc is not None:
        if getattr(exc, "sqlstate", None) == "42501":
            return True
        exc = exc.__cause__
    return False


def _busy(exc: BaseException) -> bool:
    """Another writer holds what this one needs: SQLite's locked database, or a PostgreSQL lock wait that
    timed out (SQLSTATE 55P03, as core/store/postgis.py keeps it on the error)."""
    text = str(exc).lower()
    return getattr(exc, "sqlstate", None) == "55P03" or "locked" in text or "busy" in text


def problem(exc: BaseException, path: os.PathLike) -> BaseException:
    """:class:`StoreProblem` for a known failure (raise it ``from exc``), else ``exc`` itself."""
    message = explain(exc, path)
    if message is None:
        return exc
    return StoreProblem(message, busy=isinstance(exc, sqlite3.Error) and _busy(exc))
