"""Approved codes checked before ``apply`` writes any of them into a catalog.

A reviewer can type anything into a review file's ``code`` cell, and a review file can come
from anywhere, so every approved code must be a national code of an item system (its shape),
and, where the reference holds records of that system, one of them. The first one that is not
stops apply with one line naming the review file, its line and the column; nothing is written.
"""

from __future__ import annotations

import polars as pl

from mapper.codes import explain_expr, system_expr
from mapper.errors import InputError
from mapper.normalize import code_clean
from mapper.reference import Reference
from mapper.suggest.index import ITEM_SYSTEMS


def validated_codes(chosen: pl.DataFrame, reference: Reference, file: str | None) -> pl.DataFrame:
    """``chosen`` (row, code, line …) with each code in its clean form (half width, upper case,
    no spaces), after checking its shape and that the reference knows it.
    """
    cleaned = chosen.with_columns(
        typed=pl.col("code"), code=code_clean(pl.col("code"))
    ).with_columns(system=system_expr(pl.col("code")), why=explain_expr(pl.col("code")))
    bad_shape = cleaned.filter(
        pl.col("code").is_null() | ~pl.col("system").is_in(list(ITEM_SYSTEMS)).fill_null(False)
    )
    if not bad_shape.is_empty():
        first = bad_shape.sort("line").row(0, named=True)
        why = (
            "an institution code, not an item's (机构编码不是项目编码)"
            if first["system"] == "institution"
            else first["why"]
        )
        raise InputError(
            f"approved code '{_shown(first['typed'])}' is not a national item code "
            f"(不是医保项目编码): {why}",
            file=file,
            row=first["line"],
            column="code",
        )
    held = reference.scan().select("system", "code").unique()
    known_systems = held.select("system").unique().collect()["system"].implode()
    unknown = (
        cleaned.lazy()
        .filter(pl.col("system").is_in(known_systems))
        .join(held.select("code"), on="code", how="anti")
        .sort("line")
        .collect()
    )
    if not unknown.is_empty():
        first = unknown.row(0, named=True)
        raise InputError(
            f"approved code '{first['code']}' is not in reference release {reference.release} "
            "(参考库中没有这个编码)",
            file=file,
            row=first["line"],
            column="code",
        )
    return cleaned.drop("typed", "system", "why")


def _shown(value: str | None) -> str:
    """A typed value for a one-line message: control characters escaped, long ones cut."""
    text = (value or "").encode("unicode_escape").decode("ascii")
    return text if len(text) <= 60 else text[:57] + "..."
