"""Excel workbooks the bureau hands in: 图斑台账 with the township summary and monthly progress, and the
第15号令 accountability workbook.

Thin over :mod:`..core.ledger`: the column specs and display values come from there. Each table has a
title row, a merged group row and a header row, frozen panes below the headers, an autofilter and a
合计 row written as values (viewers that do not recalculate show it too).
"""
from __future__ import annotations

import os
import re
import zipfile
from copy import copy
from dataclasses import fields, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterable, NamedTuple, Optional, Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from weipian_plugin.core.analysis.checks import warnings_of
from weipian_plugin.core.review import marks
from weipian_plugin.core.statistics import ledger
from weipian_plugin.core.statistics.accountability import AccountabilityConfig
from weipian_plugin.core.statistics.ledger import Column
from weipian_plugin.core.store import keys, outputs
from weipian_plugin.core.store.workstore import WorkStore

HEADER_ROWS = 3  # title, group, header
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_FLAG_FILL = PatternFill("solid", fgColor="F8CBAD")
BOLD = Font(name="Calibri", bold=True, size=11)
TITLE_FONT = Font(name="Calibri", bold=True, size=14)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(horizontal="left", vertical="center", wrap_text=True)
_MAX_WIDTH = 32
OVERDUE_LEGEND = "说明：底色标注的行为判定期限已过仍未判定的图斑（「判定逾期」为「是」）。"
_WIDTH_SAMPLE = 2000
_A4_MAX_COLUMNS = 20
_LINE_HEIGHT = 15
_TICK_ROWS = 500
_ROWS_SHARE = 0.6  # of the progress bar; saving the file takes the rest


def _number_format(col: Column) -> str:
    if col.unit == "%":
        return "0." + "0" * col.decimals + "%" if col.decimals else "0%"
    return "0." + "0" * col.decimals if col.decimals else "0"


def header_text(col: Column) -> str:
    """The header cell: a unit on a line of its own, so a narrow column never wraps 「（亩」 from 「）」."""
    return f"{col.header}\n（{col.unit}）" if col.unit and col.unit != "%" else col.title


def _header_width(col: Column) -> int:
    words = _text_width(col.header)
    words = words if words <= 10 else max(10, (words + 1) // 2)  # long headers wrap onto two lines
    return max(words, _text_width(f"（{col.unit}）") if col.unit and col.unit != "%" else 0)


def _header_lines(col: Column, width: int) -> int:
    words = -(-_text_width(col.header) // max(1, width - 2))
    return words + (1 if col.unit and col.unit != "%" else 0)


def wrapped_lines(text: Any, width: int) -> int:
    """Lines a wrapped cell of ``width`` needs for ``text``: a CJK character is a little over two of
    the spreadsheet's width units, and a line loses about one unit to the cell's padding."""
    return max(1, -(-int(_text_width(text) * 1.1) // max(1, width - 2)))


def _text_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _widths(columns: Sequence[Column], values: Sequence[Sequence[Any]]) -> list:
    out = []
    for i, col in enumerate(columns):
        header = _header_width(col)
        content = max((_text_width(v[i]) for v in values[:_WIDTH_SAMPLE]), default=0)
        out.append(min(_MAX_WIDTH, max(header, content, 4) + 2))
    return out


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
    taken = set(taken)
    candidate, i = base[:31], 2
    while candidate in taken:
        suffix = f"({i})"
        candidate, i = base[:31 - len(suffix)] + suffix, i + 1
    return candidate


class Table:
    """One titled table on its own sheet; call :meth:`write` once."""

    def __init__(self, wb: "Book", name: str, title: str, columns: Sequence[Column], freeze_cols: int = 1):
        self.book = wb
        self.ws = wb.create_sheet(sheet_name(name, wb.sheetnames))
        self.title = title
        self.columns = columns
        self.freeze_cols = freeze_cols
        self._styles: dict = {}

    def _style(self, font=None, fill=None, alignment=None, number_format=None, border=True):
        """The style ids of a combination, or ``None`` for no style. Resolved once per combination and
        then copied onto cells, because openpyxl hashes every style object on each assignment (minutes
        for 20,000 patches otherwise)."""
        if not (font or fill or alignment or number_format or border):
            return None
        key = (id(font), id(fill), id(alignment), number_format, border)
        if key not in self._styles:
            template = Cell(self.ws)
            for name, v in (("font", font), ("fill", fill), ("alignment", alignment),
                            ("number_format", number_format), ("border", _BORDER if border else None)):
                if v:
                    setattr(template, name, v)
            self._styles[key] = template._style
        return self._styles[key]

    def _style_id(self, style) -> Optional[int]:
        """The index openpyxl writes as a cell's ``s`` for ``style`` (registering it), None for no style."""
        if style is None:
            return None
        cell = Cell(self.ws)
        cell._style = copy(style)
        return cell.style_id

    def _put(self, row: int, col: int, value, *style) -> None:
        cell = put_value(self.ws, row, col, value)
        style = self._style(*style)
        if style is not None:
            cell._style = copy(style)

    def _headers(self) -> None:
        ws, cols = self.ws, self.columns
        last = get_column_letter(len(cols))
        self._put(1, 1, self.title, TITLE_FONT, None, _CENTER, None, False)
        ws.merge_cells(f"A1:{last}1")
        start = 0
        for i, col in enumerate(cols):
            letter = get_column_letter(i + 1)
            if not col.group:
                self._put(2, i + 1, header_text(col), BOLD, HEADER_FILL, _CENTER)
                self._put(3, i + 1, None, BOLD, HEADER_FILL, _CENTER)
                ws.merge_cells(f"{letter}2:{letter}3")
                continue
            first = i == 0 or cols[i - 1].group != col.group
            if first:
                start = i
            self._put(2, i + 1, col.group if first else None, BOLD, HEADER_FILL, _CENTER)
            self._put(3, i + 1, header_text(col), BOLD, HEADER_FILL, _CENTER)
            if (i == len(cols) - 1 or cols[i + 1].group != col.group) and i > start:
                ws.merge_cells(f"{get_column_letter(start + 1)}2:{letter}2")

    def write(self, rows: Sequence[Any], totals: bool = True, flag=None, tick=None,
              parts: Optional[int] = None, legend: Optional[str] = None) -> None:
        """Rows as the column spec formats them; ``flag(row)`` true highlights a row, and ``legend`` says
        what a highlighted row means; ``tick(n)`` is called every :data:`_TICK_ROWS` rows. With a 合计 row
        every row is a part of it; without one, the first ``parts`` rows (default none) are balanced as the
        parts of the row after them (调平)."""
        ws, cols = self.ws, self.columns
        values, totals_row = ledger.display_table(cols, rows, None if totals else (parts or 0))
        widths = _widths(cols, values)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        self._headers()
        formats = [_number_format(c) if c.numeric else None for c in cols]
        aligns = [_WRAP if not c.numeric and w >= _MAX_WIDTH else None for c, w in zip(cols, widths)]
        wrapped = [(i, w) for i, (w, a) in enumerate(zip(widths, aligns)) if a]
        styles = list(zip(formats, aligns))
        # Data cells carry only what they need (grid lines are printed instead of cell borders): a
        # styled cell costs openpyxl several times a plain one, and ledgers run to 20,000 rows.
        plain = [self._style(None, None, a, f, False) for f, a in styles]
        flagged = [self._style(None, _FLAG_FILL, a, f, False) for f, a in styles]
        first = HEADER_ROWS + 1
        heights, highlights = [], []
        for k, (row, vals) in enumerate(zip(rows, values)):
            highlights.append(bool(flag and flag(row)))
            lines = max((wrapped_lines(vals[i], w) for i, w in wrapped), default=1)
            heights.append(_LINE_HEIGHT * lines + 3 if lines > 1 else None)  # viewers do not grow wrapped rows
            if tick and (k + 1) % _TICK_ROWS == 0:
                tick(_TICK_ROWS)
        # openpyxl spends ~15 µs on every cell (its write-only mode too) and a county's ledger has
        # 20,000 × 34 of them, so the data rows are written by save_workbook straight into the sheet,
        # with the style ids openpyxl registered for them (Cell.style_id), between the header rows and
        # the 合计 row that openpyxl writes.
        self.book.streamed[ws.title] = _Rows(
            first, values, [self._style_id(st) for st in plain], [self._style_id(st) for st in flagged],
            highlights, heights)
        last = get_column_letter(len(cols))
        ws.auto_filter.ref = f"A{HEADER_ROWS}:{last}{HEADER_ROWS + len(rows)}"
        if totals:
            r = HEADER_ROWS + len(rows) + 1
            for c, (v, f) in enumerate(zip(totals_row, formats), start=1):
                self._put(r, c, v, BOLD, _TOTAL_FILL, None, f)
            self._put(r, 1, "合计", BOLD, _TOTAL_FILL, _CENTER)
        ws.freeze_panes = f"{get_column_letter(self.freeze_cols + 1)}{HEADER_ROWS + 1}"
        # Landscape, one page wide (A3 for wide tables), header rows repeated on every page.
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A3 if len(cols) > _A4_MAX_COLUMNS else ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.page_margins = PageMargins(left=0.3, right=0.3, top=0.5, bottom=0.5)
        ws.print_title_rows = f"2:{HEADER_ROWS}"
        ws.print_options.gridLines = True
        ws.row_dimensions[1].height = 24
        header_lines = max((_header_lines(c, w) for c, w in zip(cols, widths)), default=1)
        ws.row_dimensions[HEADER_ROWS].height = max(2, header_lines) * _LINE_HEIGHT + 3  # wrapped headers
        if legend:  # what a coloured row means, below the table and in every printed page's footer
            note = ws.cell(HEADER_ROWS + len(rows) + (1 if totals else 0) + 2, 1, legend)
            note.fill, note.font = _FLAG_FILL, BOLD
            ws.oddFooter.left.text = legend
            ws.oddFooter.left.size = 9


def put_value(ws, row: int, col: int, value) -> Cell:
    """Write ``value`` into a cell; text is always text. openpyxl would store a string beginning with
    ``=`` as a live formula (a county name or JCBH of ``=HYPERLINK(…)`` from a shapefile), so data is
    never a formula: only totals the workbook computes itself may be."""
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


class Book(Workbook):
    """An openpyxl workbook that also holds the data rows its tables stream in when it is saved."""

    def __init__(self):
        super().__init__()
        self.remove(self.active)
        self.streamed: dict = {}  # sheet title -> _Rows

    def last_row(self, ws) -> int:
        """The last row a sheet holds, its streamed data rows included (to write below them)."""
        rows = self.streamed.get(ws.title)
        return max(ws.max_row, rows.first + len(rows.values) - 1 if rows else 0)


def new_workbook() -> Book:
    return Book()


class _Rows(NamedTuple):
    """Data rows of a sheet, written by :func:`save_workbook`."""
    first: int
    values: list
    plain: list
    """Style id of each column's cell in an ordinary row (None: unstyled)."""
    flagged: list
    """… and in a highlighted row."""
    highlights: list
    heights: list


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell_xml(ref: str, value: Any, style: Optional[int]) -> str:
    s = "" if style is None else f' s="{style}"'
    if value is None:
        return f'<c r="{ref}"{s}/>' if s else ""
    if isinstance(value, str):
        text = _CONTROL.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if value != value:  # NaN
        return f'<c r="{ref}"{s}/>'
    number = value if isinstance(value, int) else repr(float(value))
    return f'<c r="{ref}"{s}><v>{number}</v></c>'


def _rows_xml(rows: _Rows) -> str:
    letters = [get_column_letter(i + 1) for i in range(max((len(v) for v in rows.values), default=0))]
    out = []
    for k, (vals, flagged, height) in enumerate(zip(rows.values, rows.highlights, rows.heights)):
        r = rows.first + k
        styles = rows.flagged if flagged else rows.plain
        head = f'<row r="{r}" ht="{height}" customHeight="1">' if height else f'<row r="{r}">'
        out.append(head + "".join(_cell_xml(f"{col}{r}", v, st) for col, v, st in zip(letters, vals, styles)
                                  if v is not None or flagged) + "</row>")
    return "".join(out)


def _with_rows(xml: str, rows: _Rows, after: Optional[int], dimension: str) -> str:
    """The sheet XML openpyxl wrote, with the data rows in their place: before the first row openpyxl
    wrote below them (the 合计 row, a list appended below; rows must stay in order), else at the end of
    sheetData; and the sheet's dimension covering them."""
    at = xml.index(f'<row r="{after}"') if after else xml.index("</sheetData>")
    xml = xml[:at] + _rows_xml(rows) + xml[at:]
    last_col = dimension.split(":")[-1].rstrip("0123456789")
    last_row = max(int(dimension.split(":")[-1][len(last_col):]), rows.first + len(rows.values) - 1)
    for old in (f'<dimension ref="{dimension}"/>', f'<dimension ref="{dimension}" />'):
        xml = xml.replace(old, f'<dimension ref="A1:{last_col}{last_row}"/>', 1)
    return xml


def save_workbook(wb: Book, path: os.PathLike) -> Path:
    """Save through a temporary file so a failed export never leaves half a workbook behind; the data
    rows of the tables are written into their sheets here (see :meth:`Table.write`)."""
    path = Path(path)
    # Names of this run's own (two exports to one file never share a temporary file).
    tmp = outputs.temporary_sibling(path, ".xlsx.part")
    streamed = outputs.temporary_sibling(path, ".xlsx.rows")
    # openpyxl names the sheet parts by position and writes its rows in order, with the dimension
    # calculate_dimension() gives.
    sheets = {}
    for i, ws in enumerate(wb.worksheets, 1):
        rows = wb.streamed.get(ws.title)
        if rows is not None:
            after = min((r for r, _ in ws._cells if r >= rows.first), default=None)
            sheets[f"xl/worksheets/sheet{i}.xml"] = (rows, after, ws.calculate_dimension())
    try:
        wb.save(tmp)
        with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(streamed, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename in sheets:
                    data = _with_rows(data.decode("utf-8"), *sheets[item.filename]).encode("utf-8")
                dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
        os.replace(streamed, path)
    except OSError as exc:  # a full disk, or the workbook open in Excel: nothing half-written remains
        raise outputs.OutputError(outputs.explain_os(exc, path)) from exc
    finally:
        tmp.unlink(missing_ok=True)
        streamed.unlink(missing_ok=True)
    return path


def county_title(store: WorkStore, what: str, year: Optional[int] = None) -> str:
    year_text = f"{year or store.meta('year') or ''}"
    return f"{store.meta('county_name') or ''}{year_text + '年' if year_text else ''}{what}"


class ExportCancelled(Exception):
    """The user cancelled; no file was written."""


def _ticker(total: int, progress: Optional[Callable[[float], None]],
            is_cancelled: Optional[Callable[[], bool]]) -> Callable[[int], None]:
    done = [0]

    def tick(n: int) -> None:
        if is_cancelled and is_cancelled():
            raise ExportCancelled()
        done[0] += n
        if progress:
            progress(_ROWS_SHARE * min(1.0, done[0] / max(total, 1)))
    return tick


def write_ledger(store: WorkStore, path: os.PathLike, per_batch_sheets: bool = False,
                 batch: Optional[str] = None, month: Optional[str] = None,
                 progress: Optional[Callable[[float], None]] = None,
                 is_cancelled: Optional[Callable[[], bool]] = None, year: Optional[int] = None) -> Path:
    """图斑台账 (one sheet, or one per batch) of ``year`` (default: every year in the store), the
    《实际占用的新增建设用地统计汇总表》 (one sheet per year), and the county's progress of ``month``
    (YYYY-MM; default the month of the latest batch). ``progress`` gets fractions 0..1;
    ``is_cancelled`` returning true stops with :class:`ExportCancelled` and writes nothing."""
    outputs.check_output(path, (".xlsx",), store.path)
    rows = ledger.ledger_rows(store, batch, year)
    tick = _ticker(len(rows), progress, is_cancelled)
    wb = new_workbook()
    warnings = warnings_of(keys.ANALYSIS_WARNINGS.read(store))
    if warnings:  # on the cover: whoever reads the ledger learns the suggestions rest on doubtful layers
        cover = wb.create_sheet("分析说明")
        put_value(cover, 1, 1, county_title(store, "卫片执法图斑台账 · 分析说明")).font = TITLE_FONT
        for r, line in enumerate(warnings, start=3):
            put_value(cover, r, 1, line)
        cover.column_dimensions["A"].width = 120
    freeze = [c.key for c in ledger.LEDGER_COLUMNS].index("jcbh") + 1
    if per_batch_sheets:
        by_batch: dict = {}
        for row in rows:
            by_batch.setdefault(row.batch, []).append(row)
        for name, batch_rows in by_batch.items():
            Table(wb, name, county_title(store, f"卫片执法图斑台账（{name}）", year), ledger.LEDGER_COLUMNS,
                   freeze).write(batch_rows, flag=lambda r: r.overdue, tick=tick, legend=OVERDUE_LEGEND)
    if not per_batch_sheets or not rows:
        Table(wb, "图斑台账", county_title(store, "卫片执法图斑台账", year), ledger.LEDGER_COLUMNS,
               freeze).write(rows, flag=lambda r: r.overdue, tick=tick, legend=OVERDUE_LEGEND)
    summary_name = "实际占用的新增建设用地统计汇总表"
    years = [year] if year else ledger.summary_years(store) or [None]
    for y in years:
        Table(wb, summary_name if len(years) == 1 else f"汇总表{y}", county_title(store, summary_name, y),
               ledger.SUMMARY_COLUMNS).write(ledger.township_summary(store, batch, y))
    Table(wb, "实地核查", county_title(store, "需实地核查图斑（新建占用耕地50亩以上）", year),
           ledger.FIELD_CHECK_COLUMNS).write(ledger.field_check_rows(store, year))
    month = month or ledger.latest_month(store, year)
    if month:
        Table(wb, "月度进度", county_title(store, f"卫片执法月度工作进度（{month}）", int(month[:4])),
               ledger.PROGRESS_COLUMNS).write(
            ledger.monthly_progress(store, month) if batch else ledger.progress_of_month(rows, month),
            totals=False)
    tick(0)
    path = save_workbook(wb, path)
    if progress:
        progress(1.0)
    return path


_CONFIG_LABELS = {
    "level": "评价层级", "deduct_supplemented": "扣除已补办手续", "deduct_restored": "扣除已拆除复耕",
    "deduct_infrastructure": "扣除重大基础设施", "ratio_threshold": "比例阈值",
    "ratio_strict": "比例须超过阈值（否则达到即可）", "require_area": "同时要求面积达到阈值",
    "township_basic_farmland_mu": "乡镇约谈线：永久基本农田或自然保护地（亩）",
    "township_cultivated_mu": "乡镇约谈线：一般耕地（亩）", "county_area_mu": "县级面积阈值（亩）",
    "city_area_mu": "市级面积阈值（亩）", "province_area_mu": "省级面积阈值（亩）",
    "points_initial_mu": "初始违法占耕扣分线（亩）", "points_after_mu": "整改后违法占耕扣分线（亩）",
}
_CONFIG_COLUMNS = (Column("label", "", "参数"), Column("value", "", "取值"))
INTERVIEW_COLUMNS = (
    Column("township", "", "被约谈乡镇"), Column("interview_date", "", "约谈日期"),
    Column("interviewees", "", "被约谈人"), Column("interviewer", "", "约谈人"), Column("reason", "", "约谈事由"),
    Column("minutes_name", "", "约谈纪要（存于工作库）"), Column("recorded_by", "", "记录人"),
)
_LEVELS = {"county": "县级", "city": "市级", "province": "省级"}


def _config_rows(cfg: AccountabilityConfig) -> list:
    out = []
    for f in fields(cfg):
        value = getattr(cfg, f.name)
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif f.name == "level":
            value = _LEVELS[value]
        elif f.name == "ratio_threshold":
            value = f"{value * 100:g}%"
        out.append(SimpleNamespace(label=_CONFIG_LABELS.get(f.name, f.name), value="" if value is None else value))
    return out


def write_accountability(store: WorkStore, path: os.PathLike, config: Optional[AccountabilityConfig] = None,
                         year: Optional[int] = None) -> Path:
    """第15号令 workbook: ratios before/after deductions per township (ranked), county and total, with
    the verdicts; the 违法 records behind them; the configuration used."""
    outputs.check_output(path, (".xlsx",), store.path)
    cfg = config or ledger.accountability_config(store)
    result = ledger.store_accountability(store, cfg, year)
    county_name = store.meta("county_name") or ""
    single = len(result.counties) == 1
    counties = [replace(r, name=(county_name if single or r.code == store.meta("county_code") else "")
                        or r.code or "全县")
                for r in result.counties]
    wb = new_workbook()
    title = county_title(store, "违法占用耕地问责比例统计（第15号令）", year)
    rows = list(result.townships) + counties + ([] if single else [result.total])
    Table(wb, "问责比例", title, ledger.ACCOUNTABILITY_COLUMNS, freeze_cols=2).write(
        rows, totals=False, flag=lambda r: r.accountable or bool(r.interview),
        parts=len(result.townships) if single else 0,  # townships add up to their county, as in the 汇总表
        legend="说明：底色标注的行为达到问责标准的单位或达到约谈标准的乡镇。")
    Table(wb, "违法图斑明细", county_title(store, "问责比例涉及的违法图斑", year),
           ledger.RECORD_COLUMNS, freeze_cols=1).write(ledger.accountability_records(store, year), totals=False)
    Table(wb, "约谈记录", county_title(store, "乡镇警示约谈记录", year), INTERVIEW_COLUMNS).write(
        [SimpleNamespace(**r) for r in marks.list_interviews(store, year)], totals=False)
    Table(wb, "参数", "问责比例计算参数", _CONFIG_COLUMNS).write(_config_rows(cfg), totals=False)
    return save_workbook(wb, path)


MILITARY_COLUMNS = (
    Column("seq", "", "序号", decimals=0),
    Column("batch", "图斑信息", "批次"),
    Column("jcbh", "图斑信息", "监测编号"),
    Column("township", "图斑信息", "乡镇"),
    Column("xzqdm", "图斑信息", "行政区代码"),
    Column("tblx", "图斑信息", "图斑类型"),
    Column("qsx", "图斑信息", "前时相"),
    Column("hsx", "图斑信息", "后时相"),
    Column("area_mu", "图斑信息", "图斑面积", "亩", 2),
    Column("result", "判定", "判定结果"),
    Column("subtype", "判定", "判定类型"),
    Column("illegal_mu", "判定", "违法面积", "亩", 2),
    Column("illegal_cultivated_mu", "判定", "其中耕地", "亩", 2),
    Column("status", "判定", "整改状态"),
    Column("source", "涉军认定", "认定方式"),
    Column("note", "涉军认定", "说明"),
    Column("marked_by", "涉军认定", "认定人"),
    Column("marked_at", "涉军认定", "认定时间"),
)


def write_military_register(store: WorkStore, path: os.PathLike, year: Optional[int] = None) -> Path:
    """《军用土地登记表》 (of ``year``): the 涉军 patches, which every other export leaves out (handed in
    separately)."""
    outputs.check_output(path, (".xlsx",), store.path)
    rows = [SimpleNamespace(seq=i, **r) for i, r in enumerate(marks.military_register(store, year), start=1)]
    wb = new_workbook()
    Table(wb, "军用土地登记表", county_title(store, "军用土地登记表", year), MILITARY_COLUMNS,
          freeze_cols=3).write(rows)
    return save_workbook(wb, path)
