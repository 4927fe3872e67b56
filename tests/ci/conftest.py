"""Catalog versions for the CI tests, built from the sample pharmacy catalog in a tmp dir.

v1 is the sample as exported (GBK CSV); v2 is v1 with exactly three new problems: an item's
code blanked (COD001), another item's manufacturer changed (ATT004) and a new item with a
malformed code (COD002). ``shuffled`` is v1 with its rows in another order; ``fixed`` is v1
with one accepted problem (the ATT004 finding) corrected.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click.testing
import polars as pl
import pytest
from click.testing import CliRunner

import mapper
from mapper.cli.main import cli
from tests.support import REPO

SAMPLE = REPO / "sample_catalogs" / "pharmacy_catalog_gbk.csv"
AS_OF = ["--as-of", "2026-11-23"]
ITEM, CODE, MAKER = "商品编码", "医保编码", "生产厂家"
NEW_ITEM = "9999001"


def run(*args: str | Path) -> click.testing.Result:
    """``mapper ARGS`` in-process; stdout and stderr stay apart (result.stdout / .stderr)."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def read_gbk(path: Path) -> pl.DataFrame:
    return pl.read_csv(io.StringIO(path.read_bytes().decode("gbk")), infer_schema=False)


def write_gbk(frame: pl.DataFrame, path: Path) -> Path:
    path.write_bytes(frame.write_csv().encode("gbk"))
    return path


@dataclass(frozen=True)
class Versions:
    v1: Path
    v2: Path
    shuffled: Path
    fixed: Path
    new_problems: frozenset[tuple[str, str]]  # (rule, item id) of v2's three new findings
    fixed_problem: tuple[str, str]  # (rule, item id) corrected in ``fixed``


@pytest.fixture(autouse=True)
def _no_stray_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Config is found from the working directory upward: start each test in an empty one.
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture(scope="session")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    root = tmp_path_factory.mktemp("catalogs")
    v1 = read_gbk(SAMPLE)
    clean = (
        mapper.check(SAMPLE, as_of=date(2026, 11, 23))
        .items.filter(pl.col("status") == "ok", pl.col("item_id").is_not_null())
        .get_column("item_id")
        .unique(maintain_order=True)
    )
    blank_code, new_maker = clean[0], clean[1]
    extra = v1.filter(pl.col(ITEM) == clean[2]).with_columns(
        pl.lit(NEW_ITEM).alias(ITEM), pl.lit("XQ-12").alias(CODE)
    )
    v2 = pl.concat(
        [
            v1.with_columns(
                pl.when(pl.col(ITEM) == blank_code).then(None).otherwise(pl.col(CODE)).alias(CODE),
                pl.when(pl.col(ITEM) == new_maker)
                .then(pl.lit("测试虚构制药有限公司"))
                .otherwise(pl.col(MAKER))
                .alias(MAKER),
            ),
            extra,
        ]
    )
    att004 = mapper.check(SAMPLE, as_of=date(2026, 11, 23), select=["ATT004"]).findings.row(
        0, named=True
    )
    fixed = v1.with_columns(
        pl.when(pl.col(ITEM) == att004["item_id"])
        .then(pl.lit(att004["expected"]))
        .otherwise(pl.col(MAKER))
        .alias(MAKER)
    )
    return Versions(
        v1=write_gbk(v1, root / "v1.csv"),
        v2=write_gbk(v2, root / "v2.csv"),
        shuffled=write_gbk(v1.sample(fraction=1.0, shuffle=True, seed=7), root / "v1_shuffled.csv"),
        fixed=write_gbk(fixed, root / "v1_fixed.csv"),
        new_problems=frozenset(
            {("COD001", blank_code), ("ATT004", new_maker), ("COD002", NEW_ITEM)}
        ),
        fixed_problem=("ATT004", att004["item_id"]),
    )
