"""apply as hospital IT meets it beyond one coded sheet: a catalog coded for the first time (no
code column: XLSX with title rows and merges, GBK CSV) gets a 医保编码 column after its name
column; a HIS workbook read whole gets each approval on its own sheet and row."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
from click.testing import CliRunner

from mapper.cli.main import cli
from mapper.suggest import load_memory
from mapper.suggest.review import read_review, write_review
from tests.suggest.test_apply_workbook import _cells, _drugs, _merges

REPO = Path(__file__).resolve().parents[2]
HEADER = ["序号", "院内编码", "药品名称", "规格", "剂型", "生产企业", "单价"]  # no code column
NAME_COL = HEADER.index("药品名称") + 1


def _suggest(catalog: Path, review: Path, *extra: str) -> pl.DataFrame:
    got = CliRunner().invoke(
        cli, ["suggest", str(catalog), "--as-of", "2026-11-23", "--out", str(review), *extra]
    )
    assert got.exit_code == 0, got.output
    # As the reviewer sees it: ranks and values as numbers, not the review's text cells.
    return (
        read_review(review)
        .drop("line")
        .with_columns(pl.col("rank").cast(pl.Int32), pl.col("value").cast(pl.Float64))
    )


def _approve(review: pl.DataFrame, rows: list[int], path: Path) -> dict[int, str]:
    """已确认 on the first candidate of ``rows`` (with reviewer and note), 驳回 on second
    candidates, 待定 elsewhere; the review written back as a reviewer saves it."""
    first = (pl.col("rank") == 1) & pl.col("row").is_in(rows)
    edited = review.with_columns(
        status=pl.when(first)
        .then(pl.lit("已确认"))
        .when(pl.col("rank") == 2)
        .then(pl.lit("驳回"))
        .otherwise(pl.lit("待定")),
        reviewer=pl.when(first).then(pl.lit("李工")).otherwise(pl.lit("")),
        note=pl.when(first).then(pl.lit("信息科核对")).otherwise(pl.lit("")),
    )
    write_review(edited, path)
    return dict(edited.filter(first).select("row", "code").iter_rows())


def _apply(catalog: Path, review: Path, out: Path, *extra: str) -> str:
    got = CliRunner().invoke(
        cli, ["apply", str(catalog), str(review), "--out", str(out), "--as-of", "2026-11-23",
              *extra],
    )  # fmt: skip
    assert got.exit_code == 0, got.output
    return got.output


def _uncoded_workbook(path: Path, drugs: list[dict[str, Any]]) -> Path:
    """A HIS sheet never coded: merged title and date rows above the header, widths, numbers."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "药品目录"
    ws["A1"] = "XX县人民医院 药品目录（未对码）"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A2"] = "导出日期：2026-11-20"
    ws.merge_cells("A2:C2")
    ws.append(HEADER)
    for i, rec in enumerate(drugs, start=1):
        ws.append([i, f"YP{i:04d}", rec["name"], rec["spec"], rec["dosage_form"],
                   rec["manufacturer"], 12.5 * i])  # fmt: skip
        ws.cell(row=ws.max_row, column=7).number_format = "0.00"
    last = ws.max_row + 2
    ws.cell(row=last, column=1).value = "制表：信息科"
    ws.merge_cells(start_row=last, start_column=1, end_row=last, end_column=len(HEADER))
    ws.column_dimensions["D"].width = 30
    book.save(path)
    return path


def test_apply_adds_a_code_column_after_the_name_in_a_workbook(
    tmp_path: Path, shipped: Any
) -> None:
    catalog = _uncoded_workbook(tmp_path / "未对码.xlsx", _drugs(shipped, 5))
    review_path = tmp_path / "review.xlsx"
    review = _suggest(catalog, review_path)
    rows = sorted(set(review.drop_nulls("code")["row"].to_list()))
    assert rows == [4, 5, 6, 7, 8]  # every item, numbered as Excel shows them
    codes = _approve(review, rows[:3], review_path)
    out = tmp_path / "coded.xlsx"
    assert "filled 3 codes" in _apply(catalog, review_path, out)

    before, after = _cells(catalog)["药品目录"], _cells(out)["药品目录"]
    new = NAME_COL + 1
    assert after[(3, new)][0] == "医保编码"  # in the header row the reader found
    for (row, col), cell in before.items():  # everything else moved one column right
        assert after[(row, col + 1 if col >= new else col)] == cell, (row, col)
    for row in range(1, max(r for r, _ in before) + 1):
        if row != 3:
            assert after.get((row, new), (None,))[0] == codes.get(row), row
    assert all(after[(r, new)][1] == "@" for r in codes)  # written as text
    last = max(r for r, _ in before)
    assert _merges(out)["药品目录"] == {  # title and footer widen; A2:C2 is left of it
        f"A1:{chr(ord('A') + len(HEADER))}1",
        "A2:C2",
        f"A{last}:{chr(ord('A') + len(HEADER))}{last}",
    }
    sheet = openpyxl.load_workbook(out)["药品目录"]
    assert sheet.column_dimensions["E"].width == 30  # 规格's width moved with it
    # The coded workbook reads back with its new code column, and the codes check out.
    again = _suggest(out, tmp_path / "again.csv")
    assert set(again.drop_nulls("code")["row"]) == {7, 8}


def test_apply_adds_a_code_column_to_a_gbk_csv(tmp_path: Path, shipped: Any) -> None:
    drugs = _drugs(shipped, 4)
    records = [["XX药房 商品目录"], ["商品编码", "药品名称", "规格", "生产企业", "零售价"]]
    records += [[f"SP{i}", d["name"], d["spec"], d["manufacturer"], f"1{i}.50"]
                for i, d in enumerate(drugs)]  # fmt: skip
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(records)
    catalog = tmp_path / "pos.csv"
    catalog.write_bytes(text.getvalue().encode("gbk"))
    review_path = tmp_path / "review.csv"
    review = _suggest(catalog, review_path)
    codes = _approve(review, [3, 5], review_path)
    out, memory = tmp_path / "coded.csv", tmp_path / "memory.parquet"
    _apply(catalog, review_path, out, "--memory", str(memory))
    written = out.read_bytes().decode("gbk")  # GBK, CRLF, column order kept
    assert written.count("\r\n") == len(records)
    back = list(csv.reader(io.StringIO(written, newline="")))
    assert back[0] == records[0]  # the title line untouched
    assert back[1] == ["商品编码", "药品名称", "医保编码", "规格", "生产企业", "零售价"]
    for number, (old, new) in enumerate(zip(records[2:], back[2:], strict=True), start=3):
        assert new == [*old[:2], codes.get(number, ""), *old[2:]]
    remembered = load_memory(memory)
    assert set(remembered["reviewer"]) == {"李工"} and set(remembered["note"]) == {"信息科核对"}


def test_apply_on_a_whole_his_workbook_puts_codes_on_their_sheets(tmp_path: Path) -> None:
    catalog = tmp_path / "his.xlsx"
    shutil.copy(REPO / "sample_catalogs" / "his_workbook.xlsx", catalog)
    review_path = tmp_path / "review.xlsx"
    review = _suggest(catalog, review_path)  # every catalog sheet, no --sheet
    assert {"药品目录", "卫生材料"} <= set(review["sheet"])
    # One item from each sheet that has candidates.
    rows = review.filter(pl.col("rank") == 1).unique("sheet", keep="first")["row"].to_list()
    codes = _approve(review, rows, review_path)
    out = tmp_path / "coded.xlsx"
    assert f"filled {len(codes)} codes" in _apply(catalog, review_path, out)

    listed = review.filter(pl.col("row").is_in(rows) & (pl.col("rank") == 1))
    where = {}  # (sheet, Excel row, code column) → code, found by the item id in the original
    original = openpyxl.load_workbook(catalog)
    for sheet, item_id, code in listed.select("sheet", "item_id", "code").iter_rows():
        ws = original[sheet]
        cells = [(c.row, c.column) for row in ws.iter_rows() for c in row if c.value == item_id]
        where[(sheet, cells[0][0], _code_column(ws))] = code
    assert len({s for s, _, _ in where}) == len(rows) >= 2
    before, after = _cells(catalog), _cells(out)
    assert list(after) == list(before) and _merges(out) == _merges(catalog)
    for sheet, cells in before.items():
        for (row, col), cell in cells.items():
            if (sheet, row, col) in where:
                assert after[sheet][(row, col)][0] == where[(sheet, row, col)]
            else:
                assert after[sheet][(row, col)] == cell, (sheet, row, col)


def _code_column(ws: Any) -> int:
    """The column headed by the sheet's code header (each sheet names it its own way)."""
    headers = {"医保码", "国家码", "医保编码"}
    return next(c.column for row in ws.iter_rows(max_row=10) for c in row if c.value in headers)
