"""The work store's layers in the current QGIS project, and the suggestion style kept in the store."""
from __future__ import annotations

import logging
import os
from typing import Dict

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsProject,
    QgsReadWriteContext,
    QgsRendererCategory,
    QgsVectorLayer,
)
from qgis.PyQt.QtXml import QDomDocument

from weipian_plugin.core.store import postgis
from weipian_plugin.core.vocabulary import ILLEGAL, LEGAL, OTHER, OUTCOME_COLOURS, PENDING, UNDETERMINED
from weipian_plugin.layer_source import store_layer, store_table
from weipian_plugin.translation import tr

ANALYSIS = "patch_analysis"
PATCHES = "patches"
STORE_TABLES = (ANALYSIS, PATCHES, "determinations", "rectifications")
STYLE_NAME = "weipian_suggestion"
FILL_ALPHA = 50  # of 255: the fill tints the patch, imagery stays visible underneath

# suggestion -> colour (the one palette); '' catches every other value, i.e. patches not analysed yet
SUGGESTION_COLOURS = {**{o: OUTCOME_COLOURS[o] for o in (LEGAL, ILLEGAL, OTHER, PENDING)},
                      "": OUTCOME_COLOURS[UNDETERMINED]}

log = logging.getLogger("weipian.gui")


def _layer_names() -> Dict[str, str]:
    return {ANALYSIS: tr("Patches by suggestion"), PATCHES: tr("Patches (editable)"),
            "determinations": tr("Determinations"), "rectifications": tr("Rectifications")}


def group_name(store_path: str) -> str:
    name = postgis.shown(store_path) if postgis.is_address(store_path) else os.path.basename(store_path)
    return f"卫片执法 {name}"


def suggestion_renderer() -> QgsCategorizedSymbolRenderer:
    categories = []
    for value, (r, g, b) in SUGGESTION_COLOURS.items():
        symbol = QgsFillSymbol.createSimple({
            "color": f"{r},{g},{b},{FILL_ALPHA}", "style": "solid",
            "outline_color": f"{r},{g},{b},255", "outline_style": "solid", "outline_width": "0.6",
            "outline_width_unit": "MM"})
        categories.append(QgsRendererCategory(value, symbol, value or tr("Not analysed")))
    return QgsCategorizedSymbolRenderer("suggestion", categories)


def suggestion_style_qml() -> str:
    """The symbology (categorised by suggestion) as a QGIS .qml document."""
    layer = QgsVectorLayer("MultiPolygon?field=suggestion:string", ANALYSIS, "memory")
    layer.setRenderer(suggestion_renderer())
    doc = QDomDocument("qgis")
    error = layer.exportNamedStyle(doc, QgsReadWriteContext(), QgsMapLayer.StyleCategory.Symbology)
    if error:
        raise RuntimeError(error)
    return doc.toString()


def apply_suggestion_style(layer: QgsVectorLayer) -> None:
    doc = QDomDocument("qgis")
    doc.setContent(suggestion_style_qml())
    ok, error = layer.importNamedStyle(doc, QgsMapLayer.StyleCategory.Symbology)
    if not ok:
        raise RuntimeError(error)
    layer.triggerRepaint()


def save_default_style(store_path: str) -> None:
    """Store the suggestion style in the GeoPackage's layer_styles as patch_analysis's default style.

    Plain QGIS then shows the colours when the store is opened without the plugin. A previous copy is
    deleted first: QGIS 3.22 asks "overwrite?" in a modal box when a style of the same name exists.
    """
    layer = store_layer(store_path, ANALYSIS, ANALYSIS)
    if not layer.isValid():
        raise RuntimeError(tr("{table} cannot be read from {path}").format(table=ANALYSIS, path=store_path))
    for style_id in _our_style_ids(layer):
        ok, error = layer.deleteStyleFromDatabase(style_id)
        if not ok:
            raise RuntimeError(error)
    apply_suggestion_style(layer)
    error = layer.saveStyleToDatabase(STYLE_NAME, tr("Patches coloured by legality suggestion"), True, "")
    if error:
        raise RuntimeError(error)


def _our_style_ids(layer: QgsVectorLayer) -> list:
    related, ids, names, _descriptions, _error = layer.listStylesInDatabase()
    return [i for i, name in zip(ids[:max(related, 0)], names) if name == STYLE_NAME]


def has_default_style(store_path: str) -> bool:
    """Whether the store already holds our style (the user may since have edited it: keep theirs)."""
    return bool(_our_style_ids(store_layer(store_path, ANALYSIS, ANALYSIS)))


def loaded_store_layers(store_path: str) -> Dict[str, QgsVectorLayer]:
    """Layers of this store already in the project, by table (the first one found per table)."""
    found: Dict[str, QgsVectorLayer] = {}
    for layer in QgsProject.instance().mapLayers().values():
        table = store_table(layer, store_path) if isinstance(layer, QgsVectorLayer) else None
        if table in STORE_TABLES:
            found.setdefault(table, layer)
    return found


def _store_group(store_path: str) -> QgsLayerTreeGroup:
    root = QgsProject.instance().layerTreeRoot()
    name = group_name(store_path)
    return root.findGroup(name) or root.insertGroup(0, name)


def add_store_layers(store_path: str) -> Dict[str, QgsVectorLayer]:
    """Add the store's layers to the project in its group, or reload the ones already there.

    patch_analysis comes styled by suggestion (from the store's default style, written if missing);
    the editable patches layer (outlines only) is added unchecked underneath it, followed by the attribute tables.
    """
    store_path = store_path if postgis.is_address(store_path) else os.path.abspath(store_path)
    loaded = loaded_store_layers(store_path)
    if ANALYSIS not in loaded and not has_default_style(store_path):
        try:
            save_default_style(store_path)
        except RuntimeError as exc:
            log.warning("could not save the default style into %s: %s", store_path, exc)
    names = _layer_names()
    layers: Dict[str, QgsVectorLayer] = {}
    for table in STORE_TABLES:
        layer = loaded.get(table)
        if layer is not None:
            if not layer.isEditable():
                layer.reload()
                layer.updateExtents()
                layer.triggerRepaint()
            layers[table] = layer
            continue
        layer = store_layer(store_path, table, names[table])
        if not layer.isValid():
            log.warning("layer %s of %s is not readable", table, store_path)
            continue
        QgsProject.instance().addMapLayer(layer, False)
        node = _store_group(store_path).addLayer(layer)
        if table == PATCHES:
            layer.renderer().setSymbol(QgsFillSymbol.createSimple(
                {"style": "no", "outline_color": "60,60,60,255", "outline_width": "0.4"}))
            node.setItemVisibilityChecked(False)
        layers[table] = layer
    return layers
