"""Identifiers that anchor an exact match, and their check digits.

The drug base code (药品本位码, 14 digits) and GS1 UDI-DIs / GTINs (8, 12, 13 or 14 digits) end
in the GS1 mod-10 check digit: weights 3, 1, 3, … from the rightmost digit of the body, check
digit = (10 − sum mod 10) mod 10. A value that fails it is a typo and never anchors a match.
"""

from __future__ import annotations

import polars as pl

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for ``body`` (the digits before the check digit)."""
    if not body.isascii() or not body.isdigit():
        raise ValueError(f"not digits: {body!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(value: str) -> bool:
    """True for an 8/12/13/14-digit GTIN (本位码, UDI-DI) whose check digit is right."""
    if len(value) not in GTIN_LENGTHS or not value.isascii() or not value.isdigit():
        return False
    return gtin_check_digit(value[:-1]) == int(value[-1])


def digits(expr: pl.Expr) -> pl.Expr:
    """Only the digits of a value (``86902816000048甲`` → ``86902816000048``); null if none."""
    out = expr.str.normalize("NFKC").str.replace_all(r"[^0-9]", "")
    return pl.when(out.str.len_chars() > 0).then(out)


def gtin_valid(expr: pl.Expr) -> pl.Expr:
    """Vectorised :func:`is_valid_gtin` over a column of digit strings (null → False)."""
    length = expr.str.len_chars()
    padded = expr.str.pad_start(14, "0")
    # Left zero padding leaves the sum unchanged, so one 14-digit formula serves every length.
    total = pl.sum_horizontal(
        padded.str.slice(i, 1).cast(pl.Int32, strict=False) * (3 if i % 2 == 0 else 1)
        for i in range(13)
    )
    check = padded.str.slice(13, 1).cast(pl.Int32, strict=False)
    ok = (
        expr.str.contains(r"^[0-9]+$")
        & length.is_in(list(GTIN_LENGTHS))
        & ((10 - total % 10) % 10 == check)
    )
    return ok.fill_null(False)


def valid_gtin_or_null(expr: pl.Expr) -> pl.Expr:
    """The digits of a 本位码 / UDI-DI when its check digit holds, else null."""
    d = digits(expr)
    return pl.when(gtin_valid(d)).then(d)
