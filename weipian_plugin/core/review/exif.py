"""Just enough EXIF to place a field photo (「互联网+举证」): when, where and which way it was taken.

A small TIFF/EXIF reader over the JPEG APP1 segment instead of Pillow, which QGIS does not ship on
every platform and the plugin does not depend on. Only IFD0, the Exif IFD and the GPS IFD are read.
Offsets are bounds-checked, so a damaged segment is an :class:`ExifError`, never a crash or a hang.
"""
from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

_EXIF_HEADER = b"Exif\x00\x00"
_TAG_DATETIME = 0x0132
_TAG_EXIF_IFD = 0x8769
_TAG_GPS_IFD = 0x8825
_TAG_DATETIME_ORIGINAL = 0x9003
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_GPS_DIRECTION_REF, _GPS_DIRECTION = 16, 17

# TIFF field type -> (struct code, size in bytes); rationals are read as two 4-byte integers.
_TYPES = {1: ("B", 1), 2: ("s", 1), 3: ("H", 2), 4: ("I", 4), 5: ("II", 8), 7: ("B", 1),
          9: ("i", 4), 10: ("ii", 8)}
_MAX_ENTRIES = 1000  # real IFDs hold a few dozen; more means garbage offsets

Value = Tuple  # a tag's values: ints, floats (rationals; None for x/0), or one str for ASCII


class ExifError(ValueError):
    """The photo carries an EXIF segment that cannot be read."""


@dataclass(frozen=True)
class PhotoInfo:
    taken_at: Optional[str] = None
    """Local time the camera recorded (ISO, no zone: EXIF 2.2 has none), DateTimeOriginal first."""
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    bearing: Optional[float] = None
    """Degrees clockwise from north the camera faced (GPSImgDirection)."""
    bearing_ref: Optional[str] = None
    """'T' true north or 'M' magnetic north, as the camera wrote it."""


def jpeg_exif(data: bytes) -> Optional[bytes]:
    """The TIFF block of a JPEG's EXIF APP1 segment; None when the file has none or is not a JPEG."""
    if data[:2] != b"\xff\xd8":
        return None
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ExifError("JPEG 标记段结构损坏")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan: no metadata after this
            return None
        length = struct.unpack_from(">H", data, pos + 2)[0]
        if length < 2 or pos + 2 + length > len(data):
            raise ExifError("JPEG 标记段长度超出文件")
        segment = data[pos + 4:pos + 2 + length]
        if marker == 0xE1 and segment.startswith(_EXIF_HEADER):
            return segment[len(_EXIF_HEADER):]
        pos += 2 + length
    return None


def read_tiff(tiff: bytes) -> Dict[str, Dict[int, Value]]:
    """{'ifd0' | 'exif' | 'gps': {tag: values}} of a TIFF/EXIF block."""
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        raise ExifError("EXIF 数据头无效")
    order = "<" if tiff[:2] == b"II" else ">"
    magic, first = struct.unpack_from(order + "HI", tiff, 2)
    if magic != 42:
        raise ExifError("EXIF 数据头无效")
    ifds = {"ifd0": _read_ifd(tiff, order, first)}
    for name, pointer in (("exif", _TAG_EXIF_IFD), ("gps", _TAG_GPS_IFD)):
        offset = ifds["ifd0"].get(pointer)
        if offset and isinstance(offset[0], int):
            ifds[name] = _read_ifd(tiff, order, offset[0])
    return ifds


def _read_ifd(tiff: bytes, order: str, offset: int) -> Dict[int, Value]:
    if offset + 2 > len(tiff):
        raise ExifError("EXIF 目录偏移超出数据范围")
    count = struct.unpack_from(order + "H", tiff, offset)[0]
    if count > _MAX_ENTRIES or offset + 2 + 12 * count > len(tiff):
        raise ExifError("EXIF 目录项数无效")
    tags: Dict[int, Value] = {}
    for i in range(count):
        tag, kind, n, inline = struct.unpack_from(order + "HHI4s", tiff, offset + 2 + 12 * i)
        if kind not in _TYPES:
            continue  # types this reader does not need (floats, signed bytes)
        code, size = _TYPES[kind]
        total = size * n
        if total <= 4:
            raw = inline[:total]
        else:
            start = struct.unpack(order + "I", inline)[0]
            if start + total > len(tiff):
                raise ExifError(f"EXIF 标签 0x{tag:04X} 的数据超出范围")
            raw = tiff[start:start + total]
        tags[tag] = _values(raw, order, kind, code, n)
    return tags


def _values(raw: bytes, order: str, kind: int, code: str, n: int) -> Value:
    if kind == 2:
        return (raw.split(b"\x00", 1)[0].decode("ascii", "replace").strip(),)
    if kind in (5, 10):
        pairs = struct.unpack(order + code * n, raw)
        return tuple(None if d == 0 else num / d for num, d in zip(pairs[::2], pairs[1::2]))
    return struct.unpack(order + code * n, raw)


def _text(tags: Dict[int, Value], tag: int) -> Optional[str]:
    value = tags.get(tag)
    return value[0] if value and isinstance(value[0], str) and value[0] else None


def _exif_time(text: Optional[str]) -> Optional[str]:
    """'YYYY:MM:DD HH:MM:SS' → ISO; cameras without a clock write blanks or zeros, which mean unknown."""
    if not text:
        return None
    try:
        return dt.datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return None


def _coordinate(gps: Dict[int, Value], ref_tag: int, tag: int, negative: str, limit: float) -> Optional[float]:
    dms = gps.get(tag)
    if not dms or len(dms) < 3 or any(v is None or isinstance(v, str) for v in dms[:3]):
        return None
    value = dms[0] + dms[1] / 60.0 + dms[2] / 3600.0
    if _text(gps, ref_tag) == negative:
        value = -value
    return value if abs(value) <= limit else None


def read_photo_info(data: bytes) -> PhotoInfo:
    """Time, position and bearing of a JPEG photo; empty when it has no EXIF, ExifError when damaged."""
    tiff = jpeg_exif(data)
    if tiff is None:
        return PhotoInfo()
    try:
        ifds = read_tiff(tiff)
    except struct.error as exc:
        raise ExifError(f"EXIF 数据不完整：{exc}") from exc
    gps = ifds.get("gps", {})
    direction = gps.get(_GPS_DIRECTION)
    bearing = direction[0] if direction and isinstance(direction[0], float) else None
    return PhotoInfo(
        taken_at=_exif_time(_text(ifds.get("exif", {}), _TAG_DATETIME_ORIGINAL))
        or _exif_time(_text(ifds["ifd0"], _TAG_DATETIME)),
        latitude=_coordinate(gps, _GPS_LAT_REF, _GPS_LAT, "S", 90.0),
        longitude=_coordinate(gps, _GPS_LON_REF, _GPS_LON, "W", 180.0),
        bearing=None if bearing is None else bearing % 360.0,
        bearing_ref=_text(gps, _GPS_DIRECTION_REF) if bearing is not None else None,
    )
