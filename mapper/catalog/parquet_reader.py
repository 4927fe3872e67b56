"""Parquet catalogs (already typed; every column is read back as text)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from mapper.errors import InputError


def read_parquet(
    path: Path, *, encoding: str | None = None, sheet: str | None = None
) -> tuple[pa.Table, str]:
    """Read a Parquet file; non-text columns are cast to text."""
    try:
        table = pq.read_table(path)
    except Exception as exc:
        raise InputError(f"is not a readable Parquet file: {exc}", file=str(path)) from None
    return table.cast(pa.schema([pa.field(n, pa.string()) for n in table.column_names])), "parquet"
