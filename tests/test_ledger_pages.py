"""The 图斑台账 as printed: through LibreOffice to PDF, checked for units, whole reasons and the legend."""
import re
import subprocess
import unicodedata

import pytest
from openpyxl import load_workbook
from test_ledger import make_store

from weipian_plugin.core.store.workstore import WorkStore

REASON = ("图斑范围内未见建设用地批文、供地和不动产登记资料，实地核查为新建厂房及硬化场地，占用耕地二点五亩，"
          "依据《土地管理法》第七十七条建议认定为违法占用耕地，由乡镇督促当事人限期拆除并恢复种植条件，"
          "同时移送县自然资源局立案查处，整改完成后报县卫片执法办公室复核销号。")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The shared county with DOMAIN §8's extra ledger fields filled in, exported and printed to PDF."""
    from weipian_plugin.exporters.xlsx import write_ledger

    d = tmp_path_factory.mktemp("ledger_pages")
    path = make_store(d)
    with WorkStore.open(path) as store:
        fid = dict(store.conn.execute("SELECT jcbh, fid FROM patches"))
        with store.transaction() as conn:
            conn.execute("UPDATE analysis SET suggestion_reason = ? WHERE patch_fid = ?", (REASON, fid["J002"]))
            conn.execute("UPDATE patches SET qsx = '2025-06-12', jcmj_m2 = 6666.67 WHERE fid = ?", (fid["J002"],))
            conn.execute("UPDATE determinations SET offender = '王某', is_nonagri = 1, is_new_housing = 0 "
                         "WHERE patch_fid = ?", (fid["J002"],))
            conn.execute("UPDATE rectifications SET case_filed = 1, fine_yuan = 12000, demolished_m2 = 500, "
                         "transfer_department = '县住建局', referral_agency = '公安机关', closed_date = '2026-06-30' "
                         "WHERE patch_fid = ?", (fid["J002"],))
        xlsx = write_ledger(store, d / "图斑台账.xlsx")
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{d}/lo",
                    "--convert-to", "pdf", "--outdir", str(d), str(xlsx)], check=True, capture_output=True,
                   timeout=240)
    pdf = d / "图斑台账.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return {"xlsx": xlsx, "text": unicodedata.normalize("NFKC", text)}


def _row(ws, jcbh):
    headers = ["".join(str(ws.cell(3, c).value or ws.cell(2, c).value or "").split())
               for c in range(1, ws.max_column + 1)]
    for r in range(4, ws.max_row + 1):
        values = [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
        if jcbh in values:
            return dict(zip(headers, values))
    raise KeyError(jcbh)


def test_ledger_has_the_domain_columns(printed):
    ws = load_workbook(printed["xlsx"])["图斑台账"]
    j2 = _row(ws, "J002")
    assert (j2["前时相"], j2["后时相"], j2["下发监测面积（亩）"]) == ("2025-06-12", "2026-02-01", 10.0)
    assert (j2["项目名称"], j2["违法主体"], j2["非农化"], j2["新增乱占耕地建房"]) == (None, "王某", "是", "否")
    assert (j2["是否立案"], j2["罚款（元）"], j2["拆除面积（亩）"], j2["复耕面积（亩）"]) == ("是", 12000, 0.75, 1.5)
    assert (j2["补办手续面积（亩）"], j2["没收面积（亩）"]) == (None, None)
    assert (j2["移交部门"], j2["移送机关"], j2["结案日期"]) == ("县住建局", "公安机关", "2026-06-30")
    assert _row(ws, "J007")["项目名称"] == "某高速公路"


def test_units_never_wrap_alone_and_reasons_are_whole(printed):
    text = printed["text"]
    assert "（亩" not in text.replace("（亩）", "") and "(亩" not in text.replace("(亩)", "")  # NFKC: ( )
    assert text.count("(亩)") >= 10
    compact = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", unicodedata.normalize("NFKC", REASON)) in compact  # no line cut off by the row
    assert "底色标注的行为判定期限已过仍未判定" in compact  # the coloured rows explained
