"""A QGIS project kept inside the work store, so opening the GeoPackage's project restores the work view.

The project holds the store's layers (patches coloured by suggestion and by determination), the reference
layers the analysis used (store setting ``analysis_layers``), the before/after imagery (setting
``imagery``) and the store's path as a project entry, from which the plugin reopens its docks.
"""
from __future__ import annotations

import os
from typing import Dict, Optional

from qgis.core import (
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsCoordinateReferenceSystem,
    QgsFillSymbol,
    QgsProject,
    QgsRasterLayer,
    QgsReferencedRectangle,
    QgsRendererCategory,
    QgsVectorLayer,
)

from weipian_plugin.compat import POLYGON_GEOMETRY
from weipian_plugin.core import roles
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.vocabulary import OUTCOME_COLOURS, RESULTS, UNDETERMINED
from weipian_plugin.gui import layers
from weipian_plugin.layer_source import store_layer
from weipian_plugin.translation import tr

PROJECT_NAME = "weipian"
ENTRY_SCOPE, ENTRY_KEY = "weipian", "store_path"
DETERMINATION_COLOURS = {**{o: OUTCOME_COLOURS[o] for o in RESULTS}, "": OUTCOME_COLOURS[UNDETERMINED]}
VISIBLE_REFERENCES = (roles.APPROVALS.key, roles.TOWNSHIPS.key)


def project_uri(store_path: str) -> str:
    return f"geopackage:{os.path.abspath(store_path)}?projectName={PROJECT_NAME}"


def has_store_project(store_path: str) -> bool:
    storage = QgsApplication.projectStorageRegistry().projectStorageFromType("geopackage")
    return storage is not None and PROJECT_NAME in storage.listProjects(os.path.abspath(store_path))


def determination_renderer() -> QgsCategorizedSymbolRenderer:
    categories = []
    for value, (r, g, b) in DETERMINATION_COLOURS.items():
        symbol = QgsFillSymbol.createSimple({"color": f"{r},{g},{b},60", "outline_color": f"{r},{g},{b},255",
                                             "outline_width": "0.6", "outline_width_unit": "MM"})
        categories.append(QgsRendererCategory(value, symbol, value or tr("Not judged")))
    return QgsCategorizedSymbolRenderer("determination", categories)


def _outline(layer: QgsVectorLayer, colour: str) -> None:
    if layer.geometryType() == POLYGON_GEOMETRY:
        layer.renderer().setSymbol(QgsFillSymbol.createSimple(
            {"style": "no", "outline_color": colour, "outline_width": "0.4", "outline_width_unit": "MM"}))


def save_store_project(store_path: str, imagery: Optional[Dict[str, str]] = None) -> str:
    """Build the work project for ``store_path`` and write it into the GeoPackage; returns its URI.

    ``imagery`` is {"before": source, "after": source}; by default the store's ``imagery`` setting.
    """
    store_path = os.path.abspath(store_path)
    with WorkStore.open(store_path) as store:
        crs = QgsCoordinateReferenceSystem(f"EPSG:{store.epsg}")
        references = keys.ANALYSIS_LAYERS.read(store)
        imagery = imagery if imagery is not None else keys.IMAGERY.read(store)
    project = QgsProject()
    project.setCrs(crs)
    project.setTitle(tr("Satellite enforcement — {name}").format(name=os.path.basename(store_path)))
    project.writeEntry(ENTRY_SCOPE, ENTRY_KEY, store_path)
    root = project.layerTreeRoot()

    group = root.addGroup(layers.group_name(store_path))
    analysis = store_layer(store_path, layers.ANALYSIS, tr("Patches by suggestion"))
    layers.apply_suggestion_style(analysis)
    judged = store_layer(store_path, layers.ANALYSIS, tr("Patches by determination"))
    judged.setRenderer(determination_renderer())
    editable = store_layer(store_path, layers.PATCHES, tr("Patches (editable)"))
    _outline(editable, "60,60,60,255")
    tables = [store_layer(store_path, t, name)
              for t, name in (("determinations", tr("Determinations")), ("rectifications", tr("Rectifications")))]
    for layer, visible in [(analysis, True), (judged, False), (editable, False)] + [(t, True) for t in tables]:
        project.addMapLayer(layer, False)
        group.addLayer(layer).setItemVisibilityChecked(visible)

    if references:
        ref_group = root.addGroup(tr("Reference layers"))
        for role, source in references.items():
            layer = QgsVectorLayer(source, roles.label(role), "ogr")
            if not layer.isValid():
                continue
            spec = roles.BY_KEY.get(role)
            _outline(layer, spec.style.colour if spec else "0,160,255,255")
            project.addMapLayer(layer, False)
            ref_group.addLayer(layer).setItemVisibilityChecked(role in VISIBLE_REFERENCES)

    rasters = [(key, imagery.get(key)) for key in ("after", "before") if imagery.get(key)]
    if rasters:
        image_group = root.addGroup(tr("Imagery"))
        for key, source in rasters:
            layer = QgsRasterLayer(source, os.path.splitext(os.path.basename(source.split("|")[0]))[0], "gdal")
            if layer.isValid():
                project.addMapLayer(layer, False)
                image_group.addLayer(layer).setItemVisibilityChecked(key == "after")

    extent = analysis.extent()
    if not extent.isEmpty():
        extent.scale(1.05)
        project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(extent, analysis.crs()))
    uri = project_uri(store_path)
    if not project.write(uri):
        raise RuntimeError(tr("The project could not be written into {path}: {error}").format(
            path=store_path, error=project.error()))
    return uri


def open_store_project(store_path: str) -> bool:
    """Replace the current project by the one saved in the store."""
    return QgsProject.instance().read(project_uri(store_path))


def project_store_path(project: Optional[QgsProject] = None) -> str:
    """The work store a project was saved for ('' for other projects). A project kept in a store means
    that store wherever it now is, and a project file beside a store of the recorded name means that
    one: after the work folder is moved or copied, the docks edit the store the map shows, not the
    original."""
    project = project or QgsProject.instance()
    name = project.fileName()
    if name.startswith("geopackage:"):
        return os.path.abspath(name[len("geopackage:"):].split("?", 1)[0])
    value, ok = project.readEntry(ENTRY_SCOPE, ENTRY_KEY, "")
    if not ok or not value:
        return ""
    beside = os.path.join(project.absolutePath(), os.path.basename(value)) if project.absolutePath() else ""
    return beside if beside and os.path.isfile(beside) else value
