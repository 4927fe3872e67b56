"""Which catalog items a new release breaks or changes (``mapper reference impact``).

The catalog is checked twice with :func:`mapper.check`, once against each release and on the
same check date, and the findings are compared per catalog row on (rule, field); the rules
themselves are not re-implemented here. A row is listed when its findings differ or when the
payment category (甲/乙/丙) of its code changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from mapper import api
from mapper.catalog import Catalog, read_catalog
from mapper.engine import today
from mapper.reference.manifest import read_manifest
from mapper.reference.store import default_root, load_reference
from mapper.result import CheckResult

IMPACT_SCHEMA = {
    "row": pl.Int64,
    "item_id": pl.String,
    "code": pl.String,
    "name": pl.String,
    "impact": pl.String,
    "status_before": pl.String,
    "status_after": pl.String,
    "rules_added": pl.String,
    "rules_resolved": pl.String,
    "detail": pl.String,
}


def _keyed(result: CheckResult) -> pl.LazyFrame:
    return (
        result.findings.lazy()
        .select("row", "rule", "field", "severity", "message")
        .unique(subset=["row", "rule", "field"], keep="first")
    )


def _rule_list(frame: pl.LazyFrame, name: str) -> pl.LazyFrame:
    return frame.group_by("row").agg(
        pl.col("rule").unique().sort().str.join(", ").alias(name),
        pl.col("severity").eq("error").any().alias(f"{name}_error"),
        pl.col("message").str.join("; ").alias(f"{name}_messages"),
    )


def compare_results(before: CheckResult, after: CheckResult) -> pl.DataFrame:
    """Catalog rows whose findings or payment category differ between two check results."""
    old, new = _keyed(before), _keyed(after)
    added = _rule_list(new.join(old, on=["row", "rule", "field"], how="anti"), "rules_added")
    gone = _rule_list(old.join(new, on=["row", "rule", "field"], how="anti"), "rules_resolved")
    items = (
        before.items.lazy()
        .select(
            "row",
            "item_id",
            "code",
            "name",
            pl.col("status").alias("status_before"),
            pl.col("ref_payment_category").alias("pay_before"),
        )
        .join(
            after.items.lazy().select(
                "row",
                pl.col("status").alias("status_after"),
                pl.col("ref_payment_category").alias("pay_after"),
            ),
            on="row",
        )
    )
    # Only where both releases hold the code: a dropped or new code is reported by REF001.
    pay_changed = pl.col("pay_before") != pl.col("pay_after")
    payment_note = pl.format(
        "医保类别 {} → {} / payment category changed",
        pl.col("pay_before").fill_null("—"),
        pl.col("pay_after").fill_null("—"),
    )
    impact = (
        pl.when(pl.col("rules_added_error").fill_null(False))
        .then(pl.lit("breaks"))
        .when(pl.col("rules_resolved_error").fill_null(False) & pl.col("rules_added").is_null())
        .then(pl.lit("fixes"))
        .otherwise(pl.lit("changes"))
    )
    return (
        items.join(added, on="row", how="left")
        .join(gone, on="row", how="left")
        .filter(
            pl.col("rules_added").is_not_null()
            | pl.col("rules_resolved").is_not_null()
            | pay_changed.fill_null(False)
        )
        .with_columns(
            impact.alias("impact"),
            pl.concat_str(
                [pl.col("rules_added_messages"), pl.when(pay_changed).then(payment_note)],
                separator="; ",
                ignore_nulls=True,
            ).alias("detail"),
        )
        .select(list(IMPACT_SCHEMA))
        .cast(IMPACT_SCHEMA)  # type: ignore[arg-type]
        .sort("row")
        .collect()
    )


def release_impact(
    catalog: Catalog | str | Path,
    old: str,
    new: str,
    *,
    store: str | Path | None = None,
    as_of: date | None = None,
    columns: Mapping[str, str] | None = None,
    **check_options: Any,
) -> pl.DataFrame:
    """What moving ``catalog`` from release ``old`` to ``new`` breaks, fixes or changes.

    Both checks use the same date: ``as_of``, else the date ``new`` is published (in force
    from), else today. ``check_options`` go to :func:`mapper.check` (``select``, ``policy``…).
    """
    root = Path(store) if store is not None else default_root()
    if as_of is None:
        as_of = read_manifest(root).published.get(new) or today()
    cat = (
        catalog
        if isinstance(catalog, Catalog)
        else read_catalog(
            catalog,
            columns=columns,
            encoding=check_options.pop("encoding", None),
            sheet=check_options.pop("sheet", None),
        )
    )
    results = [
        api.check(cat, load_reference(root, release), as_of=as_of, **check_options)
        for release in (old, new)
    ]
    return compare_results(*results)
