"""Spreadsheet safety: neutralise cells a spreadsheet would run as a formula (CSV injection).

Excel, WPS and LibreOffice treat a cell starting with ``=``, ``+``, ``-`` or ``@`` (and, in some
versions, a tab or carriage return before one) as a formula, so a catalog row named
``=HYPERLINK("http://…")`` would run when the clerk opens the download. Such cells get a leading
``'``, the spreadsheet convention for "this is text" (OWASP's advice). Plain numbers such as
``-5`` or ``+3.5`` are left alone: they cannot call anything and a price column should stay a
number. Used by the web downloads and the CSV/XLSX writers; JSON and Parquet keep raw values.
"""

from __future__ import annotations

import re
from typing import TypeVar

import polars as pl

TRIGGERS = "=+-@\t\r"
_DANGEROUS = r"^[=+\-@\t\r]"
_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def neutralise_text(value: str) -> str:
    """One cell's text, prefixed with ``'`` when a spreadsheet would run it as a formula."""
    if value and value[0] in TRIGGERS and not re.match(_NUMBER, value):
        return "'" + value
    return value


def neutralise_expr(column: str) -> pl.Expr:
    """A polars expression doing :func:`neutralise_text` on a String column."""
    col = pl.col(column)
    risky = col.str.contains(_DANGEROUS) & ~col.str.contains(_NUMBER)
    return pl.when(risky).then(pl.lit("'") + col).otherwise(col).alias(column)


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def neutralise(frame: Frame) -> Frame:
    """Every text cell (String or Categorical) and every header of ``frame`` (in memory or
    lazy) made safe to open in a spreadsheet."""
    schema = frame.collect_schema()
    texts = [
        name
        for name, dtype in schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Categorical)  # any categories
    ]
    as_text = [pl.col(name).cast(pl.String) for name in texts]
    safe = frame.with_columns(as_text).with_columns(neutralise_expr(n) for n in texts)
    renames = {name: neutralise_text(name) for name in schema}
    return safe.rename({k: v for k, v in renames.items() if k != v})
