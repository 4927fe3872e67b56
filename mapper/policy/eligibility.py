"""Who can still pay for each item after go-live, and why (pooled fund / personal account).

Judged on what each item's code is (present, known in the reference for its line type, valid
on the payment date) and the policy's rules — never on which rules were selected to run.
Vectorised, one boolean expression per rule.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from mapper.normalize import Memo
from mapper.policy.classify import classify
from mapper.policy.model import Policy, PolicyRule
from mapper.policy.timeline import suspended_columns

DRUG_SYSTEMS = ("drug",)
FUNDS = ("pooled_fund", "personal_account")


def payment_date(policy: Policy, as_of: date) -> date:
    """The day payment is judged on: the check date, or go-live if that is later."""
    go_live = policy.go_live_date
    return max(as_of, go_live) if go_live else as_of


def code_flags(paid_on: date) -> dict[str, pl.Expr]:
    """``_uncoded`` and ``_invalid`` from what the code is (not from which rules ran)."""
    valid_on = (pl.col("ref_valid_from").fill_null(date.min) <= paid_on) & (
        pl.col("ref_valid_to").fill_null(date.max) >= paid_on
    )
    return {
        "_uncoded": ~pl.col("code_present"),
        "_invalid": pl.col("code_present") & ~(pl.col("code_known") & valid_on),
    }


def _applies(rule: PolicyRule) -> pl.Expr:
    uncoded, invalid = pl.col("_uncoded"), pl.col("_invalid")
    if rule.when == "uncoded":
        return uncoded
    if rule.when == "invalid_code":
        return invalid
    if rule.when == "self_paid":
        return ~uncoded & ~invalid & (pl.col("ref_payment_category") == "丙")
    in_class = pl.col("goods_class").is_in(list(rule.classes))
    return in_class if rule.coded else in_class & (uncoded | invalid)


def drug_evidence() -> pl.Expr:
    """True where the item is evidently a medicine: an approval number, a known drug code, a
    西药/中成药 line, or a known herbal code the catalog pays for (甲/乙)."""
    approval = pl.col("approval_no").fill_null("").str.contains("国药准字|[HZSBJ][0-9]{8}")
    known = pl.col("code_known").fill_null(False)
    drug_code = pl.col("code_system").is_in(DRUG_SYSTEMS) & known
    paid_herbal = (
        (pl.col("code_system") == "herbal")
        & known
        & pl.col("ref_payment_category").is_in(["甲", "乙"])
    )
    return approval | drug_code | paid_herbal | (pl.col("line_type") == "drug")


def assess(
    items: pl.DataFrame,
    policy: Policy,
    as_of: date,
    memo: Memo | None = None,
    *,
    suspended: bool = False,
) -> pl.DataFrame:
    """Add goods class, payability per fund and the reason code to the item table (``memo``
    keeps the name classes across the chunks of one check; ``suspended``: the check's moment
    is inside the cut-over window, where no item settles in real time, see timeline.py)."""
    classes = classify(items, memo)
    # Drug evidence overrides a name match, but not an explicit non-drug category.
    by_name_only = ~pl.col("class_term").fill_null("").str.starts_with("类别:")
    # Lazily, so the optimiser computes each rule's test once for its reason and rule id.
    classified = (
        classes.lazy()
        .with_columns(
            pl.when(by_name_only & drug_evidence()).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("goods_class", "class_term")
        )
        .with_columns(**code_flags(payment_date(policy, as_of)))
    )
    added = []
    for fund in FUNDS:
        reason: pl.Expr = pl.lit(None, pl.String)
        rule_id: pl.Expr = pl.lit(None, pl.String)
        for rule in reversed(policy.rules):  # reversed: the first rule in order wins
            if getattr(rule, fund):
                continue
            hit = _applies(rule).fill_null(False)
            reason = pl.when(hit).then(pl.lit(rule.reason)).otherwise(reason)
            rule_id = pl.when(hit).then(pl.lit(rule.id)).otherwise(rule_id)
        added += [
            reason.is_null().alias(f"{fund}_payable"),
            reason.alias(f"{fund}_reason"),
            rule_id.alias(f"{fund}_policy_rule"),
        ]
    if suspended:  # inside the cut-over window every sale is cash, whatever the rules say
        added = suspended_columns(FUNDS)
    return classified.with_columns(added).drop("_uncoded", "_invalid").collect()
