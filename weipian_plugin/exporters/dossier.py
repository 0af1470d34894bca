"""一图斑一卷宗: one folder per patch with everything its case file needs, written by QGIS and Qt.

``<JCBH>/`` holds ``00_目录.pdf`` (the index), ``01_套合图.pdf`` (the print layout of
:mod:`.figures` on this patch), ``02_现场照片.pdf`` (one page per photo: the photo beside a small map with
the patch and where the photo was taken, an arrow for its bearing), ``03_判定与查处记录.pdf``
(determination, 查处整改 and every recorded change, as the review form shows them) and ``照片/`` with the
original files as stored. What is printed comes from :mod:`..core.review.dossier`.
"""
from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Iterable, List, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsExpressionContextUtils,
    QgsFeature,
    QgsFeedback,
    QgsField,
    QgsGeometry,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsMarkerSymbol,
    QgsPointXY,
    QgsPrintLayout,
    QgsRectangle,
    QgsSimpleMarkerSymbolLayer,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMarginsF, QSizeF
from qgis.PyQt.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from weipian_plugin.compat import DOUBLE_FIELD, LAYOUT_MILLIMETERS
from weipian_plugin.core.review import dossier as core
from weipian_plugin.core.review import records
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.exporters.figures import (
    RasterSource,
    Scene,
    _pdf_settings,
    cjk_family,
    export_figure,
    file_stem,
    set_label_font,
    subset_sql,
)

INDEX, FIGURE, PHOTOS, RECORDS, ORIGINALS = "00_目录.pdf", "01_套合图.pdf", "02_现场照片.pdf", "03_判定与查处记录.pdf", "照片"
MM = LAYOUT_MILLIMETERS
WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")  # EXIF positions; CGCS2000 and WGS 84 agree to centimetres
MIN_MAP_M = 80.0  # the small map shows at least this many metres around the patch and the camera


class DossierError(RuntimeError):
    """The case file could not be written (message in Chinese, shown as is)."""


# -- photos: one page each, the photo and a small map ---------------------------------------------------
def _camera_layer(scene: Scene, photo: core.Photo) -> Optional[QgsVectorLayer]:
    """A one-point layer at the photo's position in the store's CRS: a red dot, and an arrow for its bearing."""
    if not photo.located:
        return None
    crs = scene.project.crs()
    layer = QgsVectorLayer(f"Point?crs={crs.authid()}", "拍摄位置", "memory")
    layer.dataProvider().addAttributes([QgsField("bearing", DOUBLE_FIELD)])
    layer.updateFields()
    point = QgsCoordinateTransform(WGS84, crs, scene.project).transform(
        QgsPointXY(photo.longitude, photo.latitude))
    feature = QgsFeature(layer.fields())
    feature.setGeometry(QgsGeometry.fromPointXY(point))
    feature.setAttribute("bearing", photo.bearing)
    layer.dataProvider().addFeatures([feature])
    symbol = QgsMarkerSymbol.createSimple({"name": "circle", "color": "#ff0000", "outline_color": "#ffffff",
                                           "size": "2.6"})
    if photo.bearing is not None:  # marker angles turn clockwise from north, as a compass bearing does
        shaft = {"name": "line", "color": "#ff0000", "outline_color": "#ff0000", "outline_width": "0.6",
                 "size": "8", "angle": str(photo.bearing), "offset": "0,-4", "offset_unit": "MM"}
        head = {"name": "triangle", "color": "#ff0000", "outline_color": "#ff0000", "outline_width": "0.2",
                "size": "2.6", "angle": str(photo.bearing), "offset": "0,-8", "offset_unit": "MM"}
        for props in (shaft, head):
            symbol.appendSymbolLayer(QgsSimpleMarkerSymbolLayer.create(props))
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    scene.project.addMapLayer(layer, False)
    return layer


def _label(layout: QgsPrintLayout, text: str, page: int, x: float, y: float, w: float, h: float,
           points: float, bold: bool = False) -> QgsLayoutItemLabel:
    label = QgsLayoutItemLabel(layout)
    font = QFont(cjk_family())
    font.setPointSizeF(points)
    font.setBold(bold)
    set_label_font(label, font)
    label.setText(text)
    layout.addLayoutItem(label)
    label.attemptMove(QgsLayoutPoint(x, y, MM), page=page)
    label.attemptResize(QgsLayoutSize(w, h, MM))
    return label


def _photo_pages(scene: Scene, store: WorkStore, case: core.Dossier, patch_extent: QgsRectangle,
                 originals: Path, out: Path) -> int:
    """``02_现场照片.pdf``; returns its page count (no file when the patch has no photo)."""
    if not case.photos:
        return 0
    layout = QgsPrintLayout(scene.project)
    layout.initializeDefaults()
    QgsExpressionContextUtils.setLayoutVariable(layout, "atlas_featureid", case.fid)  # the patch drawn as 本图斑
    pages = layout.pageCollection()
    pages.page(0).setPageSize("A4", QgsLayoutItemPage.Orientation.Landscape)
    for i, photo in enumerate(case.photos):
        if i:
            page = QgsLayoutItemPage(layout)
            page.setPageSize("A4", QgsLayoutItemPage.Orientation.Landscape)
            pages.addPage(page)
        path = records.export_attachment(store, photo.attachment_id, originals)
        _label(layout, f"现场照片 {i + 1}/{len(case.photos)}　监测编号 {case.jcbh}", i, 10, 8, 277, 9, 14, True)
        picture = QgsLayoutItemPicture(layout)
        picture.setPicturePath(str(path))
        picture.setResizeMode(QgsLayoutItemPicture.ResizeMode.Zoom)
        layout.addLayoutItem(picture)
        picture.attemptMove(QgsLayoutPoint(10, 20, MM), page=i)
        picture.attemptResize(QgsLayoutSize(180, 175, MM))

        camera = _camera_layer(scene, photo)
        extent = QgsRectangle(patch_extent)
        if camera is not None:
            extent.combineExtentWith(camera.extent())
        side = max(MIN_MAP_M, 1.4 * max(extent.width(), extent.height()))  # square, as the map item is
        extent = QgsRectangle.fromCenterAndSize(extent.center(), side, side)
        small = QgsLayoutItemMap(layout)
        small.setCrs(scene.project.crs())
        small.setLayers(([camera] if camera is not None else []) + scene.layers("after"))
        small.setKeepLayerSet(True)
        small.setFrameEnabled(True)
        layout.addLayoutItem(small)
        small.attemptMove(QgsLayoutPoint(197, 20, MM), page=i)
        small.attemptResize(QgsLayoutSize(90, 90, MM))
        small.setExtent(extent)
        _label(layout, photo.caption().replace("　", "\n"), i, 197, 114, 90, 40, 9)
        _label(layout, "红点：拍摄位置；箭头：拍摄方向；红框：本图斑；图上方为正北", i, 197, 156, 90, 12, 8)
    if QgsLayoutExporter(layout).exportToPdf(str(out), _pdf_settings(150)) != QgsLayoutExporter.ExportResult.Success:
        raise DossierError(f"无法写入现场照片页：{out}")
    return len(case.photos)


# -- text documents (index, records) --------------------------------------------------------------------
def _table(rows, header: Optional[tuple] = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header) if header else ""
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table border="1" cellspacing="0" cellpadding="3" width="100%">{f"<tr>{head}</tr>" if head else ""}{body}</table>'


def _pdf(path: Path, body: str) -> None:
    """An A4 portrait PDF of ``body`` (HTML) in the Chinese font, paged by Qt."""
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(18, 15, 18, 15), QPageLayout.Unit.Millimeter))
    writer.setResolution(150)
    doc = QTextDocument()
    font = QFont(cjk_family())
    font.setPointSizeF(10)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet("h1 { font-size: 16pt; } h2 { font-size: 12pt; } th { background: #eeeeee; }")
    doc.setHtml(body)
    doc.setPageSize(QSizeF(writer.width(), writer.height()))
    doc.print(writer)


def _records_pdf(case: core.Dossier, out: Path) -> None:
    history = _table(case.history, ("时间", "修改人", "项目", "原值", "新值")) if case.history else "<p>无修改记录。</p>"
    files = _table([(f["file_name"], f["kind"] or "", core.display_value("added_at", f["added_at"]))
                    for f in case.files], ("文件", "类别", "添加时间")) if case.files else "<p>无。</p>"
    _pdf(out, f"<h1>判定与查处记录　{html.escape(case.jcbh)}</h1>"
              f"<h2>一、图斑与比对</h2>{_table(case.facts)}"
              f"<h2>二、合法性判定</h2>{_table(case.determination)}"
              f"<h2>三、查处整改</h2>{_table(case.rectification)}"
              f"<h2>四、其他附件</h2>{files}"
              f"<h2>五、修改记录</h2>{history}")


def _index_pdf(case: core.Dossier, contents: List[tuple], out: Path, today: dt.date) -> None:
    facts = dict(case.facts)
    summary = [(k, facts[k]) for k in ("监测编号", "批次", "乡镇", "下发监测面积", "计算面积（椭球）", "整改状态")]
    result = dict(case.determination).get("判定结果", core.BLANK)
    _pdf(out, f"<h1>一图斑一卷宗　{html.escape(case.jcbh)}</h1>{_table(summary + [('判定结果', result)])}"
              f"<h2>卷宗目录</h2>{_table(contents, ('序号', '文件', '内容', '页数/个数'))}"
              f"<p>编制日期：{today.isoformat()}</p>")


# -- the export ------------------------------------------------------------------------------------------
def export_dossiers(store_path, out_dir, fids: Optional[Iterable[int]] = None, batch: Optional[str] = None,
                    before: RasterSource = None, after: RasterSource = None, dpi: int = 150,
                    feedback: Optional[QgsFeedback] = None, today: Optional[dt.date] = None) -> List[Path]:
    """One case-file folder per patch (``fids``, else ``batch``, else all); returns the folders written.

    A cancel stops after the current patch. The 套合图 uses ``before``/``after`` imagery when given.
    """
    out_dir = Path(out_dir)
    today = today or dt.date.today()
    scene = Scene(store_path, None, before, after)
    coverage = scene.coverage(subset_sql(batch, None, fids))
    patches = sorted(((f["jcbh"] or "", f.id(), f.geometry().boundingBox()) for f in coverage.getFeatures()))
    written, used = [], set()
    with WorkStore.open(store_path) as store:
        for i, (jcbh, fid, extent) in enumerate(patches):
            if feedback is not None and feedback.isCanceled():
                break
            folder = out_dir / file_stem(jcbh, used, fid)
            folder.mkdir(parents=True, exist_ok=True)
            case = core.dossier(store, fid)
            export_figure(store_path, fid, folder / FIGURE, before, after, dpi=dpi)
            contents = [("1", FIGURE, "套合图（前后时相影像、套合结果、比对建议）", "1 页")]
            photo_pages = _photo_pages(scene, store, case, extent, folder / ORIGINALS, folder / PHOTOS)
            if photo_pages:
                contents.append(("2", PHOTOS, "现场照片及拍摄位置、方向", f"{photo_pages} 页"))
            _records_pdf(case, folder / RECORDS)
            contents.append((str(len(contents) + 1), RECORDS, "合法性判定、查处整改与修改记录", "—"))
            for f in case.files:
                records.export_attachment(store, f["id"], folder / ORIGINALS)
            originals = len(case.photos) + len(case.files)
            if originals:
                contents.append((str(len(contents) + 1), f"{ORIGINALS}/", "照片与附件原件（与工作库中存档一致）",
                                 f"{originals} 个"))
            _index_pdf(case, contents, folder / INDEX, today)
            written.append(folder)
            if feedback is not None:
                feedback.setProgress(100.0 * (i + 1) / len(patches))
    return written
