"""The go-live readiness summary: items and money each fund stops paying, by line type and
class, and whether the institution has finished mapping (贯标)."""

from __future__ import annotations

import polars as pl

from mapper.policy.classify import class_labels

# Lines that must carry a national code for the institution to count as mapped.
MUST_BE_CODED = ("drug", "herbal", "tcm", "preparation", "consumable", "service")


TEXT_KEYS = ("line_type", "goods_class")


def amount_expr() -> pl.Expr:
    """Price × quantity where both columns parse as finite numbers, else null."""
    price = (
        pl.col("unit_price")
        .cast(pl.String)
        .str.replace_all(r"[,，¥￥元\s]", "")
        .cast(pl.Float64, strict=False)
    )
    qty = (
        pl.col("quantity")
        .cast(pl.String)
        .str.replace_all(r"[,，\s]", "")
        .cast(pl.Float64, strict=False)
    )
    amount = (price * qty).round(2)
    # "nan", "inf" and 1e999 parse as floats but are no amount of money.
    return pl.when(amount.is_finite()).then(amount)


def payment_summary(items: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Per line type and goods class: items, items losing each fund, and the money involved."""
    labels = class_labels()
    return (
        items.lazy()
        .with_columns(*[pl.col(c).cast(pl.String) for c in TEXT_KEYS], amount=amount_expr())
        .group_by("line_type", "goods_class")
        .agg(
            items=pl.len().cast(pl.Int64),
            pooled_fund_lost=(~pl.col("pooled_fund_payable")).sum().cast(pl.Int64),
            personal_account_lost=(~pl.col("personal_account_payable")).sum().cast(pl.Int64),
            amount=pl.col("amount").sum(),
            pooled_fund_amount_lost=pl.col("amount").filter(~pl.col("pooled_fund_payable")).sum(),
            personal_account_amount_lost=pl.col("amount")
            .filter(~pl.col("personal_account_payable"))
            .sum(),
        )
        .with_columns(
            class_label=pl.col("goods_class").replace_strict(labels, default=None),
        )
        .sort("line_type", "goods_class", nulls_last=True)
        .collect()
    )


def institution_ready(items: pl.DataFrame | pl.LazyFrame) -> bool:
    """True when every line that needs a national code has a usable one.

    An institution that has not finished 贯标 cannot enter items into the platform at all, so
    nothing it sells can be paid (Harbin notice, 就医购药第4问).
    """
    must = items.lazy().filter(pl.col("line_type").cast(pl.String).is_in(MUST_BE_CODED))
    return bool(must.select(pl.col("coded_ok").all()).collect().item())


def cash_items(items: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Items to settle in cash: not payable from the personal account."""
    return (
        items.lazy().filter(~pl.col("personal_account_payable")).with_columns(amount=amount_expr())
    )
