"""Text encoding of shapefile attribute tables (DBF): UTF-8 or GBK.

Mojibake in a ledger is a defect, and neither sidecar is reliable: a .cpg may be missing or copied from
another file, and the DBF language byte is usually 0 (docs/DOMAIN.md §3). So a declaration is only believed
when the text bytes agree with it. The bytes decide because the two encodings are nearly exclusive:
GBK text almost never happens to be valid UTF-8, while UTF-8 Chinese does decode as (wrong) GBK, so
strict UTF-8 is tried first. GB18030 is used for the whole GB family (GB2312 ⊂ GBK ⊂ GB18030) so that
rare characters outside GBK still decode.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple, Union

import numpy as np

UTF8 = "utf-8"
GB = "gb18030"

BIG5 = "big5"

_LABELS = {UTF8: "UTF-8", GB: "GBK/GB18030", BIG5: "Big5"}
_CPG_NAMES = {
    **dict.fromkeys(("UTF-8", "UTF8", "65001", "CP65001"), UTF8),
    **dict.fromkeys(
        ("GBK", "936", "CP936", "ANSI 936", "MS936", "GB2312", "GB 2312", "EUC-CN", "GB18030", "54936", "CP54936"),
        GB,
    ),
    **dict.fromkeys(("BIG5", "BIG-5", "950", "CP950", "BIG5-HKSCS"), BIG5),
}
_LDID_CP936 = (0x4D, 0x7A)  # ESRI and dBase codes for "Chinese GBK (PRC)"

PathLike = Union[str, Path]


class EncodingError(ValueError):
    """The text encoding cannot be determined or is unknown; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class EncodingGuess:
    encoding: str  # Python codec name
    source: str  # 'cpg', 'ldid', 'bytes' or 'user'
    description: str
    mixed: bool = False
    """Some values are UTF-8 and the others ``encoding``: decode each value on its own."""


def _text_fields(data: bytes, name: str) -> Tuple[np.ndarray, List[Tuple[int, int]]]:
    """The DBF's records as an (n, record length) byte array and its character (C) fields' (offset, width)."""
    if len(data) < 33:
        raise EncodingError(f"{name} 不是有效的DBF文件")
    n_records = int.from_bytes(data[4:8], "little")
    header_len = int.from_bytes(data[8:10], "little")
    record_len = int.from_bytes(data[10:12], "little")
    if record_len == 0 or header_len > len(data):
        raise EncodingError(f"{name} 不是有效的DBF文件")
    fields, offset = [], 1  # byte 0 of each record is the deletion flag
    for pos in range(32, header_len - 31, 32):
        if data[pos] == 0x0D:
            break
        width = data[pos + 16]  # byte 17 is decimals (or noise), as GDAL/shapelib read it
        if data[pos + 11] == ord("C") and width:
            fields.append((offset, width))
        offset += width
    if offset > record_len:
        raise EncodingError(f"{name} 的字段定义与记录长度不符，不是有效的DBF文件")
    n_records = min(n_records, (len(data) - header_len) // record_len)
    records = np.frombuffer(data, np.uint8, n_records * record_len, header_len).reshape(n_records, record_len)
    return records, fields


def _text_values(records: np.ndarray, fields: List[Tuple[int, int]]) -> List[Tuple[bytes, bool]]:
    """Distinct non-ASCII values of the character (C) fields, each with "fills its field" (may be cut)."""
    values = set()
    for start, width in fields:
        column = records[:, start : start + width]
        column = np.ascontiguousarray(column[(column >= 0x80).any(axis=1)])
        for raw in np.unique(column.view(f"S{width}").ravel()).tolist():
            values.add((raw.rstrip(b" "), len(raw) == width))
    return sorted(values)


_CHUNK = 1 << 24


def _all_utf8(records: np.ndarray, fields: List[Tuple[int, int]]) -> Optional[bool]:
    """What :func:`_text_values` would show, found in a few passes over the raw bytes instead of value by
    value (a county's DLTB table is close to a gigabyte): False when no text value has a non-ASCII byte,
    True when some have and every value is UTF-8, None when this cannot tell (then look value by value).

    Every value is UTF-8 when every record is and no value starts with a continuation byte: a value then
    starts on a character and ends on one, or inside one that the next field continues, and then it
    fills its field (it may be cut there, as :func:`_decodes` allows)."""
    if not fields or not records.size:
        return False
    rows = max(1, _CHUNK // records.shape[1])  # whole records at a time: no character spans two of them
    chunks = [records[a:a + rows].reshape(-1) for a in range(0, len(records), rows)]
    first = next((c for c in chunks if not c.tobytes().isascii()), None)
    if first is None:
        return False
    if any(((records[:, start] & 0xC0) == 0x80).any() for start, _ in fields):
        return None
    try:
        for c in chunks:
            str(c, UTF8)
    except UnicodeDecodeError:
        return None
    column = int(np.argmax(first >= 0x80)) % records.shape[1]  # usually the first non-ASCII byte is in a text
    if any(start <= column < start + width for start, width in fields):
        return True
    high = np.zeros(records.shape[1], dtype=bool)  # else every byte position in a record ever non-ASCII
    for a in range(0, len(records), rows):
        high |= (records[a:a + rows] >= 0x80).any(axis=0)
    return True if any(high[start:start + width].any() for start, width in fields) else None


def _decodes(values: List[Tuple[bytes, bool]], codec: str) -> bool:
    """Strict decode of every value; a value that fills its field may end in a cut character."""
    for raw, full in values:
        try:
            codecs.getincrementaldecoder(codec)("strict").decode(raw, final=not full)
        except UnicodeDecodeError:
            return False
    return True


def plausible_utf8(raw: bytes) -> bool:
    """Whether bytes are UTF-8 Chinese text: valid UTF-8 whose characters are ASCII or CJK (a short GBK
    value is sometimes valid UTF-8 too, but then it spells Cyrillic or Latin letters, e.g. 一 → һ)."""
    try:
        text = codecs.getincrementaldecoder(UTF8)("strict").decode(raw, final=False)
    except UnicodeDecodeError:
        return False
    return all(ord(c) < 0x80 or ord(c) >= 0x2E80 for c in text)


def _normalise_cpg(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\ufeff", "").strip().upper())


def detect_dbf_encoding(dbf_path: PathLike, cpg_path: Optional[PathLike] = None) -> EncodingGuess:
    """Encoding of a DBF's text: the .cpg or the language byte if the text bytes agree, else the bytes."""
    dbf_path = Path(dbf_path)
    data = dbf_path.read_bytes()
    records, fields = _text_fields(data, dbf_path.name)
    quick = _all_utf8(records, fields)
    values = [] if quick is not None else _text_values(records, fields)

    declared, source, claim = None, "bytes", ""
    if cpg_path is not None and Path(cpg_path).is_file():
        cpg_text = Path(cpg_path).read_bytes().decode("ascii", "ignore")
        declared = _CPG_NAMES.get(_normalise_cpg(cpg_text))
        claim = f".cpg声明为{cpg_text.strip()}" if declared else f".cpg内容“{cpg_text.strip()}”无法识别，已忽略"
        source = "cpg" if declared else source
    if declared is None and data[29] in _LDID_CP936:
        declared, source = GB, "ldid"
        claim = (claim + "；" if claim else "") + f"DBF语言驱动标记为0x{data[29]:02X}（GBK）"
    prefix = claim + "；" if claim else ""

    if quick is False or (quick is None and not values):
        encoding = declared or UTF8
        return EncodingGuess(encoding, source, f"{prefix}文本均为ASCII字符，按{_LABELS[encoding]}读取")
    utf8 = [v for v in values if _decodes([v], UTF8)]
    if len(utf8) < len(values):  # not all UTF-8: only Chinese-looking UTF-8 values count as UTF-8 rows
        utf8 = [v for v in utf8 if plausible_utf8(v[0])]
    other = [v for v in values if v not in utf8]  # none when the quick look found every value UTF-8
    # Big5 text usually also decodes as GBK (to the wrong characters): a Big5 .cpg is believed when the
    # bytes are Big5, as nothing but the declaration can tell the two apart.
    legacy = BIG5 if declared == BIG5 and _decodes(other, BIG5) else GB
    if not other:
        found, why = UTF8, "文本是有效的UTF-8"
    elif not _decodes(other, legacy):
        raise EncodingError(f"{dbf_path.name} 的文字既不是有效的UTF-8，也不是{_LABELS[legacy]}，请手动指定编码")
    elif utf8:
        return EncodingGuess(legacy, "bytes", f"{prefix}文本混合了UTF-8（{len(utf8)} 个值）和{_LABELS[legacy]}"
                             f"（{len(other)} 个值），已逐个值分别解码", mixed=True)
    else:
        found, why = legacy, f"文本不是有效的UTF-8，但可按{_LABELS[legacy]}解码"
    if declared == found:
        return EncodingGuess(found, source, f"{prefix}与文本内容一致（{_LABELS[found]}）")
    if declared is not None:
        return EncodingGuess(found, "bytes", f"{prefix}但{why}，按文本内容判定为{_LABELS[found]}")
    return EncodingGuess(found, "bytes", f"{prefix}{why}，按文本内容判定为{_LABELS[found]}")


def _sidecar(shp_path: Path, extension: str) -> Optional[Path]:
    """The file next to ``shp_path`` with the same stem and ``extension``, matched case-insensitively."""
    wanted = (shp_path.stem + extension).lower()
    return next((p for p in shp_path.parent.iterdir() if p.name.lower() == wanted), None)


def detect_shapefile_encoding(shp_path: PathLike, user_encoding: Optional[str] = None) -> EncodingGuess:
    """Encoding of a shapefile's attributes; a non-empty ``user_encoding`` overrides detection."""
    if user_encoding and user_encoding.strip():
        try:
            codec = codecs.lookup(user_encoding.strip()).name
        except LookupError:
            raise EncodingError(f"未知的编码名称：“{user_encoding.strip()}”") from None
        return EncodingGuess(codec, "user", f"用户指定编码：{codec}")
    shp_path = Path(shp_path)
    dbf = _sidecar(shp_path, ".dbf")
    if dbf is None:
        raise EncodingError(f"找不到 {shp_path.name} 的属性表文件（.dbf）")
    return detect_dbf_encoding(dbf, _sidecar(shp_path, ".cpg"))


def dbf_column_text(dbf_path: PathLike, field: str) -> List[str]:
    """One DBF column's values exactly as written (stripped text), row by row.

    GDAL reads a numeric field as a double, so a 19-digit 监测编号 stored as a number loses its last
    digits; its characters are exact."""
    data = Path(dbf_path).read_bytes()
    header_len = int.from_bytes(data[8:10], "little")
    record_len = int.from_bytes(data[10:12], "little")
    n_records = min(int.from_bytes(data[4:8], "little"), (len(data) - header_len) // max(record_len, 1))
    offset, start, width = 1, None, 0
    for pos in range(32, header_len - 31, 32):
        if data[pos] == 0x0D:
            break
        name = data[pos:pos + 11].split(b"\0")[0].decode("latin-1")
        if name.upper() == field.upper():
            start, width = offset, data[pos + 16]
        offset += data[pos + 16]
    if start is None:
        raise EncodingError(f"{Path(dbf_path).name} 中没有字段 {field}")
    return [data[header_len + r * record_len + start: header_len + r * record_len + start + width]
            .decode("latin-1").strip() for r in range(n_records)]
