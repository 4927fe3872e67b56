"""Parquet files for data pipelines: findings, items and summaries keep their types."""

from __future__ import annotations

from pathlib import Path

from mapper.result import CheckResult
from mapper.writers import register
from mapper.writers.base import Writer, tables


@register
class ParquetWriter(Writer):
    name = "parquet"
    description = "findings, items, summaries and cash items as Parquet"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        paths = []
        for stem, frame in tables(result).items():
            path = out_dir / f"{stem}.parquet"
            if result.written.get(stem) != path:  # not already written by a streamed check
                frame.sink_parquet(path)
            paths.append(path)
        return paths
