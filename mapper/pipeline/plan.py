"""What a check reads, derived from the rules it runs: never a hand-kept list.

* the release columns to look up: every ``ref_*`` column a selected rule's expressions read
  (directly, or through a comparison key folded from it), plus what the item table (and so
  payment, which reads items) and the line classification read;
* the enriched product columns the row rules need (besides the row's own columns);
* the rows each row rule is handed: all rows, or the rows whose value of the column the rule
  declares (:attr:`~mapper.rules.Rule.repeats`) occurs more than once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from mapper.engine import CATALOG_KEYS, PRODUCT, REFERENCE_KEYS, ROW_FACTS
from mapper.engine import row_rules as row_scope
from mapper.fields import ROW_FIELDS
from mapper.line_types import drug_evidence
from mapper.normalize import ATTRIBUTE_KEYS, strength_columns
from mapper.reference.schema import REFERENCE_SCHEMA
from mapper.result import product_item_columns
from mapper.rules import CheckContext, Rule


def roots(exprs: Iterable[pl.Expr]) -> set[str]:
    """The input columns of ``exprs``."""
    return {name for expr in exprs for name in expr.meta.root_names()}


def folded_from() -> dict[str, str]:
    """Each column enrichment folds from another (``ref_spec_key``, ``ref_spec_strengths``
    …), mapped to the column it folds."""
    derived: dict[str, str] = {}
    for column, kind in {**CATALOG_KEYS, **REFERENCE_KEYS}.items():
        key = f"{column}_key"
        derived[key] = column
        if kind == "spec":
            sample = ATTRIBUTE_KEYS[kind](pl.col(column))
            derived.update(dict.fromkeys(strength_columns(key, sample), column))
    return derived


def reference_columns(rules: Sequence[Rule], ctx: CheckContext) -> list[str]:
    """The release columns a check with ``rules`` reads, in the release's order."""
    reads = roots(product_item_columns()) | roots([drug_evidence()])
    for rule in rules:
        reads |= rule.reads(ctx)
    sources = folded_from()
    wanted = {sources.get(name, name) for name in reads}
    return [c for c in REFERENCE_SCHEMA if c != "code" and f"ref_{c}" in wanted]


def row_rule_inputs(rules: Sequence[Rule], ctx: CheckContext, enriched: Sequence[str]) -> list[str]:
    """The enriched product columns (of ``enriched``) the row rules read, directly or through
    the row facts; the rows' own columns come from the rows."""
    reads = roots(ROW_FACTS.values())
    for rule in row_scope(rules):
        reads |= rule.reads(ctx)
    own = {*ROW_FIELDS, *ROW_FACTS, PRODUCT}
    return [c for c in enriched if c in reads and c not in own]


def repeat_columns(rules: Sequence[Rule]) -> list[str]:
    """The row columns whose repeated values some row rule's candidates are."""
    columns = sorted({r.repeats for r in row_scope(rules) if r.repeats is not None})
    for column in columns:
        if column not in ROW_FIELDS:
            raise ValueError(f"a row rule repeats '{column}', not a row column {ROW_FIELDS}")
    return columns


def repeat_hash(column: str) -> str:
    """The row column holding a hash of ``column`` (which finds repeated values cheaply)."""
    return f"{column}_hash"


REPEAT_SEED = 0x1D


def repeat_hashes(rules: Sequence[Rule]) -> list[pl.Expr]:
    """The hash columns :func:`candidates` reads, over rows as the row frame has them."""
    return [pl.col(c).hash(REPEAT_SEED).alias(repeat_hash(c)) for c in repeat_columns(rules)]


def candidate_groups(rules: Sequence[Rule]) -> dict[str | None, list[Rule]]:
    """The row rules grouped by the rows they ask for (None: every row)."""
    groups: dict[str | None, list[Rule]] = {}
    for rule in row_scope(rules):
        groups.setdefault(rule.repeats, []).append(rule)
    return groups


def candidates(rows: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
    """The rows a row rule asking for ``column``'s repeated values is handed: every row of
    each value whose hash occurs more than once (a hash collision only adds candidates,
    which the rule's own condition then clears); every row for None."""
    if column is None:
        return rows
    hashed = repeat_hash(column)
    repeated = rows.group_by(hashed).len().filter(pl.col("len") > 1).select(hashed)
    return rows.join(repeated, on=hashed, how="semi", maintain_order="left")
