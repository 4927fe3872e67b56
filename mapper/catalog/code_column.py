"""Which column holds the national code: by its header, or, when no header names it, by its
values (the column whose filled cells mostly parse as national codes).

Real exports name the code column in more ways than any alias list holds (国家码, 贯标码2021,
a column left as ``编码``); the values say it plainly. How each field was found is kept
(:data:`FOUND_BY`), so a report can say "code column: 国家码 (found by its values)".
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from mapper.catalog.columns import code_candidates
from mapper.codes import well_formed_expr
from mapper.errors import InputError
from mapper.normalize import code_key

MIN_SHARE = 0.6  # of a column's filled cells that must be national codes
MIN_CODES = 3  # and at least this many: two codes in a notes column prove nothing
VALUE_ROWS = 100_000  # the rows judged: the first ones, as the streaming reader sees them
# How a field's column was found: named by --column, by a header alias, by its values.
FOUND_BY = ("option", "header", "values")


def choose_code_column(
    frame: pl.DataFrame,
    mapping: dict[str, str],
    overrides: Mapping[str, str] | None,
    file: str,
    whole: bool = True,
    required: bool = True,
) -> dict[str, str] | None:
    """Put the code column into ``mapping`` (field → header; the other fields as resolved)
    and return how each field was found. ``frame`` is the catalog's rows as read: all of
    them (``whole``), or its first rows, when no column qualifying among them returns None
    (the caller reads on). Else the one-line InputError when no column qualifies, unless the
    column is not ``required`` (a catalog to be coded for the first time: no ``code``)."""
    found_by = {f: "option" if overrides and f in overrides else "header" for f in mapping}
    if "code" in mapping:
        if found_by["code"] == "header":
            mapping["code"] = best_code_column(frame, mapping["code"])
        return found_by
    taken = set(mapping.values())
    by_values = code_column_by_values(frame.select(c for c in frame.columns if c not in taken))
    if by_values is None:
        if not whole:
            return None
        if not required:
            return found_by
        raise InputError(
            "no column holds the national code (找不到医保编码列); headers found: "
            + ", ".join(frame.columns)
            + ". Rename that column to 医保编码, or name it with --column code=<header>",
            file=file,
        )
    mapping["code"] = by_values
    found_by["code"] = "values"
    return found_by


def code_shares(frame: pl.DataFrame) -> pl.DataFrame:
    """Per column: filled cells and how many of them are well-formed national codes."""
    exprs = []
    for c in frame.columns:
        text = pl.col(c).cast(pl.String).str.strip_chars()
        filled = text.is_not_null() & (text != "")
        exprs += [
            filled.sum().alias(f"{c}\0filled"),
            well_formed_expr(code_key(text)).fill_null(False).sum().alias(f"{c}\0codes"),
        ]
    counts = frame.select(exprs).row(0) if exprs else ()
    return pl.DataFrame(
        {
            "column": frame.columns,
            "filled": [int(n) for n in counts[0::2]],
            "codes": [int(n) for n in counts[1::2]],
        },
        schema={"column": pl.String, "filled": pl.Int64, "codes": pl.Int64},
    )


def code_column_by_values(frame: pl.DataFrame) -> str | None:
    """The column whose filled cells are at least :data:`MIN_SHARE` national codes (and at
    least :data:`MIN_CODES` of them); the highest share wins, then the most codes, then the
    leftmost column. None when no column qualifies."""
    shares = code_shares(frame.head(VALUE_ROWS)).with_columns(
        share=pl.col("codes") / pl.col("filled"), at=pl.int_range(pl.len())
    )
    fit = shares.filter((pl.col("codes") >= MIN_CODES) & (pl.col("share") >= MIN_SHARE))
    if fit.is_empty():
        return None
    best = fit.sort(["share", "codes", "at"], descending=[True, True, False])
    return str(best.get_column("column")[0])


def best_code_column(frame: pl.DataFrame, chosen: str) -> str:
    """Among columns whose header names a code (医保编码, 医保贯标码, 医保编码_2 …), the one
    whose values most often have a national code's shape; the alias choice on a tie."""
    candidates = code_candidates(frame.columns)
    if len(candidates) < 2:
        return chosen
    shares = frame.select(
        well_formed_expr(code_key(pl.col(c))).fill_null(False).mean().alias(c) for c in candidates
    ).row(0, named=True)
    best = max(candidates, key=lambda c: (shares[c] or 0.0, c == chosen))
    return best if (shares[best] or 0.0) > (shares[chosen] or 0.0) else chosen
