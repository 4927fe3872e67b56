"""The check's building blocks: every rule runs once per distinct product, then maps back to
rows (the stages are driven by :mod:`mapper.pipeline.driver`).

A catalog repeats the same products: the same code, name, spec and maker appear on many rows
(many institutions in a bureau's file, many pack sizes and local ids in a hospital's). Every
rule except the row rules (CAT) reads only those product columns, so a check

1. splits the catalog into *rows* (row number, local id, price, quantity and a product key)
   and distinct *products* (the columns the product rules read);
2. enriches the products once: the normalised code, the system its shape belongs to, the
   line type the catalog gives, the reference record joined on the code (only the records
   whose codes occur), comparison keys;
3. runs the product rules on the products and the row rules (CAT) on the rows;
4. maps product findings back to every row of the product with a join.

The product key is a 64-bit hash of the product columns, checked to be collision-free for the
catalog at hand (a collision re-keys with another seed), so the mapping is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from mapper import codes, normalize
from mapper.fields import FIELD_NAMES, ROW_FIELDS
from mapper.line_types import classify_lines
from mapper.reference import Reference
from mapper.reference.schema import REFERENCE_SCHEMA
from mapper.rules import FINDINGS_SCHEMA, ROW_KEYS, RULES, CheckContext, Rule
from mapper.rules.attributes import AttributeRule

# Attribute columns compared by the ATT rules, with the kind of key that folds them.
CATALOG_KEYS = {
    "name": "name",
    "trade_name": "trade_name",
    "spec": "spec",
    "dosage_form": "dosage_form",
    "manufacturer": "manufacturer",
    "approval_no": "approval_no",
}
REFERENCE_KEYS = {f"ref_{column}": kind for column, kind in normalize.REFERENCE_FOLDS.items()}

PRODUCT_COLUMNS = tuple(c for c in FIELD_NAMES if c not in ROW_FIELDS)
PRODUCT = "product"  # the product key column
HASH_SEEDS = (0x6D617070, 0x5EED1, 0x5EED2, 0x5EED3)


def product_key(seed: int) -> pl.Expr:
    """A 64-bit hash of the product columns (as text: a categorical column hashes otherwise)."""
    return pl.struct(PRODUCT_COLUMNS).hash(seed).alias(PRODUCT)


def positions(sorted_keys: pl.Series, keys: pl.Series) -> pl.Series:
    """Where each of ``keys`` is (or would go) in ``sorted_keys``: the binary search runs on
    the keys in sorted order, each starting near the last, then the answers are put back in
    the keys' order (twice as fast as searching them as they come, for 500,000 keys in
    2.3 million)."""
    if keys.is_sorted():
        return sorted_keys.search_sorted(keys, side="left")
    order = keys.arg_sort()
    answers = sorted_keys.search_sorted(keys.gather(order), side="left")
    return answers.clone().scatter(order, answers)


def collision_free(products: pl.DataFrame) -> bool:
    """True when no two distinct products share a key (so a join on the key is exact)."""
    return products.height == products.get_column(PRODUCT).n_unique()


def reference_lookup(
    reference: Reference, code_keys: pl.Series, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """The release's records for ``code_keys``, columns prefixed ``ref_``, one per code
    (``columns`` of the release, else all)."""
    wanted = [c for c in REFERENCE_SCHEMA if c != "code" and (columns is None or c in columns)]
    # The comparison keys import folded for the wanted columns, where the folding is current.
    folded = {
        name
        for column, kind in normalize.REFERENCE_FOLDS.items()
        if column in wanted
        for name in normalize.folded_names(column, kind)
    }
    keys = [name for name in reference.folded() if name in folded]
    found = (
        reference.scan(keys)
        .select("code", *wanted, *keys)
        .filter(pl.col("code").is_in(code_keys.drop_nulls().unique().implode()))
        .collect()
    )
    # A release lists a code once; deduplicating only when it does not halves the lookup.
    if found.get_column("code").n_unique() < found.height:
        found = found.unique(subset="code", keep="first", maintain_order=True)
    return found.select(
        pl.col("code").alias("code_key"),
        *[pl.col(c).alias(f"ref_{c}") for c in (*wanted, *keys)],
        pl.lit(True).alias("ref_found"),
    ).rechunk()  # joined once per chunk of products: gathers from one chunk per column


# Codes already in the platform's form skip the costly folding (most rows of most catalogs);
# code_clean leaves exactly these unchanged.
CLEAN_CODE = r"^(?:[0-9A-Z]+|[0-9]{15}-[0-9A-Z.]+)$"


def code_columns(frame: pl.DataFrame, memo: normalize.Memo | None = None) -> list[pl.Expr]:
    """``code_clean`` (the code as the platform wants it) and ``code_key`` (the lookup key)."""
    code = pl.col("code")
    clean = code.str.contains(CLEAN_CODE)
    folded = normalize.map_distinct(
        frame.filter(~clean),
        "code",
        {"code_clean": normalize.code_clean(code), "code_key": normalize.code_key(code)},
        memo,
    )
    national_part = code.str.replace(r"^([0-9]{15})-.*$", "$1")
    return [
        pl.when(clean).then(code).otherwise(folded[0]).alias("code_clean"),
        pl.when(clean).then(national_part).otherwise(folded[1]).alias("code_key"),
    ]


def comparisons(rules: Sequence[Rule]) -> dict[str, pl.Expr]:
    """Per attribute column, the rows where one of ``rules`` compares its folded value."""
    needs: dict[str, list[pl.Expr]] = {}
    for rule in rules:
        if isinstance(rule, AttributeRule):
            for column in rule.folds():
                needs.setdefault(column, []).append(rule.compares())
    return {column: pl.any_horizontal(exprs) for column, exprs in needs.items()}


def code_keys(products: pl.DataFrame) -> pl.Series:
    """The lookup key of every product's code."""
    return products.select(code_columns(products)[1]).get_column("code_key")


def enrich(
    products: pl.DataFrame,
    reference: Reference,
    lookup: pl.DataFrame | None = None,
    memo: normalize.Memo | None = None,
    rules: Sequence[Rule] | None = None,
) -> pl.DataFrame:
    """Add the columns the product rules read to a frame of distinct products (which come
    back in no particular order: they are keyed on ``product``).

    ``lookup`` is :func:`reference_lookup` for (at least) these products' codes, when the
    caller has it already; ``memo`` keeps folded values across the chunks of one check.
    Comparison keys (the costly folding of names, specs, makers) are added for the columns
    the lookup holds, computed only where one of ``rules`` (default: every registered rule)
    compares them: with the reference record's own text most rows need none.
    """
    coded = products.with_columns(code_columns(products, memo))
    if lookup is None:
        lookup = reference_lookup(reference, coded.get_column("code_key"))
    joined = (
        coded.lazy()
        .with_columns(
            code_well_formed=codes.well_formed_expr(pl.col("code_key")).fill_null(False),
            code_system=codes.system_expr(pl.col("code_key")),
        )
        .collect()
        # Eagerly: ~15 % faster than in the lazy plan. Products: their order is free.
        .join(lookup, on="code_key", how="left")
        .with_columns(pl.col("ref_found").fill_null(False))
        # One chunk per column: with polars 2.1.0, list.contains in result.product_items
        # panicked ("assertion failed: i < self.len()", cf. pola-rs/polars#25187) in 3 of 6
        # runs of tests/test_stream.py over the columns an unordered join left in unequal
        # chunks; none with this. Drop it when polars fixes that.
        .rechunk()
    )
    # The line type from every signal, and the class of goods a name or category names.
    classified = classify_lines(joined, memo)
    # A key is folded only for the values of rows some rule compares (other rows get the
    # key of a value they share with those, else null: no rule reads it there).
    compared = comparisons([cls() for cls in RULES.values()] if rules is None else rules)
    # Not those whose key the lookup holds already (folded at reference import).
    keys = {
        column: kind
        for column, kind in {**CATALOG_KEYS, **REFERENCE_KEYS}.items()
        if column in joined.columns and f"{column}_key" not in joined.columns
    }
    return normalize.add_keys(classified, keys, compared, memo)


# Facts about a row among the rows it is checked with (the row rules read these).
ROW_FACTS = {
    "id_rows": pl.len().over("item_id"),
    "id_codes": pl.col("code_key").drop_nulls().n_unique().over("item_id"),
}


def row_facts(rows: pl.LazyFrame, products: pl.LazyFrame) -> pl.LazyFrame:
    """What the row rules read: each row's own columns, its product's columns in
    ``products`` (keyed on ``product``: those the row rules read) and :data:`ROW_FACTS`."""
    return rows.join(products, on=PRODUCT, how="left", maintain_order="left").with_columns(
        **ROW_FACTS
    )


KEY_TYPES: dict[str, pl.DataType] = {**FINDINGS_SCHEMA, PRODUCT: pl.UInt64()}
FINDING_COLUMNS = {k: v for k, v in FINDINGS_SCHEMA.items() if k not in ROW_KEYS}


def run_rules(
    enriched: pl.LazyFrame, rules: Sequence[Rule], ctx: CheckContext, keys: Sequence[str] = ROW_KEYS
) -> pl.LazyFrame:
    """Every rule's findings stacked into one lazy frame (``keys`` identify the frame's rows)."""
    schema = {**{k: KEY_TYPES[k] for k in keys}, **FINDING_COLUMNS}
    parts = [rule.findings(enriched, ctx, keys) for rule in rules]
    if not parts:
        return pl.LazyFrame(schema=schema)
    return pl.concat(parts, how="vertical").cast(schema)  # type: ignore[arg-type]


def product_rules(rules: Sequence[Rule]) -> list[Rule]:
    """The rules that read only product columns (run once per distinct product)."""
    return [r for r in rules if r.scope == "product"]


def row_rules(rules: Sequence[Rule]) -> list[Rule]:
    """The rules that read a row's own columns or other rows (CAT)."""
    return [r for r in rules if r.scope == "row"]


def stack_findings(
    rows: pl.LazyFrame, per_product: pl.LazyFrame, per_row: pl.LazyFrame
) -> pl.LazyFrame:
    """Every finding of every row, ordered by row then rule: its product's findings (keyed on
    ``product``) and the row rules' own."""
    mapped = rows.select("row", "item_id", PRODUCT).join(per_product, on=PRODUCT, how="inner")
    parts = [part.cast(FINDINGS_SCHEMA) for part in (mapped.drop(PRODUCT), per_row)]  # type: ignore[arg-type]
    return pl.concat(parts, how="vertical").sort("row", "rule")


def today() -> date:
    return date.today()
