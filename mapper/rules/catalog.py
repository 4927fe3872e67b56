"""CAT: is each local item listed once, with one national code?"""

from __future__ import annotations

import polars as pl

from mapper.rules import register
from mapper.rules.base import CheckContext, Rule, Severity


@register
class DuplicateItemId(Rule):
    """Local item id appears on more than one row (with the same code).

    ## What it does
    Counts the rows of each local item id (商品编码/院内编码). Ids mapped to different codes
    are reported by CAT002 instead.

    ## Why is this bad?
    Catalog uploads are keyed on the local id: a repeated id overwrites or is rejected, and
    prices or stock may be counted twice.

    ## Example
    Two rows with 商品编码 `100231`.

    ## How to fix
    Merge the rows, or give each item its own id.
    """

    code = "CAT001"
    scope = "row"
    repeats = "item_id"
    name = "duplicate-item-id"
    severity = Severity.WARNING
    field = "item_id"
    message = (
        "本地编码“{item_id}”在目录中出现{expected}次 / local item id '{item_id}' appears on "
        "{expected} rows"
    )

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("item_id").is_not_null() & (pl.col("id_rows") > 1) & (pl.col("id_codes") <= 1)

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("id_rows")


@register
class ItemMappedToSeveralCodes(Rule):
    """One local item id is mapped to more than one national code.

    ## What it does
    Counts the distinct national codes each local item id carries.

    ## Why is this bad?
    A local item is one product: mapped to several codes, the platform cannot tell which
    one is settled, and at most one of them can be right.

    ## Example
    商品编码 `100231` on one row with `XA01…00483` and on another with `XA01…02180`.

    ## How to fix
    Keep the code whose reference record matches the product; delete the other rows.
    """

    code = "CAT002"
    scope = "row"
    repeats = "item_id"
    name = "item-mapped-to-several-codes"
    severity = Severity.ERROR
    field = "code"
    message = (
        "本地编码“{item_id}”对应了{expected}个不同的国家编码，此行为“{actual}” / local item "
        "id '{item_id}' is mapped to {expected} different codes; this row has '{actual}'"
    )

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("item_id").is_not_null() & (pl.col("id_codes") > 1)

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("id_codes")

    def actual(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("code_key")
