"""Start the real QGIS desktop on a virtual 1366×768 screen with the plugin enabled in a throwaway profile,
let scripts/in_qgis.py open every dock and dialog, and return its report.

Used by `make screenshot` (scripts/screenshot.py, plugin installed from the zip) and by
tests/test_ui_fit.py (the staged plugin). The profile's QGIS3.ini sets the Chinese interface: QGIS 3.22
ships its Chinese catalogue as ``qgis_zh-Hans.qm``, so the locale is ``zh-Hans`` (``zh_CN`` would leave
QGIS's own menus English); the plugin reads either as zh_CN (weipian_plugin/translation.py).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Optional

SCRIPTS = Path(__file__).resolve().parent
SCREEN = "1366x768x24"
LOCALE = "zh-Hans"


def write_profile(profiles: Path, locale: str = LOCALE) -> Path:
    """``<profiles>/profiles/default`` with the plugin enabled and the interface in ``locale``."""
    profile = profiles / "profiles" / "default"
    (profile / "QGIS").mkdir(parents=True, exist_ok=True)
    (profile / "QGIS" / "QGIS3.ini").write_text(
        "[locale]\noverrideFlag=true\n"
        f"userLocale={locale}\n\n"
        "[PythonPlugins]\nweipian_plugin=true\n\n"
        "[qgis]\ncheckVersion=false\n\n"
        "[weipian]\nreviewer=演示审核员\n", encoding="utf-8")
    return profile


def link_dependencies(profile: Path) -> None:
    """The packages QGIS's Python lacks, linked from this Python's environment into the profile's
    ``python/dependencies`` (where the plugin looks, weipian_plugin/dependencies.py): what
    scripts/install_plugin.py installs, without installing. Only those: this environment's other
    compiled packages (pyproj with its own PROJ) must not be loaded into QGIS beside QGIS's own."""
    from importlib import metadata

    from install_plugin import missing_for_qgis

    deps = profile / "python" / "dependencies"
    deps.mkdir(parents=True, exist_ok=True)
    for requirement in missing_for_qgis():
        dist = metadata.distribution(requirement.split("==")[0])
        for top in sorted({Path(str(f)).parts[0] for f in dist.files or ()} - {"..", "__pycache__"}):
            source = Path(dist.locate_file(top))
            if source.exists() and not (deps / top).exists():
                (deps / top).symlink_to(source, target_is_directory=source.is_dir())


def run(profiles: Path, out: Path, store: Path, project: Optional[Path] = None, patch: Optional[int] = None,
        plugin_path: Optional[Path] = None, timeout: float = 600) -> dict:
    """QGIS started with ``project`` (or none: the script opens ``store``), the report of scripts/in_qgis.py.

    Raises RuntimeError with QGIS's output when QGIS fails, hangs, or the plugin did not load."""
    for tool in ("xvfb-run", "qgis"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing: run `make setup`")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    task = {"scripts": str(SCRIPTS), "out": str(out), "store": str(store), "project": str(project or ""),
            "patch": patch}
    env = {key: value for key, value in os.environ.items()
           if key not in ("QT_QPA_PLATFORM", "QGIS_NO_OVERRIDE_IMPORT", "PYTHONPATH", "QGIS_CUSTOM_CONFIG_PATH")}
    env["WEIPIAN_QGIS_TASK"] = json.dumps(task, ensure_ascii=False)
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"
    if plugin_path is not None:
        env["QGIS_PLUGINPATH"] = str(plugin_path)
    command = ["xvfb-run", "-a", "-s", f"-screen 0 {SCREEN}", "qgis", "--nologo", "--noversioncheck",
               "--profiles-path", str(profiles), "--code", str(SCRIPTS / "in_qgis.py")]
    if project is not None:
        command.append(str(project))
    # A session of its own: on a timeout, Xvfb and QGIS go with xvfb-run instead of outliving it.
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as qgis:
        try:
            _, stderr = qgis.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(qgis.pid, signal.SIGKILL)
            _, stderr = qgis.communicate()
            raise RuntimeError(f"QGIS did not finish in {timeout:.0f} s:\n{stderr[-6000:]}") from None
    report_file = out / "report.json"
    if qgis.returncode != 0 or not report_file.is_file():
        why = "the plugin did not load" if qgis.returncode == 2 else f"QGIS exited with {qgis.returncode}"
        raise RuntimeError(f"{why}:\n{stderr[-6000:]}")
    return json.loads(report_file.read_text(encoding="utf-8"))
