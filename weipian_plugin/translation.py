"""Load the plugin's Qt translation for the user's QGIS locale; the module-level ``tr()``."""
from __future__ import annotations

import os
from typing import Optional

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

I18N_DIR = os.path.join(os.path.dirname(__file__), "i18n")
_ALIASES = {"zh": "zh_CN", "zh_Hans": "zh_CN", "zh_Hans_CN": "zh_CN", "zh_SG": "zh_CN"}


def tr(text: str) -> str:
    """The translation of a module-level ``tr("…")`` (pylupdate5 files bare tr() calls under @default).

    The one module-level ``tr`` of the plugin: modules import it (``from weipian_plugin.translation import
    tr``) so that the call pylupdate5 sees and the context looked up at run time always agree.
    """
    return QCoreApplication.translate("@default", text)


def user_locale() -> str:
    """QGIS's UI locale ('zh_CN', 'zh-Hans', 'en_US', …), normalised to our file names."""
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        name = settings.value("locale/userLocale", "", type=str)
    else:
        name = QLocale.system().name()
    name = (name or "en_US").replace("-", "_")
    return _ALIASES.get(name, name)


def install(locale: Optional[str] = None) -> Optional[QTranslator]:
    """Install the translator for ``locale`` (default: the user's); None when there is no translation."""
    locale = _ALIASES.get((locale or user_locale()).replace("-", "_"), locale or user_locale())
    path = os.path.join(I18N_DIR, f"weipian_{locale}.qm")
    if not os.path.exists(path):
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    return translator


def uninstall(translator: Optional[QTranslator]) -> None:
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
