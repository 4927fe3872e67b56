"""The check pipeline: enrich the catalog with what the rules need, then run every rule.

Enrichment is done once: the normalised code, the system its shape belongs to, the line type
the catalog gives, the reference record joined on the code, and per-item-id counts. Rules are
then pure filters over that frame; their findings are stacked into one frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from mapper import codes, normalize
from mapper.fields import EXPECTED_SYSTEM, line_type_of
from mapper.reference import Reference
from mapper.reference.schema import REFERENCE_SCHEMA
from mapper.rules import FINDINGS_SCHEMA, CheckContext, Rule


def reference_lookup(reference: Reference) -> pl.LazyFrame:
    """The release's records keyed on ``code_key``, every column prefixed ``ref_``."""
    return (
        reference.scan()
        .unique(subset="code", keep="first", maintain_order=False)
        .select(
            pl.col("code").alias("code_key"),
            *[pl.col(c).alias(f"ref_{c}") for c in REFERENCE_SCHEMA if c != "code"],
            pl.lit(True).alias("ref_found"),
        )
    )


def line_types(categories: pl.Series) -> dict[str | None, str]:
    """Map each distinct category text to a line type (done once per distinct value)."""
    return {value: line_type_of(value) for value in categories.unique().to_list()}


def enrich(frame: pl.DataFrame, reference: Reference) -> pl.LazyFrame:
    """Add the columns the rules read to a canonical catalog frame."""
    kinds = line_types(frame.get_column("line_type"))
    code_clean = normalize.base_key(pl.col("code")).str.to_uppercase().str.strip_chars("'\"`")
    key = normalize.code_key(pl.col("code"))
    return (
        frame.lazy()
        .with_columns(
            pl.col("item_id").str.strip_chars(),
            code_clean=code_clean,
            code_key=key,
            line_kind=pl.col("line_type").replace_strict(kinds, return_dtype=pl.String),
        )
        .with_columns(
            code_well_formed=codes.well_formed_expr(pl.col("code_key")).fill_null(False),
            code_system=codes.system_expr(pl.col("code_key")),
            expected_system=pl.col("line_kind").replace_strict(
                EXPECTED_SYSTEM, default=None, return_dtype=pl.String
            ),
            id_rows=pl.len().over("item_id"),
            id_codes=pl.col("code_key").drop_nulls().n_unique().over("item_id"),
        )
        .join(reference_lookup(reference), on="code_key", how="left", maintain_order="left")
        .with_columns(pl.col("ref_found").fill_null(False))
    )


def run_rules(enriched: pl.LazyFrame, rules: Sequence[Rule], ctx: CheckContext) -> pl.LazyFrame:
    """Every rule's findings stacked into one lazy frame, ordered by row then rule."""
    parts = [rule.findings(enriched, ctx) for rule in rules]
    if not parts:
        return pl.LazyFrame(schema=FINDINGS_SCHEMA)
    return (
        pl.concat(parts, how="vertical")
        .cast(FINDINGS_SCHEMA)  # type: ignore[arg-type]
        .sort("row", "rule")
    )


def today() -> date:
    return date.today()
