"""Who can still pay for each item after go-live, and why (pooled fund / personal account).

Derived from the item table (whose status comes from the findings) and the policy's rules;
vectorised, one boolean expression per rule.
"""

from __future__ import annotations

import polars as pl

from mapper import normalize
from mapper.policy.classify import classify
from mapper.policy.model import Policy, PolicyRule

# Findings that make a code unusable on the check date.
CODE_ERRORS = ("COD002", "COD003", "REF001", "REF002", "REF003", "CAT002")
DRUG_SYSTEMS = ("drug",)
FUNDS = ("pooled_fund", "personal_account")


def _has_rule(code: str) -> pl.Expr:
    return pl.col("rules").str.contains(rf"\b{code}\b")


def _applies(rule: PolicyRule) -> pl.Expr:
    uncoded, invalid = pl.col("_uncoded"), pl.col("_invalid")
    if rule.when == "uncoded":
        return uncoded
    if rule.when == "invalid_code":
        return ~uncoded & invalid
    if rule.when == "self_paid":
        return ~uncoded & ~invalid & (pl.col("ref_payment_category") == "丙")
    in_class = pl.col("goods_class").is_in(list(rule.classes))
    return in_class if rule.coded else in_class & (uncoded | invalid)


def drug_evidence() -> pl.Expr:
    """True where the item is evidently a drug: approval number, valid drug code, category."""
    approval = pl.col("approval_no").fill_null("").str.contains("国药准字|[HZSBJ][0-9]{8}")
    drug_code = pl.col("code_system").is_in(DRUG_SYSTEMS) & pl.col("coded_ok")
    drug_category = pl.col("line_type") == "drug"
    return approval | drug_code | drug_category


def assess(items: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Add goods class, payability per fund and the reason code to the item table."""
    flags = {
        "_uncoded": _has_rule("COD001"),
        "_invalid": pl.any_horizontal([_has_rule(c) for c in CODE_ERRORS]),
    }
    classified = classify(items).with_columns(normalize.map_distinct(items, "rules", flags))
    # Drug evidence overrides a name match, but not an explicit non-drug category.
    by_name_only = ~pl.col("class_term").fill_null("").str.starts_with("类别:")
    classified = classified.with_columns(
        pl.when(by_name_only & drug_evidence()).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("goods_class", "class_term")
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
    return classified.with_columns(added).drop("_uncoded", "_invalid")
