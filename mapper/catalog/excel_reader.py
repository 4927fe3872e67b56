"""XLSX/XLS/ODS catalogs through fastexcel (calamine), every column as text.

The default sheet is the first visible one. Title rows above the header are skipped (the
header is the row among the first 30 with the most known column names), and row numbers are
those Excel shows, even when the sheet's first used row is not row 1.
"""

from __future__ import annotations

from pathlib import Path

import fastexcel
import pyarrow as pa
from python_calamine import CalamineWorkbook

from mapper.catalog.columns import HEADER_SCAN_ROWS, find_header_row, unique_headers
from mapper.catalog.xlsx_bounds import SheetExtent, check_sheet, check_workbook
from mapper.errors import InputError, reason

XLSX_SUFFIXES = (".xlsx", ".xlsm")


def _sheet_ref(sheet: str | None, names: list[str], visible: list[bool]) -> int:
    if sheet is None:
        return visible.index(True) if any(visible) else 0
    if sheet in names:
        return names.index(sheet)
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return int(sheet) - 1
    shown = [f"{n}{'' if v else ' (hidden)'}" for n, v in zip(names, visible, strict=True)]
    raise InputError(f"has no sheet '{sheet}' (找不到工作表); sheets are: " + ", ".join(shown))


def _first_used_row(path: Path, name: str, extent: SheetExtent | None) -> int:
    """0-based index of the sheet's first row holding a value, where calamine's grid (and
    so the table fastexcel returns) starts: from the XLSX scan, else asked of calamine."""
    if extent is not None and extent.first_row is not None:
        return extent.first_row - 1
    try:
        start = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).start
    except Exception:  # the row offset is a nicety; fastexcel reads the sheet regardless
        return 0
    return int(start[0]) if start else 0


def read_excel(
    path: Path, *, encoding: str | None = None, sheet: str | None = None
) -> tuple[pa.Table, str, int]:
    """Read one sheet (``sheet`` by name or 1-based number, default the first visible one).

    Returns the table (all strings), a description of the source and the Excel row number
    of the first data row. The sheet is parsed once; the header row is found in it.
    """
    file = str(path)
    if path.stat().st_size == 0:
        raise InputError("file is empty (文件为空)", file=file)
    xlsx = path.suffix.lower() in XLSX_SUFFIXES
    if xlsx:
        check_workbook(path)  # before opening: the reader loads shared strings at once
    try:
        reader = fastexcel.read_excel(path)
        names = list(reader.sheet_names)
        meta = CalamineWorkbook.from_path(str(path)).sheets_metadata
        visible = [str(m.visible).endswith("Visible") for m in meta]
    except Exception as exc:  # calamine raises several error types for unreadable files
        raise InputError(
            f"is not a readable Excel workbook (无法读取Excel文件): {reason(exc)}", file=file
        ) from None
    try:
        idx = _sheet_ref(sheet, names, visible)
    except InputError as exc:
        raise InputError(exc.detail, file=file) from None
    name = names[idx]
    extent = check_sheet(path, name) if xlsx else None  # refuses a sheet too big to read
    try:
        whole = reader.load_sheet(idx, header_row=None, dtypes="string").to_arrow()
    except Exception as exc:
        raise InputError(f"sheet '{name}' cannot be read: {reason(exc)}", file=file) from None
    if whole.num_rows == 0 or whole.num_columns == 0:
        raise InputError(f"sheet '{name}' is empty (工作表为空)", file=file)
    head = whole.slice(0, HEADER_SCAN_ROWS).to_pylist()
    header_at = find_header_row([list(r.values()) for r in head])
    header = ["" if v is None else str(v) for v in head[header_at].values()]
    table = whole.slice(header_at + 1).rename_columns(unique_headers(header))
    first_data_row = _first_used_row(path, name, extent) + header_at + 2
    return table, f"xlsx:{name}", first_data_row
