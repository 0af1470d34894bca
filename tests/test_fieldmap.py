"""core/intake/fieldmap.py on its own: presets, aliases, a remembered mapping, and a user's own text."""
import pytest

from weipian_plugin.core.intake import fieldmap
from weipian_plugin.core.intake.fieldmap import FieldMapError, detect, parse


def test_the_ministry_preset_is_matched_case_insensitively_with_the_files_own_spelling():
    fields = ["jcbh", "XZQDM", "Xmc", "TBLX", "QSX", "HSX", "JCMJ", "TZ", "SFYN", "SFHX", "DLBM", "OTHER"]
    fm = detect(fields)
    assert fm.preset == "部下发标准字段" and fm.unmapped == []
    assert fm.mapping["jcbh"] == "jcbh" and fm.mapping["xmc"] == "Xmc"
    assert fm.describe().startswith("字段方案：部下发标准字段（监测编号←jcbh，")


def test_chinese_fields_and_aliases_fill_what_the_preset_leaves():
    fm = detect(["监测编号", "县名", "图斑类型", "后时相", "TBMJ", "是否永农"])
    assert fm.preset == "中文字段"
    assert fm.mapping == {"jcbh": "监测编号", "xmc": "县名", "tblx": "图斑类型", "hsx": "后时相",
                          "jcmj": "TBMJ", "sfyn": "是否永农"}
    assert fm.unmapped == ["xzqdm", "qsx", "tz", "sfhx", "dlbm"]


def test_an_alias_is_not_taken_twice():
    """MJ is the 图斑编号 preset's area; an alias must not map a second canonical field onto it."""
    fm = detect(["TBBH", "MJ", "BZ"])
    assert fm.preset == "图斑编号字段" and fm.mapping == {"jcbh": "TBBH", "jcmj": "MJ", "tz": "BZ"}


def test_the_stores_remembered_mapping_wins_when_it_matches_more():
    remembered = {"jcbh": "BIANHAO", "tblx": "LX", "hsx": "SJ2"}
    fm = detect(["BIANHAO", "LX", "SJ2", "XZQDM"], remembered)
    assert fm.preset == "上次使用的方案"
    assert fm.mapping == {"jcbh": "BIANHAO", "tblx": "LX", "hsx": "SJ2", "xzqdm": "XZQDM"}


def test_without_a_patch_id_the_error_lists_the_fields_there_are():
    with pytest.raises(FieldMapError, match="找不到必填字段：监测编号。数据中的字段有：A, B"):
        detect(["A", "B"])


@pytest.mark.parametrize("text", ['{"jcbh": "bh", "HSX": "后时相"}', '{"preset": "x", "mapping": {"jcbh": "BH", "hsx": "后时相"}}',
                                  "jcbh=BH；hsx = 后时相;"])
def test_a_users_mapping_as_json_or_text(text):
    fm = parse(text, ["BH", "后时相", "X"])
    assert fm.mapping == {"jcbh": "BH", "hsx": "后时相"} and fm.preset == ""
    assert parse(fm.to_json(), ["BH", "后时相"]).mapping == fm.mapping


@pytest.mark.parametrize("text, message", [
    ("{not json", "不是有效的 JSON"),
    ('{"jcbh": 7}', "字段名须为文字"),
    ("jcbh:BH", "应写作 规范字段=原字段"),
    ("编号=BH", "未知的规范字段“编号”"),
    ("jcbh=NOPE", "数据中没有字段“NOPE”（监测编号）"),
    ("hsx=后时相", "找不到必填字段：监测编号"),
])
def test_a_mapping_that_cannot_work_is_explained(text, message):
    with pytest.raises(FieldMapError, match=message):
        parse(text, ["BH", "后时相"])


def test_every_canonical_field_has_a_label_and_aliases():
    assert set(fieldmap.LABELS) == set(fieldmap.CANONICAL) == set(fieldmap.ALIASES)
