"""One workbook a clerk can open: summary, findings to fix, and the status of every item."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter

from mapper.result import CheckResult
from mapper.web.cells import neutralise
from mapper.writers import register
from mapper.writers.base import Writer, tables

SHEET_TITLES = {
    "findings": "问题清单 findings",
    "items": "商品状态 items",
    "summary_rules": "规则统计 rules",
    "summary_line_types": "按类别 line types",
    "summary_payment": "医保支付 payment",
    "summary_sheets": "按工作表 sheets",
    "skipped_rows": "跳过的行 skipped rows",
    "cash_items": "现金结算 cash items",
}
OVERVIEW = "汇总 summary"
EXCEL_MAX_ROWS = 1_048_575  # one row of the sheet is the header
AUTOFIT_MAX_ROWS = 20_000  # autofit reads every cell; skip it on large sheets


def _write(book: xlsxwriter.Workbook, title: str, frame: pl.DataFrame) -> None:
    """Write a frame to one sheet, or to several (title 2, title 3 …) past Excel's row limit.
    A NaN or infinite number (which a cell cannot hold) is written as an empty cell."""
    floats = [name for name, kind in frame.schema.items() if kind.is_float()]
    frame = frame.with_columns(
        pl.when(pl.col(c).is_finite()).then(pl.col(c)).alias(c) for c in floats
    )
    for part, start in enumerate(range(0, max(frame.height, 1), EXCEL_MAX_ROWS), start=1):
        chunk = frame.slice(start, EXCEL_MAX_ROWS)
        name = title if part == 1 else f"{title} {part}"
        chunk.write_excel(book, worksheet=name, autofit=chunk.height <= AUTOFIT_MAX_ROWS)


@register
class XlsxWriter(Writer):
    name = "xlsx"
    description = "report.xlsx: summary, findings, items, rules, payment and cash-item sheets"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        path = out_dir / "report.xlsx"
        summary = result.summary
        rows = {
            "目录 catalog": result.catalog, "参考库版本 release": result.release,
            "检查日期 as of": str(result.as_of), "政策 policy": result.policy,
            "读取行数 rows read": str(summary.rows_read),
            "编码正确 coded ok": str(summary.coded_ok),
            "贯标率 coded rate": f"{summary.coded_rate:.1%}",
        }  # fmt: skip
        if summary.cutover is not None:  # where the check falls on the cut-over timeline
            zh, en = summary.cutover.headline()
            rows["检查时刻 moment"] = summary.cutover.moment.isoformat()
            rows["切换时间线 cut-over"] = f"{zh}\n{en}"
            rows["倒计时 countdown"] = " / ".join(summary.cutover.countdown())
        overview = pl.DataFrame({"项目 item": list(rows), "值 value": list(rows.values())})
        with xlsxwriter.Workbook(path, {"strings_to_formulas": False}) as book:
            overview.write_excel(book, worksheet=OVERVIEW, autofit=True)
            for stem, frame in tables(result).items():
                _write(
                    book, SHEET_TITLES[stem], neutralise(frame).collect()
                )  # no formula injection
        return [path]
