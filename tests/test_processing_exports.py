"""weipian:exportledger and weipian:accountability through real QGIS Processing, on a store of each backend."""
from __future__ import annotations

import openpyxl
import pytest
from test_ledger import PATCHES, county_store  # noqa: F401 (shared session fixture)


def test_export_ledger(weipian_provider, county_store, store_on, tmp_path):  # noqa: F811
    import processing

    store = store_on(county_store)

    out = tmp_path / "台账.xlsx"
    result = processing.run("weipian:exportledger", {"STORE": store, "OUTPUT": str(out)})
    assert result["OUTPUT"] == str(out) and out.stat().st_size > 0
    ws = openpyxl.load_workbook(out)["图斑台账"]
    assert [ws.cell(r, 4).value for r in range(4, 4 + len(PATCHES))] == list(PATCHES)


def test_export_ledger_per_batch_and_batch_filter(weipian_provider, county_store, store_on, tmp_path):  # noqa: F811
    import processing

    store = store_on(county_store)
    from qgis.core import QgsProcessingException

    out = tmp_path / "per_batch.xlsx"
    processing.run("weipian:exportledger", {"STORE": store, "OUTPUT": str(out), "PER_BATCH": True})
    assert openpyxl.load_workbook(out).sheetnames[:2] == ["2026年3月", "2026年4月"]

    one = tmp_path / "one.xlsx"
    processing.run("weipian:exportledger", {"STORE": store, "OUTPUT": str(one), "BATCH": "2026年4月"})
    ws = openpyxl.load_workbook(one)["图斑台账"]
    assert [ws.cell(r, 4).value for r in range(4, 7)] == ["J005", "J006", "J007"]
    with pytest.raises(QgsProcessingException, match="没有批次"):
        processing.run("weipian:exportledger", {"STORE": store, "OUTPUT": str(tmp_path / "x.xlsx"),
                                                "BATCH": "不存在"})


def test_export_ledger_honours_cancel(weipian_provider, county_store, store_on, tmp_path):  # noqa: F811
    import processing

    store = store_on(county_store)
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.cancel()
    out = tmp_path / "cancelled.xlsx"
    assert processing.run("weipian:exportledger", {"STORE": store, "OUTPUT": str(out)},
                          feedback=feedback) == {}
    assert "no file was written" in feedback.textLog()
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".xlsx", ".html"])
def test_accountability_output_by_extension(weipian_provider, county_store, store_on, tmp_path, suffix):  # noqa: F811
    import processing

    store = store_on(county_store)

    out = tmp_path / f"问责{suffix}"
    result = processing.run("weipian:accountability", {"STORE": store, "OUTPUT": str(out),
                                                       "YEAR": 2026})
    assert result["ACCOUNTABLE"] is False
    if suffix == ".xlsx":
        ws = openpyxl.load_workbook(out)["问责比例"]
        assert ws.cell(4, 2).value == "甲镇"
    else:
        text = out.read_text(encoding="utf-8")
        assert "2026年度" in text and "<svg" in text


def test_accountability_rejects_other_extensions(weipian_provider, county_store, store_on, tmp_path):  # noqa: F811
    import processing

    store = store_on(county_store)
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="xlsx 或 .html"):
        processing.run("weipian:accountability", {"STORE": store, "OUTPUT": str(tmp_path / "a.csv")})
