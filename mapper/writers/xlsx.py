"""One workbook a clerk can open: summary, findings to fix, and the status of every item."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter

from mapper.policy.readiness import cash_items
from mapper.result import CheckResult
from mapper.writers import register
from mapper.writers.base import Writer

SHEETS = (
    "汇总 summary",
    "问题清单 findings",
    "商品状态 items",
    "规则统计 rules",
    "医保支付 payment",
    "现金结算 cash items",
)


@register
class XlsxWriter(Writer):
    name = "xlsx"
    description = "report.xlsx with sheets: summary, findings, items, rules"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        path = out_dir / "report.xlsx"
        summary = result.summary
        overview = pl.DataFrame(
            {
                "项目 item": [
                    "目录 catalog",
                    "参考库版本 release",
                    "检查日期 as of",
                    "读取行数 rows read",
                    "编码正确 coded ok",
                    "贯标率 coded rate",
                ],
                "值 value": [
                    result.catalog,
                    result.release,
                    str(result.as_of),
                    str(summary.rows_read),
                    str(summary.coded_ok),
                    f"{summary.coded_rate:.1%}",
                ],
            }
        )
        with xlsxwriter.Workbook(path, {"strings_to_formulas": False}) as book:
            overview.write_excel(book, worksheet=SHEETS[0], autofit=True)
            summary.by_line_type.write_excel(
                book, worksheet=SHEETS[0], position=(overview.height + 2, 0), autofit=True
            )
            result.findings.write_excel(book, worksheet=SHEETS[1], autofit=True)
            result.items.write_excel(book, worksheet=SHEETS[2], autofit=True)
            summary.by_rule.write_excel(book, worksheet=SHEETS[3], autofit=True)
            if summary.payment is not None:
                summary.payment.write_excel(book, worksheet=SHEETS[4], autofit=True)
                cash_items(result.items).write_excel(book, worksheet=SHEETS[5], autofit=True)
        return [path]
