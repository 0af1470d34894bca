"""套合图 (one per patch, for the 一图斑一卷宗 case file), drawn by QGIS from the work store.

The figure is the print layout ``templates/archive_figure.qpt`` (editable in QGIS's layout designer),
driven by an atlas over the store's ``patch_analysis`` view: two atlas-driven maps (before / after
imagery with the patch and the reference layers over them), legend, scale bar, north arrow, and a title
and result table written as QGIS expressions on the view's fields. The coverage layer also carries the
patch's issued area and dates (``jcmj_m2``, ``qsx``), its reviewer and the code names ``tblx_label`` /
``dlbm_label``; the layout variables ``@weipian_crs_name`` (Chinese CRS name) and ``@weipian_org``
(制图单位) fill the footer. Items are found by their ids.

Before each page is written the legend gets as many columns as it needs to stay in its box, and the
建议理由 label a font size at which the whole reason fits, so nothing is cut at a frame.
"""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Iterable, Mapping, Optional, Union

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsExpressionContextUtils,
    QgsFeedback,
    QgsField,
    QgsFillSymbol,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsLayoutTable,
    QgsLayoutUtils,
    QgsLegendStyle,
    QgsLinePatternFillSymbolLayer,
    QgsPrintLayout,
    QgsProject,
    QgsRasterLayer,
    QgsReadWriteContext,
    QgsRuleBasedRenderer,
    QgsSimpleFillSymbolLayer,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
    QgsVectorLayerJoinInfo,
)
from qgis.PyQt.QtCore import QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QRawFont, QTextLayout, QTextOption
from qgis.PyQt.QtXml import QDomDocument

from weipian_plugin.compat import RENDER_POINTS, STRING_FIELD
from weipian_plugin.core import roles
from weipian_plugin.core.geo.crs import chinese_crs_name
from weipian_plugin.core.store import keys, outputs
from weipian_plugin.core.store.codes import DLBM_NAMES, TBLX_NAMES
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.layer_source import store_layer

log = logging.getLogger("weipian.figures")

TEMPLATE = Path(__file__).parent / "templates" / "archive_figure.qpt"
COMBINED_PDF = "套合图.pdf"
MAP_IDS = ("before_map", "after_map")
LEGEND_MAX_COLUMNS = 4
FONT_SCALE = 10  # QgsLayoutUtils draws text with fonts sized in tenths of a millimetre
REASON_MIN_POINTS = 5.0
# QgsTextRenderer (QGIS >= 3.28) sets Chinese text about 2% wider than Qt measures it: wrap a little early
WRAP_SLACK = 0.96
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei", "SimSun",
                "WenQuanYi Micro Hei", "PingFang SC")
PATCH_LABEL, CURRENT_LABEL, OTHER_LABEL = "监测图斑", "本图斑", "其他图斑"
CURRENT_FILTER = "$id = @atlas_featureid"

_OTHER_STYLE = ("#c0c0c0", 0.4, False)

RasterSource = Union[str, Path, QgsRasterLayer, None]


class FigureExportError(RuntimeError):
    """The figure could not be written (message in Chinese, shown to the user as is)."""


# -- fonts -------------------------------------------------------------------------------------------------
def _has_cjk(font: QFont) -> bool:
    """The font's own glyphs cover Chinese (QFontMetrics.inFont would also count fallback fonts)."""
    return QRawFont.fromFont(font).supportsCharacter(ord("亩"))


@functools.lru_cache(maxsize=1)
def cjk_family() -> str:
    """An installed font family with Chinese glyphs: Noto Sans CJK SC, else a usual one, else any."""
    try:
        database = QFontDatabase()  # Qt 5: instance methods
    except TypeError:
        database = QFontDatabase  # Qt 6: static methods
    candidates = CJK_FAMILIES + tuple(database.families(QFontDatabase.WritingSystem.SimplifiedChinese))
    for family in candidates:
        if _has_cjk(QFont(family)):  # a missing family resolves to another font, without Chinese
            return family
    raise FigureExportError("未找到可显示中文的字体，请安装中文字体（如 Noto Sans CJK SC）。")


def cjk_font(font: QFont) -> QFont:
    """``font`` with a CJK family when its own lacks Chinese glyphs (a family chosen in the designer stays)."""
    if not _has_cjk(font):
        font = QFont(font)
        font.setFamily(cjk_family())
    return font


def _cjk_format(fmt):
    fmt.setFont(cjk_font(fmt.font()))
    return fmt


def apply_cjk_fonts(layout: QgsPrintLayout) -> None:
    """Every label, legend, scale bar and table of the layout gets a font that renders Chinese."""
    for item in layout.items():
        if isinstance(item, QgsLayoutItemLabel):
            if hasattr(item, "setTextFormat"):  # QGIS >= 3.24
                item.setTextFormat(_cjk_format(item.textFormat()))
            else:
                item.setFont(cjk_font(item.font()))
        elif isinstance(item, QgsLayoutItemLegend):
            for style in (QgsLegendStyle.Style.Title, QgsLegendStyle.Style.Group, QgsLegendStyle.Style.Subgroup,
                          QgsLegendStyle.Style.SymbolLabel):
                if hasattr(QgsLegendStyle, "textFormat"):  # QGIS >= 3.30
                    item.rstyle(style).setTextFormat(_cjk_format(item.rstyle(style).textFormat()))
                else:
                    item.setStyleFont(style, cjk_font(item.styleFont(style)))
        elif isinstance(item, QgsLayoutItemScaleBar):
            item.setTextFormat(_cjk_format(item.textFormat()))
    for frame in layout.multiFrames():
        if isinstance(frame, QgsLayoutTable):
            frame.setContentTextFormat(_cjk_format(frame.contentTextFormat()))
            frame.setHeaderTextFormat(_cjk_format(frame.headerTextFormat()))


# -- layers --------------------------------------------------------------------------------------------
def _outline(colour: str, width: float, dashed: bool = False) -> dict:
    """Properties of an unfilled outline (mm)."""
    return {"style": "no", "outline_color": colour, "outline_width": str(width),
            "outline_width_unit": "MM", "outline_style": "dash" if dashed else "solid"}


def _reference_symbol(role: str) -> QgsFillSymbol:
    """The role's outline (core/roles.py), hatched when its style says so (永农)."""
    spec = roles.BY_KEY.get(role)
    if spec is None:
        return QgsFillSymbol.createSimple(_outline(*_OTHER_STYLE))
    style = spec.style
    symbol = QgsFillSymbol.createSimple(_outline(style.colour, style.width_mm, style.dashed))
    if style.hatch:
        hatch = QgsLinePatternFillSymbolLayer()
        hatch.setLineAngle(45)
        hatch.setDistance(2.0)
        hatch.setLineWidth(0.25)
        hatch.setColor(QColor(style.colour))
        symbol.insertSymbolLayer(0, hatch)
    return symbol


def _patch_renderer() -> QgsRuleBasedRenderer:
    """The current patch red on a yellow halo, thick, no fill; other patches thin cyan."""
    current = QgsFillSymbol.createSimple(_outline("#ffff00", 1.4))
    current.appendSymbolLayer(QgsSimpleFillSymbolLayer.create(_outline("#ff0000", 0.7)))
    root = QgsRuleBasedRenderer.Rule(None)
    root.appendChild(QgsRuleBasedRenderer.Rule(current, filterExp=CURRENT_FILTER, label=CURRENT_LABEL))
    other = QgsFillSymbol.createSimple(_outline("#00ffff", 0.4))
    root.appendChild(QgsRuleBasedRenderer.Rule(other, filterExp="ELSE", label=OTHER_LABEL))
    return QgsRuleBasedRenderer(root)


def _sql_text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def subset_sql(batch: Optional[str], township: Optional[str], fids: Optional[Iterable[int]]) -> str:
    """SQL filter on patches / patch_analysis (both carry fid, split_state; the view also batch, township)."""
    parts = ["split_state != '被拆分'", "fid NOT IN (SELECT patch_fid FROM military_land)"]  # 涉军: register only
    if batch:
        parts.append(f"batch = {_sql_text(batch)}")
    if township:
        parts.append(f"(township = {_sql_text(township)} OR township_code = {_sql_text(township)})")
    if fids is not None:
        parts.append(f"fid IN ({', '.join(str(int(f)) for f in fids) or 'NULL'})")
    return " AND ".join(parts)


def _raster(source: RasterSource, name: str) -> Optional[QgsRasterLayer]:
    """A layer of its own (a given layer is cloned: the caller keeps its renderer and ownership)."""
    if source is None or source == "":
        return None
    layer = source.clone() if isinstance(source, QgsRasterLayer) else QgsRasterLayer(str(source), name, "gdal")
    if not layer.isValid():
        raise FigureExportError(f"无法打开影像：{layer.source()}")
    layer.setName(name)
    return layer


class Scene:
    """A private QgsProject with the store's patches, the reference layers and the imagery.

    Layers added for the legend are the vector layers (top first in the layer tree); rasters are kept
    out of it. ``vectors`` is top to bottom, the order maps draw them.
    """

    def __init__(self, store_path, reference_layers: Optional[Mapping[str, str]], before: RasterSource = None,
                 after: RasterSource = None):
        with WorkStore.open(store_path) as store:
            epsg = store.epsg
            self.org = keys.FIGURE_ORG.read(store) or ""
            if reference_layers is None:
                reference_layers = keys.ANALYSIS_LAYERS.read(store)
        self.epsg = epsg
        self.store_path = str(store_path)
        self.project = QgsProject()
        self.project.setCrs(QgsCoordinateReferenceSystem(f"EPSG:{epsg}"))
        self.rasters = {}
        for key, source, name in (("before", before, "前时相影像"), ("after", after, "后时相影像")):
            layer = _raster(source, name)
            if layer is not None:
                self.project.addMapLayer(layer, False)
            self.rasters[key] = layer
        known = [r.key for r in sorted(roles.ROLES, key=lambda r: r.style.z) if r.key in reference_layers]
        drawn = known + [r for r in reference_layers if r not in roles.BY_KEY]
        vectors = []
        for role in drawn:  # bottom to top: each new layer goes on top of the layer tree
            layer = QgsVectorLayer(str(reference_layers[role]), roles.label(role), "ogr")
            if not layer.isValid():
                log.warning("参考图层无法打开，已跳过：%s", reference_layers[role])
                continue
            layer.setRenderer(QgsSingleSymbolRenderer(_reference_symbol(role)))
            self.project.addMapLayer(layer)
            vectors.append(layer)
        self.patches = store_layer(
            self.store_path, "patches", PATCH_LABEL,
            subset="split_state != '被拆分' AND fid NOT IN (SELECT patch_fid FROM military_land)")
        self.patches.setRenderer(_patch_renderer())
        self.project.addMapLayer(self.patches)
        self.vectors = [self.patches] + vectors[::-1]

    def layers(self, raster: Optional[str]) -> list:
        """Map layers top to bottom: patches, reference layers, then the ``raster`` ('before'/'after')."""
        image = self.rasters.get(raster) if raster else None
        return self.vectors + ([image] if image is not None else [])

    def coverage(self, subset: str) -> QgsVectorLayer:
        """The view, joined to the patch's issued area and its reviewer, with code names beside codes."""
        layer = store_layer(self.store_path, "patch_analysis", "patch_analysis", subset=subset)
        if not layer.isValid():
            raise FigureExportError(f"无法读取工作库的图斑分析视图：{self.store_path}")
        self.project.addMapLayer(layer, False)
        determinations = store_layer(self.store_path, "determinations", "判定")
        self.project.addMapLayer(determinations, False)
        for source, key, fields in ((self.patches, "fid", ["jcmj_m2"]),  # the view has qsx
                                    (determinations, "patch_fid", ["reviewer"])):
            join = QgsVectorLayerJoinInfo()
            join.setJoinLayer(source)
            join.setJoinFieldName(key)
            join.setTargetFieldName("fid")
            join.setJoinFieldNamesSubset(fields)
            join.setPrefix("")
            join.setUsingMemoryCache(True)
            layer.addJoin(join)
        layer.addExpressionField(_label_expression("tblx", TBLX_NAMES), QgsField("tblx_label", STRING_FIELD))
        layer.addExpressionField(_label_expression("dominant_dlbm", DLBM_NAMES),
                                 QgsField("dlbm_label", STRING_FIELD))
        return layer


def _label_expression(field: str, names: Mapping[str, str]) -> str:
    """A QGIS expression doing what ``codes.code_label`` does, so the layout designer sees it too."""
    pairs = ", ".join(f"{_sql_text(k)}, {_sql_text(v)}" for k, v in names.items())
    code = f'trim("{field}")'
    return (f"coalesce({code} || ' ' || coalesce(map_get(map({pairs}), upper({code})), "
            f"map_get(map({pairs}), upper(left({code}, 4)))), {code})")


# -- 套合图 -------------------------------------------------------------------------------------------
def _layout(scene: Scene, coverage: QgsVectorLayer) -> QgsPrintLayout:
    """The template loaded into the scene's project, its maps given their layers, its atlas over ``coverage``."""
    doc = QDomDocument()
    parsed = doc.setContent(TEMPLATE.read_text(encoding="utf-8"))
    parsed_ok = parsed[0] if isinstance(parsed, tuple) else bool(parsed)  # PyQt5: (ok, error, line, column)
    layout = QgsPrintLayout(scene.project)
    if not parsed_ok or not layout.loadFromTemplate(doc, QgsReadWriteContext())[1]:
        raise FigureExportError(f"图幅模板无法读取：{TEMPLATE}")
    for map_id, raster in zip(MAP_IDS, ("before", "after")):
        item = layout.itemById(map_id)
        if not isinstance(item, QgsLayoutItemMap):
            raise FigureExportError(f"图幅模板缺少地图项“{map_id}”：{TEMPLATE}")
        item.setCrs(scene.project.crs())
        item.setLayers(scene.layers(raster))
        item.setKeepLayerSet(True)
    legend = layout.itemById("legend")
    if isinstance(legend, QgsLayoutItemLegend):
        legend.setAutoUpdateModel(True)
    QgsExpressionContextUtils.setLayoutVariable(layout, "weipian_crs_name", chinese_crs_name(scene.epsg))
    QgsExpressionContextUtils.setLayoutVariable(layout, "weipian_org", scene.org)
    atlas = layout.atlas()
    atlas.setCoverageLayer(coverage)
    atlas.setHideCoverage(True)
    atlas.setSortFeatures(True)
    atlas.setSortExpression('"jcbh"')
    atlas.setFilenameExpression('"jcbh"')
    atlas.setEnabled(True)
    apply_cjk_fonts(layout)
    if isinstance(legend, QgsLayoutItemLegend):
        fit_legend(legend)
    reason = layout.itemById("reason")
    if isinstance(reason, QgsLayoutItemLabel):
        size, template = _label_font(reason).pointSizeF(), reason.text()
        # every export (one file per patch, one patch, the combined PDF) seeks the atlas page by page
        atlas.featureChanged.connect(lambda _feature: fit_label(reason, size, template=template))
        atlas.renderEnded.connect(lambda: reason.setText(template))  # the layout keeps its expression
    return layout


def fit_legend(legend: QgsLayoutItemLegend) -> None:
    """Columns enough for every entry to stay inside the legend's box as drawn in the template.

    The box keeps its template position and size; entries wrap into up to ``LEGEND_MAX_COLUMNS`` columns,
    then the text shrinks, rather than running out of the frame. A legend only measures itself once it
    has been painted (it needs the render DPI), hence one tiny trial render first.
    """
    box = legend.sizeWithUnits()
    QgsLayoutExporter(legend.layout()).renderPageToImage(legend.page(), QSize(60, 40))
    legend.setResizeToContents(True)
    style = QgsLegendStyle.Style.SymbolLabel
    try:
        for _attempt in range(6):
            for columns in range(1, LEGEND_MAX_COLUMNS + 1):
                legend.setColumnCount(columns)
                legend.adjustBoxSize()
                size = legend.sizeWithUnits()
                if size.height() <= box.height() + 0.01 and size.width() <= box.width() + 0.01:
                    return
            _scale_legend_text(legend, style, 0.85)
    finally:
        legend.setResizeToContents(False)
        legend.attemptResize(box)


def _scale_legend_text(legend: QgsLayoutItemLegend, style, factor: float) -> None:
    if hasattr(QgsLegendStyle, "textFormat"):  # QGIS >= 3.30, where styleFont() is deprecated
        fmt = legend.rstyle(style).textFormat()
        fmt.setSize(fmt.size() * factor)
        legend.rstyle(style).setTextFormat(fmt)
    else:
        font = legend.styleFont(style)
        font.setPointSizeF(font.pointSizeF() * factor)
        legend.setStyleFont(style, font)


def _label_font(label: QgsLayoutItemLabel) -> QFont:
    return label.textFormat().font() if hasattr(label, "textFormat") else label.font()


def set_label_font(label: QgsLayoutItemLabel, font: QFont) -> None:
    if hasattr(label, "setTextFormat"):  # QGIS >= 3.24
        fmt = label.textFormat()
        fmt.setFont(font)
        fmt.setSize(font.pointSizeF())
        fmt.setSizeUnit(RENDER_POINTS)
        label.setTextFormat(fmt)
    else:
        label.setFont(font)


def fit_label(label: QgsLayoutItemLabel, points: float, minimum_points: float = REASON_MIN_POINTS,
              template: Optional[str] = None) -> None:
    """The label at ``points``, or smaller until its current text, wrapped at the item width, fits its height.

    Measured the way the label draws (QgsLayoutUtils.drawText: a pixel-sized font in tenths of a
    millimetre), so the estimate matches the page. With ``template`` (the label's expression text) the
    label is then given the evaluated text with its line breaks: QGIS >= 3.28 draws labels with
    QgsTextRenderer, which breaks lines only at spaces, so Chinese text would run out of the frame.
    """
    if template is not None:
        label.setText(template)
    text = label.currentText()
    font = QFont(_label_font(label))
    pen = label.frameStrokeWidth() if label.frameEnabled() else 0
    width = (label.rect().width() - pen - 2 * label.marginX()) * FONT_SCALE * WRAP_SLACK
    height = (label.rect().height() - pen - 2 * label.marginY()) * FONT_SCALE
    size = points
    while True:
        font.setPointSizeF(size)
        metrics = QFontMetricsF(QgsLayoutUtils.scaledFontPixelSize(font))
        needed = metrics.boundingRect(QRectF(0, 0, width, 1e6), int(Qt.TextFlag.TextWordWrap), text)
        if needed.height() <= height or size <= minimum_points:
            break
        size = max(minimum_points, size - 0.25)
    set_label_font(label, font)
    if template is not None:
        label.setText(_wrapped(text, QgsLayoutUtils.scaledFontPixelSize(font), width))


def _wrapped(text: str, font: QFont, width: float) -> str:
    """``text`` with a line break wherever Qt's word wrap (between words, or between Chinese characters)
    would break it at ``width``."""
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    lines = []
    for paragraph in text.split("\n"):
        layout = QTextLayout(paragraph, font)
        layout.setTextOption(option)
        layout.beginLayout()
        line = layout.createLine()
        while line.isValid():
            line.setLineWidth(width)
            lines.append(paragraph[line.textStart():line.textStart() + line.textLength()].rstrip())
            line = layout.createLine()
        layout.endLayout()
    return "\n".join(lines)


def _pdf_settings(dpi: int) -> QgsLayoutExporter.PdfExportSettings:
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = dpi
    settings.appendGeoreference = False
    settings.exportMetadata = False
    settings.textRenderFormat = Qgis.TextRenderFormat.AlwaysText  # searchable, copyable text
    return settings


def file_stem(name: str, used: set, fid: int) -> str:
    """A safe, unique file stem from the JCBH (the same JCBH may recur across batches)."""
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", name or "").strip("._") or str(fid)
    if stem in used:
        stem = f"{stem}_{fid}"
    used.add(stem)
    return stem


def export_figures(store_path, out_dir, fmt: str = "png", before: RasterSource = None,
                   after: RasterSource = None, batch: Optional[str] = None, township: Optional[str] = None,
                   fids: Optional[Iterable[int]] = None, combined_pdf: bool = False,
                   reference_layers: Optional[Mapping[str, str]] = None, dpi: int = 150,
                   org: Optional[str] = None, feedback: Optional[QgsFeedback] = None) -> list:
    """Write one 套合图 per patch (``<JCBH>.png|pdf``) or one combined ``套合图.pdf``.

    Patches: all, or those of ``batch`` / ``township`` (name or code) / ``fids``. ``reference_layers``
    (role → OGR source) defaults to the layers of the last analysis. ``org`` (制图单位) is saved in the
    store and printed; None prints the one saved. A cancel stops after the current figure and returns
    what was written (a cancelled combined PDF is removed).
    """
    if fmt not in ("png", "pdf"):
        raise ValueError(f"unknown figure format: {fmt}")
    out_dir = outputs.check_output_folder(out_dir)
    if batch is not None:
        with WorkStore.open(store_path) as store:
            if store.batch(batch) is None:
                raise FigureExportError(f"工作库中没有批次“{batch}”：{store_path}")
    if org is not None:
        with WorkStore.open(store_path) as store:
            keys.FIGURE_ORG.write(store, org.strip())
    out_dir.mkdir(parents=True, exist_ok=True)
    scene = Scene(store_path, reference_layers, before, after)
    layout = _layout(scene, scene.coverage(subset_sql(batch, township, fids)))
    atlas = layout.atlas()
    if not atlas.updateFeatures():
        return []
    if combined_pdf:
        path = out_dir / COMBINED_PDF
        result, error = QgsLayoutExporter.exportToPdf(atlas, str(path), _pdf_settings(dpi), feedback)
        if result == QgsLayoutExporter.ExportResult.Canceled:
            path.unlink(missing_ok=True)
            return []
        if result != QgsLayoutExporter.ExportResult.Success:
            raise FigureExportError(f"导出套合图失败：{path}：{error}")
        return [path]

    exporter = QgsLayoutExporter(layout)
    written, used = [], set()
    count = atlas.count()
    atlas.beginRender()
    try:
        for i in range(count):
            if feedback is not None and feedback.isCanceled():
                break
            atlas.seekTo(i)
            stem = file_stem(atlas.currentFilename(), used, layout.reportContext().feature().id())
            written.append(_write_page(exporter, out_dir / f"{stem}.{fmt}", dpi))
            if feedback is not None:
                feedback.setProgress(100.0 * (i + 1) / count)
    finally:
        atlas.endRender()
    return written


def export_figure(store_path, fid: int, path, before: RasterSource = None, after: RasterSource = None,
                  reference_layers: Optional[Mapping[str, str]] = None, dpi: int = 150) -> Path:
    """The 套合图 of patch ``fid`` at ``path`` (.pdf or .png): the same layout, its atlas on one patch."""
    path = Path(path)
    if path.suffix.lower() not in (".pdf", ".png"):
        raise FigureExportError(f"套合图应保存为 .pdf 或 .png：{path}")
    scene = Scene(store_path, reference_layers, before, after)
    layout = _layout(scene, scene.coverage(subset_sql(None, None, [fid])))
    atlas = layout.atlas()
    if not atlas.updateFeatures():
        raise FigureExportError(f"工作库中没有图斑 {fid}（或它已被拆分）")
    path.parent.mkdir(parents=True, exist_ok=True)
    atlas.beginRender()
    try:
        atlas.seekTo(0)
        return _write_page(QgsLayoutExporter(layout), path, dpi)
    finally:
        atlas.endRender()


def _write_page(exporter: QgsLayoutExporter, path: Path, dpi: int) -> Path:
    """The layout's current atlas page as ``path``, PNG or PDF by its suffix."""
    if path.suffix.lower() == ".png":  # rendered, not exportToImage: that would georeference the PNG via GDAL
        image = exporter.renderPageToImage(0, QSize(), dpi)
        image.setDotsPerMeterX(round(dpi / 0.0254))
        image.setDotsPerMeterY(round(dpi / 0.0254))
        ok = image.save(str(path), "PNG")
    else:
        ok = exporter.exportToPdf(str(path), _pdf_settings(dpi)) == QgsLayoutExporter.ExportResult.Success
    if not ok:
        raise FigureExportError(f"导出套合图失败：{path}")
    return path
