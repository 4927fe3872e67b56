"""Reading item catalogs (CSV in UTF-8/GBK, Excel, Parquet) into one canonical frame.

The frame has ``row`` (the spreadsheet row a clerk sees: header = row 1), one text column per
field in :mod:`mapper.fields` (null where the catalog lacks it) and every other source column
unchanged, so nothing the user had is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa

from mapper.catalog.code_column import choose_code_column
from mapper.catalog.columns import RESERVED, resolve_columns
from mapper.catalog.csv_reader import read_csv
from mapper.catalog.excel_reader import read_excel
from mapper.catalog.parquet_reader import read_parquet
from mapper.catalog.sheets import ReadReport, SheetRead
from mapper.catalog.structure import (
    KIND,
    flag_structure,
    no_skipped,
    skipped_rows,
    source_cells,
)
from mapper.errors import InputError
from mapper.fields import FIELD_NAMES
from mapper.paths import regular_file

Reader = Callable[..., tuple[pa.Table, str, int]]  # table, source, first data row

READERS: dict[str, Reader] = {
    ".csv": read_csv,
    ".txt": read_csv,
    ".tsv": read_csv,
    ".xlsx": read_excel,
    ".xlsm": read_excel,
    ".xls": read_excel,
    ".ods": read_excel,
    ".parquet": read_parquet,
    ".pq": read_parquet,
}


@dataclass
class Catalog:
    """A catalog as read: the canonical frame and where each field came from.

    ``skipped`` lists the section and total rows that are not items (:mod:`.structure`);
    ``sheets`` the workbook sheets read and ``skipped_sheets`` those passed over, with why
    (:mod:`.sheets`). ``columns`` and ``found_by`` are those of the first sheet read."""

    path: str
    frame: pl.DataFrame
    columns: dict[str, str] = field(default_factory=dict)
    source: str = ""
    blank_rows: int = 0  # wholly empty rows in the file, not items (their numbers are kept)
    skipped: pl.DataFrame = field(default_factory=no_skipped)
    found_by: dict[str, str] = field(default_factory=dict)  # field -> option|header|values
    sheets: list[SheetRead] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, reason)

    @property
    def rows(self) -> int:
        return self.frame.height

    def report(self) -> ReadReport:
        """What reading did beyond the items (for a check result)."""
        return ReadReport(
            self.skipped, self.sheets, self.skipped_sheets, self.columns, self.found_by
        )


def read_catalog(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    code_optional: bool = False,
) -> Catalog:
    """Read a catalog file into a :class:`Catalog`.

    ``encoding`` overrides detection for text files, ``sheet`` picks an Excel sheet (name or
    1-based number; without it every sheet with a code column is read), ``columns`` maps field
    names to headers where the aliases do not find them. ``code_optional`` reads a file with no
    code column (a catalog to be coded for the first time: ``mapper suggest`` / ``apply``) with
    every ``code`` empty and no ``code`` in ``columns``. Raises
    :class:`~mapper.errors.InputError` for anything unreadable.
    """
    p = Path(path)
    file = str(path)
    reader = reader_for(p, file)
    if reader is read_excel and sheet is None:
        return read_workbook(p, file, columns, code_optional)
    table, source, first_row = reader(p, encoding=encoding, sheet=sheet)
    name = source.partition(":")[2] if reader is read_excel else None
    part = read_table(table, file, columns, first_row, name, code_optional)
    return Catalog(
        path=file,
        frame=part.frame,
        columns=part.columns,
        source=source,
        blank_rows=part.blank_rows,
        skipped=part.skipped,
        found_by=part.found_by,
        sheets=[part.sheet] if part.sheet is not None else [],
    )


@dataclass
class Part:
    """One table read: a CSV or Parquet file, or one sheet of a workbook."""

    frame: pl.DataFrame  # canonical, items only
    columns: dict[str, str]
    found_by: dict[str, str]
    blank_rows: int
    skipped: pl.DataFrame  # its section and total rows
    sheet: SheetRead | None = None


def read_table(
    table: pa.Table,
    file: str,
    columns: Mapping[str, str] | None,
    first_row: int,
    sheet: str | None = None,
    code_optional: bool = False,
) -> Part:
    """The canonical items of one table of text columns (rows numbered from ``first_row``),
    its structure rows apart, blank rows dropped. InputError when it has no data rows or no
    code column (unless ``code_optional``)."""
    if table.num_rows == 0:
        raise InputError(NO_DATA, file=file)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    mapping = resolve_columns(frame.columns, columns, file)
    found_by = choose_code_column(frame, mapping, columns, file, required=not code_optional)
    assert found_by is not None  # judged on every row: found, or raised
    canonical, blank = _drop_blank_rows(_canonical(frame, mapping, first_row, sheet))
    if canonical.is_empty():
        raise InputError(NO_DATA, file=file)
    cells = source_cells(canonical.columns)
    flagged = canonical.lazy().pipe(flag_structure, cells).collect()  # lazy: 6x faster
    skipped = skipped_rows(flagged, cells).collect()
    items = flagged.filter(pl.col(KIND).is_null()).drop(KIND)
    if items.is_empty():
        raise InputError(NO_DATA + "; only section and total rows", file=file)
    read = None if sheet is None else SheetRead(sheet, items.height, mapping, found_by)
    return Part(items, mapping, found_by, blank, skipped, read)


NO_DATA = "has a header but no data rows (没有数据行)"


def reader_for(p: Path, file: str) -> Reader:
    """The reader for a catalog file by its suffix; an InputError if there is none."""
    regular_file(p, "catalog file")
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        raise InputError(
            f"unsupported file type '{p.suffix}'; use one of " + ", ".join(sorted(READERS)),
            file=file,
        )
    return reader


def _drop_blank_rows(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Drop rows whose every source cell is empty; row numbers of the rest are unchanged."""
    kept = frame.filter(filled_expr(source_cells(frame.columns)))
    return kept, frame.height - kept.height


def filled_expr(cells: list[str]) -> pl.Expr:
    """True where any of the cells holds more than whitespace (the row is not blank)."""
    return pl.any_horizontal(
        [pl.col(c).cast(pl.String).str.strip_chars().fill_null("") != "" for c in cells]
    )


def _canonical(
    frame: pl.DataFrame, mapping: dict[str, str], first_row: int, sheet: str | None
) -> pl.DataFrame:
    row = (pl.int_range(pl.len(), dtype=pl.Int64) + first_row).alias("row")
    return frame.select(row, *canonical_exprs(frame.columns, mapping)).with_columns(
        sheet=pl.lit(sheet, pl.String)
    )


def canonical_exprs(source_columns: list[str], mapping: dict[str, str]) -> list[pl.Expr]:
    """The canonical columns after ``row``: one per field, then every unmapped source column
    (renamed src_… where it clashes with a field name)."""
    mapped = set(mapping.values())

    def field_expr(name: str) -> pl.Expr:
        if name not in mapping:
            return pl.lit(None, pl.String).alias(name)
        value = pl.col(mapping[name]).cast(pl.String)
        # A blank cell is an absent value, not a value of spaces.
        return pl.when(value.str.strip_chars() != "").then(value).alias(name)

    fields = [field_expr(name) for name in FIELD_NAMES]
    others = [
        pl.col(c).alias(f"src_{c}" if c in RESERVED else c)
        for c in source_columns
        if c not in mapped
    ]
    return [*fields, *others]


__all__ = ["READERS", "Catalog", "LazyCatalog", "read_catalog", "scan_catalog"]


# The workbook and streaming readers build on the eager one: imported once it is defined.
from mapper.catalog.scan import LazyCatalog, scan_catalog  # noqa: E402
from mapper.catalog.sheets import read_workbook  # noqa: E402
