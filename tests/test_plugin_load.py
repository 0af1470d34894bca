"""The plugin loads and unloads twice cleanly in a real QGIS, and registers its Processing provider."""
from pathlib import Path

from qgis.core import QgsApplication


def test_load_unload_twice(qgis_iface):
    import weipian_plugin

    for _ in range(2):
        plugin = weipian_plugin.classFactory(qgis_iface)
        plugin.initGui()
        assert QgsApplication.processingRegistry().providerById("weipian") is not None
        assert QgsApplication.processingRegistry().algorithmById("weipian:importpatches") is not None
        assert len(plugin.actions) >= 2
        assert qgis_iface.plugin_menus[plugin.menu] == plugin.actions
        plugin.unload()
        assert plugin.menu not in qgis_iface.plugin_menus
        assert QgsApplication.processingRegistry().providerById("weipian") is None
        assert plugin.actions == []


def test_missing_dependency_is_a_message_not_a_traceback(qgis_iface, monkeypatch):
    import weipian_plugin
    from weipian_plugin import dependencies

    monkeypatch.setitem(dependencies.REQUIRED, "weipian_no_such_module", ("weipian-no-such-module", (1, 0)))
    plugin = weipian_plugin.classFactory(qgis_iface)
    assert isinstance(plugin, dependencies.MissingDependenciesPlugin)
    assert plugin.missing == ["weipian-no-such-module"]
    messages = []
    monkeypatch.setattr(qgis_iface.messageBar(), "pushMessage", lambda *args: messages.append(args[1]))
    plugin.initGui()
    plugin.unload()
    text, = messages
    assert "OSGeo4W" in text and "qpip" in text and "make install" not in text
    assert f'--target "{dependencies.profile_dependencies_dir()}" weipian-no-such-module' in text


def test_qpip_requirements_match_the_dependency_check():
    from weipian_plugin import dependencies

    listed = Path(dependencies.__file__).with_name("requirements.txt").read_text(encoding="utf-8").split("\n")
    listed = sorted(line for line in listed if line and not line.startswith("#"))
    assert listed == sorted(req for module, (req, _) in dependencies.REQUIRED.items() if module != "numpy")
