"""CSV files in UTF-8 with a BOM, so Excel on a Chinese Windows opens them correctly."""

from __future__ import annotations

import io
from pathlib import Path

from mapper.policy.readiness import cash_items
from mapper.result import CheckResult
from mapper.writers import register
from mapper.writers.base import Writer


@register
class CsvWriter(Writer):
    name = "csv"
    description = "findings, items, summaries and cash items as CSV (UTF-8 BOM)"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        frames = {
            "findings.csv": result.findings,
            "items.csv": result.items,
            "summary_rules.csv": result.summary.by_rule,
            "summary_line_types.csv": result.summary.by_line_type,
        }
        if result.summary.payment is not None:
            frames["summary_payment.csv"] = result.summary.payment
            frames["cash_items.csv"] = cash_items(result.items)
        paths = []
        for filename, frame in frames.items():
            path = out_dir / filename
            frame.write_csv(path, include_bom=True)
            paths.append(path)
        return paths

    def render(self, result: CheckResult) -> str:
        buffer = io.StringIO()
        result.findings.write_csv(buffer)
        return buffer.getvalue()
