"""Default code lists (DOMAIN.md §4). Each store gets its own copy, editable, because provinces differ."""
from __future__ import annotations

RESULTS = ("合法", "违法", "其他")

# list name -> [(code, label, parent)]
DEFAULT_CODE_LISTS = {
    "result": [(r, r, "") for r in RESULTS],
    "subtype": (
        [(c, c, "合法") for c in ("批文", "供地手续", "登记发证", "合法采矿", "其他合法手续")]
        + [(c, c, "其他") for c in (
            "设施农用地", "临时用地", "农村道路", "不改变原用地性质的光伏用地", "实地未变化/伪变化",
            "已拆除复耕", "农村宅基地", "203范围", "边角细缝", "出入口", "紧急用地", "生态修复",
            "电力设施", "灾毁地块", "其他")]
        + [(c, c, "违法") for c in ("非农违法", "非粮化", "无证开采", "越界开采")]
    ),
    "violation_type": [(c, c, "") for c in ("工矿商服", "民生公益", "道路交通", "圈占堆放", "非粮化",
                                            "无证开采", "越界开采")],
    "violation_category": [(c, c, "") for c in ("新增", "存量", "农业项目破坏耕地")],
    "stage": [(c, c, "") for c in ("一上", "一下", "二上")],
}
