"""CSV files in UTF-8 with a BOM, so Excel on a Chinese Windows opens them correctly."""

from __future__ import annotations

import io
from pathlib import Path

from mapper.result import CheckResult
from mapper.web.cells import neutralise
from mapper.writers import register
from mapper.writers.base import Writer, tables


@register
class CsvWriter(Writer):
    name = "csv"
    description = "findings, items, summaries and cash items as CSV (UTF-8 BOM)"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        paths = []
        for stem, frame in tables(result).items():
            path = out_dir / f"{stem}.csv"
            neutralise(frame).sink_csv(path, include_bom=True)  # formula-safe for Excel
            paths.append(path)
        return paths

    def render(self, result: CheckResult) -> str:
        buffer = io.StringIO()
        result.findings.write_csv(buffer)
        return buffer.getvalue()
