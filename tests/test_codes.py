"""Names printed beside codes on the 套合图 and in the ledger."""
from weipian_plugin.core.store.codes import DLBM_NAMES, TBLX_NAMES, code_label


def test_code_label_names_known_codes_and_keeps_unknown_ones():
    assert code_label("DT", TBLX_NAMES) == "DT 动土"
    assert code_label(" yh ", TBLX_NAMES) == "yh 硬化"
    assert code_label("0103", DLBM_NAMES) == "0103 旱地"
    assert code_label("0101K", DLBM_NAMES) == "0101K 水田"  # 可调整 variant named after its class
    assert code_label("9999", DLBM_NAMES) == "9999"
    assert code_label(None, DLBM_NAMES) == ""
