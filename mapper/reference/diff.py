"""What changed between two releases: added codes, revoked codes, changed attributes.

One long frame, a row per change: ``system``, ``code``, ``change`` (``added``, ``revoked``,
``changed``), ``field``, ``old``, ``new``, ``name``. A code is *revoked* when the new release
drops it, or when it keeps the code but gives it an end date it did not have (field
``valid_to``); every other differing attribute is one ``changed`` row. Only systems both
releases hold are compared (a release may hold only some systems).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mapper.reference.schema import REFERENCE_SCHEMA
from mapper.reference.store import Reference, load_reference

COMPARED = tuple(c for c in REFERENCE_SCHEMA if c not in ("code", "system", "source"))
DIFF_SCHEMA = {
    "system": pl.String,
    "code": pl.String,
    "change": pl.String,
    "field": pl.String,
    "old": pl.String,
    "new": pl.String,
    "name": pl.String,
}


def _records(ref: Reference, system: str) -> pl.LazyFrame:
    entry = next(e for e in ref.entries if e.system == system)
    one = Reference(root=ref.root, release=ref.release, entries=[entry])
    return one.scan().unique(subset="code", keep="first", maintain_order=True)


def _system_diff(old: pl.LazyFrame, new: pl.LazyFrame, system: str) -> pl.LazyFrame:
    def whole(frame: pl.LazyFrame, change: str) -> pl.LazyFrame:
        return frame.select(
            pl.lit(system).alias("system"),
            "code",
            pl.lit(change).alias("change"),
            *(pl.lit(None, pl.String).alias(c) for c in ("field", "old", "new")),
            "name",
        )

    parts = [
        whole(new.join(old, on="code", how="anti"), "added"),
        whole(old.join(new, on="code", how="anti"), "revoked"),
    ]
    both = old.join(new, on="code", how="inner", suffix="_new")
    for field in COMPARED:
        before, after = pl.col(field), pl.col(f"{field}_new")
        end_dated = (
            (before.is_null() & after.is_not_null()) if field == "valid_to" else pl.lit(False)
        )
        parts.append(
            both.filter(before.ne_missing(after)).select(
                pl.lit(system).alias("system"),
                "code",
                pl.when(end_dated)
                .then(pl.lit("revoked"))
                .otherwise(pl.lit("changed"))
                .alias("change"),
                pl.lit(field).alias("field"),
                before.cast(pl.String).alias("old"),
                after.cast(pl.String).alias("new"),
                pl.col("name_new").alias("name"),
            )
        )
    return pl.concat(parts)


def diff_releases(
    old: str,
    new: str,
    *,
    store: str | Path | None = None,
    systems: list[str] | None = None,
) -> pl.DataFrame:
    """Every change from release ``old`` to release ``new`` of a store, per system."""
    before, after = load_reference(store, old), load_reference(store, new)
    shared = [s for s in after.systems if s in before.systems and (not systems or s in systems)]
    parts = [_system_diff(_records(before, s), _records(after, s), s) for s in shared]
    if not parts:
        return pl.DataFrame(schema=DIFF_SCHEMA)
    order = {"added": 0, "revoked": 1, "changed": 2}
    return (
        pl.concat(parts)
        .cast(DIFF_SCHEMA)  # type: ignore[arg-type]
        .with_columns(pl.col("change").replace_strict(order, return_dtype=pl.Int8).alias("_o"))
        .sort("system", "_o", "code", "field", nulls_last=False)
        .drop("_o")
        .collect()
    )


def diff_counts(diff: pl.DataFrame) -> pl.DataFrame:
    """Codes per system and change (a code with several changed fields counts once)."""
    return (
        diff.group_by("system", "change")
        .agg(pl.col("code").n_unique().alias("codes"))
        .sort("system", "change")
    )
