from __future__ import annotations

import struct
from pathlib import Path
from typing import List, Sequence, Tuple

import pyogrio.raw
import pytest
import shapely

from weipian_plugin.core.intake.encoding import (
    EncodingError,
    EncodingGuess,
    detect_dbf_encoding,
    detect_shapefile_encoding,
)

NAMES = ["水田", "建设用地", "农村道路", "青禾镇"]


def write_dbf(
    path: Path, fields: Sequence[Tuple[str, str, int]], rows: List[Sequence[bytes]], ldid: int = 0
) -> Path:
    """A minimal dBase III file: the layout shapefile writers produce, with raw (pre-encoded) values."""
    record_len = 1 + sum(width for _, _, width in fields)
    header_len = 32 + 32 * len(fields) + 1
    header = struct.pack("<BBBBIHH", 3, 124, 1, 1, len(rows), header_len, record_len) + bytes(17)
    header += bytes([ldid]) + bytes(2)
    for name, ftype, width in fields:
        header += name.encode("ascii").ljust(11, b"\0") + ftype.encode() + bytes(4) + bytes([width, 0]) + bytes(14)
    body = b"".join(
        b" " + b"".join(v[:w].ljust(w, b" ") for v, (_, _, w) in zip(row, fields)) for row in rows
    )
    path.write_bytes(header + b"\r" + body + b"\x1a")
    return path


def dbf_with(tmp_path: Path, encoding: str, ldid: int = 0, values: Sequence[str] = NAMES) -> Path:
    fields = [("DLMC", "C", 20), ("AREA", "N", 12)]
    rows = [[v.encode(encoding), f"{i * 1.5:12.2f}".encode()] for i, v in enumerate(values)]
    return write_dbf(tmp_path / "t.dbf", fields, rows, ldid)


def cpg(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.cpg"
    path.write_text(text, encoding="ascii")
    return path


def decoded(dbf: Path, guess: EncodingGuess) -> List[str]:
    """What a reader using the guess would show for DLMC (the first field, 20 bytes at offset 1)."""
    data = dbf.read_bytes()
    header_len, record_len = struct.unpack("<HH", data[8:12])
    n = struct.unpack("<I", data[4:8])[0]
    return [data[header_len + i * record_len + 1 : header_len + i * record_len + 21].rstrip(b" ")
            .decode(guess.encoding) for i in range(n)]


def test_gbk_without_any_declaration(tmp_path):
    dbf = dbf_with(tmp_path, "gbk")
    guess = detect_dbf_encoding(dbf)
    assert (guess.encoding, guess.source) == ("gb18030", "bytes")
    assert decoded(dbf, guess) == NAMES


def test_utf8_without_any_declaration(tmp_path):
    dbf = dbf_with(tmp_path, "utf-8")
    guess = detect_dbf_encoding(dbf)
    assert (guess.encoding, guess.source) == ("utf-8", "bytes")
    assert decoded(dbf, guess) == NAMES


@pytest.mark.parametrize("text", ["UTF-8", "utf-8\n", "UTF8", "65001"])
def test_utf8_cpg(tmp_path, text):
    guess = detect_dbf_encoding(dbf_with(tmp_path, "utf-8"), cpg(tmp_path, text))
    assert (guess.encoding, guess.source) == ("utf-8", "cpg")


@pytest.mark.parametrize("text", ["GBK", "936", "CP936", "ANSI 936", "ansi  936\r\n", "GB2312", "GB18030"])
def test_gbk_cpg(tmp_path, text):
    dbf = dbf_with(tmp_path, "gbk")
    guess = detect_dbf_encoding(dbf, cpg(tmp_path, text))
    assert (guess.encoding, guess.source) == ("gb18030", "cpg")
    assert "一致" in guess.description


def test_wrong_utf8_cpg_is_overruled_by_gbk_bytes(tmp_path):
    dbf = dbf_with(tmp_path, "gbk")
    guess = detect_dbf_encoding(dbf, cpg(tmp_path, "UTF-8"))
    assert (guess.encoding, guess.source) == ("gb18030", "bytes")
    assert ".cpg声明为UTF-8" in guess.description and "不是有效的UTF-8" in guess.description
    assert decoded(dbf, guess) == NAMES


def test_wrong_gbk_cpg_is_overruled_by_utf8_bytes(tmp_path):
    dbf = dbf_with(tmp_path, "utf-8")
    guess = detect_dbf_encoding(dbf, cpg(tmp_path, "GBK"))
    assert (guess.encoding, guess.source) == ("utf-8", "bytes")
    assert decoded(dbf, guess) == NAMES


def test_unknown_cpg_is_ignored(tmp_path):
    guess = detect_dbf_encoding(dbf_with(tmp_path, "gbk"), cpg(tmp_path, "WHATEVER"))
    assert (guess.encoding, guess.source) == ("gb18030", "bytes")
    assert "WHATEVER" in guess.description


def test_missing_cpg_path_is_ignored(tmp_path):
    guess = detect_dbf_encoding(dbf_with(tmp_path, "utf-8"), tmp_path / "absent.cpg")
    assert (guess.encoding, guess.source) == ("utf-8", "bytes")


def test_language_byte_cp936(tmp_path):
    dbf = dbf_with(tmp_path, "gbk", ldid=0x4D)
    guess = detect_dbf_encoding(dbf)
    assert (guess.encoding, guess.source) == ("gb18030", "ldid")
    assert "0x4D" in guess.description


def test_language_byte_ansi_is_not_a_declaration(tmp_path):
    guess = detect_dbf_encoding(dbf_with(tmp_path, "gbk", ldid=0x57))
    assert (guess.encoding, guess.source) == ("gb18030", "bytes")


def test_cpg_outranks_language_byte(tmp_path):
    guess = detect_dbf_encoding(dbf_with(tmp_path, "utf-8", ldid=0x4D), cpg(tmp_path, "UTF-8"))
    assert (guess.encoding, guess.source) == ("utf-8", "cpg")


def test_language_byte_contradicted_by_utf8_bytes(tmp_path):
    guess = detect_dbf_encoding(dbf_with(tmp_path, "utf-8", ldid=0x4D))
    assert (guess.encoding, guess.source) == ("utf-8", "bytes")


def test_ascii_only(tmp_path):
    dbf = dbf_with(tmp_path, "ascii", values=["DL01", "QT"])
    assert detect_dbf_encoding(dbf) == EncodingGuess("utf-8", "bytes", detect_dbf_encoding(dbf).description)
    assert detect_dbf_encoding(dbf, cpg(tmp_path, "GBK")).source == "cpg"


def test_gb18030_only_character(tmp_path):
    """A character outside GBK (4-byte in GB18030) still decodes: the whole GB family reads as GB18030."""
    values = ["𠀀村", "€"]
    guess = detect_dbf_encoding(dbf_with(tmp_path, "gb18030", values=values), cpg(tmp_path, "GBK"))
    assert (guess.encoding, guess.source) == ("gb18030", "cpg")
    assert decoded(tmp_path / "t.dbf", guess) == values


def test_utf8_value_cut_at_the_field_width(tmp_path):
    """Writers cut text at the byte width, sometimes inside a UTF-8 character; that is still UTF-8."""
    fields = [("MC", "C", 10)]
    rows = [["青禾县建设".encode("utf-8")[:10]], ["农村道路".encode("utf-8")[:10]]]
    guess = detect_dbf_encoding(write_dbf(tmp_path / "t.dbf", fields, rows))
    assert guess.encoding == "utf-8"


def test_only_character_fields_are_read(tmp_path):
    fields = [("MC", "C", 8), ("BLOB", "N", 4)]
    rows = [["水田".encode("utf-8"), b"\xff\xfe\xff\xfe"]]
    assert detect_dbf_encoding(write_dbf(tmp_path / "t.dbf", fields, rows)).encoding == "utf-8"


def test_undecodable_text_names_the_file(tmp_path):
    fields = [("MC", "C", 8)]
    dbf = write_dbf(tmp_path / "坏数据.dbf", fields, [[b"\x80\xff\x80"]])
    with pytest.raises(EncodingError, match="坏数据.dbf") as info:
        detect_dbf_encoding(dbf)
    assert isinstance(info.value, ValueError)


def test_not_a_dbf(tmp_path):
    path = tmp_path / "x.dbf"
    path.write_bytes(b"hello")
    with pytest.raises(EncodingError, match="x.dbf"):
        detect_dbf_encoding(path)


def test_fields_longer_than_the_record_are_refused(tmp_path):
    dbf = dbf_with(tmp_path, "gbk")
    data = bytearray(dbf.read_bytes())
    data[10:12] = (10).to_bytes(2, "little")  # the two fields need 1 + 20 + 12 bytes
    dbf.write_bytes(bytes(data))
    with pytest.raises(EncodingError, match="t.dbf"):
        detect_dbf_encoding(dbf)


@pytest.fixture
def shapefile(tmp_path, shapefile_writer):
    """A GDAL-written patch shapefile with Chinese text, in the encoding asked for."""
    return lambda encoding: shapefile_writer(tmp_path / "jctb.shp", [shapely.box(0, 0, 1, 1)] * len(NAMES),
                                             {"DLMC": NAMES}, encoding=encoding)


@pytest.mark.parametrize("written, expected", [("GBK", "gb18030"), ("UTF-8", "utf-8")])
def test_gdal_written_shapefile_reads_back(shapefile, written, expected):
    shp = shapefile(written)
    guess = detect_shapefile_encoding(shp)
    assert (guess.encoding, guess.source) == (expected, "cpg")
    shp.with_suffix(".cpg").unlink()
    guess = detect_shapefile_encoding(shp)
    assert (guess.encoding, guess.source) == (expected, "bytes")
    assert list(pyogrio.raw.read(str(shp), encoding=guess.encoding)[3][0]) == NAMES


def test_sidecars_are_found_case_insensitively(tmp_path, shapefile):
    shp = shapefile("UTF-8")
    shp.with_suffix(".dbf").rename(tmp_path / "JCTB.DBF")
    (tmp_path / "jctb.cpg").write_text("UTF-8")
    (tmp_path / "jctb.cpg").rename(tmp_path / "Jctb.CPG")
    assert detect_shapefile_encoding(shp).source == "cpg"


def test_missing_dbf(shapefile):
    shp = shapefile("UTF-8")
    shp.with_suffix(".dbf").unlink()
    with pytest.raises(EncodingError, match="jctb.shp"):
        detect_shapefile_encoding(shp)


def test_user_encoding_wins(shapefile):
    shp = shapefile("UTF-8")
    assert detect_shapefile_encoding(shp, "GBK") == EncodingGuess("gbk", "user", "用户指定编码：gbk")
    assert detect_shapefile_encoding(shp, " cp936 ").encoding == "gbk"
    assert detect_shapefile_encoding(shp, "  ").source == "cpg"
    with pytest.raises(EncodingError, match="no-such-codec"):
        detect_shapefile_encoding(shp, "no-such-codec")


def _random_value(rng, kind: str, width: int) -> bytes:
    """A text value as shapefile writers leave it: ASCII, UTF-8 or GBK Chinese, cut at the field's width."""
    text = "".join(rng.choice(["水田", "旱地", "青禾镇", "A", "01", " ", "路"]) for _ in range(rng.integers(0, 4)))
    raw = {"ascii": text.encode("utf-8", "ignore").decode("ascii", "ignore").encode(), "utf8": text.encode("utf-8"),
           "gbk": text.encode("gbk")}[kind]
    return raw[:width]


@pytest.mark.parametrize("seed", range(60))
def test_the_quick_utf8_look_gives_what_looking_value_by_value_gives(tmp_path, seed, monkeypatch):
    """A county's DLTB table is about a gigabyte, so all-UTF-8 (or all-ASCII) text is recognised in a few
    passes over the bytes; whatever the file, the guess must be the one the value-by-value look gives:
    mixed files, values cut inside a character at their field's end, a value starting with a stray
    continuation byte, non-ASCII bytes only in a numeric field, declared or not."""
    import numpy as np

    from weipian_plugin.core.intake import encoding

    rng = np.random.default_rng(seed)
    widths = [int(w) for w in rng.integers(1, 16, size=int(rng.integers(1, 4)))]
    fields = [(f"F{k}", "C", w) for k, w in enumerate(widths)] + [("N", "N", 4)]
    kinds = rng.choice(["ascii", "utf8", "gbk"], size=int(rng.integers(1, 3)))
    rows = []
    for _ in range(int(rng.integers(0, 12))):
        row = [_random_value(rng, str(rng.choice(kinds)), w) for w in widths]
        number = b"\xe4\xb8\x80 " if rng.random() < 0.05 else b"12  "  # a broken writer's numeric field
        if rng.random() < 0.05 and widths[0] > 1:
            row[0] = b"\x80" + row[0][: widths[0] - 1]
        rows.append(row + [number])
    dbf = write_dbf(tmp_path / "t.dbf", fields, rows, ldid=int(rng.choice([0, 0x4D])))
    declared = cpg(tmp_path, str(rng.choice(["UTF-8", "GBK", "BIG5", "x"]))) if rng.random() < 0.5 else None

    def guess():
        try:
            return detect_dbf_encoding(dbf, declared)
        except EncodingError as exc:
            return str(exc)

    quick = guess()
    monkeypatch.setattr(encoding, "_all_utf8", lambda records, fields: None)
    assert quick == guess()
