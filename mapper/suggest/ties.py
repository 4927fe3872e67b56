"""Ties: candidates the line cannot tell apart, reported as such and never silently ordered.

Two candidates of one item are tied when they sit in the same tier with the same ``tie_key`` (the
similarity after folding): every field the line carries compares the same way with both
(typically one product in several packagings, and a line that does not say which). How a value
happens to be written (``每袋装12g`` / ``每袋装12克``) orders tied candidates but never unties
them: tills refold units and drop ``每袋装`` at will. Each tie group is marked with its size and
the record field that would decide between them, in the order a reviewer would look:
最小包装 (package), 规格, 剂型, 包装单位, 生产企业, 名称, 批准文号, 本位码 — a field decides
when the records differ in it after folding (``0.25g`` = ``250mg``, legal forms dropped), else
when they differ only as written; when they differ in none of these, only the code tells them
apart.
"""

from __future__ import annotations

import polars as pl

# Record field → (Chinese label, what n of them are called in Chinese, … and in English).
DECIDING: dict[str, tuple[str, str, str]] = {
    "package": ("最小包装", "种包装", "packagings"),
    "spec": ("规格", "种规格", "specs"),
    "dosage_form": ("剂型", "种剂型", "dosage forms"),
    "unit": ("包装单位", "种包装单位", "pack units"),
    "manufacturer": ("生产企业", "家企业", "makers"),
    "name": ("名称", "个名称", "names"),
    "approval_no": ("批准文号", "个批准文号", "approval numbers"),
    "base_code": ("本位码", "个本位码", "base codes"),
}
# Record field → its folded form: records that differ only in how a value is written are not
# told apart by it (the reviewer is pointed to a field that does differ, e.g. 批准文号).
FOLDED: dict[str, pl.Expr] = {
    "package": pl.col("package").str.normalize("NFKC").str.replace_all(r"\s+", ""),
    "spec": pl.coalesce(
        pl.format("{}{}", pl.col("strength").round(6), pl.col("strength_dim")), pl.col("spec_core")
    ),
    "dosage_form": pl.col("form_key"),
    "unit": pl.col("unit_key"),
    "manufacturer": pl.col("mfr_key"),
    "name": pl.col("nkey"),
    "approval_no": pl.col("appr_key"),
    "base_code": pl.coalesce("gtin", "base_code"),
}
GROUP = ("iid", "tier", "tie_key")
# Fields in which one product's records differ (its packagings and presentations).
SAME_PRODUCT = ("package", "spec", "dosage_form", "unit")


def mark_ties(scored: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """Add ``tied`` (size of the candidate's tie group, null when it has none), ``decide_by``
    (the record field that would decide) and ``tie`` (a message for the reviewer, in Chinese
    and English, listing the deciding values) to scored pairs (``iid``, ``rid``, ``tier``,
    ``tie_key``).
    """
    fields = list(DECIDING)
    # Only groups of two or more need their records' values (most candidates tie with none).
    shown = (
        scored.select(*GROUP, "rid")
        .filter(pl.len().over(GROUP) > 1)
        .join(
            records.select(
                "rid",
                *[pl.col(f).alias(f"_d_{f}") for f in fields],
                *[FOLDED[f].alias(f"_k_{f}") for f in fields],
            ),
            on="rid",
        )
    )
    groups = (
        shown.group_by(GROUP)
        .agg(
            tied=pl.len(),
            **{f"_n_{f}": pl.col(f"_d_{f}").n_unique() for f in fields},
            **{f"_f_{f}": pl.col(f"_k_{f}").n_unique() for f in fields},
            **{
                f"_v_{f}": pl.col(f"_d_{f}").fill_null("—").unique(maintain_order=True)
                for f in fields
            },
        )
        .filter(pl.col("tied") > 1)
    )
    if groups.is_empty():
        return scored.with_columns(
            tied=pl.lit(None, pl.UInt32), decide_by=pl.lit(None, pl.String),
            tie=pl.lit(None, pl.String),
        )  # fmt: skip
    # Fields that differ after folding first, then fields that differ only as written.
    order = [(f, f"_f_{f}") for f in fields] + [(f, f"_n_{f}") for f in fields]
    decide = pl.coalesce(
        *[pl.when(pl.col(n) > 1).then(pl.lit(f)) for f, n in order], pl.lit("code")
    )
    values = pl.coalesce(
        *[pl.when(pl.col(n) > 1).then(pl.col(f"_v_{f}").list.join(" | ")) for f, n in order],
        pl.lit(""),
    )
    n = pl.col("tied").cast(pl.String)
    label = pl.col("decide_by").replace_strict(
        {f: v[0] for f, v in DECIDING.items()}, default="代码", return_dtype=pl.String
    )
    zh_noun = pl.col("decide_by").replace_strict(
        {f: v[1] for f, v in DECIDING.items()}, default="个代码", return_dtype=pl.String
    )
    en_noun = pl.col("decide_by").replace_strict(
        {f: v[2] for f, v in DECIDING.items()}, default="codes", return_dtype=pl.String
    )
    product = pl.col("decide_by").is_in(list(SAME_PRODUCT))
    zh_head = pl.when(product).then(pl.lit("同一产品 ")).otherwise(pl.lit(""))
    en_head = pl.when(product).then(pl.lit("same product, ")).otherwise(pl.lit(""))
    message = pl.format(
        "无法区分：{}{}{}，请按{}选择 (cannot be told apart: {}{} {} — choose by {}){}",
        zh_head, n, zh_noun, label, en_head, n, en_noun, label,
        pl.when(pl.col("_values") != "").then(pl.lit("：") + pl.col("_values")).otherwise(
            pl.lit("")
        ),
    )  # fmt: skip
    marks = (
        groups.with_columns(decide_by=decide, _values=values)
        .with_columns(tie=message)
        .select(*GROUP, pl.col("tied").cast(pl.UInt32), "decide_by", "tie")
    )
    return scored.join(marks, on=list(GROUP), how="left", maintain_order="left")
