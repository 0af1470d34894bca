"""The 套合图 as a reviewer files it: rendered pages checked for what must be on them and nothing cut.

Every reference role is drawn, the reason is long, and the patch carries its issued area, both imagery
dates, a change type and a land class, so each text item is at its fullest.
"""
import re
import subprocess
import unicodedata

import numpy as np
import pytest
import shapely

from weipian_plugin.core.intake.importer import create_store_for, import_patches

X0, Y0 = 39_500_000.0, 3_300_000.0
JCBH = "5001992026000123"
REASON = ("图斑位于永久基本农田范围内，未见建设用地批文、供地及不动产登记资料；实地核查为新建厂房及硬化场地，"
          "依据《土地管理法》第七十七条，建议认定为违法占用耕地，由乡镇人民政府督促当事人限期拆除并恢复种植条件，"
          "同时移送县自然资源局立案查处，按规定追究相关责任人员责任，整改完成后报县卫片执法办公室复核销号。") * 2
PT_PER_MM = 72 / 25.4


def _box(dx0, dy0, dx1, dy1):
    return shapely.box(X0 + dx0, Y0 + dy0, X0 + dx1, Y0 + dy1)


@pytest.fixture(scope="module")
def filed(tmp_path_factory, qgis_app):
    """One analysed, determined patch with every reference role drawn around it, and its PDF 套合图."""
    from conftest import write_shapefile

    from weipian_plugin.core.analysis import overlay
    from weipian_plugin.core.store.keys import FIGURE_ORG
    from weipian_plugin.core.store.workstore import WorkStore
    from weipian_plugin.exporters.figures import export_figures

    d = tmp_path_factory.mktemp("pages")
    shp = write_shapefile(d / "图斑.shp", [_box(0, 0, 60, 40)],
                          {"JCBH": [JCBH], "TBLX": ["YH"], "QSX": ["20250612"], "HSX": ["20260105"],
                           "JCMJ": [2400.0], "DLBM": ["0103"]})
    refs = {}
    for i, role in enumerate(overlay.ROLES):
        fields = {"DLBM": ["0103"], "DLMC": ["旱地"], "KCXS": [0.1]} if role == overlay.LANDUSE else {"BH": ["1"]}
        refs[role] = str(write_shapefile(d / f"{role}.shp", [_box(-10 - 3 * i, -10 - 2 * i, 30 + 4 * i, 50 + i)],
                                         fields))
    store_path = d / "青禾县.gpkg"
    with create_store_for(store_path, shp) as store:
        import_patches(store, shp, "2026-01")
        store.conn.execute("INSERT INTO analysis (patch_fid, cultivated_m2, dominant_dlbm, suggestion, "
                           "suggestion_reason) SELECT fid, 800, '0103', '违法', ? FROM patches", (REASON,))
        store.conn.execute("INSERT INTO determinations (patch_fid, result, reviewer) "
                           "SELECT fid, '违法', '李审核' FROM patches")
        store.set_setting(FIGURE_ORG.name, "青禾县自然资源局")
    with WorkStore.open(store_path) as store:
        assert store.setting(FIGURE_ORG.name) == "青禾县自然资源局"
    pdf, = export_figures(store_path, d / "out", "pdf", reference_layers=refs, dpi=150)
    png, = export_figures(store_path, d / "png", "png", reference_layers=refs, dpi=150)
    return {"pdf": pdf, "png": png, "refs": refs}


def _words(pdf):
    """(text, x0, y0, x1, y1) in PDF points of every word on the first page."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(_normal(w), *map(float, (a, b, c, e))) for a, b, c, e, w in re.findall(pattern, html)]


def _normal(text):
    """Qt's PDF ToUnicode maps some glyphs to Kangxi radicals (⽚ for 片; NFKC folds those back) or to CJK
    radical supplements (⻘ for 青, ⻅ for 见, which nothing folds): those become "?"."""
    return re.sub("[\u2e80-\u2eff]", "?", unicodedata.normalize("NFKC", text))


def _same(expected, pdf_text):
    expected = unicodedata.normalize("NFKC", expected)
    return len(expected) == len(pdf_text) and all(a == b or b == "?" for a, b in zip(expected, pdf_text))


def _text(pdf):
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return _normal(text)


def _item_rects():
    """Page rectangles (points) of the template's text-bearing items, as the export leaves them."""
    from qgis.core import (
        QgsLayoutItemLabel,
        QgsLayoutItemLegend,
        QgsLayoutItemScaleBar,
        QgsPrintLayout,
        QgsProject,
        QgsReadWriteContext,
    )
    from qgis.PyQt.QtXml import QDomDocument

    from weipian_plugin.exporters.figures import TEMPLATE

    doc = QDomDocument()
    doc.setContent(TEMPLATE.read_text(encoding="utf-8"))
    project = QgsProject()  # the layout does not own it
    layout = QgsPrintLayout(project)
    assert layout.loadFromTemplate(doc, QgsReadWriteContext())[1]
    rects = {}
    items = [i for i in layout.items() if isinstance(i, (QgsLayoutItemLabel, QgsLayoutItemLegend,
                                                          QgsLayoutItemScaleBar))]
    items += [f.frame(0) for f in layout.multiFrames()]
    for item in items:
        r = item.sceneBoundingRect()
        rects[item.id() or "table"] = (r.left() * PT_PER_MM, r.top() * PT_PER_MM, r.right() * PT_PER_MM,
                                       r.bottom() * PT_PER_MM)
    return rects


def test_legend_lists_every_drawn_layer(filed):
    from weipian_plugin.core import roles
    from weipian_plugin.exporters.figures import CURRENT_LABEL, OTHER_LABEL

    legend = _item_rects()["legend"]
    words = [w for w in _words(filed["pdf"]) if w[1] >= legend[0] - 1 and w[3] <= legend[2] + 1
             and w[2] >= legend[1] - 1 and w[4] <= legend[3] + 1]
    inside = "".join(w[0] for w in words)
    for name in [roles.label(r) for r in filed["refs"]] + [CURRENT_LABEL, OTHER_LABEL]:
        assert name in inside, name


def test_no_text_runs_out_of_its_item(filed):
    rects = _item_rects()
    outside = []
    slack = 1.0  # pt: a word's box spans its font's ascent, which QGIS 3.40 starts 0.7 pt above the item
    for word, x0, y0, x1, y1 in _words(filed["pdf"]):
        if not any(x0 >= r[0] - slack and y0 >= r[1] - slack and x1 <= r[2] + slack and y1 <= r[3] + slack
                   for r in rects.values()):
            outside.append((word, round(x0), round(y0), round(x1), round(y1)))
    assert outside == []
    box = rects["reason"]
    reason = "".join(w[0] for w in _words(filed["pdf"])
                     if w[2] >= box[1] - slack and w[4] <= box[3] + slack and w[1] < box[2])
    assert _same("建议理由：" + REASON, reason)  # the whole reason, wrapped inside its frame


def test_names_dates_areas_and_signature_line(filed):
    text = _text(filed["pdf"])
    compact = re.sub(r"\s+", "", text)
    assert "2000国家大地坐标系3度带第39带" in compact and "CGCS2000" not in text
    assert "前时相影像(2025-06-12)" in compact and "后时相影像(2026-01-05)" in compact
    assert "YH硬化" in compact and "0103旱地" in compact
    assert "下发监测面积:3.60亩" in compact  # JCMJ 2400 m² as issued, beside the computed area
    assert "计算面积(椭球)" in compact
    assert "制图单位:?禾县自然资源局" in compact and "审核人:李审核" in compact and "(签字)" in compact
    assert "套合图" in compact and JCBH in compact


def test_png_at_150_dpi_is_a4_landscape(filed):
    from qgis.PyQt.QtGui import QImage

    image = QImage(str(filed["png"]))
    assert (image.width(), image.height()) == (1753, 1240)
    assert round(image.dotsPerMeterX() * 0.0254) == 150
    gray = np.array([image.pixelColor(x, y).lightness() for x in range(0, 1753, 25) for y in range(0, 1240, 25)])
    assert (gray < 240).mean() > 0.15
