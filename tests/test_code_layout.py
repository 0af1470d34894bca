"""House rules that keep the codebase the shape DEVELOPERS.md asks for."""
import ast
import re
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


def test_core_runs_without_qgis_in_a_clean_interpreter():
    import subprocess
    import sys

    code = ("import sys, importlib, pkgutil; sys.modules['qgis'] = None; sys.modules['PyQt5'] = None;"
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
