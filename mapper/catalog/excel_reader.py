"""XLSX/XLS/ODS catalogs through fastexcel (calamine), every column as text."""

from __future__ import annotations

from pathlib import Path

import fastexcel
import pyarrow as pa

from mapper.catalog.columns import unique_headers
from mapper.errors import InputError


def _sheet_ref(sheet: str | None, names: list[str]) -> str | int:
    if sheet is None:
        return 0
    if sheet in names:
        return sheet
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return int(sheet) - 1
    raise InputError(
        f"has no sheet '{sheet}' (找不到工作表); sheets are: " + ", ".join(names), file=None
    )


def read_excel(
    path: Path, *, encoding: str | None = None, sheet: str | None = None
) -> tuple[pa.Table, str]:
    """Read one sheet (``sheet`` by name or 1-based number, default the first)."""
    file = str(path)
    if path.stat().st_size == 0:
        raise InputError("file is empty (文件为空)", file=file)
    try:
        reader = fastexcel.read_excel(path)
    except Exception as exc:  # calamine raises several error types for unreadable files
        raise InputError(
            f"is not a readable Excel workbook (无法读取Excel文件): {exc}", file=file
        ) from None
    names = list(reader.sheet_names)
    try:
        ref = _sheet_ref(sheet, names)
    except InputError as exc:
        raise InputError(exc.detail, file=file) from None
    try:
        loaded = reader.load_sheet(ref, dtypes="string")
        table = loaded.to_arrow()
    except Exception as exc:
        raise InputError(f"sheet '{sheet or names[0]}' cannot be read: {exc}", file=file) from None
    if table.num_columns == 0:
        raise InputError(f"sheet '{sheet or names[0]}' is empty (工作表为空)", file=file)
    table = table.rename_columns(unique_headers([str(c) for c in table.column_names]))
    return table, f"xlsx:{names[ref] if isinstance(ref, int) else ref}"
