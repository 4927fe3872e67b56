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

# Attribute columns compared by the ATT rules, with the kind of key that folds them.
CATALOG_KEYS = {
    "name": "name",
    "trade_name": "trade_name",
    "spec": "spec",
    "dosage_form": "dosage_form",
    "manufacturer": "manufacturer",
    "approval_no": "approval_no",
}
REFERENCE_KEYS = {f"ref_{column}": column for column in (*CATALOG_KEYS, "generic_name")}
del REFERENCE_KEYS["ref_trade_name"]


def reference_lookup(reference: Reference) -> pl.DataFrame:
    """The release's records keyed on ``code_key``, columns prefixed ``ref_``, with keys."""
    records = (
        reference.scan()
        .unique(subset="code", keep="first", maintain_order=False)
        .select(
            pl.col("code").alias("code_key"),
            *[pl.col(c).alias(f"ref_{c}") for c in REFERENCE_SCHEMA if c != "code"],
            pl.lit(True).alias("ref_found"),
        )
        .collect()
    )
    return normalize.add_keys(records, REFERENCE_KEYS)


def line_types(categories: pl.Series) -> dict[str | None, str]:
    """Map each distinct category text to a line type (done once per distinct value)."""
    return {value: line_type_of(value) for value in categories.unique().to_list()}


# Codes already in the platform's form skip the costly folding (most rows of most catalogs);
# code_clean leaves exactly these unchanged.
CLEAN_CODE = r"^(?:[0-9A-Z]+|[0-9]{15}-[0-9A-Z.]+)$"


def code_columns(frame: pl.DataFrame) -> list[pl.Expr]:
    """``code_clean`` (the code as the platform wants it) and ``code_key`` (the lookup key)."""
    code = pl.col("code")
    clean = code.str.contains(CLEAN_CODE)
    folded = normalize.map_distinct(
        frame.filter(~clean),
        "code",
        {"code_clean": normalize.code_clean(code), "code_key": normalize.code_key(code)},
    )
    national_part = code.str.replace(r"^([0-9]{15})-.*$", "$1")
    return [
        pl.when(clean).then(code).otherwise(folded[0]).alias("code_clean"),
        pl.when(clean).then(national_part).otherwise(folded[1]).alias("code_key"),
    ]


def enrich(frame: pl.DataFrame, reference: Reference) -> pl.DataFrame:
    """Add the columns the rules read to a canonical catalog frame."""
    kinds = line_types(frame.get_column("line_type"))
    keyed = normalize.add_keys(frame.with_columns(code_columns(frame)), CATALOG_KEYS)
    return (
        keyed.lazy()
        .with_columns(
            pl.col("item_id").str.strip_chars(),
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
        .join(reference_lookup(reference).lazy(), on="code_key", how="left", maintain_order="left")
        .with_columns(pl.col("ref_found").fill_null(False))
        .collect()
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
