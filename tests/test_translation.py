"""The zh_CN translation: complete, current with the code, placeholders intact, and really shown.

Every string the code offers to ``tr()`` (or a .ui file) must be in ``weipian_zh_CN.ts`` with a finished
translation: a new English string without one fails here until ``make translations`` is run and it is
translated. The loading tests go through the plugin's own ``tr`` functions and widgets, so a context that
differs between extraction (pylupdate5) and run time shows up as English text.
"""
from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from qgis.PyQt.QtCore import QCoreApplication

from weipian_plugin import translation

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "weipian_plugin" / "i18n" / "weipian_zh_CN.ts"
SOURCES = ("weipian_plugin/*.py", "processing_algorithms/*.py", "forms/*.ui")  # as `make translations`
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n|%L?\d+")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def read_ts(path: Path) -> dict:
    """(context, source) -> (translation text, translation type attribute, [source file paths])."""
    messages = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            tr = message.find("translation")
            files = [(path.parent / loc.get("filename")).resolve() for loc in message.iter("location")]
            messages[(name, message.findtext("source"))] = (tr.text or "", tr.get("type"), files)
    return messages


MESSAGES = read_ts(TS)


def source_files() -> list:
    """The files `make translations` hands to pylupdate5 (tracked or new, not ignored)."""
    try:
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", *SOURCES],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (e.g. an unpacked sdist)
        out = [str(p.relative_to(ROOT)) for pattern in SOURCES for p in ROOT.glob(pattern.replace("*", "**/*"))]
    return sorted({f for f in out if "__pycache__" not in f and (ROOT / f).is_file()})


@pytest.fixture(scope="module", autouse=True)
def compiled_qm():
    """The staged .qm compiled from the .ts as it is now (staging may predate an edit of the .ts)."""
    from stage import compile_translations

    compile_translations(Path(translation.I18N_DIR))


@pytest.fixture
def zh_cn(qgis_app):
    translator = translation.install("zh_CN")
    assert translator is not None
    yield translator
    translation.uninstall(translator)


def expected(context: str, source: str) -> str:
    text, _, _ = MESSAGES[(context, source)]
    assert CJK.search(text), (context, source, text)
    return text


# -- the .ts itself ------------------------------------------------------------------------------------
def test_ts_language_and_every_message_finished():
    root = ET.parse(TS).getroot()
    assert (root.get("language"), root.get("sourcelanguage")) == ("zh_CN", "en")
    assert len(MESSAGES) > 300
    unfinished = [key for key, (text, kind, _) in MESSAGES.items() if kind is not None or not text.strip()]
    assert unfinished == []


def test_lrelease_compiles_everything(tmp_path):
    out = subprocess.run(["lrelease", str(TS), "-qm", str(tmp_path / "x.qm")], check=True, capture_output=True,
                         text=True).stdout
    assert re.search(rf"\({len(MESSAGES)} finished and 0 unfinished\)", out), out


def test_every_string_in_the_code_is_in_the_ts(tmp_path):
    """pylupdate5 over the code as it is now: nothing missing from the .ts, nothing stale left in it."""
    assert shutil.which("pylupdate5"), "pylupdate5 is installed by `make setup`"
    fresh = tmp_path / "fresh.ts"
    subprocess.run(["pylupdate5", "-noobsolete", *source_files(), "-ts", str(fresh)], cwd=ROOT, check=True,
                   capture_output=True)
    extracted = set(read_ts(fresh))
    missing = sorted(extracted - set(MESSAGES))
    assert missing == [], "run `make translations` and translate these in weipian_zh_CN.ts"
    stale = sorted(set(MESSAGES) - extracted)
    assert stale == [], "no longer in the code: run `make translations`"


def test_placeholders_accelerators_and_tags_are_kept():
    bad = []
    for (context, source), (text, _, _) in MESSAGES.items():
        for pattern in (PLACEHOLDER, TAG):
            if Counter(pattern.findall(source)) != Counter(pattern.findall(text)):
                bad.append((context, source, text))
        if source.replace("&&", "").count("&") != text.replace("&&", "").count("&"):
            bad.append((context, source, text))
        if source.count("\n") != text.count("\n"):
            bad.append((context, source, text))
    assert bad == []


def test_file_dialog_filters_keep_their_patterns():
    """``Name (*.x);;…`` filters and date formats only work if the patterns come through unchanged."""
    for (context, source), (text, _, _) in MESSAGES.items():
        assert re.findall(r"\(\*[^)]*\)", source) == re.findall(r"\(\*[^)]*\)", text), (context, source)
    assert MESSAGES[("ImportDialog", "yyyy-MM-dd")][0] == "yyyy-MM-dd"  # a QDateEdit display format


# -- loading -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("locale", ["zh_CN", "zh-Hans", "zh_Hans"])
def test_chinese_locales_load_the_translation(qgis_app, locale):
    from weipian_plugin.plugin import tr

    translator = translation.install(locale)
    try:
        assert translator is not None
        assert tr("Import monitoring patches…") == "导入监测图斑…"
        assert QCoreApplication.translate("ReviewDock", "Patch review") == "图斑审核"
        assert QCoreApplication.translate("ImportDialog", "Import monitoring patches") == "导入监测图斑"
    finally:
        translation.uninstall(translator)
    assert tr("Import monitoring patches…") == "Import monitoring patches…"


def test_english_has_no_translator(qgis_app):
    from weipian_plugin.plugin import tr

    translator = translation.install("en_US")
    try:
        assert translator is None
        assert tr("Import monitoring patches…") == "Import monitoring patches…"
        assert QCoreApplication.translate("ReviewDock", "Patch review") == "Patch review"
    finally:
        translation.uninstall(translator)


def _module_of(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts if rel.parts[0] == "weipian_plugin" else ("weipian_plugin",) + rel.parts
    return ".".join(parts)


def test_module_level_tr_functions_find_their_strings(zh_cn):
    """Bare ``tr("…")`` calls are filed by pylupdate5 under @default: the module's ``tr`` must look there."""
    checked = set()
    for (context, source), (text, _, files) in MESSAGES.items():
        if context != "@default":
            continue
        for path in files:
            module = importlib.import_module(_module_of(path))
            if callable(getattr(module, "tr", None)):
                assert module.tr(source) == text, (module.__name__, source)
                checked.add(module.__name__)
    assert {"weipian_plugin.plugin", "weipian_plugin.gui.layers", "weipian_plugin.gui.project"} <= checked


def test_processing_algorithms_are_translated(zh_cn):
    """``self.tr`` in an algorithm is filed under the algorithm's class: names, help and parameters show Chinese."""
    from weipian_plugin.processing_algorithms.provider import ALGORITHMS

    for cls in ALGORITHMS:
        algorithm = cls()
        algorithm.initAlgorithm({})
        assert algorithm.group() == expected("WeipianAlgorithm", "Satellite enforcement")
        shown = [algorithm.displayName(), algorithm.shortHelpString()]
        shown += [p.description() for p in algorithm.parameterDefinitions()]
        shown += [o.description() for o in algorithm.outputDefinitions()]
        untranslated = [text for text in shown if text and not CJK.search(text)]
        assert untranslated == [], cls.__name__
    assert ALGORITHMS[0]().displayName() == expected("ImportPatchesAlgorithm", "Import monitoring patches")


# -- real widgets --------------------------------------------------------------------------------------
def test_rules_dialog_shows_chinese(zh_cn, qtbot, store_path):
    from weipian_plugin.core.store.workstore import WorkStore
    from weipian_plugin.gui.rules_dialog import RulesDialog

    WorkStore.create(store_path, 4527).close()
    dialog = RulesDialog(str(store_path))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "合法性判定建议规则"
    assert dialog.thresholdsGroup.title() == expected("RulesDialog", "Thresholds")
    assert dialog.codesGroup.title() == expected("RulesDialog", "Code lists (comma-separated)")
    label = dialog.thresholdsLayout.labelForField(dialog.editors["approval_coverage"])
    assert label.text() == expected("RulesDialog", "Approvals (then supply, registration, other legal) cover at least")
    assert dialog.editors["max_uncovered_cultivated_m2"].suffix() == " 亩"
    assert dialog.storeInfo.text().startswith(f"工作库 {store_path.name} ")


def test_import_dialog_shows_chinese(zh_cn, qtbot, qgis_iface, tmp_path):
    from weipian_plugin.gui.import_dialog import ImportDialog

    dialog = ImportDialog(qgis_iface, "")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "导入监测图斑"
    assert dialog.importButton.text() == expected("ImportDialog", "Import")
    assert dialog.cancelButton.text() == expected("ImportDialog", "Cancel import")
    assert dialog.encodingCombo.itemText(0) == "自动识别"
    assert dialog.storeInfo.text() == expected(
        "ImportDialog", "Choose an existing work store or type the name of a new one.")
    assert dialog.receivedDate.displayFormat() == "yyyy-MM-dd"


def test_standard_buttons_are_chinese_too(qgis_app):
    from qgis.PyQt.QtWidgets import QDialogButtonBox

    translator = translation.install("zh-Hans")
    try:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        texts = {box.button(b).text() for b in (QDialogButtonBox.StandardButton.Ok,
                                                  QDialogButtonBox.StandardButton.Cancel)}
        assert texts == {"确定", "取消"} or texts == {"确定(&O)", "取消(&C)"}, texts
    finally:
        translation.uninstall(translator)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
