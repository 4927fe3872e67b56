from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from mapper.reference import Reference, load_reference
from mapper.suggest import build_index, suggest
from mapper.suggest.index import ReferenceIndex

AS_OF = dt.date(2026, 11, 23)
SAMPLES = Path(__file__).resolve().parents[2] / "sample_catalogs"


@pytest.fixture(scope="session")
def shipped() -> Reference:
    return load_reference()


@pytest.fixture(scope="session")
def shipped_index(shipped: Reference) -> ReferenceIndex:
    return build_index(shipped, AS_OF)


@pytest.fixture(scope="session")
def sample_suggestions(
    shipped: Reference, shipped_index: ReferenceIndex
) -> dict[str, pl.DataFrame]:
    return {
        name: suggest(SAMPLES / f"{name}_catalog_gbk.csv", shipped, as_of=AS_OF,
                      index=shipped_index)
        for name in ("pharmacy", "hospital")
    }  # fmt: skip
