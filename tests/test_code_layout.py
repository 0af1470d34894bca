"""House rules that keep the codebase the shape DEVELOPERS.md asks for."""
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "weipian_plugin" / "core"
PY_FILES = [p for d in ("weipian_plugin", "processing_algorithms", "scripts", "tests")
            for p in (ROOT / d).rglob("*.py")]


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "weipian_plugin.core":
            yield from (f"{node.module}.{a.name}" for a in node.names)  # a room or root module by name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_core_imports_no_qgis_or_qt():
    offenders = {str(p.relative_to(ROOT)): m for p in CORE.rglob("*.py") for m in _imports(p)
                 if m.split(".")[0] in {"qgis", "PyQt5", "PyQt6", "PySide2", "PySide6", "processing", "osgeo"}}
    assert offenders == {}


# The PostGIS backend's driver: bundled by the QGIS installers, but not a dependency of the GeoPackage store, so
# only this module names it and only inside functions (core imports without it).
PSYCOPG_MODULE = CORE / "store" / "postgis.py"


def test_psycopg2_only_inside_the_postgis_backend_and_only_lazily():
    offenders = [str(p.relative_to(ROOT)) for p in CORE.rglob("*.py") if p != PSYCOPG_MODULE
                 for m in _imports(p) if m.split(".")[0] in {"psycopg2", "psycopg"}]
    top_level = [n.lineno for n in ast.parse(PSYCOPG_MODULE.read_text(encoding="utf-8")).body
                 if isinstance(n, (ast.Import, ast.ImportFrom))
                 and any(m.split(".")[0].startswith("psycopg") for m in
                         ([a.name for a in n.names] if isinstance(n, ast.Import) else [n.module or ""]))]
    assert offenders == [] and top_level == []


def test_core_runs_without_qgis_in_a_clean_interpreter():
    import subprocess
    import sys

    code = ("import sys, importlib, pkgutil; sys.modules['qgis'] = None; sys.modules['PyQt5'] = None;"
            "sys.modules['psycopg2'] = None;"
            "import weipian_plugin.core as c;"
            "[importlib.import_module(m.name) for m in pkgutil.walk_packages(c.__path__, 'weipian_plugin.core.')]")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_qt_only_through_qgis_pyqt():
    offenders = [str(p.relative_to(ROOT)) for p in PY_FILES
                 if any(m.split(".")[0] in {"PyQt5", "PyQt6"} for m in _imports(p))]
    assert offenders == []


def test_no_eval_exec_or_shell_strings():
    pattern = re.compile(r"(?<![.\w])(eval|exec)\(|shell\s*=\s*True|os\.system\(")
    offenders = [str(p.relative_to(ROOT)) for p in PY_FILES
                 if p.name != "test_code_layout.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_forms_and_algorithms_are_not_top_level_packages():
    """QGIS ships a top-level ``processing``; ours must only be importable inside weipian_plugin."""
    bad = [str(p.relative_to(ROOT)) for p in PY_FILES for m in _imports(p)
           if m.split(".")[0] in ("forms", "processing_algorithms")]
    assert bad == []


def test_every_form_has_its_gui_module_and_no_inline_styles():
    """One dialog per forms/x.ui ↔ gui/x.py; .ui files stay clean (lizmap's rule: no stylesheet blobs)."""
    for ui in (ROOT / "forms").glob("*.ui"):
        assert (ROOT / "weipian_plugin" / "gui" / f"{ui.stem}.py").exists(), ui.name
        text = ui.read_text(encoding="utf-8")
        assert "<stylesheet>" not in text.lower() and "styleSheet" not in text, ui.name
        assert "<resources>\n  <include" not in text, f"{ui.name} references a .qrc; use code for icons"


def test_no_compiled_resources_committed():
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert [t for t in tracked if t.endswith("_rc.py") or t.endswith(".qm")] == []


def _qgis_imports(tree: ast.AST) -> dict:
    """Local name → imported object for every ``from qgis… import Name`` the module makes."""
    import importlib

    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "qgis":
            module = importlib.import_module(node.module)
            for alias in node.names:
                if hasattr(module, alias.name):
                    names[alias.asname or alias.name] = getattr(module, alias.name)
    return names


def _is_enum_type(obj) -> bool:
    import enum

    return isinstance(obj, type) and (issubclass(obj, enum.Enum) or type(obj).__name__ == "enumtype")


def _enum_offences(path: Path):
    """``Qt.AlignLeft`` (a member straight off its class: PyQt6 has only ``Qt.AlignmentFlag.AlignLeft``) and
    enums QGIS moved into ``Qgis`` reached through their old class (``QgsWkbTypes.GeometryType``)."""
    from qgis.core import Qgis

    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = _qgis_imports(tree)
    for node in ast.walk(tree):
        # ``Name.attr`` only: a longer chain (``Qt.AlignmentFlag.AlignLeft``) is judged by its inner node.
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported):
            continue
        base = node.value
        owner, name = imported[base.id], node.attr
        value = getattr(owner, name, None)
        where = f"{path.relative_to(ROOT)}:{node.lineno}: {base.id}.{name}"
        if _is_enum_type(value) and owner is not Qgis and getattr(Qgis, value.__name__, None) is value:
            yield f"{where} (moved to Qgis.{value.__name__}; weipian_plugin.compat covers older QGIS)"
        elif not _is_enum_type(owner) and _is_enum_type(type(value)):
            yield f"{where} (unscoped enum)"


# The one module allowed to name the pre-3.30/3.34 homes of moved enums, for QGIS 3.22.
COMPAT = ROOT / "weipian_plugin" / "compat.py"


def test_enums_are_scoped_for_qt6_and_qgis4():
    offences = [o for p in PY_FILES if p != COMPAT for o in _enum_offences(p)]
    assert offences == []


def test_enum_scan_finds_unscoped_and_moved_enums(tmp_path, monkeypatch):
    from qgis.core import Qgis

    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    sample = tmp_path / "sample.py"
    sample.write_text("from qgis.PyQt.QtCore import Qt\nfrom qgis.PyQt.QtWidgets import QDialogButtonBox\n"
                      "from qgis.core import QgsWkbTypes\n"
                      "a = Qt.AlignLeft\nb = Qt.AlignmentFlag.AlignLeft\nc = QDialogButtonBox.Ok\n"
                      "d = QgsWkbTypes.PolygonGeometry\ne = QgsWkbTypes.GeometryType.PolygonGeometry\n",
                      encoding="utf-8")
    lines = sorted(int(o.split(":")[1]) for o in _enum_offences(sample))
    moved = [8] if hasattr(Qgis, "GeometryType") else []  # QgsWkbTypes.GeometryType is the current home on 3.22
    assert lines == [4, 6, 7] + moved


# PyQt5-only names and methods: gone in PyQt6, which QGIS 4 uses.
PYQT5_ONLY = re.compile(r"\.exec_\(|\.print_\(|\bQRegExp\b|\bQDesktopWidget\b|\.desktop\(\)|\bQtWebKit|"
                        r"\bQSignalMapper\b|\bQStringRef\b|\bQMatrix\b|\bMidButton\b")


def test_no_pyqt5_only_api():
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in PY_FILES if p.name != "test_code_layout.py"
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if PYQT5_ONLY.search(line)]
    assert offenders == []


def test_deprecation_warnings_from_weipian_code_fail_the_run():
    """pytest.ini turns them into errors, so QGIS 3.40 (make test-ltr) reports APIs QGIS 4 drops."""
    import warnings

    import pytest

    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("old API", DeprecationWarning, "gui/x.py", 1, module="weipian_plugin.gui.x")
    with warnings.catch_warnings(record=True) as caught:  # others' deprecations stay warnings
        warnings.warn_explicit("old API", DeprecationWarning, "x.py", 1, module="pyproj.x")
    assert len(caught) == 1


# Core sub-packages from the bottom up (docs/ARCHITECTURE.md): a module imports only from its own package
# or from lower layers, so the domain reads in one direction and a lower room never needs a higher one.
CORE_LAYERS = (("units", "dates", "vocabulary", "config", "roles"), ("geo", "schedule"), ("store",), ("intake",),
               ("analysis",), ("review",), ("statistics",), ("enforcement",))
CORE_RANK = {name: rank for rank, names in enumerate(CORE_LAYERS) for name in names}


def _core_room(module: str) -> str:
    return module.split(".")[2]


def test_core_rooms_import_downward_only():
    offenders = []
    for path in CORE.rglob("*.py"):
        rel = path.relative_to(CORE)
        if rel.parts == ("__init__.py",):
            continue
        room = rel.parts[0].removesuffix(".py")
        assert room in CORE_RANK, f"{rel}: add its room to CORE_LAYERS and docs/ARCHITECTURE.md"
        for module in _imports(path):
            if not module.startswith("weipian_plugin."):
                continue
            if not module.startswith("weipian_plugin.core."):
                offenders.append(f"{rel} imports {module} (core never imports gui, exporters or algorithms)")
                continue
            target = _core_room(module)
            if target != room and CORE_RANK[target] >= CORE_RANK[room]:
                offenders.append(f"{rel} imports {module}")
    assert offenders == []


def test_package_imports_are_absolute():
    """Code reads the same in the checkout and in the staged package (forms/, algorithms inside)."""
    relative = [str(p.relative_to(ROOT)) for p in PY_FILES
                if any(isinstance(n, ast.ImportFrom) and n.level > 0 for n in ast.walk(ast.parse(p.read_text("utf-8"))))]
    assert relative == []


def test_recording_a_determination_loads_no_gdal_and_no_rules():
    """review needs the domain's words, not the analysis: importing it must not load GDAL (0.65 s)."""
    import subprocess
    import sys

    code = ("import sys; import weipian_plugin.core.review.records;"
            "loaded = [m for m in ('pyogrio', 'osgeo', 'weipian_plugin.core.analysis.rules') if m in sys.modules];"
            "sys.exit(str(loaded) if loaded else 0)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
