"""Formula injection: cells a spreadsheet would run are prefixed with ' (the shared helper)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import mapper
from mapper.web.cells import neutralise, neutralise_text
from mapper.writers import WRITERS


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("-1e5", "-1e5"),
        ("阿莫西林 =1", "阿莫西林 =1"),
        ("", ""),
        ("'=already", "'=already"),
    ],
)
def test_neutralise_text(cell: str, safe: str) -> None:
    assert neutralise_text(cell) == safe


@pytest.mark.parametrize(
    "dtype",
    [pl.String(), pl.Categorical(), pl.Categorical(pl.Categories("mapper.name"))],
    ids=["text", "categorical", "own-categories"],
)
def test_neutralise_frame_matches_text_and_headers(dtype: pl.DataType) -> None:
    """Text as a streamed check writes it too: categoricals, global or with their own
    categories (checking.categorical)."""
    cells = ["=1+1", "-5", "-x", "@a", "\tb", "ok", None]
    frame = pl.DataFrame({"=bad": cells, "n": list(range(len(cells)))}).with_columns(
        pl.col("=bad").cast(dtype)
    )
    safe = neutralise(frame)
    assert safe.columns == ["'=bad", "n"]
    assert safe.get_column("'=bad").to_list() == [
        None if c is None else neutralise_text(c) for c in cells
    ]
    assert safe.get_column("n").to_list() == frame.get_column("n").to_list()


def test_csv_and_xlsx_writers_neutralise(tmp_path: Path) -> None:
    catalog = tmp_path / "f.csv"
    catalog.write_text("商品编码,通用名称,医保编码,类别\n=1+1,@SUM(A1),,西药\n", encoding="utf-8")
    result = mapper.check(catalog)
    WRITERS["csv"].write(result, tmp_path)
    WRITERS["xlsx"].write(result, tmp_path)
    items = pl.read_csv(tmp_path / "items.csv", infer_schema=False)
    assert items.get_column("item_id").to_list() == ["'=1+1"]
    sheet = pl.read_excel(
        tmp_path / "report.xlsx", sheet_name="商品状态 items", infer_schema_length=0
    )
    assert sheet.get_column("name").to_list() == ["'@SUM(A1)"]
