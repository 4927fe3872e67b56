"""Workbooks read sheet by sheet: every sheet that has a code column is part of the catalog.

A HIS export is one workbook with a sheet per line type (药品目录, 卫生材料, 诊疗项目) and often a
cover sheet (说明, 封面). Without ``--sheet``, each visible sheet is read on its own (its own
header row, its own columns); a sheet without a code column, an empty one or a hidden one is
passed over and named (:attr:`Catalog.skipped_sheets <mapper.catalog.Catalog>`).

Row numbers. ``row`` is the key every later stage joins on (findings, item status), so it
must be unique in the catalog, and spreadsheet rows repeat from sheet to sheet. When more
than one sheet is read, a row's key is ``position × ROW_BLOCK + its spreadsheet row``, where
``position`` is the sheet's 1-based place in the workbook (so 药品目录 as the second sheet has
rows 20000002, 20000003 …); with one sheet (or ``--sheet``) the key is the spreadsheet row, as
for CSV. No sheet has ROW_BLOCK rows (XLSX and ODS stop at 1,048,576), so the row a clerk
sees is ``row % ROW_BLOCK`` on any row with a sheet (:func:`sheet_row`); every frame keeps
``row`` and the ``sheet`` column (the sheet's name; null for CSV and Parquet), and the item
table and reports show ``sheet`` and ``sheet_row``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastexcel
import polars as pl
from python_calamine import CalamineWorkbook

import mapper.catalog as catalog
from mapper.catalog.excel_reader import read_excel
from mapper.errors import InputError, reason

if TYPE_CHECKING:
    from mapper.catalog import Catalog, Part

ROW_BLOCK = 10_000_000  # row keys of one sheet: more than any sheet's rows


@dataclass(frozen=True)
class SheetRead:
    """A sheet read into the catalog: its name, its items, and its columns."""

    name: str
    items: int
    columns: dict[str, str]  # field -> header, in this sheet
    found_by: dict[str, str]  # field -> option|header|values


@dataclass
class ReadReport:
    """What reading did beyond the items, for reports: the section and total rows set apart,
    the sheets read and passed over, and how each field's column was found."""

    skipped: pl.DataFrame  # mapper.catalog.structure.SKIPPED_SCHEMA
    sheets: list[SheetRead] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, reason)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header (first sheet)
    found_by: dict[str, str] = field(default_factory=dict)  # field -> option|header|values

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: skipped rows with sheet and row, sheets, and columns."""
        return {
            "skipped_rows": self.skipped.to_dicts(),
            "sheets_read": [
                {"sheet": s.name, "items": s.items, "columns": _columns(s.columns, s.found_by)}
                for s in self.sheets
            ],
            "sheets_skipped": [{"sheet": n, "reason": why} for n, why in self.skipped_sheets],
            "columns": _columns(self.columns, self.found_by),
        }

    def column_notes(self) -> list[str]:
        """One line per field (per sheet) whose column was not found by its header name:
        ``卫生材料: code column 国家码 (found by its values)``."""
        how = {"values": "found by its values, 按内容识别", "option": "named by --column"}
        where = [(f"{s.name}: ", s.columns, s.found_by) for s in self.sheets] or [
            ("", self.columns, self.found_by)
        ]
        return [
            f"{prefix}{f} column {columns[f]} ({how[by]})"
            for prefix, columns, found_by in where
            for f, by in found_by.items()
            if by in how and f in columns
        ]


def _columns(columns: dict[str, str], found_by: dict[str, str]) -> dict[str, dict[str, str]]:
    return {f: {"header": h, "found_by": found_by.get(f, "header")} for f, h in columns.items()}


def sheet_row(row: pl.Expr | None = None, sheet: pl.Expr | None = None) -> pl.Expr:
    """The spreadsheet row a clerk sees, from the row key (see the module docstring)."""
    row = pl.col("row") if row is None else row
    sheet = pl.col("sheet") if sheet is None else sheet
    return pl.when(sheet.is_not_null()).then(row % ROW_BLOCK).otherwise(row).alias("sheet_row")


def workbook_sheets(path: Path, file: str) -> list[tuple[str, bool]]:
    """Every sheet of a workbook with whether it is visible."""
    try:
        names = list(fastexcel.read_excel(path).sheet_names)
        meta = CalamineWorkbook.from_path(str(path)).sheets_metadata
        visible = [str(m.visible).endswith("Visible") for m in meta]
    except Exception as exc:  # calamine raises several error types for unreadable files
        raise InputError(
            f"is not a readable Excel workbook (无法读取Excel文件): {reason(exc)}", file=file
        ) from None
    return list(zip(names, visible, strict=True))


def read_workbook(
    path: Path, file: str, columns: Mapping[str, str] | None, code_optional: bool = False
) -> Catalog:
    """Every visible sheet with a code column, in workbook order, as one catalog. With
    ``code_optional``, when no sheet has one, every visible sheet with items (codes empty)."""
    if path.stat().st_size == 0:
        raise InputError("file is empty (文件为空)", file=file)
    sheets = workbook_sheets(path, file)
    parts, passed, errors = _read_sheets(path, file, sheets, columns, False)
    if not parts and code_optional:
        parts, passed, errors = _read_sheets(path, file, sheets, columns, True)
    if not parts:
        if len(errors) == 1 and len(sheets) == 1:
            raise errors[0]  # one sheet: its own error says it best
        raise InputError(
            "no sheet has a column of national codes (没有含医保编码列的工作表): "
            + "; ".join(f"{name} ({why})" for name, why in passed)
            + ". Rename the code column to 医保编码, or name it with --sheet and --column",
            file=file,
        )
    several = len(parts) > 1
    frames = [
        p.frame.with_columns(pl.col("row") + position * ROW_BLOCK) if several else p.frame
        for position, p in parts
    ]
    first = parts[0][1]
    read = [p.sheet for _, p in parts if p.sheet is not None]
    return catalog.Catalog(
        path=file,
        frame=pl.concat(frames, how="diagonal_relaxed"),
        columns=first.columns,
        source="xlsx:" + ",".join(s.name for s in read),
        blank_rows=sum(p.blank_rows for _, p in parts),
        skipped=pl.concat([p.skipped for _, p in parts]),
        found_by=first.found_by,
        sheets=read,
        skipped_sheets=passed,
    )


def _read_sheets(
    path: Path,
    file: str,
    sheets: list[tuple[str, bool]],
    columns: Mapping[str, str] | None,
    code_optional: bool,
) -> tuple[list[tuple[int, Part]], list[tuple[str, str]], list[InputError]]:
    """The sheets read (with their 1-based position), those passed over (with why), and
    their errors."""
    parts: list[tuple[int, Part]] = []
    passed: list[tuple[str, str]] = []
    errors: list[InputError] = []
    for position, (name, visible) in enumerate(sheets, start=1):
        if not visible:
            passed.append((name, "hidden (隐藏)"))
            continue
        try:
            table, _, first_row = read_excel(path, sheet=name)
            part = catalog.read_table(table, file, columns, first_row, name, code_optional)
            parts.append((position, part))
        except InputError as exc:
            errors.append(exc)
            passed.append((name, _reason(exc)))
    return parts, passed, errors


def _reason(error: InputError) -> str:
    """Why a sheet was passed over, in a few words."""
    detail = error.detail
    if "national code" in detail:
        headers = detail.partition("headers found: ")[2].partition(". ")[0]
        return f"no code column (无医保编码列); headers: {headers[:40]}"
    if "no data rows" in detail:
        return "no data rows (没有数据行)"
    if "empty" in detail:
        return "empty (工作表为空)"
    return detail
