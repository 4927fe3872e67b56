"""Writing approved codes into a copy of the hospital's own file, changing nothing else.

- **XLSX → XLSX**: the workbook is opened with openpyxl and only the code cells of the approved
  rows are set (as text), on each sheet that was read; every sheet, sheet name, title row,
  merged range, number type and format is kept.
- **CSV → CSV**: the file is read in its own encoding (BOM kept) and delimiter, only the code
  cells of the approved rows change, and it is written back in that encoding with the same line
  endings and column order (title lines above the header included).
- Anything else (CSV → XLSX, XLS/ODS, Parquet out): the table as read, written by suffix.

A sheet or file without a code column (a catalog coded for the first time) gets a new
``医保编码`` column right after its name column, in the header row the reader found; in a
workbook the cells, column widths and merged ranges to its right move one column over (a
title merged across the table widens by one), as Excel's "insert column" does.

Row numbers are those ``read_catalog`` gives (the spreadsheet's, header = its own row). Every
output is written to a temporary file and renamed into place. Codes arrive validated
(:mod:`mapper.suggest.validate`) and are neutralised again as every writer neutralises cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import polars as pl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mapper.catalog import READERS
from mapper.catalog.csv_reader import header_layout
from mapper.catalog.encoding import decode_to_utf8
from mapper.errors import InputError
from mapper.suggest.files import atomic_path
from mapper.web.cells import neutralise, neutralise_text

NEW_CODE_HEADER = "医保编码"
HEADER_SCAN_ROWS = 30
KEEPS_WORKBOOK = (".xlsx", ".xlsm")
TEXT = (".csv", ".txt", ".tsv")


@dataclass
class Part:
    """One table of the file: the sheet read (None for a text file), the headers matched and the
    codes to set (row as read_catalog numbers it within the table → code)."""

    sheet: str | None
    code_header: str | None  # None: the table has no code column yet
    name_header: str | None  # the new code column goes right after this one
    headers: tuple[str, ...]  # headers read_catalog matched, to find the header row
    codes: dict[int, str]


@dataclass
class Target:
    """Where the codes go: the original file and its tables."""

    path: Path
    parts: list[Part]
    encoding: str | None


Filler = Callable[[Target, Path], None]


def fill_workbook(target: Target, out: Path) -> None:
    """Set each part's codes in its sheet of a copy of the workbook."""
    book = openpyxl.load_workbook(target.path, keep_vba=target.path.suffix.lower() == ".xlsm")
    for part in target.parts:
        sheet = book[part.sheet] if part.sheet else book.worksheets[0]
        header_row, column, name_column = _header_cell(sheet, part, str(target.path))
        if column is None:
            column = (name_column or sheet.max_column) + 1
            _insert_column(sheet, column)
            sheet.cell(row=header_row, column=column, value=NEW_CODE_HEADER)
        for row, code in part.codes.items():
            cell = sheet.cell(row=row, column=column)
            cell.value = neutralise_text(code)
            cell.number_format = "@"  # text: a 15-digit service code must not become a number
    with atomic_path(out) as tmp:
        book.save(tmp)


def _insert_column(sheet: Worksheet, column: int) -> None:
    """Insert an empty column at ``column`` (1-based) as Excel does: cells, widths and merged
    ranges to its right move over; a range spanning it widens (openpyxl moves only cells)."""
    if column > sheet.max_column:
        return
    merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in list(sheet.merged_cells.ranges)]
    for r in list(sheet.merged_cells.ranges):
        sheet.unmerge_cells(str(r))
    widths = {
        index: sheet.column_dimensions[get_column_letter(index)].width
        for index in range(column, sheet.max_column + 1)
        if get_column_letter(index) in sheet.column_dimensions
    }
    sheet.insert_cols(column)
    for index in sorted(widths, reverse=True):
        sheet.column_dimensions[get_column_letter(index + 1)].width = widths[index]
    for min_row, min_col, max_row, max_col in merged:
        shift_start = 1 if min_col >= column else 0
        shift_end = 1 if max_col >= column else 0
        sheet.merge_cells(
            start_row=min_row, start_column=min_col + shift_start,
            end_row=max_row, end_column=max_col + shift_end,
        )  # fmt: skip


def _header_cell(sheet: Worksheet, part: Part, file: str) -> tuple[int, int | None, int | None]:
    """The header row (1-based), the code column and the name column (1-based, None when
    there is none): the row among the first ones holding most of the headers read."""
    wanted = {h.strip() for h in part.headers if h}
    best, best_row = 0, None
    code_column = name_column = None
    for row in sheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS):
        cells = {str(c.value).strip(): c.column for c in row if c.value is not None}
        hits = len(wanted & cells.keys())
        if hits > best:
            best, best_row = hits, row[0].row
            code_column = cells.get(part.code_header or "")
            name_column = cells.get(part.name_header or "")
    if best_row is None:
        raise InputError(
            f"sheet '{part.sheet}': the header row read before is not there any more", file=file
        )
    return best_row, code_column, name_column


def fill_text(target: Target, out: Path) -> None:
    """Set the codes (row → code) in a copy of a delimited text file, in its own encoding,
    delimiter and line endings; a new code column goes right after the name column."""
    (part,) = target.parts
    codes = part.codes
    file = str(target.path)
    raw = target.path.read_bytes()
    decoded = decode_to_utf8(raw, file, target.encoding)
    _names, delimiter, header_at = header_layout(decoded.data)
    text = decoded.data.decode("utf-8")
    ending = "\r\n" if "\r\n" in text else ("\r" if "\r" in text and "\n" not in text else "\n")
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [cell.strip() for cell in records[header_at]]
    if part.code_header is not None and part.code_header in header:
        column = header.index(part.code_header)
    else:
        column = header.index(part.name_header) + 1 if part.name_header in header else len(header)
        for index in range(header_at, len(records)):
            if records[index]:
                record = records[index]
                record.extend([""] * (column - len(record)))
                record.insert(column, NEW_CODE_HEADER if index == header_at else "")
    for row, code in codes.items():
        record = records[row - 1]  # row numbers count records, header = header_at + 1
        record.extend([""] * (column + 1 - len(record)))
        record[column] = neutralise_text(code)
    quote_all = text.lstrip("\ufeff").startswith('"')
    buffer = io.StringIO(newline="")
    csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=ending,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    ).writerows(records)
    body = buffer.getvalue()
    if not text.endswith(("\n", "\r")):
        body = body.removesuffix(ending)
    with atomic_path(out) as tmp:
        tmp.write_bytes(body.encode(_python_codec(decoded.encoding)))


def _python_codec(name: str) -> str:
    """The codec that writes a file back as it was read (a UTF-8 BOM or UTF-16 BOM kept)."""
    return {"utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}.get(name, name)


def fill_table(target: Target, out: Path) -> None:
    """The table as read (blank rows included), codes set, written by ``out``'s suffix; a new
    code column goes right after the name column."""
    if len(target.parts) > 1:
        raise InputError(
            "codes for several sheets can only be written into the workbook itself: "
            "use --out with .xlsx, or --sheet",
            file=str(target.path),
        )
    (part,) = target.parts
    codes = part.codes
    table, _source, first_row = READERS[target.path.suffix.lower()](
        target.path, encoding=target.encoding, sheet=part.sheet
    )
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    header = part.code_header if part.code_header in frame.columns else NEW_CODE_HEADER
    if header not in frame.columns:
        names = frame.columns
        at = names.index(part.name_header) + 1 if part.name_header in names else frame.width
        frame = frame.insert_column(at, pl.Series(header, [None] * frame.height, pl.String))
    fills = pl.DataFrame(
        {"_row": list(codes), "_new_code": list(codes.values())},
        schema={"_row": pl.Int64, "_new_code": pl.String},
    )
    old = pl.col(header).cast(pl.String) if header in frame.columns else pl.lit(None, pl.String)
    written = (
        frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + first_row).alias("_row"))
        .join(fills, on="_row", how="left", maintain_order="left")
        .with_columns(pl.coalesce("_new_code", old).alias(header))
        .drop("_row", "_new_code")
    )
    suffix = out.suffix.lower()
    with atomic_path(out) as tmp:
        if suffix == ".parquet":
            written.write_parquet(tmp)
        elif suffix == ".xlsx":
            neutralise(written).write_excel(tmp, autofit=True)
        else:
            neutralise(written).write_csv(tmp, include_bom=True)


def filler_for(source: Path, out: Path) -> Filler:
    """Keep the original file's form where the output has it; else write the table."""
    src, dst = source.suffix.lower(), out.suffix.lower()
    if src in KEEPS_WORKBOOK and dst == ".xlsx":
        return fill_workbook
    if src in TEXT and dst == ".csv":
        return fill_text
    return fill_table
