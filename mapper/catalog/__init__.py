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

from mapper.catalog.columns import RESERVED, code_candidates, resolve_columns
from mapper.catalog.csv_reader import read_csv
from mapper.catalog.excel_reader import read_excel
from mapper.catalog.parquet_reader import read_parquet
from mapper.codes import well_formed_expr
from mapper.errors import InputError
from mapper.fields import FIELD_NAMES
from mapper.normalize import code_key
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
    """A catalog as read: the canonical frame and where each field came from."""

    path: str
    frame: pl.DataFrame
    columns: dict[str, str] = field(default_factory=dict)
    source: str = ""
    blank_rows: int = 0  # wholly empty rows in the file, not items (their numbers are kept)

    @property
    def rows(self) -> int:
        return self.frame.height


def read_catalog(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> Catalog:
    """Read a catalog file into a :class:`Catalog`.

    ``encoding`` overrides detection for text files, ``sheet`` picks an Excel sheet (name or
    1-based number), ``columns`` maps field names to headers where the aliases do not find
    them. Raises :class:`~mapper.errors.InputError` for anything unreadable.
    """
    p = Path(path)
    file = str(path)
    reader = reader_for(p, file)
    table, source, first_row = reader(p, encoding=encoding, sheet=sheet)
    if table.num_rows == 0:
        raise InputError("has a header but no data rows (没有数据行)", file=file)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    mapping = resolve_columns(frame.columns, columns, file)
    if not (columns and "code" in columns):
        mapping["code"] = _best_code_column(frame, mapping["code"])
    canonical, blank = _drop_blank_rows(_canonical(frame, mapping, first_row), frame.columns)
    if canonical.is_empty():
        raise InputError("has a header but no data rows (没有数据行)", file=file)
    return Catalog(path=file, frame=canonical, columns=mapping, source=source, blank_rows=blank)


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


def _drop_blank_rows(frame: pl.DataFrame, source_columns: list[str]) -> tuple[pl.DataFrame, int]:
    """Drop rows whose every source cell is empty; row numbers of the rest are unchanged."""
    kept = frame.filter(filled_expr([c for c in frame.columns if c != "row"]))
    return kept, frame.height - kept.height


def filled_expr(cells: list[str]) -> pl.Expr:
    """True where any of the cells holds more than whitespace (the row is not blank)."""
    return pl.any_horizontal(
        [pl.col(c).cast(pl.String).str.strip_chars().fill_null("") != "" for c in cells]
    )


def _canonical(frame: pl.DataFrame, mapping: dict[str, str], first_row: int) -> pl.DataFrame:
    row = (pl.int_range(pl.len(), dtype=pl.Int64) + first_row).alias("row")
    return frame.select(row, *canonical_exprs(frame.columns, mapping))


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


def _best_code_column(frame: pl.DataFrame, chosen: str) -> str:
    """Among columns whose header names a code (医保编码, 医保贯标码, 医保编码_2 …), the one
    whose values most often have a national code's shape; the alias choice on a tie."""
    candidates = code_candidates(frame.columns)
    if len(candidates) < 2:
        return chosen
    shares = frame.select(
        well_formed_expr(code_key(pl.col(c))).fill_null(False).mean().alias(c) for c in candidates
    ).row(0, named=True)
    best = max(candidates, key=lambda c: (shares[c] or 0.0, c == chosen))
    return best if (shares[best] or 0.0) > (shares[chosen] or 0.0) else chosen


# The streaming reader builds on the eager one, so it is imported once that is defined.
from mapper.catalog.scan import LazyCatalog, scan_catalog  # noqa: E402
