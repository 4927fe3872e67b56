"""The terminal report: summary tables and the first findings, readable in a console."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mapper.line_types import LINE_TYPES
from mapper.result import CATALOG, SEVERITY_RANK, CheckResult
from mapper.writers import register
from mapper.writers.base import Writer

MAX_FINDINGS = 40
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _head(result: CheckResult) -> str:
    """The opening lines: short, so neither a path nor a date is broken at 80 columns."""
    s = result.summary
    return "\n".join(
        [
            f"{result.catalog}: {s.rows_read} rows read (读取{s.rows_read}行)",
            f"reference {result.release}, as of {result.as_of}",
            f"贯标率 coded correctly: {s.coded_ok}/{s.insured_items} insured items = "
            f"{s.coded_rate:.1%}",
            "  ".join(f"{k}: {v}" for k, v in s.by_status.items()),
            *([f"{result.blank_rows} blank rows skipped (空行)"] if result.blank_rows else []),
            *result.reading.column_notes(),
        ]
    )


def _tables(result: CheckResult) -> list[Table | str]:
    s = result.summary
    head = _head(result)
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
    files = [CATALOG] if result.several else []
    for col in (*(["file"] if files else []), "row", "item", "name", "rule", "severity"):
        found.add_column(col, no_wrap=col != "name")
    found.add_column("message", overflow="fold")
    first = result.located_findings.head(MAX_FINDINGS)
    keys = [*files, "row"]
    names = {
        tuple(key): name
        for *key, name in result.items_source.join(
            first.lazy().select(keys).unique(), on=keys, how="semi"
        )
        .select(*keys, pl.col("name").cast(pl.String))
        .collect()
        .iter_rows()
    }
    for row in first.iter_rows(named=True):
        style = SEVERITY_STYLE.get(row["severity"], "")
        found.add_row(
            *([row[CATALOG]] if files else []),
            f"{row['sheet']}!{row['sheet_row']}" if row.get("sheet") else str(row["row"]),
            row["item_id"] or "",
            names.get(tuple(row[k] for k in keys)) or "",
            row["rule"],
            f"[{style}]{row['severity']}[/]",
            row["message"],
        )
    per_file = [_catalogs(s.by_catalog)] if s.by_catalog is not None else []
    return [
        head,
        *_cutover(result),
        *per_file,
        lines,
        *_sheets(result),
        rules,
        *_payment(result),
        found,
    ]


def _catalogs(by_catalog: pl.DataFrame) -> Table:
    """Several files: each one's rows, 贯标率 and findings."""
    table = Table(title="按文件 by file")
    table.add_column("文件 file", overflow="fold")
    for col in ("rows", "贯标率", "errors", "warnings", "infos"):
        table.add_column(col, justify="right", no_wrap=True)
    for row in by_catalog.iter_rows(named=True):
        table.add_row(
            row[CATALOG],
            str(row["rows"]),
            f"{row['coded_rate']:.1%}",
            str(row["errors"]),
            str(row["warnings"]),
            str(row["infos"]),
        )
    return table


def line_type_label(line_type: str | None) -> str:
    """A line type in Chinese, short (西药中成药, 医用耗材, 非医保类商品 …)."""
    if line_type is None:
        return ""
    return LINE_TYPES.get(line_type, line_type).split(" (")[0]


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
    # Two-line headers and unbroken cells: the table fits 80 columns without cutting a label.
    for col in ("类别\nline type", "商品类别\nclass", "items", "统筹失去\npooled lost",
                "个账失去\npersonal lost", "个账金额\namount"):  # fmt: skip
        table.add_column(col, justify="left" if "类" in col[:3] else "right", no_wrap=True)
    for row in s.payment.iter_rows(named=True):
        table.add_row(
            line_type_label(row["line_type"]),
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


def finding_lines(result: CheckResult) -> str:
    """Every finding on one line, as ruff prints them (``--quiet``):
    ``file:row: RULE [severity] item ID: message``."""
    out = []
    for f in result.findings.iter_rows(named=True):
        where = f"{f.get(CATALOG) or result.catalog}:{f['row']}"
        item = f" item {f['item_id']}:" if f["item_id"] else ""
        out.append(f"{where}: {f['rule']} [{f['severity']}]{item} {f['message']}\n")
    return "".join(out)


def statistics(result: CheckResult) -> pl.DataFrame:
    """Findings per rule, most first (``--statistics``): count, rule, name, severity."""
    by_rule = result.summary.by_rule.filter(pl.col("findings") > 0)
    return by_rule.select("findings", "rule", "name", "severity").sort(
        "findings", "rule", descending=[True, False]
    )


def statistics_text(result: CheckResult) -> str:
    rows = statistics(result).iter_rows()
    return "".join(f"{n:>6}  {rule}  {name}  [{severity}]\n" for n, rule, name, severity in rows)


def verdict(result: CheckResult, fail_on: str) -> str:
    """The one-line outcome, as ruff ends: 'All checks passed!' when no finding is at or above
    ``fail_on``, else what was found."""
    counts = result.findings.get_column("severity").value_counts()
    by_severity = dict(counts.iter_rows())
    parts = [
        f"{by_severity[s]} {s}{'s' if by_severity[s] != 1 else ''}"
        for s in sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__, reverse=True)
        if by_severity.get(s)
    ]
    total = result.findings.height
    if result.exit_code(fail_on) == 0:
        below = f" ({', '.join(parts)} below --fail-on {fail_on})" if parts else ""
        return f"All checks passed! 全部检查通过{below}"
    return (
        f"Found {total} finding{'s' if total != 1 else ''}: {', '.join(parts)} (发现{total}个问题)"
    )
