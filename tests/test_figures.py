"""套合图: real exports through QGIS, checked on their pixels and PDF text."""
import json
import subprocess
import unicodedata

import numpy as np
import pytest
import shapely

from weipian_plugin.core.intake.importer import create_store_for, import_patches

X0, Y0 = 39_500_000.0, 3_300_000.0
GREEN, BROWN, RED = (40, 160, 40), (150, 100, 50), (255, 0, 0)
JCBH = ("520101-001", "520101-002", "520101-003")


def _tif(path, rgb):
    from osgeo import gdal, osr

    ds = gdal.GetDriverByName("GTiff").Create(str(path), 400, 200, 3, gdal.GDT_Byte)
    ds.SetGeoTransform((X0 - 500, 5, 0, Y0 + 500, 0, -5))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4527)
    ds.SetProjection(srs.ExportToWkt())
    for band, value in enumerate(rgb, start=1):
        ds.GetRasterBand(band).WriteArray(np.full((200, 400), value, np.uint8))
    ds = None
    return path


@pytest.fixture(scope="module")
def county(tmp_path_factory, qgis_app):
    """Three patches (two batches, two townships), analysed, one determined; imagery; two reference layers."""
    from conftest import write_shapefile

    d = tmp_path_factory.mktemp("figures")
    boxes = [shapely.box(X0 + i * 200, Y0, X0 + i * 200 + 60, Y0 + 40) for i in range(3)]
    fields = {"JCBH": list(JCBH), "TBLX": ["DT"] * 3, "HSX": ["20260105"] * 3}
    first = write_shapefile(d / "一月.shp", boxes[:2], {k: v[:2] for k, v in fields.items()})
    second = write_shapefile(d / "二月.shp", boxes[2:], {k: v[2:] for k, v in fields.items()})
    store_path = d / "青禾县.gpkg"
    approvals = write_shapefile(d / "批文.shp", [shapely.box(X0 - 20, Y0 - 20, X0 + 30, Y0 + 60)],
                                {"PZWH": ["黔府函〔2024〕1号"]})
    farmland = write_shapefile(d / "基本农田.shp", [shapely.box(X0 + 30, Y0 - 30, X0 + 300, Y0 + 20)],
                               {"BH": ["1"]})
    refs = {"approvals": str(approvals), "basic_farmland": str(farmland)}
    with create_store_for(store_path, first) as store:
        import_patches(store, first, "2026-01")
        import_patches(store, second, "2026-02")
        store.conn.execute("UPDATE patches SET township_name = CASE WHEN jcbh = ? THEN '东镇' ELSE '青禾镇' END",
                           (JCBH[2],))
        store.conn.execute("INSERT INTO analysis (patch_fid, approved_m2, cultivated_m2, suggestion, "
                           "suggestion_reason) SELECT fid, 100, 800, '违法', '未见批文' FROM patches")
        store.conn.execute("INSERT INTO determinations (patch_fid, result, reviewer) "
                           "SELECT fid, '违法', '张三' FROM patches WHERE jcbh = ?", (JCBH[0],))
        store.set_setting("analysis_layers", refs)
        fids = dict(store.conn.execute("SELECT jcbh, fid FROM patches"))
    return {"store": store_path, "before": _tif(d / "before.tif", GREEN), "after": _tif(d / "after.tif", BROWN),
            "refs": refs, "fids": fids}


@pytest.fixture
def figure_store(county, store_on):
    """The figures' county on each backend (a GeoPackage copy, or published into PostGIS): every figure check
    below holds on either."""
    return store_on(county["store"])


def _pixels(path):
    """(h, w, 3) uint8 array of an image file, read by Qt."""
    from qgis.PyQt.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    assert not image.isNull(), path
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    rows = np.frombuffer(bits, np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, :image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def _count(pixels, rgb, tolerance=8):
    return int((np.abs(pixels.astype(int) - rgb).max(axis=2) <= tolerance).sum())


def _ink(pixels):
    """Fraction of pixels that are not white."""
    return float((pixels.min(axis=2) < 240).mean())


def test_png_figure_shows_both_imageries_the_patch_and_a_chinese_title(county, figure_store, tmp_path):
    from qgis.PyQt.QtGui import QFont, QRawFont

    from weipian_plugin.exporters.figures import cjk_family, export_figures

    files = export_figures(figure_store, tmp_path, "png", before=county["before"], after=county["after"],
                           batch="2026-01", reference_layers={})
    assert [f.name for f in files] == [f"{JCBH[0]}.png", f"{JCBH[1]}.png"]

    px = _pixels(files[0])
    h, w, _ = px.shape
    assert (w, h) == (1753, 1240)  # A4 landscape at 150 dpi
    left, right = px[:, : w // 2], px[:, w // 2:]
    half = left.shape[0] * left.shape[1]
    assert _count(left, GREEN) > 0.15 * half and _count(right, BROWN) > 0.15 * half
    assert _count(left, BROWN) == 0 and _count(right, GREEN) == 0
    maps = px[int(h * 0.15): int(h * 0.67)]  # the band of the two map panels
    assert _count(maps[:, : w // 2], RED, 30) > 200 and _count(maps[:, w // 2:], RED, 30) > 200
    assert _ink(px) > 0.3

    title = px[int(h * 0.02): int(h * 0.08), int(w * 0.2): int(w * 0.8)]
    assert 0.02 < _ink(title) < 0.5  # text, neither empty nor a filled block
    font = QRawFont.fromFont(QFont(cjk_family()))  # the font itself, not Qt's fallbacks
    assert all(font.supportsCharacter(ord(c)) for c in "卫片监测图斑前后时相套合图乡镇亩")


def test_pdf_figure_has_chinese_text_embedded_fonts_and_renders(county, figure_store, tmp_path):
    from weipian_plugin.exporters.figures import cjk_family, export_figures

    files = export_figures(figure_store, tmp_path, "pdf", before=county["before"], after=county["after"],
                           fids=[county["fids"][JCBH[0]]])
    assert [f.name for f in files] == [f"{JCBH[0]}.pdf"]
    text = subprocess.run(["pdftotext", "-layout", str(files[0]), "-"], capture_output=True, text=True,
                          check=True).stdout
    # Qt's PDF ToUnicode maps some glyphs to their Kangxi-radical code points (⽚ for 片); NFKC folds them back
    text = unicodedata.normalize("NFKC", text)
    assert JCBH[0] in text and "亩" in text and "禾镇" in text
    assert text.count("违法") == 2 and "建议理由" in text  # suggestion and determination in the table
    assert "建设用地审批" in text and "永久基本农田" in text  # legend: layers of the store's last analysis
    fonts = subprocess.run(["pdffonts", str(files[0])], capture_output=True, text=True, check=True).stdout
    assert cjk_family().replace(" ", "").lower() in fonts.replace(" ", "").lower()
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-singlefile", str(files[0]), str(tmp_path / "page")],
                   check=True)
    page = _pixels(tmp_path / "page.png")
    assert page.shape[1] > page.shape[0] and _ink(page) > 0.3
    assert _count(page[:, : page.shape[1] // 2], GREEN, 12) > 0 and _count(page[:, page.shape[1] // 2:], BROWN, 12) > 0


def test_combined_pdf_has_one_page_per_patch(county, figure_store, tmp_path):
    from weipian_plugin.exporters.figures import export_figures

    files = export_figures(figure_store, tmp_path, "pdf", before=county["before"], after=county["after"],
                           combined_pdf=True)
    assert [f.name for f in files] == ["套合图.pdf"]
    info = subprocess.run(["pdfinfo", str(files[0])], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in info


def test_selection_by_township_and_empty_selection(county, figure_store, tmp_path):
    from weipian_plugin.exporters.figures import FigureExportError, export_figures

    assert [f.name for f in export_figures(figure_store, tmp_path / "t", township="东镇")] == [f"{JCBH[2]}.png"]
    with pytest.raises(FigureExportError, match="没有批次“没有这个批次”"):  # not a silent "0 files"
        export_figures(figure_store, tmp_path / "none", batch="没有这个批次")


def test_cancel_stops_after_the_current_figure(county, figure_store, tmp_path):
    from qgis.core import QgsFeedback

    from weipian_plugin.exporters.figures import export_figures

    feedback = QgsFeedback()
    feedback.progressChanged.connect(lambda _: feedback.cancel())
    assert len(export_figures(figure_store, tmp_path, feedback=feedback)) == 1
    cancelled = QgsFeedback()
    cancelled.cancel()
    assert export_figures(figure_store, tmp_path / "c", "pdf", combined_pdf=True, feedback=cancelled) == []
    assert not (tmp_path / "c" / "套合图.pdf").exists()


def test_one_patch_figure_is_the_same_layout_on_that_patch(county, figure_store, tmp_path):
    from weipian_plugin.exporters.figures import FigureExportError, export_figure

    fid = county["fids"][JCBH[1]]
    png = export_figure(figure_store, fid, tmp_path / "one.png", before=county["before"], after=county["after"])
    px = _pixels(png)
    assert px.shape == (1240, 1753, 3)  # the A4 page at 150 dpi, not a bare map image
    assert _count(px[:, : px.shape[1] // 2], GREEN) > 0 and _count(px[:, px.shape[1] // 2:], BROWN) > 0
    pdf = export_figure(figure_store, fid, tmp_path / "one.pdf")
    text = unicodedata.normalize("NFKC", subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                                                        capture_output=True, text=True, check=True).stdout)
    assert JCBH[1] in text and JCBH[0] not in text and "套合图" in text
    with pytest.raises(FigureExportError, match="没有图斑"):
        export_figure(figure_store, 999, tmp_path / "none.pdf")
    with pytest.raises(FigureExportError, match=".pdf 或 .png"):
        export_figure(figure_store, fid, tmp_path / "one.jpg")


def test_processing_exportfigures(weipian_provider, county, figure_store, tmp_path):
    import processing

    result = processing.run("weipian:exportfigures", {
        "STORE": figure_store, "OUTPUT": str(tmp_path), "FORMAT": 1, "BEFORE": str(county["before"]),
        "AFTER": str(county["after"]), "BATCH": "2026-02", "COMBINED": False})
    assert result["COUNT"] == 1 and (tmp_path / f"{JCBH[2]}.pdf").exists()


def test_export_leaves_no_gdal_or_qgis_errors(county, store_on, tmp_path, capfd):
    """Nothing in GDAL's output (stderr) or QGIS's message log: opening a second store layer with a subset
    used to switch the store to WAL under QGIS's lock-free read-only connections, and GDAL printed
    "unable to open database file" for the determinations (figures.Scene.store_layer)."""
    from qgis.core import QgsApplication

    from weipian_plugin.exporters.figures import export_figure, export_figures

    store = store_on(county["store"])  # a store no earlier export has opened
    logged = []

    def log(message, tag, level):
        logged.append(f"{tag}: {message}")

    capfd.readouterr()
    QgsApplication.messageLog().messageReceived.connect(log)
    try:
        files = export_figures(store, tmp_path / "all", "png", before=county["before"], after=county["after"],
                               batch="2026-02", reference_layers=county["refs"])
        one = export_figure(store, county["fids"][JCBH[0]], tmp_path / "one.pdf", before=county["before"],
                         after=county["after"])
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(log)
    stderr = capfd.readouterr().err
    assert len(files) == 1 and one.exists()
    assert "ERROR" not in stderr and "unable to open" not in stderr, stderr
    assert not [line for line in logged if "unable to open" in line or line.startswith("OGR")], logged


def test_template_is_what_the_code_expects():
    from weipian_plugin.exporters.figures import MAP_IDS, TEMPLATE

    text = TEMPLATE.read_text(encoding="utf-8")
    assert all(f'id="{i}"' in text for i in MAP_IDS + ("title", "legend", "scale_bar", "north_arrow"))
    assert 'file="arrows/NorthArrow_02.svg"' in text  # relative to QGIS's svg paths, portable
    assert json.dumps("jcbh") in text.replace("&quot;", '"')


def test_a_font_without_chinese_glyphs_is_replaced_and_a_chinese_one_kept(qgis_app):
    from qgis.PyQt.QtGui import QFont

    from weipian_plugin.exporters.figures import cjk_family, cjk_font

    latin = QFont("DejaVu Sans")
    latin.setPointSizeF(13)
    fixed = cjk_font(latin)
    assert fixed.family() == cjk_family() and fixed.pointSizeF() == 13
    assert cjk_font(QFont(cjk_family())).family() == cjk_family()


def test_template_fonts_without_chinese_glyphs_are_replaced(qgis_app):
    from qgis.core import QgsLegendStyle, QgsPrintLayout, QgsProject, QgsReadWriteContext
    from qgis.PyQt.QtXml import QDomDocument

    from weipian_plugin.exporters.figures import TEMPLATE, apply_cjk_fonts, cjk_family

    doc = QDomDocument()
    doc.setContent(TEMPLATE.read_text(encoding="utf-8").replace("Noto Sans CJK SC", "DejaVu Sans"))
    project = QgsProject()
    layout = QgsPrintLayout(project)
    assert layout.loadFromTemplate(doc, QgsReadWriteContext())[1]

    def title_family():  # QgsLayoutItemLabel.font() is deprecated where the text format exists (3.24+)
        title = layout.itemById("title")
        return (title.textFormat().font() if hasattr(title, "textFormat") else title.font()).family()

    def legend_family():  # and the legend's styleFont() where its style has a text format (3.30+)
        style = layout.itemById("legend").style(QgsLegendStyle.Style.SymbolLabel)
        return (style.textFormat().font() if hasattr(style, "textFormat") else style.font()).family()

    assert title_family() == "DejaVu Sans"
    apply_cjk_fonts(layout)
    assert title_family() == cjk_family()
    assert legend_family() == cjk_family()
    assert layout.itemById("scale_bar").textFormat().font().family() == cjk_family()
    table = next(f for f in layout.multiFrames() if hasattr(f, "contentTextFormat"))
    assert table.contentTextFormat().font().family() == cjk_family()
