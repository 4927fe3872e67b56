"""Parquet files for data pipelines: findings and items keep their types."""

from __future__ import annotations

from pathlib import Path

from mapper.result import CheckResult
from mapper.writers import register
from mapper.writers.base import Writer


@register
class ParquetWriter(Writer):
    name = "parquet"
    description = "findings.parquet, items.parquet, summary_rules.parquet"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        frames = {
            "findings.parquet": result.findings,
            "items.parquet": result.items,
            "summary_rules.parquet": result.summary.by_rule,
        }
        for filename, frame in frames.items():
            frame.write_parquet(out_dir / filename)
        return [out_dir / f for f in frames]
