"""Lazy frames over batches that Python computes, so that polars' own engine (pushed-down
filters and projections, row limits, streaming sinks) runs over them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import polars as pl
from polars.io.plugins import register_io_source

# Every batch in order; given a row count, enough batches for that many rows.
Batches = Callable[[int | None], Iterator[pl.DataFrame]]


def scan_batches(batches: Batches, schema: pl.Schema, name: str) -> pl.LazyFrame:
    """A lazy frame whose rows are those of ``batches``, in order (``name`` shows in
    ``explain``). A pushed-down filter runs on each batch as produced, so a column computed
    while producing (a row number) keeps the value it had before filtering."""

    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        left = n_rows
        for frame in batches(n_rows if predicate is None else None):
            if predicate is not None:
                frame = frame.filter(predicate)
            if with_columns is not None:
                frame = frame.select(with_columns)
            if left is not None:
                frame = frame.head(left)
                left -= frame.height
            yield frame
            if left is not None and left <= 0:
                return

    return register_io_source(source, schema=schema, explain_name=name)
