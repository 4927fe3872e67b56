"""Pieces shared by the snapshot builders: the record schema, validity dates, GS1 check digits."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

RELEASE = "2026-11"
# Fixed so that a rebuild is byte-identical; it is the release date, not the build time.
IMPORTED_AT = "2026-11-01T00:00:00+00:00"

# docs/CONTRACTS.md, "Reference record columns": every system's file has all of them.
SCHEMA: dict[str, pl.DataType] = {
    "code": pl.Utf8(),
    "system": pl.Utf8(),
    "name": pl.Utf8(),
    "generic_name": pl.Utf8(),
    "spec": pl.Utf8(),
    "dosage_form": pl.Utf8(),
    "package": pl.Utf8(),
    "unit": pl.Utf8(),
    "manufacturer": pl.Utf8(),
    "approval_no": pl.Utf8(),
    "base_code": pl.Utf8(),
    "payment_category": pl.Utf8(),
    "valid_from": pl.Date(),
    "valid_to": pl.Date(),
    "market_status": pl.Utf8(),
    "source": pl.Utf8(),
}

BASE_DATE = dt.date(2021, 1, 1)
FUTURE_DATE = dt.date(2027, 1, 1)


def frame(records: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Build a frame with exactly the contract's columns and types, sorted by code."""
    rows = [{col: rec.get(col) for col in SCHEMA} for rec in records]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row").sort("code")


def gs1_check_digit(body: str) -> str:
    """GS1 mod-10 check digit for ``body`` (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gs1_valid(value: str) -> bool:
    return value.isdigit() and len(value) >= 2 and gs1_check_digit(value[:-1]) == value[-1]


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def validity(
    rng: random.Random,
    *,
    revoked: float,
    future: float,
    later: float,
    revoked_status: tuple[str, ...] = ("停产", "停用"),
    active_status: str | None = "上市",
) -> dict[str, Any]:
    """Synthetic validity for one code: open-ended, revoked in 2023-2025, or valid from 2027.

    ``later`` is the share of open-ended codes that start after 2021 (2022-2025).
    """
    draw = rng.random()
    if draw < revoked:
        start = (
            BASE_DATE
            if rng.random() < 0.7
            else random_date(rng, dt.date(2021, 2, 1), dt.date(2022, 12, 1))
        )
        return {
            "valid_from": start,
            "valid_to": random_date(rng, dt.date(2023, 1, 1), dt.date(2025, 12, 31)),
            "market_status": rng.choice(revoked_status),
        }
    if draw < revoked + future:
        return {"valid_from": FUTURE_DATE, "valid_to": None, "market_status": "未上市"}
    start = BASE_DATE
    if rng.random() < later:
        start = random_date(rng, dt.date(2022, 1, 1), dt.date(2025, 12, 1)).replace(day=1)
    return {"valid_from": start, "valid_to": None, "market_status": active_status}


def weighted(rng: random.Random, choices: Mapping[str, float]) -> str:
    """One key of ``choices`` drawn with the given weights."""
    return rng.choices(list(choices), weights=list(choices.values()))[0]
