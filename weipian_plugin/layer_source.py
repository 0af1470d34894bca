"""The one place a QGIS layer of a work store's table is made: the ``ogr`` provider for a GeoPackage, the
``postgres`` provider for a PostGIS store (core/store/postgis.py), so QGIS edits either natively and
the store's triggers judge the edit."""
from __future__ import annotations

import os
from typing import List, Optional

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsDataSourceUri, QgsProviderRegistry, QgsVectorLayer

from weipian_plugin.core.store import postgis

GEOMETRY_TABLES = ("patches", "patch_analysis", "patrols", "patrol_findings", "clues")
# The key QGIS identifies features by (views have none of their own; patch-owned rows are keyed by patch).
_KEYS = {"determinations": "patch_fid", "rectifications": "patch_fid", "analysis": "patch_fid",
         "military_land": "patch_fid", "settings": "key", "weipian_meta": "key", "serious_impact": "unit_code",
         "audit_seals": "audit_id"}


def connection_names() -> List[str]:
    """The PostgreSQL connections saved in QGIS (Browser → PostgreSQL), by name."""
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    return sorted(metadata.connections()) if metadata is not None else []


def _value(text: str) -> str:
    """A libpq conninfo value, quoted when it holds a space or a quote."""
    if text and not any(c in text for c in " '\\"):
        return text
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def connection_address(name: str) -> str:
    """The store address of a QGIS PostgreSQL connection: its service, or its database, host, port and
    user, and its authentication configuration's id. A password saved in the connection is left out (the
    address is kept in settings and projects): libpq finds it in .pgpass or pg_service.conf, or QGIS's
    authentication manager supplies it for the authcfg (:func:`authcfg_parameters`)."""
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    connections = metadata.connections() if metadata is not None else {}
    if name not in connections:
        raise ValueError(f"QGIS 中没有名为“{name}”的 PostgreSQL 连接")
    uri = QgsDataSourceUri(connections[name].uri())
    parts = [("service", uri.service()), ("dbname", uri.database()), ("host", uri.host()), ("port", uri.port()),
             ("user", uri.username()), ("authcfg", uri.authConfigId())]
    return postgis.PREFIX + " ".join(f"{key}={_value(value)}" for key, value in parts if value)


def authcfg_parameters(authcfg: str) -> dict:
    """The libpq login (``user``, ``password``) of a QGIS authentication configuration (user name and
    password, QGIS's "Basic" method, as its PostgreSQL connections use), read through QGIS's authentication
    manager when a store is opened; given to core/store/postgis.py by :func:`use_qgis_authentication`."""
    config = QgsAuthMethodConfig()
    manager = QgsApplication.authManager()
    if not manager.loadAuthenticationConfig(authcfg, config, True)[0] or not config.isValid(True):
        raise postgis.AddressError(f"无法读取 QGIS 认证配置 {authcfg}：它不存在，或 QGIS 的主密码尚未输入。"
                                   "请在 设置 → 选项 → 认证 中检查该配置。")
    if config.method() != "Basic":
        raise postgis.AddressError(f"QGIS 认证配置 {authcfg} 使用“{config.method()}”方式，共享工作库只支持用户名/密码"
                                   "（Basic）方式；证书登录请写在 pg_service.conf 中。")
    login = {"user": config.config("username"), "password": config.config("password")}
    return {key: value for key, value in login.items() if value}


def use_qgis_authentication() -> None:
    """Let every store address with an authcfg open through QGIS's authentication manager (called when the
    Processing provider loads, which the plugin does first)."""
    postgis.use_authcfg(authcfg_parameters)


def key_column(table: str) -> str:
    return "fid" if table in GEOMETRY_TABLES or table == "patch_status" else _KEYS.get(table, "id")


def store_layer(address: str, table: str, name: str, subset: str = "") -> QgsVectorLayer:
    """A vector layer of ``table`` in the store at ``address`` (a GeoPackage path or a PostgreSQL address),
    showing the rows ``subset`` (SQL) selects.

    The subset is part of the source, so QGIS applies it while opening the layer. ``setSubsetString`` on an
    open GeoPackage layer makes QGIS reopen the file for writing, which switches it to WAL while another
    layer of it is open; QGIS's read-only connections opened earlier (without locks) cannot read it then,
    and the next layer opened on one fails with GDAL's "unable to open database file"."""
    if postgis.is_address(address):
        uri = QgsDataSourceUri(postgis.conninfo(address))
        uri.setDataSource("", table, "geom" if table in GEOMETRY_TABLES else None, subset, key_column(table))
        return QgsVectorLayer(uri.uri(False), name, "postgres")
    source = f"{os.path.abspath(address)}|layername={table}" + (f"|subset={subset}" if subset else "")
    return QgsVectorLayer(source, name, "ogr")


def _same_file(a: str, b: str) -> bool:
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def store_table(layer: QgsVectorLayer, address: str) -> Optional[str]:
    """The table of the store at ``address`` that ``layer`` shows, or None for a layer of anything else."""
    if postgis.is_address(address):
        if layer.providerType() != "postgres":
            return None
        mine, theirs = QgsDataSourceUri(postgis.conninfo(address)), QgsDataSourceUri(layer.source())
        same = all(getattr(mine, part)() == getattr(theirs, part)()
                   for part in ("service", "database", "host", "port", "username"))
        return theirs.table() if same else None
    if layer.providerType() != "ogr":
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = parts.get("path")
    return parts.get("layerName") if path and _same_file(path, address) else None
