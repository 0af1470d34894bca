"""The pure-Python EXIF reader on JPEGs built here (APP1 segment written byte by byte) and by GDAL."""
from __future__ import annotations

import struct

import pytest

from weipian_plugin.core.review.exif import ExifError, PhotoInfo, jpeg_exif, read_photo_info
from weipian_plugin.core.review.records import add_attachment, attachment_bytes, list_attachments
from weipian_plugin.core.store.workstore import WorkStore

ASCII, SHORT, LONG, RATIONAL = 2, 3, 4, 5


def _encode(kind, values, order):
    if kind == ASCII:
        return values.encode("ascii") + b"\x00"
    if kind == RATIONAL:
        return b"".join(struct.pack(order + "II", n, d) for n, d in values)
    return struct.pack(order + ("H" if kind == SHORT else "I") * len(values), *values)


def _ifd(entries, base, order):
    """One IFD starting at absolute offset ``base``, its out-of-line values right after it."""
    data_start = base + 2 + 12 * len(entries) + 4
    head, data = struct.pack(order + "H", len(entries)), b""
    for tag, kind, values in sorted(entries):
        raw = _encode(kind, values, order)
        count = len(raw) if kind == ASCII else len(values)
        if len(raw) <= 4:
            field = raw.ljust(4, b"\x00")
        else:
            field = struct.pack(order + "I", data_start + len(data))
            data += raw + b"\x00" * (len(raw) % 2)
        head += struct.pack(order + "HHI", tag, kind, count) + field
    return head + struct.pack(order + "I", 0) + data


def tiff(ifd0, exif=(), gps=(), order="<"):
    """A TIFF block: header, Exif IFD, GPS IFD, then IFD0 pointing at both."""
    exif_block = _ifd(list(exif), 8, order)
    gps_at = 8 + len(exif_block)
    gps_block = _ifd(list(gps), gps_at, order)
    ifd0_at = gps_at + len(gps_block)
    pointers = [(0x8769, LONG, [8])] if exif else []
    pointers += [(0x8825, LONG, [gps_at])] if gps else []
    return (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", ifd0_at) \
        + exif_block + gps_block + _ifd(list(ifd0) + pointers, ifd0_at, order)


def with_exif(jpeg: bytes, tiff_block: bytes) -> bytes:
    """Splice an EXIF APP1 segment in right after SOI."""
    payload = b"Exif\x00\x00" + tiff_block
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


@pytest.fixture
def plain_jpeg(qgis_app):
    from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice
    from qgis.PyQt.QtGui import QColor, QImage

    image = QImage(32, 24, QImage.Format.Format_RGB32)
    image.fill(QColor(40, 120, 60))
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "JPG")
    return bytes(array)


GPS_NE = [
    (1, ASCII, "N"), (2, RATIONAL, [(30, 1), (15, 1), (3600, 100)]),
    (3, ASCII, "E"), (4, RATIONAL, [(117, 1), (30, 1), (0, 1)]),
    (16, ASCII, "T"), (17, RATIONAL, [(2471, 20)]),
]
CAMERA = [(0x010F, ASCII, "HUAWEI"), (0x0132, ASCII, "2026:03:16 08:00:00")]
TAKEN = [(0x9003, ASCII, "2026:03:15 10:20:30")]


def test_time_position_and_bearing_from_a_little_endian_segment(plain_jpeg):
    photo = with_exif(plain_jpeg, tiff(CAMERA, TAKEN, GPS_NE))
    info = read_photo_info(photo)
    assert info.taken_at == "2026-03-15T10:20:30"
    assert info.latitude == pytest.approx(30.26, abs=1e-12)
    assert info.longitude == pytest.approx(117.5, abs=1e-12)
    assert (info.bearing, info.bearing_ref) == (123.55, "T")


def test_gdal_reads_the_same_segment(plain_jpeg, tmp_path):
    """The hand-written segment is real EXIF: an independent reader sees the same tags."""
    from osgeo import gdal

    path = tmp_path / "photo.jpg"
    path.write_bytes(with_exif(plain_jpeg, tiff(CAMERA, TAKEN, GPS_NE)))
    meta = gdal.Open(str(path)).GetMetadata()
    assert meta["EXIF_DateTimeOriginal"] == "2026:03:15 10:20:30"
    assert meta["EXIF_GPSLatitudeRef"] == "N" and meta["EXIF_GPSLatitude"] == "(30) (15) (36)"
    assert meta["EXIF_GPSLongitude"] == "(117) (30) (0)" and meta["EXIF_GPSImgDirection"] == "(123.55)"


def test_big_endian_southern_western_magnetic(plain_jpeg):
    gps = [(1, ASCII, "S"), (2, RATIONAL, [(33, 1), (52, 1), (0, 1)]), (3, ASCII, "W"),
           (4, RATIONAL, [(70, 1), (30, 1), (36, 1)]), (16, ASCII, "M"), (17, RATIONAL, [(720, 2)])]
    info = read_photo_info(with_exif(plain_jpeg, tiff(CAMERA, TAKEN, gps, order=">")))
    assert info.latitude == pytest.approx(-(33 + 52 / 60))
    assert info.longitude == pytest.approx(-(70.5 + 36 / 3600))
    assert (info.bearing, info.bearing_ref) == (0.0, "M")  # 360° is north


def test_a_jpeg_written_by_gdal(tmp_path):
    from osgeo import gdal

    source = gdal.GetDriverByName("MEM").Create("", 8, 8, 3)
    source.SetMetadata({"EXIF_GPSLatitudeRef": "N", "EXIF_GPSLatitude": "(24) (30) (18)",
                        "EXIF_GPSLongitudeRef": "E", "EXIF_GPSLongitude": "(102) (45) (0)",
                        "EXIF_GPSImgDirectionRef": "T", "EXIF_GPSImgDirection": "(271.25)",
                        "EXIF_DateTimeOriginal": "2025:11:02 16:45:09"})
    path = tmp_path / "gdal.jpg"
    gdal.GetDriverByName("JPEG").CreateCopy(str(path), source).FlushCache()
    info = read_photo_info(path.read_bytes())
    assert info == PhotoInfo("2025-11-02T16:45:09", pytest.approx(24.505), pytest.approx(102.75),
                            pytest.approx(271.25, abs=1e-4), "T")


def test_missing_or_unknown_values_are_none(plain_jpeg):
    gps = [(1, ASCII, "N"), (2, RATIONAL, [(0, 0), (0, 0), (0, 0)])]  # no fix: zero denominators
    exif = [(0x9003, ASCII, "    :  :     :  :  ")]  # camera without a clock
    info = read_photo_info(with_exif(plain_jpeg, tiff(CAMERA, exif, gps)))
    assert info == PhotoInfo(taken_at="2026-03-16T08:00:00")  # IFD0 DateTime when the original is blank
    assert read_photo_info(plain_jpeg) == PhotoInfo()
    assert read_photo_info(b"%PDF-1.4 not a photo") == PhotoInfo()
    assert jpeg_exif(plain_jpeg) is None


@pytest.mark.parametrize("damage", [
    lambda t: t[:8],  # IFD0 offset beyond the data
    lambda t: t[:4] + struct.pack("<I", 10**6) + t[8:],
    lambda t: b"XX" + t[2:],  # not a TIFF header
    lambda t: t[:len(t) - 40],  # an out-of-line value cut off
])
def test_damaged_exif_is_an_error_not_a_crash(plain_jpeg, damage):
    with pytest.raises(ExifError):
        read_photo_info(with_exif(plain_jpeg, damage(tiff(CAMERA, TAKEN, GPS_NE))))


def test_photo_attachment_keeps_exif_position_and_bytes(plain_jpeg, tmp_path):
    photo = with_exif(plain_jpeg, tiff(CAMERA, TAKEN, GPS_NE))
    broken = with_exif(plain_jpeg, b"MM\x00*\x00\x00\xff\xff")
    (tmp_path / "现场1.JPG").write_bytes(photo)
    (tmp_path / "现场2.jpg").write_bytes(broken)
    with WorkStore.create(tmp_path / "s.gpkg", 4527) as store:
        with store.transaction() as conn:
            conn.execute("INSERT INTO batches (name) VALUES ('b')")
            conn.execute("INSERT INTO patches (batch_id, jcbh, area_m2, area_mu) VALUES (1, 'J1', 1, 1)")
        first = add_attachment(store, 1, tmp_path / "现场1.JPG", actor="赵六")
        second = add_attachment(store, 1, tmp_path / "现场2.jpg")  # unreadable EXIF: stored, no position
        rows = {r["id"]: r for r in list_attachments(store, 1)}
        assert (rows[first]["mime_type"], rows[first]["kind"], rows[first]["taken_at"]) == \
            ("image/jpeg", "照片", "2026-03-15T10:20:30")
        assert rows[first]["latitude"] == pytest.approx(30.26) and rows[first]["longitude"] == pytest.approx(117.5)
        assert rows[first]["bearing"] == 123.55
        assert (rows[second]["latitude"], rows[second]["bearing"], rows[second]["kind"]) == (None, None, "照片")
        assert attachment_bytes(store, first) == photo and attachment_bytes(store, second) == broken


def test_finding_photo_metadata_is_read_like_a_patch_photo_and_can_be_listed_opened_removed(plain_jpeg, tmp_path):
    """One code path for every owner: the EXIF is read from the bytes, whatever the file is called."""
    from weipian_plugin.core.enforcement import records as enforcement
    from weipian_plugin.core.review import attachments

    photo = with_exif(plain_jpeg, tiff(CAMERA, TAKEN, GPS_NE))
    (tmp_path / "巡查照片").write_bytes(photo)  # no extension: guessed as application/octet-stream
    with WorkStore.create(tmp_path / "s.gpkg", 4527) as store:
        with store.transaction() as conn:
            conn.execute("INSERT INTO patrols (patrol_date) VALUES ('2026-03-15')")
            conn.execute("INSERT INTO patrol_findings (patrol_fid, description) VALUES (1, '推土')")
        added = enforcement.add_finding_photo(store, 1, tmp_path / "巡查照片", actor="赵六")
        (row,) = enforcement.finding_photos(store, 1)
        assert (row["id"], row["owner"], row["taken_at"], row["bearing"]) == (added, "finding", "2026-03-15T10:20:30",
                                                                             123.55)
        assert row["latitude"] == pytest.approx(30.26) and row["longitude"] == pytest.approx(117.5)
        assert enforcement.patrol_findings(store, 1)[0].photos == 1
        assert attachments.export(store, added, tmp_path / "out").read_bytes() == photo
        attachments.remove(store, added, actor="赵六")
        assert enforcement.finding_photos(store, 1) == [] and enforcement.patrol_findings(store, 1)[0].photos == 0
        with pytest.raises(attachments.AttachmentError, match="巡查发现问题不存在"):
            enforcement.add_finding_photo(store, 99, tmp_path / "巡查照片")
