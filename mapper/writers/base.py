"""What a writer is: a named output format that writes a check result to a folder and,
where it makes sense, renders it for standard output."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

import polars as pl

from mapper.policy.readiness import cash_items
from mapper.result import CheckResult


def tables(result: CheckResult) -> dict[str, pl.LazyFrame]:
    """The tabular outputs of a check, by file stem: what CSV, Parquet and XLSX all write.

    Lazy, so a streamed check's item table goes from its file to another file without being
    loaded (writers sink them; XLSX collects)."""
    out = {
        "findings": result.located_findings.lazy(),
        "items": result.items_source,
        "summary_rules": result.summary.by_rule.lazy(),
        "summary_line_types": result.summary.by_line_type.lazy(),
    }
    if not result.summary.by_sheet.is_empty():
        out["summary_sheets"] = result.summary.by_sheet.lazy()
    if not result.reading.skipped.is_empty():  # section and total rows: listed, not items
        out["skipped_rows"] = result.reading.skipped.lazy()
    if result.summary.payment is not None:
        out["summary_payment"] = result.summary.payment.lazy()
        cash = result.written.get("cash_items")  # a streamed check wrote it with the items
        out["cash_items"] = pl.scan_parquet(cash) if cash else cash_items(result.items_source)
    return out


class Writer(ABC):
    """Base class; subclasses set ``name``/``description`` and implement :meth:`write`."""

    name: ClassVar[str]
    description: ClassVar[str]

    @abstractmethod
    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        """Write the result's files into ``out_dir``; return the paths written."""

    def render(self, result: CheckResult) -> str | None:
        """The result as text for standard output, or None for binary formats."""
        return None
