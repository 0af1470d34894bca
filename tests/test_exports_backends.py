"""The same store gives the same outputs on both backends.

The shared test county (test_ledger.make_store) is copied as a GeoPackage and published into PostGIS (a
database sorting text by pinyin); one patch is moved outside every township, and the same Processing runs
change both (daily-enforcement import, a 一上, an interview, a serious-impact mark, a 涉军 layer), then every export is written from each and compared: every cell of every sheet of the
workbooks, the HTML reports character for character, the figures pixel for pixel and the case files'
PDF text (timestamps aside: when each store was marked or changed).
"""
from __future__ import annotations

import re
import subprocess
import unicodedata

import numpy as np
import openpyxl
import pytest
import shapely
from conftest import write_shapefile
from test_ledger import X0, Y0, county_store  # noqa: F401 (shared session fixture)

from weipian_plugin.core.store.workstore import WorkStore

CLUES = ("线索编号,来源,受理时间,X,Y,乡镇,地点,描述,占地面积（亩）,违法采矿,发现日期,制止日期,报告日期,立案日期,结案日期\n"
         f"C1,巡查,2026-01-20 09:30,{X0 + 250},{Y0 + 40},甲镇,村东头,有人占地建房,1.5,否,2026-01-20,2026-01-21,,,\n"
         f"C2,12336,2026-03-02 10:00,{X0 + 5000},{Y0 + 40},乙镇,河边,堆土,,,2026-03-02,,,,\n")
PATROLS = ("巡查日期,乡镇,巡查路线,巡查人员,发现问题,制止措施,处理意见,问题X,问题Y\n"
           f"2026/3/2,甲镇,甲镇—李家村,张伟,发现李家村有人建房,下达通知书,移交立案,{X0 + 240},{Y0 + 30}\n")
TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?")


def _worked(address, tmp_path, tag):
    """Run the same changes on the store at ``address``, then every export into tmp_path/tag."""
    import processing

    def run(name, **params):
        return processing.run(f"weipian:{name}", {"STORE": address, **params})

    with WorkStore.open(address) as store, store.transaction() as conn:  # a patch outside every township
        conn.execute("UPDATE patches SET township_code = NULL, township_name = NULL WHERE jcbh = 'J006'")

    (tmp_path / "线索.csv").write_text(CLUES, encoding="utf-8-sig")
    (tmp_path / "巡查.csv").write_text(PATROLS, encoding="utf-8-sig")
    assert run("importenforcement", CLUES=str(tmp_path / "线索.csv"), PATROLS=str(tmp_path / "巡查.csv")) == {
        "PATROLS_ADDED": 1, "CLUES_ADDED": 2, "CLUES_UPDATED": 0}
    assert run("setstage", BATCH="2026年3月", STAGE=0, NOTE="三月一上")["LOCKED"] is True
    assert run("recordinterview", TOWNSHIP="甲镇", TOWNSHIP_CODE="101", DATE="2026-05-08",
               INTERVIEWEES="甲镇镇长", REASON="违法占用耕地")["ID"] == 1
    run("seriousimpact", UNIT_CODE="102", UNIT_NAME="乙镇", REASON="群体性事件")
    military = write_shapefile(tmp_path / "军用土地.shp", [shapely.box(X0 + 390, Y0 + 290, X0 + 510, Y0 + 390)],
                               {"NAME": ["甲"]}, epsg=4527)  # J007
    out = tmp_path / tag
    out.mkdir()
    assert run("exportmilitary", MILITARY_LAYER=str(military), OUTPUT=str(out / "军用土地登记表.xlsx"))["MARKED"] == 1
    run("exportledger", OUTPUT=str(out / "图斑台账.xlsx"))
    run("exportledger", OUTPUT=str(out / "分批台账.xlsx"), PER_BATCH=True, YEAR=2026)
    run("accountability", OUTPUT=str(out / "问责.xlsx"), YEAR=2026)
    run("accountability", OUTPUT=str(out / "问责.html"), YEAR=2026)
    run("exportreport", OUTPUT=str(out / "月报.html"), MONTH="2026-04", AS_OF="2026-05-01")
    grade = run("gradeenforcement", OUTPUT=str(out / "日常执法.xlsx"), TODAY="2026-05-01")
    figures = run("exportfigures", OUTPUT=str(out / "套合图"), BATCH="2026年3月")
    dossiers = run("exportdossier", OUTPUT=str(out / "卷宗"), JCBH="J002,J003")
    return out, (grade["VIOLATIONS"], grade["FOUND"], grade["OVERDUE_CLUES"], figures["COUNT"], dossiers["COUNT"])


def _cells(path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[TIME.sub("<时间>", c.value) if isinstance(c.value, str) else c.value for c in row]
                       for row in ws.iter_rows()] for ws in wb.worksheets}


def _pixels(path):
    from qgis.PyQt.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    rows = np.frombuffer(bits, np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, :image.width() * 3].copy()


def _pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return TIME.sub("<时间>", unicodedata.normalize("NFKC", text))


def test_every_export_is_the_same_from_a_geopackage_and_from_postgis(
        weipian_provider, county_store, pg_database_zh, tmp_path):  # noqa: F811
    """On a database that sorts text the Chinese way (pinyin, NULLs last), as a bureau's server may: the
    outputs still list townships, patches and clues in the GeoPackage's order."""
    import shutil

    from weipian_plugin.core.store import transfer

    gpkg = tmp_path / "gpkg" / county_store.name
    gpkg.parent.mkdir()
    shutil.copy(county_store, gpkg)
    shared = "postgresql:" + pg_database_zh
    transfer.publish(county_store, shared)

    g, g_counts = _worked(str(gpkg), tmp_path, "g")
    p, p_counts = _worked(shared, tmp_path, "p")
    assert g_counts == p_counts == (3, 1, 2, 4, 2)  # J007 涉军: 3 illegal left; C1 found J002; both overdue

    files = sorted(f.relative_to(g) for f in g.rglob("*") if f.is_file())
    assert files == sorted(f.relative_to(p) for f in p.rglob("*") if f.is_file())
    kinds = {f.suffix for f in files}
    assert kinds == {".xlsx", ".html", ".png", ".pdf"} and len(files) == 7 + 4 + 2 * 3
    for f in files:
        if f.suffix == ".xlsx":
            a, b = _cells(g / f), _cells(p / f)
            assert a == b, [(f, sheet, x, y) for sheet in a for x, y in zip(a[sheet], b[sheet]) if x != y]
        elif f.suffix == ".html":
            assert (g / f).read_text(encoding="utf-8") == (p / f).read_text(encoding="utf-8"), f
        elif f.suffix == ".png":
            assert np.array_equal(_pixels(g / f), _pixels(p / f)), f
        else:
            assert _pdf_text(g / f) == _pdf_text(p / f), f

    # and the outputs say what the changes made: the same on both, so checked once
    ledger = _cells(g / "图斑台账.xlsx")["图斑台账"]
    assert "J007" not in str(ledger) and "J002" in str(ledger)
    assert ["甲镇", "2026-05-08", "甲镇镇长"] == _cells(g / "问责.xlsx")["约谈记录"][3][:3]
    assert "C2" in str(_cells(g / "日常执法.xlsx")["线索与期限"])
    for store in (str(gpkg), shared):
        with WorkStore.open(store) as s:
            assert s.conn.execute("SELECT count(*) FROM military_land").fetchone()[0] == 1


@pytest.mark.parametrize("name, params", [
    ("exportledger", {"OUTPUT": "台账.xlsx"}),
    ("exportreport", {"OUTPUT": "报告.html"}),
    ("exportfigures", {"OUTPUT": "套合图"}),
])
def test_a_database_without_a_store_is_refused_in_words(weipian_provider, pg_database, tmp_path, name, params):
    import processing
    from qgis.core import QgsProcessingException

    params = {k: str(tmp_path / v) for k, v in params.items()}
    with pytest.raises(QgsProcessingException, match="没有卫片执法工作库"):
        processing.run(f"weipian:{name}", {"STORE": "postgresql:" + pg_database, **params})


def test_published_store_finds_the_reference_layers_and_imagery_of_its_geopackage(
        county_store, pg_database, tmp_path):  # noqa: F811
    """The GeoPackage keeps file sources relative to its folder; a shared store has no folder, so publishing
    writes them as the paths they were (the figures' legend layers and the case files' imagery)."""
    import shutil

    from weipian_plugin.core.store import keys, transfer

    folder = tmp_path / "工作目录"
    (folder / "参考").mkdir(parents=True)
    gpkg = folder / county_store.name
    shutil.copy(county_store, gpkg)
    sources = {"approvals": str(folder / "参考" / "批文.shp"), "landuse": f"{folder / '参考' / '三调.gpkg'}|layername=dltb"}
    imagery = {"before": str(folder / "前时相.tif"), "after": str(folder / "后时相.tif")}
    with WorkStore.open(gpkg) as store:
        keys.ANALYSIS_LAYERS.write(store, sources)
        keys.IMAGERY.write(store, imagery)
        assert store.setting("imagery")["before"] == "前时相.tif"  # kept relative in the GeoPackage
    transfer.publish(gpkg, "postgresql:" + pg_database)
    with WorkStore.open("postgresql:" + pg_database) as shared:
        assert keys.ANALYSIS_LAYERS.read(shared) == sources and keys.IMAGERY.read(shared) == imagery


def test_a_viewer_writes_every_export_and_is_refused_a_change_in_words(
        weipian_provider, county_store, pg_database, pg_logins, tmp_path):  # noqa: F811
    """Exports only read the shared store: a read-only login (weipian_viewer) writes them all; an algorithm
    that changes the store tells it what its role may not do, and nothing is written."""
    import processing
    from qgis.core import QgsProcessingException

    from weipian_plugin.core.store import pgroles, transfer

    admin = "postgresql:" + pg_database
    transfer.publish(county_store, admin)
    with WorkStore.open(admin) as store:
        pgroles.install(store)
        pg_logins.append("wp_export_viewer")
        pgroles.grant(store, "wp_export_viewer", pgroles.VIEWER, [])
    viewer = f"{admin} user=wp_export_viewer password=secret"  # (the test server trusts: any password does)
    for name, output in (("exportledger", "台账.xlsx"), ("accountability", "问责.xlsx"),
                         ("exportreport", "报告.html"), ("gradeenforcement", "日常执法.xlsx"),
                         ("exportmilitary", "军用.xlsx"), ("exportfigures", "套合图"), ("exportdossier", "卷宗")):
        processing.run(f"weipian:{name}", {"STORE": viewer, "OUTPUT": str(tmp_path / output)})
        assert (tmp_path / output).exists(), name
    assert len(list((tmp_path / "套合图").glob("*.png"))) == 7
    with pytest.raises(QgsProcessingException, match="没有这项权限") as refusal:
        processing.run("weipian:seriousimpact", {"STORE": viewer, "UNIT_CODE": "500199", "REASON": "群体性事件"})
    assert "secret" not in str(refusal.value) and "password=***" in str(refusal.value)
    with WorkStore.open(admin) as store:
        assert store.conn.execute("SELECT count(*) FROM serious_impact").fetchone()[0] == 0


def test_the_review_list_is_in_the_same_order_on_a_server_sorting_by_pinyin(
        county_store, pg_database_zh, tmp_path):  # noqa: F811
    import shutil

    from weipian_plugin.core.review.worklist import patch_rows
    from weipian_plugin.core.store import transfer

    gpkg = tmp_path / county_store.name
    shutil.copy(county_store, gpkg)
    shared = "postgresql:" + pg_database_zh
    transfer.publish(county_store, shared)
    order = {}
    for address in (str(gpkg), shared):
        with WorkStore.open(address) as store:
            with store.transaction() as conn:  # a lower-case number and a Chinese one: pinyin order differs
                conn.execute("UPDATE patches SET jcbh = 'j003' WHERE jcbh = 'J003'")
                conn.execute("UPDATE patches SET jcbh = '乙001' WHERE jcbh = 'J004'")
            order[store.dialect.name] = [r.jcbh for r in patch_rows(store)]
    assert order["gpkg"] == order["postgis"] == ["J001", "J002", "j003", "乙001", "J005", "J006", "J007"]
