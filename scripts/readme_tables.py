"""The README's generated tables: the reference-layer rows of the data contract (from core/roles.py) and
the outcome tables (the sample county of `make demo`, imported and analysed, counted by suggestion).

    PYTHONPATH=build/stage .venv/bin/python scripts/readme_tables.py

Prints Markdown to paste into README.md. The imagery is not generated: it does not change the other
files (scripts/sample_county.py).

    PYTHONPATH=build/stage .venv/bin/python scripts/readme_tables.py --bench

puts the last `make bench` run's table (build/bench/results.md, with its machine line) in place of the
README's, so the README never shows numbers by hand.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_county import REFERENCE_FILES, generate

from weipian_plugin.core import roles
from weipian_plugin.core.analysis.run import run_analysis
from weipian_plugin.core.intake.importer import create_store_for, import_patches
from weipian_plugin.core.units import MU_M2

_LAND = """
SELECT suggestion, suggestion_type, count(*), sum(area_m2), sum(new_construction_m2), sum(stock_construction_m2),
  sum(new_housing) FROM patch_analysis GROUP BY suggestion, suggestion_type ORDER BY suggestion, count(*) DESC
"""
_MINING = """
SELECT mining_suggestion, mining_suggestion_type, count(*), sum(area_m2) FROM patch_analysis
WHERE mining_suggestion IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 3 DESC
"""
_ORDER = {"合法": 0, "其他": 1, "违法": 2, "待核": 3}


_EFFECT = {
    roles.LEGAL: "不晚于比对日期的{doc}覆盖 ≥ 95% 等 → 合法/{subtype}",
    roles.OTHER: "{doc}覆盖 ≥ 95% → 其他/{subtype}",
    roles.MINING: "有效{doc}：矿产建议（合法采矿/越界开采/无证开采）",
    roles.CONTEXT: "只计量、标记，不作合法依据",
}


def contract_rows() -> str:
    """One data-contract row per reference role with a column: column, Chinese name, what it decides."""
    return "\n".join(
        f"| `{r.column}` | {r.label}面积 | 参数 `{r.parameter}`；" + _EFFECT[r.effect].format(doc=r.doc_label, subtype=r.subtype)
        + " |" for r in roles.ROLES if r.column)


def outcome_tables(work: Path, patches_per_batch: int = 200) -> str:
    county = work / "sample_county"
    generate(county, seed=7, patches_per_batch=patches_per_batch, imagery=False)
    batches = sorted((county / "batches").glob("*.shp"))
    with create_store_for(work / "青禾县_2026_卫片.gpkg", batches[0], year=2026) as store:
        for shp in batches:
            import_patches(store, shp, shp.stem.split("_")[0])
        run_analysis(store, {role: county / "reference" / name for role, name in REFERENCE_FILES.items()})
        land = sorted(store.conn.execute(_LAND).fetchall(), key=lambda r: (_ORDER[r[0]], -r[2]))
        mining = store.conn.execute(_MINING).fetchall()
    lines = ["| 土地建议 | 建议类型 | 图斑数 | 面积（亩） | 其中新增建设用地（亩） | 其中存量（亩） |",
             "|---|---|---|---|---|---|"]
    for result, subtype, n, area, new, stock, housing in land:
        note = f"（{int(housing)} 个新增乱占耕地建房）" if housing else ""
        construction = (f"{new / MU_M2:.2f}", f"{stock / MU_M2:.2f}") if (new or stock) else ("", "")
        lines.append(f"| {result} | {subtype}{note} | {n} | {area / MU_M2:.2f} | {construction[0]} | {construction[1]} |")
    lines += ["", "| 矿产建议 | 建议类型 | 图斑数 | 面积（亩） |", "|---|---|---|---|"]
    lines += [f"| {result} | {subtype} | {n} | {area / MU_M2:.2f} |" for result, subtype, n, area in mining]
    return "\n".join(lines)


ROOT = Path(__file__).resolve().parent.parent


def replace_bench_table(readme: str, results: str) -> str:
    """``readme`` with its bench block (the "Machine:" line and the tables after it, up to the first line
    that is neither a table row nor blank) replaced by ``results`` (scripts/bench.py's results.md)."""
    lines = readme.split("\n")
    start = next(k for k, line in enumerate(lines) if line.startswith("Machine: "))
    end = start + 1
    while end < len(lines) and (lines[end].startswith("|") or not lines[end].strip()):
        end += 1
    while not lines[end - 1].strip():  # keep the blank line before the text that follows
        end -= 1
    return "\n".join([*lines[:start], *results.strip().split("\n"), *lines[end:]])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patches-per-batch", type=int, default=200, help="as `make demo` (scripts/demo.py)")
    parser.add_argument("--bench", action="store_true", help="put build/bench/results.md into README.md")
    args = parser.parse_args()
    if args.bench:
        readme = ROOT / "README.md"
        results = (ROOT / "build" / "bench" / "results.md").read_text(encoding="utf-8")
        readme.write_text(replace_bench_table(readme.read_text(encoding="utf-8"), results), encoding="utf-8")
        print(results)
        return 0
    with tempfile.TemporaryDirectory() as work:
        print(contract_rows() + "\n\n" + outcome_tables(Path(work), args.patches_per_batch))
    return 0


if __name__ == "__main__":
    sys.exit(main())
