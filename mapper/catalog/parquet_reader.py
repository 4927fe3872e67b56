"""Parquet catalogs (already typed; every column is read back as text)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from mapper.catalog.columns import unique_headers
from mapper.errors import InputError, reason


def read_parquet(
    path: Path, *, encoding: str | None = None, sheet: str | None = None
) -> tuple[pa.Table, str, int]:
    """Read a Parquet file; non-text columns are cast to text."""
    try:
        # ParquetFile, not read_table: the dataset layer refuses repeated column names.
        table = pq.ParquetFile(path).read()
    except Exception as exc:
        raise InputError(f"is not a readable Parquet file: {reason(exc)}", file=str(path)) from None
    check_schema(table.schema, str(path))
    names = table.column_names
    if len(set(names)) < len(names):  # a repeated name gets _2, as a CSV header does
        table = table.rename_columns(unique_headers(names))
    try:
        text = as_text(table)
    except pa.ArrowException as exc:  # invalid values or a type with no text form
        raise InputError(f"cannot be read as text: {reason(exc)}", file=str(path)) from None
    return text, "parquet", 2  # numbered as if the first record sat under a header row


def check_schema(schema: pa.Schema, file: str) -> None:
    """Refuse columns with no text form (nested, binary)."""
    for field in schema:
        if pa.types.is_nested(field.type) or pa.types.is_binary(field.type):
            raise InputError(
                f"has a {field.type} column, which cannot be read as text; export it flat",
                file=file,
                column=field.name,
            )


def as_text(table: pa.Table | pa.RecordBatch) -> pa.Table | pa.RecordBatch:
    """Every column cast to text by pyarrow (floats as 3, times as 01:02:03.000000)."""
    return table.cast(pa.schema([pa.field(n, pa.string()) for n in table.column_names]))
