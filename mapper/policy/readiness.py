"""The go-live readiness summary: items and money each fund stops paying, by line type and
class, and whether the institution has finished mapping (贯标), with the counts behind it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date

import polars as pl

from mapper.line_types import INSURED
from mapper.policy.classify import class_labels

TEXT_KEYS = ("line_type", "goods_class")
SELF_PAID = "PAY003"  # 丙类: the pooled fund never paid it, so go-live takes nothing away


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


# Words in a quantity header that say which period its sales cover.
PERIODS = (("月", "每月 per month"), ("年", "每年 per year"), ("周", "每周 per week"),
           ("日", "每日 per day"), ("天", "每日 per day"))  # fmt: skip


def amount_basis(columns: Mapping[str, str]) -> str:
    """What the money figures measure, from the headers the price and quantity came from:
    ``零售价 × 月销量（每月 per month）``, or why there are none."""
    price, quantity = columns.get("unit_price"), columns.get("quantity")
    if price is None:
        return "未知：目录无单价列 unknown: the catalog has no price column"
    if quantity is None:
        return "未知：目录无数量/销量列，仅有单价 unknown: price only, no quantity column"
    period = next((label for word, label in PERIODS if word in quantity), None)
    return f"{price} × {quantity}" + (
        f"（{period}）" if period else "（数量列所指期间 the quantity column's period）"
    )


def _lost(fund: str) -> pl.Expr:
    """Items ``fund`` paid before go-live and stops paying: not payable now, and not goods it
    never paid (丙类 for the pooled fund; goods outside insurance for the pooled fund)."""
    lost = ~pl.col(f"{fund}_payable")
    if fund == "pooled_fund":
        never_paid = (pl.col("pooled_fund_reason") == SELF_PAID) | pl.col("non_insured_goods")
        lost = lost & ~never_paid.fill_null(False)
    return lost


def _money(where: pl.Expr) -> pl.Expr:
    """The amounts of the items ``where`` selects; null (unknown), not 0, when no item of the
    group has a price and a quantity."""
    known = pl.col("amount").is_not_null().any()
    return pl.when(known).then(pl.col("amount").filter(where).sum())


def payment_summary(items: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Per line type and goods class: items, items losing each fund at go-live, and the money
    involved (null where no item of the group has a price and a quantity)."""
    labels = class_labels()
    return (
        items.lazy()
        .with_columns(*[pl.col(c).cast(pl.String) for c in TEXT_KEYS], amount=amount_expr())
        .group_by("line_type", "goods_class")
        .agg(
            items=pl.len().cast(pl.Int64),
            pooled_fund_lost=_lost("pooled_fund").sum().cast(pl.Int64),
            personal_account_lost=_lost("personal_account").sum().cast(pl.Int64),
            pooled_fund_never_paid=(~pl.col("pooled_fund_payable") & ~_lost("pooled_fund"))
            .sum()
            .cast(pl.Int64),
            amount=_money(pl.lit(True)),
            pooled_fund_amount_lost=_money(_lost("pooled_fund")),
            personal_account_amount_lost=_money(_lost("personal_account")),
        )
        .with_columns(
            class_label=pl.col("goods_class").replace_strict(labels, default=None),
        )
        .sort("line_type", "goods_class", nulls_last=True)
        .collect()
    )


@dataclass(frozen=True)
class Readiness:
    """Whether the institution has finished 贯标, and the counts the verdict rests on.

    Ready when every insured item (drug, herbal, preparation, consumable, service, or a line
    whose kind is unknown) has a national code valid on the payment date and no error, and
    every item of goods outside insurance is settled in cash (neither fund pays it).
    """

    ready: bool
    insured_items: int
    insured_coded: int  # valid code, no error
    insured_not_coded: int
    unknown_line_type: int  # items whose kind no signal told (counted as insured)
    non_insured_goods: int
    non_insured_payable: int  # goods outside insurance the policy would still pay

    def to_dict(self) -> dict[str, int | bool]:
        return asdict(self)

    @classmethod
    def combined(cls, parts: list[Readiness]) -> Readiness:
        """Several catalogs' verdicts as one: ready when each is, the counts added up."""
        counts = {
            k: sum(int(getattr(p, k)) for p in parts) for k in asdict(parts[0]) if k != "ready"
        }
        return cls(ready=all(p.ready for p in parts), **counts)

    def reasons(self) -> list[str]:
        """Why the verdict is what it is, a sentence each (Chinese / English)."""
        out = []
        if self.insured_not_coded:
            out.append(
                f"{self.insured_not_coded} 个医保项目没有可用的国家编码 / "
                f"{self.insured_not_coded} insured items lack a usable national code"
            )
        if self.unknown_line_type:
            out.append(
                f"{self.unknown_line_type} 个项目无法判断类别（按需编码计） / "
                f"{self.unknown_line_type} items of unknown line type (counted as insured)"
            )
        if self.non_insured_payable:
            out.append(
                f"{self.non_insured_payable} 个非医保商品仍可医保支付，应改为自费 / "
                f"{self.non_insured_payable} non-insured goods are still payable: settle in cash"
            )
        if self.non_insured_goods:
            out.append(
                f"{self.non_insured_goods} 个非医保商品须按自费结算（不计入贯标率） / "
                f"{self.non_insured_goods} goods outside insurance to settle in cash "
                "(outside 贯标率)"
            )
        return out


def readiness(items: pl.DataFrame | pl.LazyFrame, paid_on: date) -> Readiness:
    """The readiness verdict and its counts from the item table (``paid_on``: the payment
    date, on which a code must be valid). Judged on what each item's code is, not on which
    rules ran or their severities, so ``--ignore COD001`` cannot make a catalog ready."""
    valid = (
        pl.col("code_known")
        & (pl.col("ref_valid_from").fill_null(date.min) <= paid_on)
        & (pl.col("ref_valid_to").fill_null(date.max) >= paid_on)
    ).fill_null(False)
    goods = pl.col("non_insured_goods").fill_null(False)
    insured = ~goods & pl.col("line_type").cast(pl.String).is_in(INSURED)
    ok = valid & pl.col("coded_ok")
    row = (
        items.lazy()
        .select(
            insured_items=insured.sum(),
            insured_coded=(insured & ok).sum(),
            unknown_line_type=(pl.col("line_type").cast(pl.String) == "unknown").sum(),
            non_insured_goods=goods.sum(),
            non_insured_payable=(
                goods & (pl.col("personal_account_payable") | pl.col("pooled_fund_payable"))
            ).sum(),
        )
        .collect()
        .row(0, named=True)
    )
    counts = {k: int(v or 0) for k, v in row.items()}
    not_coded = counts["insured_items"] - counts["insured_coded"]
    return Readiness(
        ready=not_coded == 0 and counts["non_insured_payable"] == 0,
        insured_not_coded=not_coded,
        **counts,
    )


def cash_items(items: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Items to settle in cash: not payable from the personal account."""
    return (
        items.lazy().filter(~pl.col("personal_account_payable")).with_columns(amount=amount_expr())
    )
