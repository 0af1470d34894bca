"""The store's layers in the project (added once, styled by suggestion) and the default style in the store."""
import sqlite3

import pytest
from qgis.core import QgsCategorizedSymbolRenderer, QgsProject, QgsVectorLayer

from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.gui import layers

SUGGESTIONS = ["合法", "违法", "其他", "待核", ""]


@pytest.fixture
def store(store_path, qgis_new_project):
    WorkStore.create(store_path, 4527, county_name="青禾县", year=2026).close()
    yield str(store_path)
    QgsProject.instance().removeAllMapLayers()
    QgsProject.instance().layerTreeRoot().removeAllChildren()


def categories(layer):
    renderer = layer.renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer)
    assert renderer.classAttribute() == "suggestion"
    return renderer.categories()


def test_layers_added_once_in_the_store_group(store):
    first = layers.add_store_layers(store)
    assert set(first) == {"patch_analysis", "patches", "determinations", "rectifications"}
    assert all(layer.isValid() for layer in first.values())
    second = layers.add_store_layers(store)
    assert {k: v.id() for k, v in second.items()} == {k: v.id() for k, v in first.items()}
    assert len(QgsProject.instance().mapLayers()) == 4

    group = QgsProject.instance().layerTreeRoot().findGroup("卫片执法 青禾县_2026_卫片.gpkg")
    assert group is not None
    assert [node.layerId() for node in group.findLayers()] == [
        first[t].id() for t in ("patch_analysis", "patches", "determinations", "rectifications")]
    assert not group.findLayer(first["patches"].id()).itemVisibilityChecked()


def test_analysis_layer_is_categorised_by_suggestion(store):
    analysis = layers.add_store_layers(store)["patch_analysis"]
    cats = categories(analysis)
    assert [c.value() or "" for c in cats] == SUGGESTIONS
    colours = {c.value() or "": c.symbol().symbolLayer(0) for c in cats}
    assert colours["违法"].strokeColor().red() > 200 and colours["合法"].strokeColor().green() > 150
    assert all(0 < s.fillColor().alpha() < 128 and s.strokeColor().alpha() == 255 for s in colours.values())


def test_layers_loaded_by_hand_are_reused(store):
    by_hand = QgsVectorLayer(f"{store}|layername=patches", "my patches", "ogr")
    QgsProject.instance().addMapLayer(by_hand)
    added = layers.add_store_layers(store)
    assert added["patches"] is by_hand
    assert len(QgsProject.instance().mapLayers()) == 4


def test_default_style_is_stored_and_loads_in_plain_qgis(store):
    layers.save_default_style(store)
    layers.save_default_style(store)  # saving again replaces, never duplicates
    rows = sqlite3.connect(store).execute(
        "SELECT styleName, useAsDefault, styleQML FROM layer_styles WHERE f_table_name='patch_analysis'").fetchall()
    assert len(rows) == 1 and rows[0][:2] == ("weipian_suggestion", 1)
    assert "categorizedSymbol" in rows[0][2]
    fresh = QgsVectorLayer(f"{store}|layername=patch_analysis", "fresh", "ogr")
    assert [c.value() or "" for c in categories(fresh)] == SUGGESTIONS


def test_add_store_layers_writes_a_missing_default_style(store):
    assert not layers.has_default_style(store)
    layers.add_store_layers(store)
    assert layers.has_default_style(store)


def test_style_qml_has_the_five_categories(qgis_app):
    qml = layers.suggestion_style_qml()
    assert 'type="categorizedSymbol"' in qml and 'attr="suggestion"' in qml
    assert all(f'value="{value}"' in qml for value in SUGGESTIONS)
