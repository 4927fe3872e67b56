"""REF: does the code exist in the reference release, and is it valid on the check date?"""

from __future__ import annotations

import polars as pl

from mapper.rules import register
from mapper.rules.base import CheckContext, Rule, Severity


@register
class UnknownCode(Rule):
    """Well-formed code that is not in the national reference release.

    ## What it does
    Looks the code up in the reference release in force (`--reference`, `--release`).

    ## Why is this bad?
    A code that is shaped right but absent from the national database was mistyped,
    invented locally, or belongs to a catalog that was never published; the platform
    cannot settle it.

    ## Example
    `XA01ABD075A002019900483` where the database has `XA01ABD075A002010100483`.

    ## How to fix
    Look the product up in the national database by name and approval number and copy its
    code; `mapper suggest` proposes candidates.
    """

    code = "REF001"
    name = "unknown-code"
    severity = Severity.ERROR
    field = "code"
    message = (
        "编码“{code_key}”不在国家医保编码库（{expected}）中 / code '{code_key}' is not in the "
        "national reference ({expected})"
    )

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("code_well_formed") & ~pl.col("ref_found")

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return pl.lit(f"release {ctx.release}")

    def actual(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("code_key")


@register
class RevokedCode(Rule):
    """Code was revoked (停用) before the check date.

    ## What it does
    Compares the reference record's last valid day with the check date (`--as-of`).

    ## Why is this bad?
    Revoked codes stay in the database's history but are no longer accepted for
    settlement: items still mapped to them stop being payable.

    ## Example
    A drug whose code was valid until 2024-06-30, checked on 2026-11-23.

    ## How to fix
    Find the product's current code (often the same product under a new enterprise or
    package code) and re-map the item; if the product left the market, delist it.
    """

    code = "REF002"
    name = "revoked-code"
    severity = Severity.ERROR
    field = "code"
    aliases = ("expired-code",)
    message = (
        "编码“{code_key}”已于{expected}后停用，检查日期为{actual} / code '{code_key}' was "
        "valid until {expected}; the check date is {actual}"
    )

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("ref_found") & (pl.col("ref_valid_to") < pl.lit(ctx.as_of))

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("ref_valid_to")

    def actual(self, ctx: CheckContext) -> pl.Expr:
        return pl.lit(ctx.as_of.isoformat())


@register
class NotYetValidCode(Rule):
    """Code only becomes valid after the check date.

    ## What it does
    Compares the reference record's first valid day with the check date (`--as-of`).

    ## Why is this bad?
    Until its start date the platform does not accept the code, so the item cannot be
    settled with it yet.

    ## Example
    A newly listed drug valid from 2027-01-01, checked on 2026-11-23.

    ## How to fix
    Keep the old mapping until the start date, or check again with `--as-of` set to the
    go-live date.
    """

    code = "REF003"
    name = "not-yet-valid-code"
    severity = Severity.ERROR
    field = "code"
    message = (
        "编码“{code_key}”自{expected}起才生效，检查日期为{actual} / code '{code_key}' is "
        "valid from {expected}; the check date is {actual}"
    )

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("ref_found") & (pl.col("ref_valid_from") > pl.lit(ctx.as_of))

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("ref_valid_from")

    def actual(self, ctx: CheckContext) -> pl.Expr:
        return pl.lit(ctx.as_of.isoformat())
