"""Review file round trip, ``mapper apply`` and the two commands through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from mapper.catalog import read_catalog
from mapper.cli.main import cli
from mapper.errors import InputError
from mapper.suggest import load_memory
from mapper.suggest.apply import apply_review
from mapper.suggest.review import add_status, read_review, write_review
from tests.suggest.conftest import AS_OF, SAMPLES

PHARMACY = SAMPLES / "pharmacy_catalog_gbk.csv"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_review_round_trip(
    tmp_path: Path, suffix: str, sample_suggestions: dict[str, pl.DataFrame]
) -> None:
    frame = add_status(sample_suggestions["pharmacy"])
    assert set(frame["status"]) == {"auto", "ambiguous", "flagged"}
    path = write_review(frame, tmp_path / f"review{suffix}")
    if suffix == ".csv":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    back = read_review(path)
    assert back.height == frame.height
    pairs = ["row", "rank", "code", "status"]
    assert sorted(back.select(pairs).with_columns(pl.col("rank").cast(pl.Int32)).rows(),
                  key=str) == sorted(frame.select(pairs).rows(), key=str)  # fmt: skip
    # Most valuable items first (price × quantity), an item's candidates together in rank order.
    values = back["value"].cast(pl.Float64)
    assert values.drop_nulls().to_list() == sorted(values.drop_nulls().to_list(), reverse=True)
    assert back["line"].to_list() == list(range(2, back.height + 2))


def _approve_first(frame: pl.DataFrame) -> pl.DataFrame:
    return add_status(frame).with_columns(
        status=pl.when(pl.col("rank") == 1).then(pl.lit("approved")).otherwise(pl.col("status"))
    )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_apply_fills_codes_and_keeps_everything(
    tmp_path: Path, suffix: str, sample_suggestions: dict[str, pl.DataFrame]
) -> None:
    review = _approve_first(sample_suggestions["pharmacy"])
    write_review(review, tmp_path / "review.csv")
    out = tmp_path / f"filled{suffix}"
    done = apply_review(
        PHARMACY, tmp_path / "review.csv", out, as_of=AS_OF, memory=tmp_path / "m.csv"
    )
    approved = review.filter(pl.col("status") == "approved")
    assert done.filled == approved.height
    before, after = read_catalog(PHARMACY), read_catalog(out)
    assert after.frame.height == before.frame.height
    assert list(after.columns) == list(before.columns)  # every original column, same headers
    filled = dict(approved.select("row", "code").iter_rows())
    for row, code, old in (
        after.frame.join(before.frame.select("row", old="code"), on="row")
        .select("row", "code", "old")
        .iter_rows()
    ):
        assert code == filled.get(row, old) or (code in (None, "") and old is None)
    # The filled file may be a workbook where the catalog was a CSV: its rows gain a sheet.
    assert before.frame.drop("code", "sheet").equals(after.frame.drop("code", "sheet"))
    # Uncoded drug lines are coded now.
    errors = done.result.findings.filter(pl.col("severity") == "error")
    assert not set(errors.filter(pl.col("rule") == "COD001")["row"]) & {76, 167, 335}
    assert load_memory(tmp_path / "m.csv").height == approved.height


def test_apply_rejects_bad_reviews(
    tmp_path: Path, sample_suggestions: dict[str, pl.DataFrame]
) -> None:
    review = add_status(sample_suggestions["pharmacy"])
    bad_status = review.with_columns(status=pl.lit("maybe"))
    write_review(bad_status, tmp_path / "bad.csv")
    with pytest.raises(InputError, match="not one of"):
        apply_review(PHARMACY, tmp_path / "bad.csv", tmp_path / "o.csv", as_of=AS_OF)
    two = review.filter(pl.col("rank") <= 2).with_columns(status=pl.lit("approved"))
    with pytest.raises(InputError, match="more than one approved"):
        apply_review(PHARMACY, two, tmp_path / "o.csv", as_of=AS_OF)
    moved = _approve_first(review).with_columns(item_id=pl.lit("0000000"))
    with pytest.raises(InputError, match="item id differs"):
        apply_review(PHARMACY, moved, tmp_path / "o.csv", as_of=AS_OF)


def test_cli_suggest_and_apply(tmp_path: Path) -> None:
    runner = CliRunner()
    review = tmp_path / "review.xlsx"
    got = runner.invoke(
        cli, ["suggest", str(PHARMACY), "--as-of", "2026-11-23", "--out", str(review)]
    )
    assert got.exit_code == 0, got.output
    assert "items need a code" in got.output and review.exists()
    shown = runner.invoke(cli, ["suggest", str(PHARMACY), "--as-of", "2026-11-23", "-k", "2"])
    assert shown.exit_code == 0 and "他达拉非片" in shown.output
    out = tmp_path / "filled.csv"
    memory = tmp_path / "memory.parquet"
    applied = runner.invoke(
        cli,
        ["apply", str(PHARMACY), str(review), "--out", str(out), "--accept-auto",
         "--memory", str(memory), "--as-of", "2026-11-23"],
    )  # fmt: skip
    assert applied.exit_code == 0, applied.output
    assert "filled" in applied.output and "re-check" in applied.output
    assert out.exists() and memory.exists()
    again = runner.invoke(
        cli, ["suggest", str(PHARMACY), "--as-of", "2026-11-23", "--memory", str(memory)]
    )
    assert again.exit_code == 0 and "memory" in again.output


def test_cli_errors_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    got = runner.invoke(cli, ["suggest", str(tmp_path / "missing.csv")])
    assert got.exit_code == 2 and "no such file" in got.output
    got = runner.invoke(
        cli, ["apply", str(PHARMACY), str(tmp_path / "none.csv"), "--out", str(tmp_path / "o.txt")]
    )
    assert got.exit_code == 2


def test_commands_have_help() -> None:
    for name in ("suggest", "apply"):
        got = CliRunner().invoke(cli, [name, "--help"])
        assert got.exit_code == 0 and len(got.output) > 200
