"""Scores for candidate pairs: one similarity per field, a weighted total, and the evidence.

String similarities come from rapidfuzz (``process.cpdist`` over the *distinct* value pairs,
joined back), numbers from polars expressions. A field the item does not carry is left out of
the total (it cannot tell candidates apart); a field only the record lacks scores 0.5 (unknown,
between agreeing and differing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Prefix

UNKNOWN = 0.5
AGREE = 0.85  # a field scoring at least this agrees …
DIFFER = 0.5  # … below this (with both sides known) differs

# fmt: off
WEIGHTS: dict[str, float] = {
    "name": 0.45, "spec": 0.20, "manufacturer": 0.15, "dosage_form": 0.10, "pack": 0.05,
    "approval_no": 0.10, "base_code": 0.05, "unit": 0.03, "code": 0.10,
}
# fmt: on
FIELDS = tuple(WEIGHTS)
# Fields compared as written (white space removed only) for ``exact_score``.
TEXTS = ("name", "spec", "form", "mfr")

Scorer = Callable[..., Any]


def similarity(
    frame: pl.DataFrame, left: str, right: str, scorer: Scorer, scale: float = 100.0
) -> pl.Series:
    """``scorer(left, right) / scale`` for every row (null where either is null), computed
    once per distinct pair.
    """
    pairs = frame.select(pl.col(left).alias("_l"), pl.col(right).alias("_r")).drop_nulls().unique()
    if pairs.is_empty():
        return pl.Series(left, [None] * frame.height, dtype=pl.Float64)
    values = process.cpdist(
        pairs.get_column("_l").to_list(),
        pairs.get_column("_r").to_list(),
        scorer=scorer,
        workers=-1,
    )
    pairs = pairs.with_columns(_s=pl.Series(values, dtype=pl.Float64) / scale)
    joined = frame.select(pl.col(left).alias("_l"), pl.col(right).alias("_r")).join(
        pairs, on=["_l", "_r"], how="left", maintain_order="left"
    )
    return joined.get_column("_s")


def _known(item: str, ref: str, both: pl.Expr) -> pl.Expr:
    """``both`` where item and record have the value, 0.5 where only the item has it."""
    return (
        pl.when(pl.col(item).is_null())
        .then(None)
        .when(pl.col(ref).is_null())
        .then(UNKNOWN)
        .otherwise(both)
    )


def field_scores(pairs: pl.DataFrame) -> pl.DataFrame:
    """Add ``<field>_score`` columns to a frame of item (``i_``) and record (``r_``) keys."""
    names = [
        similarity(pairs, f"i_{a}", f"r_{b}", fuzz.WRatio).fill_null(0.0)
        for a in ("nkey", "gkey")
        for b in ("nkey", "gkey")
    ]
    out = pairs.with_columns(
        name_score=pl.max_horizontal(names),
        _spec_sim=similarity(pairs, "i_spec_core", "r_spec_core", fuzz.ratio),
        _form_sim=similarity(pairs, "i_form_key", "r_form_key", fuzz.ratio),
        _mfr_sim=similarity(pairs, "i_mfr_key", "r_mfr_key", fuzz.WRatio),
        _code_sim=similarity(pairs, "i_code_key", "r_code", Prefix.normalized_similarity, 1.0),
    )
    same_strength = (
        (pl.col("i_strength") - pl.col("r_strength")).abs()
        <= 1e-6 * pl.max_horizontal(pl.col("i_strength"), pl.col("r_strength"))
    ) & (pl.col("i_strength_dim") == pl.col("r_strength_dim"))
    spec = (
        pl.when(pl.col("i_strength").is_not_null() & pl.col("r_strength").is_not_null())
        .then(same_strength.cast(pl.Float64))
        .otherwise(pl.col("_spec_sim"))
    )
    return out.with_columns(
        spec_score=_known("i_spec_core", "r_spec_core", spec),
        dosage_form_score=_known("i_form_key", "r_form_key", pl.col("_form_sim")),
        manufacturer_score=_known("i_mfr_key", "r_mfr_key", pl.col("_mfr_sim")),
        pack_score=_known("i_pack", "r_pack", (pl.col("i_pack") == pl.col("r_pack")).cast(float)),
        approval_no_score=_known(
            "i_appr_key", "r_appr_key", (pl.col("i_appr_key") == pl.col("r_appr_key")).cast(float)
        ),
        base_code_score=_known(
            "i_gtin", "r_gtin", (pl.col("i_gtin") == pl.col("r_gtin")).cast(float)
        ),
        # Shared-prefix share of the item's failing code and the candidate: a mistyped code
        # usually keeps the record's class, name and spec segments.
        unit_score=_known(
            "i_unit_key", "r_unit_key", (pl.col("i_unit_key") == pl.col("r_unit_key")).cast(float)
        ),
        code_score=pl.col("_code_sim"),
    ).drop("_spec_sim", "_form_sim", "_mfr_sim", "_code_sim")


def weighted(pairs: pl.DataFrame) -> pl.DataFrame:
    """Add ``similarity`` (the weighted mean of the field scores the item has) and
    ``exact_score`` (the share of the item's name, spec, form and maker that the record
    writes the same way, white space aside: ``每袋装12g`` = ``每袋装12g`` but not ``12g``).
    """
    num = pl.sum_horizontal(pl.col(f"{f}_score").fill_null(0.0) * w for f, w in WEIGHTS.items())
    den = pl.sum_horizontal(
        pl.col(f"{f}_score").is_not_null().cast(pl.Float64) * w for f, w in WEIGHTS.items()
    )
    carried = pl.sum_horizontal(pl.col(f"i_{t}_text").is_not_null().cast(pl.Float64) for t in TEXTS)
    same = pl.sum_horizontal(
        (pl.col(f"i_{t}_text") == pl.col(f"r_{t}_text")).fill_null(False).cast(pl.Float64)
        for t in TEXTS
    )
    return pairs.with_columns(
        similarity=num / den, exact_score=pl.when(carried > 0).then(same / carried)
    )


def agrees_everywhere() -> pl.Expr:
    """True where every field the item carries agrees (scores at least ``AGREE``); the item's
    own failing code is evidence, not a field to agree on."""
    return pl.all_horizontal(
        pl.col(f"{f}_score").is_null() | (pl.col(f"{f}_score") >= AGREE)
        for f in FIELDS
        if f != "code"
    )


def evidence() -> dict[str, pl.Expr]:
    """``agreed`` / ``differed``: comma-separated names of the fields that scored at least
    ``AGREE`` / below ``DIFFER`` (a field only the item has scores 0.5: neither).
    """

    def names_where(test: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
        parts = [pl.when(test(pl.col(f"{f}_score"))).then(pl.lit(f)) for f in FIELDS]
        return pl.concat_list(parts).list.drop_nulls().list.join(",")

    return {
        "agreed": names_where(lambda s: s >= AGREE),
        "differed": names_where(lambda s: s < DIFFER),
    }
