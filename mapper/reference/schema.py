"""The columns every reference file has (see docs/CONTRACTS.md)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

REFERENCE_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.String(),
    "system": pl.String(),
    "name": pl.String(),
    "generic_name": pl.String(),
    "spec": pl.String(),
    "dosage_form": pl.String(),
    "package": pl.String(),
    "unit": pl.String(),
    "manufacturer": pl.String(),
    "approval_no": pl.String(),
    "base_code": pl.String(),
    "payment_category": pl.String(),
    "valid_from": pl.Date(),
    "valid_to": pl.Date(),
    "market_status": pl.String(),
    "source": pl.String(),
}


def conform(frame: pl.LazyFrame, extra: Sequence[str] = ()) -> pl.LazyFrame:
    """Select the reference columns in order, adding nulls for any a file lacks, then the
    ``extra`` columns as the file has them."""
    present = set(frame.collect_schema().names())
    return frame.select(
        *[
            (pl.col(name) if name in present else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in REFERENCE_SCHEMA.items()
        ],
        *extra,
    )
