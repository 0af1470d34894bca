"""`make demo`: the whole month's job on the generated sample county, start to finish.

Generates 青禾县 (fictional), imports the three batches as they arrive, runs the overlay analysis,
records a reviewer's determinations and some rectification, and writes every output a bureau hands in.
Each run starts from a fresh store, so the demo is repeatable.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from qgis.core import QgsApplication

RECEIVED = {"2026年1月": dt.date(2026, 2, 3), "2026年2月": dt.date(2026, 3, 2), "2026年3月": dt.date(2026, 4, 1)}
TODAY = dt.date(2026, 4, 28)


def say(text: str) -> None:
    print(text, flush=True)


def review_like_a_person(store) -> None:
    """Accept the suggestions of the first two batches and record rectification on some violations."""
    from weipian_plugin.core.review.records import accept_suggestion, save_rectification

    rows = store.conn.execute(
        "SELECT p.fid, a.suggestion, coalesce(a.mining_suggestion, '') FROM patches p JOIN batches b "
        "ON b.id = p.batch_id JOIN analysis a ON a.patch_fid = p.fid WHERE b.name IN ('2026年1月', '2026年2月') "
        "ORDER BY p.fid").fetchall()
    illegal = []
    for fid, suggestion, mining in rows:
        if "待核" in (suggestion, mining):
            continue
        accept_suggestion(store, fid, "演示审核员")
        if "违法" in (suggestion, mining):
            illegal.append(fid)
    for k, fid in enumerate(illegal[: len(illegal) // 2]):
        area = store.conn.execute("SELECT area_m2 FROM patches WHERE fid=?", (fid,)).fetchone()[0]
        values = {"case_filed": 1, "case_date": "2026-03-10", "case_number": f"青自然资罚〔2026〕{k + 1}号",
                  "demolished_m2": area if k % 2 == 0 else area / 2, "restored_m2": area if k % 2 == 0 else 0.0}
        if k % 2 == 0:
            values["closed_date"] = "2026-04-15"
        save_rectification(store, fid, values, "演示审核员")
    say(f"  审核：采纳 {len(rows)} 个图斑中的建议（土地或矿产待核的除外），{len(illegal) // 2} 个违法图斑录入了查处整改。")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("demo_output"))
    parser.add_argument("--patches-per-batch", type=int, default=200)
    args = parser.parse_args()
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    app = QgsApplication([], False)
    app.initQgis()
    from weipian_plugin import translation

    # A Chinese county: the style and labels saved into its store are Chinese. The translator is kept:
    # a QTranslator the garbage collector takes is uninstalled with it (the project came out English).
    translator = translation.install("zh_CN")
    from sample_county import REFERENCE_FILES, generate

    from weipian_plugin.core.analysis.run import run_analysis
    from weipian_plugin.core.intake.importer import create_store_for, import_patches

    county = out / "sample_county"
    say(f"1. 生成样例县（青禾县，虚构）→ {county}")
    generate(county, seed=7, patches_per_batch=args.patches_per_batch, imagery=True)

    store_path = out / "青禾县_2026_卫片.gpkg"
    store_path.unlink(missing_ok=True)
    batches = sorted((county / "batches").glob("*.shp"))
    say(f"2. 导入三个批次 → {store_path}")
    store = create_store_for(store_path, batches[0], year=2026)
    for shp in batches:
        name = shp.stem.split("_")[0]
        say(import_patches(store, shp, name, received=RECEIVED.get(name)).summary())

    say("3. 内业比对与合法性判定建议")
    sources = {role: county / "reference" / name for role, name in REFERENCE_FILES.items()}
    say(run_analysis(store, sources).text())

    say("4. 逐图斑判定与查处整改（模拟审核员）")
    review_like_a_person(store)
    from weipian_plugin.core.enforcement.records import import_enforcement_csv

    summary = import_enforcement_csv(store, county / "patrols.csv", county / "clues.csv")
    say(f"  日常执法：{summary.summary()}")
    store.close()

    exports(store_path, county, out)
    translation.uninstall(translator)
    app.exitQgis()
    say(f"\n完成。全部输出在 {out}")
    return 0


def exports(store_path: Path, county: Path, out: Path) -> None:
    """Ledgers, statistics, report and figures; each step names the file it wrote."""
    from weipian_plugin.gui.layers import save_default_style

    save_default_style(str(store_path))
    say("5. 导出成果")
    from weipian_plugin.core.store.workstore import WorkStore
    from weipian_plugin.exporters.enforcement_xlsx import write_enforcement
    from weipian_plugin.exporters.report import write_report
    from weipian_plugin.exporters.xlsx import write_accountability, write_ledger

    with WorkStore.open(store_path) as store:
        write_ledger(store, out / "图斑台账.xlsx")
        say(f"  图斑台账、汇总表、月度进度：{out / '图斑台账.xlsx'}")
        write_accountability(store, out / "问责统计.xlsx", None)
        say(f"  问责统计：{out / '问责统计.xlsx'}")
        write_enforcement(store, out / "日常执法评价.xlsx", TODAY)
        say(f"  巡查台账、线索期限、日常执法评价：{out / '日常执法评价.xlsx'}")
        write_report(store, out / "卫片执法报告.html", "2026年1—3月", today=TODAY)
        say(f"  报告：{out / '卫片执法报告.html'}")
    figures(store_path, county, out)
    project(store_path, county, out)


def project(store_path: Path, county: Path, out: Path) -> None:
    """The work project, saved into the store (for the plugin) and as a .qgz (for `make run`)."""
    from qgis.core import QgsProject

    from weipian_plugin.core.store import keys
    from weipian_plugin.core.store.workstore import WorkStore
    from weipian_plugin.gui.project import save_store_project

    imagery = {"before": str(county / "imagery" / "前时相.tif"), "after": str(county / "imagery" / "后时相.tif")}
    with WorkStore.open(store_path) as store:
        keys.IMAGERY.write(store, imagery)
    work = QgsProject()
    work.read(save_store_project(str(store_path), imagery))
    work.write(str(out / "weipian_demo.qgz"))
    say(f"  QGIS 项目：已保存到工作库，并另存为 {out / 'weipian_demo.qgz'}（make run 打开）")


def figures(store_path: Path, county: Path, out: Path) -> None:
    """One 套合图 per patch, PNG and PDF, over the before/after imagery."""
    from qgis.core import QgsFeedback

    from weipian_plugin.exporters.figures import export_figures

    imagery = county / "imagery"
    for fmt in ("png", "pdf"):
        feedback = QgsFeedback()
        reported = set()

        def report(percent: float, fmt=fmt, reported=reported) -> None:
            step = int(percent // 25) * 25
            if step not in reported:
                reported.add(step)
                say(f"    {fmt.upper()} {step}%")

        feedback.progressChanged.connect(report)
        written = export_figures(str(store_path), out / "套合图", fmt=fmt, before=str(imagery / "前时相.tif"),
                                 after=str(imagery / "后时相.tif"), feedback=feedback)
        say(f"  套合图 {fmt.upper()}：{len(written)} 个 → {out / '套合图'}")


if __name__ == "__main__":
    sys.exit(main())
