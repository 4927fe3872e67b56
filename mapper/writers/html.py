"""report.html: one self-contained page (inline CSS, JS and SVG charts, nothing fetched).

The readiness summary (贯标率 by line type, items and money each fund stops paying, top
rules), charts drawn server-side as SVG, and a findings table a clerk can filter by rule,
severity and line type and search by name. Rendered with jinja2, autoescaping on: every value
from the catalog is escaped. The table is capped at :data:`MAX_FINDINGS` rows (the page says
so) so the file stays usable on a phone; the CSV/XLSX outputs have every finding.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
import polars as pl

from mapper.fields import LINE_TYPES
from mapper.result import CheckResult
from mapper.writers import register
from mapper.writers.base import Writer

MAX_FINDINGS = 5_000
TOP_RULES = 10
SEVERITY_LABELS = {"error": "错误 error", "warning": "警告 warning", "info": "提示 info"}
STATUS_LABELS = {"ok": "正常 ok", **SEVERITY_LABELS}


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment shared by the writer and the web app (autoescape always on)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mapper", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = lambda v: "—" if v is None else f"{v:,.2f}"
    env.filters["pct"] = lambda v: f"{100 * v:.1f}%"
    return env


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _payment(result: CheckResult) -> dict[str, Any] | None:
    payment = result.summary.payment
    if payment is None:
        return None
    items = result.items
    rows = [
        {**row, "line_label": LINE_TYPES.get(row["line_type"], row["line_type"])}
        for row in payment.filter(
            (pl.col("pooled_fund_lost") > 0) | (pl.col("personal_account_lost") > 0)
        ).iter_rows(named=True)
    ]
    return {
        "pooled_fund_lost": int((~items.get_column("pooled_fund_payable")).sum()),
        "personal_account_lost": int((~items.get_column("personal_account_payable")).sum()),
        "pooled_fund_amount_lost": payment.get_column("pooled_fund_amount_lost").sum(),
        "personal_account_amount_lost": payment.get_column("personal_account_amount_lost").sum(),
        "rows": rows,
    }


def _findings(result: CheckResult, limit: int) -> list[dict[str, Any]]:
    names = result.items.select("row", "name", "line_type")
    shown = result.located_findings.head(limit).join(
        names, on="row", how="left", maintain_order="left"
    )
    rows = []
    for row in shown.iter_rows(named=True):
        line = row["line_type"] or "unknown"
        rows.append(
            {
                **row,
                "line_type": line,
                "line_label": LINE_TYPES.get(line, line),
                "severity_label": SEVERITY_LABELS.get(row["severity"], row["severity"]),
                "search": f"{row['name'] or ''} {row['item_id'] or ''}".lower(),
            }
        )
    return rows


def report_context(result: CheckResult, *, max_findings: int = MAX_FINDINGS) -> dict[str, Any]:
    """Everything the report template shows, as plain values (the template only lays out)."""
    s = result.summary
    line_types = [
        {**row, "rate": row["coded_rate"] or 0.0} for row in s.by_line_type.iter_rows(named=True)
    ]
    used = s.by_rule.filter(pl.col("findings") > 0).sort(
        ["items", "findings", "rule"], descending=[True, True, False]
    )
    top = used.head(TOP_RULES).to_dicts()
    most = max((r["items"] for r in top), default=0)
    for rule in top:
        rule["share"] = _share(rule["items"], most)
        rule["severity_label"] = SEVERITY_LABELS.get(rule["severity"], rule["severity"])
    status: list[dict[str, Any]] = []
    offset = 0.0  # where each status starts on the stacked bar
    for key, count in s.by_status.items():
        share = _share(count, s.rows_read)
        label = STATUS_LABELS.get(key, key)
        status.append(
            {"key": key, "label": label, "count": count, "share": share, "offset": offset}
        )
        offset += share
    findings = _findings(result, max_findings)
    line_keys = sorted({f["line_type"] for f in findings})
    return {
        "catalog_name": Path(result.catalog).name if result.catalog else "",
        "meta": result.meta(),
        "rows_read": s.rows_read,
        "coded_ok": s.coded_ok,
        "coded_rate": s.coded_rate,
        "institution_ready": s.institution_ready,
        "cutover": s.cutover.to_dict() if s.cutover is not None else None,
        "status": status,
        "line_types": line_types,
        "top_rules": top,
        "payment": _payment(result),
        "findings": findings,
        "findings_total": result.findings.height,
        "max_findings": max_findings,
        "filter_rules": used.select("rule", "name").to_dicts(),
        "filter_severities": [
            {"key": k, "label": v}
            for k, v in SEVERITY_LABELS.items()
            if k in set(result.findings.get_column("severity"))
        ],
        "filter_lines": [{"key": k, "label": LINE_TYPES.get(k, k)} for k in line_keys],
        "downloads": [],
        "home_url": None,
        "sheets": s.by_sheet.to_dicts(),
        "skipped_sheets": result.reading.skipped_sheets,
        "skipped_rows": result.reading.skipped.head(max_findings).to_dicts(),
        "column_notes": result.reading.column_notes(),
    }


def render_report(result: CheckResult, **extra: Any) -> str:
    """The report page; ``extra`` overrides context values (the web app adds ``downloads``)."""
    context = report_context(result, max_findings=extra.pop("max_findings", MAX_FINDINGS))
    context.update(extra)
    return environment().get_template("report.html").render(context)


@register
class HtmlWriter(Writer):
    name = "html"
    description = "report.html: self-contained page with summary, charts and a filterable table"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        path = out_dir / "report.html"
        path.write_text(self.render(result), encoding="utf-8")
        return [path]

    def render(self, result: CheckResult) -> str:
        return render_report(result)
