"""The HTML report: its numbers are the store's, its charts are real SVG drawn to scale, text is escaped."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from test_ledger import county_store  # noqa: F401 (shared session fixture)

from weipian_plugin.core.statistics.accountability import AccountabilityConfig
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.exporters import report

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def html(county_store, tmp_path_factory):  # noqa: F811
    out = tmp_path_factory.mktemp("report") / "report.html"
    with WorkStore.open(county_store) as store:
        report.write_report(store, out, "2026年1—4月", month="2026-04")
    return out.read_text(encoding="utf-8")


def svgs(text: str) -> dict:
    """Each inline SVG parsed as XML, by its chart class."""
    out = {}
    for m in re.finditer(r"<svg .*?</svg>", text, re.S):
        root = ET.fromstring(m.group(0))
        out.setdefault(root.get("class").split()[1], []).append(root)
    return out


def test_charts_are_inline_svg(html):
    charts = svgs(html)
    assert len(charts["bar-chart"]) == 3 and len(charts["donut"]) == 1 and len(charts["progress-bar"]) == 3
    donut = charts["donut"][0]
    segments = {c.get("data-label"): int(c.get("data-count")) for c in donut.iter(f"{SVG}circle")
                if c.get("class") == "segment"}
    assert segments == {"合法": 1, "违法": 4, "其他": 1, "未判定": 1}
    progress = [float(r.get("data-share")) for svg in charts["progress-bar"] for r in svg.iter(f"{SVG}rect")
                if r.get("class") == "progress"]
    assert progress == pytest.approx([6 / 7, 1 / 4, (16500 - 11500) / 16500], abs=1e-4)


def test_township_ratio_chart_is_to_scale_with_the_15_percent_line(html):
    ratio_chart = next(s for s in svgs(html)["bar-chart"] if "比例" in s.get("aria-label")
                       and "各乡镇" in s.get("aria-label"))
    line = next(ratio_chart.iter(f"{SVG}line"))
    bars = [r for r in ratio_chart.iter(f"{SVG}rect") if r.get("class") == "bar"]
    labels = [t.text for t in ratio_chart.iter(f"{SVG}text")]
    assert labels[0] == "甲镇" and "问责线 15.00%" in labels
    jia = bars[0]
    assert float(jia.get("data-value")) == pytest.approx(2000 / 4500, abs=1e-4)
    # bar length : distance to the threshold line = ratio : 15 %
    assert float(jia.get("width")) / (float(line.get("x1")) - float(jia.get("x"))) == pytest.approx(
        (2000 / 4500) / 0.15, rel=0.01)
    assert len(bars) == 2  # 丙镇 has no ratio (0 / 0): no bar, shown as —
    assert "—" in labels


def test_numbers_are_the_stores(html):
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\s+", " ", text)
    assert "青禾县卫片执法工作情况" in text and "2026年1—4月" in text
    assert "违法图斑 4 个、24.75 亩，其中耕地 10.50 亩、 永久基本农田 1.50 亩" in text
    assert "剩余未整改面积 17.25 亩" in text
    assert "28.57%" in text and "72.83%" in text  # county ratio after / before
    assert "问责线 15.00%" in text
    assert re.search(r"J005 2026年4月 甲镇 12.00 2020-01-01 \d+", text)  # the overdue patch
    assert re.search(r"1 甲镇 4.50 3.00 44.44% 否 1 0 7.50", text)  # ranking row
    assert "2026年4月下发 3 2 66.67% 2 0 0.00% 1" in text


def test_daily_enforcement_block_can_be_filled(county_store):  # noqa: F811
    env = report.environment()
    child = env.from_string('{% extends "report.html.j2" %}{% block daily_enforcement %}'
                            '<section id="daily">日常执法{{ extra }}</section>{% endblock %}')
    with WorkStore.open(county_store) as store:
        text = child.render(**report.report_context(store, "2026年"), extra="<i>")
    assert '<section id="daily">日常执法&lt;i&gt;</section>' in text
    assert text.index('id="daily"') > text.index('id="townships"')


def test_text_is_escaped_in_html_and_svg(county_store, store_on, tmp_path):  # noqa: F811
    path = store_on(county_store)
    with WorkStore.open(path) as store:
        with store.transaction() as conn:
            conn.execute("UPDATE patches SET township_name='<b>甲&镇</b>' WHERE township_code='101'")
        report.write_report(store, tmp_path / "r.html", "<年>", AccountabilityConfig(ratio_threshold=0.3))
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<b>甲" not in text and "&lt;b&gt;甲&amp;镇" in text and "&lt;年&gt;" in text
    assert "问责线 30.00%" in text
    assert len(svgs(text)["bar-chart"]) == 3  # still well-formed XML with the odd name inside


def test_print_css(html):
    assert "@page { size: A4" in html
    assert '<html lang="zh-CN">' in html


def test_overdue_days_count_from_the_as_of_date(county_store, store_on, tmp_path):  # noqa: F811
    import datetime as dt

    with WorkStore.open(store_on(county_store)) as store:
        report.write_report(store, tmp_path / "may.html", "2026年", today=dt.date(2026, 5, 1))
        report.write_report(store, tmp_path / "old.html", "2019年", today=dt.date(2019, 12, 31))
    may = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (tmp_path / "may.html").read_text(encoding="utf-8")))
    days = (dt.date(2026, 5, 1) - dt.date(2020, 1, 1)).days
    assert f"J005 2026年4月 甲镇 12.00 2020-01-01 {days}" in may and "截至 2026-05-01" in may
    old = re.sub(r"<[^>]+>", " ", (tmp_path / "old.html").read_text(encoding="utf-8"))
    assert "无逾期未判定图斑" in old and "J005" not in old


def test_long_lists_stay_in_the_workbooks(county_store, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setattr(report, "LIST_ROWS", 0)
    with WorkStore.open(county_store) as store:
        report.write_report(store, tmp_path / "r.html", "2026年")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (tmp_path / "r.html").read_text(encoding="utf-8")))
    assert "J005" not in text and "完整清单见《图斑台账》" in text and "甲镇 1 个" in text
