"""Load the plugin's Qt translation for the user's QGIS locale (and Qt's own when QGIS has not); the
module-level ``tr()``.

Qt's catalogue (qtbase) translates the standard buttons (OK, Cancel, Save, Close…) of every dialog and
message box. QGIS loads it only when it finds it for its own locale name, which a 「zh-Hans」 UI does not
match, so the plugin's dialogs kept English buttons beside Chinese text.
"""
from __future__ import annotations

import os
from typing import Optional

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = os.path.join(os.path.dirname(__file__), "i18n")
_QT_PROBE = ("QPlatformTheme", "Cancel")  # a standard button in Qt's catalogue (a tuple: not for pylupdate5)
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
    _install_qt_catalogue(locale, translator)
    return translator


def _install_qt_catalogue(locale: str, owner: QTranslator) -> None:
    """Qt's own catalogue for ``locale`` as a child of ``owner`` (removed with it), unless already there."""
    if QCoreApplication.translate(*_QT_PROBE) != _QT_PROBE[1]:
        return
    folders = (QLibraryInfo.location(QLibraryInfo.LibraryLocation.TranslationsPath), QgsApplication.i18nPath())
    for folder in folders:
        for name in (f"qtbase_{locale}", f"qt_{locale}"):
            qt = QTranslator(owner)
            if qt.load(name, folder):
                QCoreApplication.installTranslator(qt)
                return


def uninstall(translator: Optional[QTranslator]) -> None:
    if translator is not None:
        for qt in translator.findChildren(QTranslator):
            QCoreApplication.removeTranslator(qt)
        QCoreApplication.removeTranslator(translator)
