"""weipian — 卫片执法 for QGIS.

QGIS calls :func:`classFactory`. Dependencies are checked before anything heavy is imported, so a QGIS
that lacks one shows a message naming it instead of a traceback.
"""


def classFactory(iface):
    from weipian_plugin.dependencies import add_profile_dependencies, missing_dependencies

    add_profile_dependencies()
    missing = missing_dependencies()
    if missing:
        from weipian_plugin.dependencies import MissingDependenciesPlugin

        return MissingDependenciesPlugin(iface, missing)
    from weipian_plugin.plugin import WeipianPlugin

    return WeipianPlugin(iface)
