"""The terminal report: summary tables and the first findings, readable in a console."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mapper.result import CheckResult
from mapper.writers import register
from mapper.writers.base import Writer

MAX_FINDINGS = 40
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _tables(result: CheckResult) -> list[Table | str]:
    s = result.summary
    head = (
        f"{result.catalog}: {s.rows_read} rows read (读取{s.rows_read}行), reference "
        f"{result.release}, as of {result.as_of}\n"
        f"贯标率 coded correctly: {s.coded_ok}/{s.insured_items} insured items = "
        f"{s.coded_rate:.1%}   "
        + "  ".join(f"{k}: {v}" for k, v in s.by_status.items())
        + (f"\n{result.blank_rows} blank rows skipped (空行)" if result.blank_rows else "")
        + "".join(f"\n{note}" for note in result.reading.column_notes())
    )
    lines = Table(title="按类别 by line type")
    for col in ("类别 line type", "items", "非医保 non-insured", "coded ok", "贯标率"):
        lines.add_column(col, justify="right" if col != "类别 line type" else "left")
    for row in s.by_line_type.iter_rows(named=True):
        rate = row["coded_rate"]
        lines.add_row(
            row["label"],
            str(row["items"]),
            str(row["non_insured"]),
            str(row["coded_ok"]),
            "—" if rate is None else f"{rate:.1%}",
        )
    rules = Table(title="按规则 by rule")
    for col in ("rule", "name", "severity", "findings", "items"):
        rules.add_column(col, justify="right" if col in ("findings", "items") else "left")
    for row in s.by_rule.filter(s.by_rule["findings"] > 0).iter_rows(named=True):
        rules.add_row(
            row["rule"], row["name"], row["severity"], str(row["findings"]), str(row["items"])
        )
    shown = min(MAX_FINDINGS, result.findings.height)
    found = Table(title=f"问题 findings ({shown} of {result.findings.height} shown)")
    for col in ("row", "item", "name", "rule", "severity", "message"):
        found.add_column(col, overflow="fold")
    first = result.located_findings.head(MAX_FINDINGS)
    names = dict(
        result.items_source.filter(pl.col("row").is_in(first.get_column("row").implode()))
        .select("row", pl.col("name").cast(pl.String))
        .collect()
        .iter_rows()
    )
    for row in first.iter_rows(named=True):
        style = SEVERITY_STYLE.get(row["severity"], "")
        found.add_row(
            f"{row['sheet']}!{row['sheet_row']}" if row.get("sheet") else str(row["row"]),
            row["item_id"] or "",
            names.get(row["row"]) or "",
            row["rule"],
            f"[{style}]{row['severity']}[/]",
            row["message"],
        )
    return [head, *_cutover(result), lines, *_sheets(result), rules, *_payment(result), found]


MAX_SKIPPED = 40


def _sheets(result: CheckResult) -> list[Table | str]:
    """The per-sheet breakdown (sheets read and passed over) and the rows skipped as section
    or total rows, when there are any."""
    parts: list[Table | str] = []
    by_sheet = result.summary.by_sheet
    if not by_sheet.is_empty() or result.reading.skipped_sheets:
        table = Table(title="按工作表 by sheet")
        for col in ("工作表 sheet", "items", "coded ok", "贯标率"):
            table.add_column(col, justify="left" if col.startswith("工作表") else "right")
        for row in by_sheet.iter_rows(named=True):
            rate = row["coded_rate"] or 0.0
            table.add_row(row["sheet"], str(row["items"]), str(row["coded_ok"]), f"{rate:.1%}")
        for name, why in result.reading.skipped_sheets:
            table.add_row(name, f"not read: {why}", "", "")
        parts.append(table)
    skipped = result.reading.skipped
    if not skipped.is_empty():
        title = f"跳过的分组与合计行 section and total rows skipped ({skipped.height}, not items)"
        table = Table(title=title)
        for col in ("sheet", "row", "kind", "text"):
            table.add_column(col)
        for row in skipped.head(MAX_SKIPPED).iter_rows(named=True):
            table.add_row(row["sheet"] or "", str(row["row"]), row["kind"], row["text"] or "")
        parts.append(table)
    return parts


def _cutover(result: CheckResult) -> list[str]:
    """Where the check's moment falls on the policy's cut-over timeline, and in the window
    what the notice tells a patient to keep and do, quoted."""
    cutover = result.summary.cutover
    if cutover is None:
        return []
    zh, en = cutover.headline()
    out = [f"切换时间线 cut-over ({result.policy}, {cutover.moment.isoformat()}): {zh}\n{en}"]
    out += [f"  · {note}" for note in cutover.notes()]
    if cutover.suspended:
        point = cutover.timeline.suspension
        out.append(f"  “{point.quote}” — {point.source}")
    for g in cutover.guidance():
        keep = f"\n    保留 keep: {'、'.join(g.keep)}" if g.keep else ""
        by = f"（最迟 by {g.deadline.isoformat()}）" if g.deadline else ""
        out.append(f"  [{g.who}] {g.does}{by}{keep}\n    “{g.quote}” — {g.source}")
    return [escape("\n".join(out))]  # the notices' brackets are text, not rich markup


def money(amount: float | None) -> str:
    """An amount, or 未知 unknown when the catalog gives none (never a made-up 0)."""
    return "未知 unknown" if amount is None else f"{amount:,.2f}"


def _payment(result: CheckResult) -> list[Table | str]:
    s = result.summary
    if s.payment is None:
        return []
    verdict = "已完成 ready" if s.institution_ready else "未完成 NOT ready"
    why = s.readiness.reasons() if s.readiness is not None else []
    banner = f"贯标 {verdict}" + "".join(f"\n  - {line}" for line in why)
    if not s.institution_ready:
        banner += "\n  未完成贯标的机构上线后无法医保结算 / not ready: no insurance settlement"
    title = f"上线后医保支付 payment after go-live (policy {result.policy})"
    if s.cutover is not None:
        zh, en = s.cutover.countdown()
        title += f"\n{zh} / {en}"
        if s.cutover.suspended:
            window = "暂停期间医保支付 payment in the suspension window: PAY005 for every item"
            title = f"{window}\n{title}"
    title += f"\n金额口径 amounts: {s.amount_basis}"
    table = Table(title=escape(title))
    for col in ("类别 line type", "商品类别 class", "items", "统筹失去 pooled lost",
                "个账失去 personal lost", "个账金额 personal amount"):  # fmt: skip
        table.add_column(col, justify="left" if "类" in col[:3] else "right")
    for row in s.payment.iter_rows(named=True):
        table.add_row(
            row["line_type"],
            row["class_label"] or "",
            str(row["items"]),
            str(row["pooled_fund_lost"]),
            str(row["personal_account_lost"]),
            money(row["personal_account_amount_lost"]),
        )
    return [banner, table]


@register
class TextWriter(Writer):
    name = "text"
    description = "report.txt: the terminal report (summary and the first findings)"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        path = out_dir / "report.txt"
        with path.open("w", encoding="utf-8") as handle:
            console = Console(file=handle, width=140, no_color=True)
            for part in _tables(result):
                console.print(part)
        return [path]

    def render(self, result: CheckResult) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=140, no_color=True)
        for part in _tables(result):
            console.print(part)
        return buffer.getvalue()

    def print(self, result: CheckResult, console: Console) -> None:
        for part in _tables(result):
            console.print(part)
