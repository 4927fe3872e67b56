"""Who can still pay for each item after go-live, and why (pooled fund / personal account).

Judged on what each item's code is (present, known in the reference for its line type, valid
on the payment date) and the policy's rules — never on which rules were selected to run.
Vectorised, one boolean expression per rule.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from mapper.policy.model import Policy, PolicyRule
from mapper.policy.timeline import suspended_columns

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


def assess(
    items: pl.DataFrame, policy: Policy, as_of: date, *, suspended: bool = False
) -> pl.DataFrame:
    """Add payability per fund and the reason code to the item table, whose goods classes
    (``goods_class``) the enrichment gave (:func:`mapper.line_types.classify_lines`);
    ``suspended``: the check's moment is inside the cut-over window, where no item settles in
    real time (see timeline.py)."""
    classified = items.lazy().with_columns(**code_flags(payment_date(policy, as_of)))
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
