"""apply on a hospital's own files: a HIS workbook keeps everything but the approved code cells,
a GBK CSV keeps its encoding, a review edited in Chinese applies, and no approved code is
written unchecked (issue 18 #15)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from mapper.cli.main import cli
from mapper.reference import Reference
from mapper.suggest import load_memory, suggest
from mapper.suggest.index import ReferenceIndex
from mapper.suggest.review import read_review, write_review
from tests.suggest.conftest import AS_OF

HEADER = ["序号", "院内编码", "药品名称", "规格", "剂型", "生产企业", "单价", "数量", "医保编码"]


def _drugs(shipped: Reference, n: int) -> list[dict[str, Any]]:
    """Real drug records with every field a HIS line carries, valid on the test date."""
    frame = (
        shipped.scan()
        .filter(
            (pl.col("system") == "drug")
            & pl.all_horizontal(
                pl.col(c).is_not_null() for c in ("spec", "manufacturer", "dosage_form")
            )
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= AS_OF))
            & (pl.col("valid_from").is_null() | (pl.col("valid_from") <= AS_OF))
        )
        .collect()
        .unique("name", keep="first", maintain_order=True)
        .head(n)
    )
    return frame.to_dicts()


def his_workbook(path: Path, drugs: list[dict[str, Any]]) -> Path:
    """A HIS export: 说明 / 药品目录 / 卫生材料 / 诊疗项目, title rows, merged cells, numbers."""
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "说明"
    notes["A1"] = "填写说明"
    notes.merge_cells("A1:D1")
    notes["A2"] = "医保编码列请勿修改格式"
    drug = book.create_sheet("药品目录")
    drug["A1"] = "XX市人民医院 药品目录"
    drug.merge_cells("A1:I1")
    drug["A2"] = "导出日期：2026-11-20"
    drug.merge_cells("A2:C2")
    drug.append(HEADER)
    for i, rec in enumerate(drugs, start=1):
        drug.append([i, f"YP{i:04d}", rec["name"], rec["spec"], rec["dosage_form"],
                     rec["manufacturer"], 12.5 * i, 10 * i, None])  # fmt: skip
        drug.cell(row=drug.max_row, column=7).number_format = "0.00"
    drug.merge_cells(start_row=drug.max_row + 2, start_column=1, end_row=drug.max_row + 2,
                     end_column=3)  # fmt: skip
    drug.cell(row=drug.max_row, column=1).value = "制表：信息科"
    material = book.create_sheet("卫生材料")
    material["A1"] = "卫生材料目录"
    material.merge_cells("A1:D1")
    material.append(["序号", "材料名称", "规格", "医保编码"])
    material.append([1, "医用胶带", "2.5cm×9.1m", None])
    service = book.create_sheet("诊疗项目")
    service.append(["序号", "项目名称", "单价", "医保编码"])
    service.append([1, "普通门诊诊查费", 10, "001102000010000"])
    book.save(path)
    return path


def _cells(path: Path) -> dict[str, dict[tuple[int, int], tuple[Any, str, str]]]:
    book = openpyxl.load_workbook(path)
    return {
        ws.title: {
            (c.row, c.column): (c.value, c.number_format, c.data_type)
            for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column)
            for c in row
        }
        for ws in book.worksheets
    }


def _merges(path: Path) -> dict[str, set[str]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: {str(r) for r in ws.merged_cells.ranges} for ws in book.worksheets}


@pytest.fixture()
def workbook(tmp_path: Path, shipped: Reference) -> Path:
    return his_workbook(tmp_path / "XX医院药品目录.xlsx", _drugs(shipped, 6))


def _review_in_chinese(
    workbook: Path, shipped: Reference, index: ReferenceIndex, out: Path
) -> pl.DataFrame:
    """Suggest for the 药品目录 sheet, write an XLSX review, and edit it as a pharmacist would:
    已确认 on the first candidate of three items, 驳回 on another, reviewer and note typed."""
    frame = suggest(workbook, shipped, as_of=AS_OF, index=index, sheet="药品目录")
    write_review(frame, out)
    book = openpyxl.load_workbook(out)
    ws = book["review"]
    head = [c.value for c in ws[1]]
    col = {name: head.index(name) + 1 for name in ("row", "rank", "status", "reviewer", "note")}
    approved_rows: list[int] = []
    for r in range(2, ws.max_row + 1):
        row, rank = int(ws.cell(r, col["row"]).value), ws.cell(r, col["rank"]).value
        if str(rank) == "1" and len(approved_rows) < 3 and row not in approved_rows:
            ws.cell(r, col["status"]).value = "已确认"
            ws.cell(r, col["reviewer"]).value = "张药师"
            ws.cell(r, col["note"]).value = "药剂科确认"
            approved_rows.append(row)
        elif str(rank) == "2":
            ws.cell(r, col["status"]).value = "驳回"
    book.save(out)
    return frame.filter(pl.col("row").is_in(approved_rows) & (pl.col("rank") == 1))


def test_apply_keeps_the_his_workbook(
    tmp_path: Path, workbook: Path, shipped: Reference, shipped_index: ReferenceIndex
) -> None:
    review = tmp_path / "review.xlsx"
    approved = _review_in_chinese(workbook, shipped, shipped_index, review)
    assert approved.height == 3
    out, memory = tmp_path / "coded.xlsx", tmp_path / "memory.csv"
    got = CliRunner().invoke(
        cli,
        ["apply", str(workbook), str(review), "--sheet", "药品目录", "--out", str(out),
         "--memory", str(memory), "--as-of", "2026-11-23"],
    )  # fmt: skip
    assert got.exit_code == 0, got.output
    assert "filled 3 codes" in got.output
    before, after = _cells(workbook), _cells(out)
    assert list(after) == ["说明", "药品目录", "卫生材料", "诊疗项目"]
    assert _merges(out) == _merges(workbook)
    code_col = HEADER.index("医保编码") + 1
    expected = {(int(r), code_col): c for r, c in approved.select("row", "code").iter_rows()}
    for sheet, cells in before.items():
        for where, (value, fmt, kind) in cells.items():
            if sheet == "药品目录" and where in expected:
                assert after[sheet][where][0] == expected[where]
            else:
                assert after[sheet][where] == (value, fmt, kind), (sheet, where)
    # Numbers stay numbers with their format: 序号, 单价.
    assert after["药品目录"][(4, 1)] == (1, "General", "n")
    assert after["药品目录"][(4, 7)] == (12.5, "0.00", "n")
    remembered = load_memory(memory)
    assert remembered.height == 3
    assert set(remembered["reviewer"]) == {"张药师"} and set(remembered["note"]) == {"药剂科确认"}
    assert remembered["approved_on"].null_count() == 0


def test_review_xlsx_has_a_status_dropdown_and_autofilter(
    tmp_path: Path, workbook: Path, shipped: Reference, shipped_index: ReferenceIndex
) -> None:
    frame = suggest(workbook, shipped, as_of=AS_OF, index=shipped_index, sheet="药品目录")
    ws = openpyxl.load_workbook(write_review(frame, tmp_path / "r.xlsx"))["review"]
    (table,) = ws.tables.values()  # an Excel table: a filter button on every header
    assert (
        table.autoFilter is not None
        and table.ref == f"A1:{ws.cell(ws.max_row, ws.max_column).coordinate}"
    )
    (rule,) = ws.data_validations.dataValidation
    assert rule.type == "list" and "已确认" in (rule.formula1 or "")
    head = [c.value for c in ws[1]]
    assert {"item_unit_price", "item_quantity", "value", "reviewer", "note", "tie"} <= set(head)
    values = [ws.cell(r, head.index("value") + 1).value for r in range(2, ws.max_row + 1)]
    priced = [v for v in values if v is not None]
    assert priced == sorted(priced, reverse=True)  # the most valuable items first …
    assert values[: len(priced)] == priced  # … lines without a price last


def test_csv_keeps_its_encoding_and_columns(
    tmp_path: Path, shipped: Reference, shipped_index: ReferenceIndex
) -> None:
    drugs = _drugs(shipped, 4)
    records = [
        ["导出日期：2026-11-20"],
        ["院内编码", "药品名称", "规格", "生产企业", "医保编码", "单价"],
    ]
    records += [[f"YP{i}", d["name"], d["spec"], d["manufacturer"], "", f"1{i}.00"]
                for i, d in enumerate(drugs)]  # fmt: skip
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(records)
    catalog = tmp_path / "his.csv"
    original = text.getvalue().encode("gbk")
    catalog.write_bytes(original)
    frame = suggest(catalog, shipped, as_of=AS_OF, index=shipped_index)
    first = frame.filter(pl.col("rank") == 1).head(2)
    review = frame.with_columns(
        status=pl.when(pl.col("row").is_in(first["row"].implode()) & (pl.col("rank") == 1))
        .then(pl.lit("通过"))
        .otherwise(pl.lit("待定"))
    )
    write_review(review, tmp_path / "r.csv")
    out = tmp_path / "coded.csv"
    got = CliRunner().invoke(
        cli, ["apply", str(catalog), str(tmp_path / "r.csv"), "--out", str(out),
              "--as-of", "2026-11-23"],
    )  # fmt: skip
    assert got.exit_code == 0, got.output
    written = out.read_bytes().decode("gbk")  # still GBK, still CRLF, same columns
    assert written.count("\r\n") == original.decode("gbk").count("\r\n")
    back = list(csv.reader(io.StringIO(written, newline="")))
    codes = dict(first.select("row", "code").iter_rows())
    assert len(codes) == 2
    for number, (old, new) in enumerate(zip(records, back, strict=True), start=1):
        assert new == ([*old[:4], codes[number], *old[5:]] if number in codes else old)


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ('=HYPERLINK("http://e")', "not a national item code"),
        ("XA01ABD075A00201010048", "not a national item code"),  # 22 characters
        ("H45012400011", "institution code"),
        ("XA01ABD075A002010199999", "not in reference release"),  # well formed, unknown
    ],
)
def test_apply_refuses_invalid_approved_codes(
    tmp_path: Path, workbook: Path, shipped: Reference, shipped_index: ReferenceIndex,
    code: str, why: str,
) -> None:  # fmt: skip
    frame = suggest(workbook, shipped, as_of=AS_OF, index=shipped_index, sheet="药品目录")
    target = frame.with_row_index("i").filter(pl.col("rank") == 1)["i"][1]
    review = frame.with_row_index("i").with_columns(
        status=pl.when(pl.col("rank") == 1).then(pl.lit("已确认")).otherwise(pl.lit("待定")),
        code=pl.when(pl.col("i") == target).then(pl.lit(code)).otherwise(pl.col("code")),
    )
    path = write_review(review.drop("i"), tmp_path / "r.csv")
    out = tmp_path / "coded.xlsx"
    got = CliRunner().invoke(
        cli, ["apply", str(workbook), str(path), "--sheet", "药品目录", "--out", str(out),
              "--as-of", "2026-11-23"],
    )  # fmt: skip
    assert got.exit_code == 2
    message = got.output.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    line = read_review(path).filter(pl.col("code") == code)["line"].item()
    assert why in message and f"r.csv, row {line}, column 'code'" in message
    assert not out.exists()  # nothing written


def test_an_unknown_status_names_the_review_line(
    tmp_path: Path, workbook: Path, shipped: Reference, shipped_index: ReferenceIndex
) -> None:
    frame = suggest(workbook, shipped, as_of=AS_OF, index=shipped_index, sheet="药品目录")
    review = frame.with_columns(status=pl.lit("待定")).with_columns(
        status=pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("也许")).otherwise("status")
    )
    path = write_review(review, tmp_path / "r.csv")
    got = CliRunner().invoke(
        cli,
        [
            "apply",
            str(workbook),
            str(path),
            "--sheet",
            "药品目录",
            "--out",
            str(tmp_path / "o.xlsx"),
        ],
    )
    assert got.exit_code == 2
    line = pl.read_csv(path)["status"].to_list().index("也许") + 2
    assert f"row {line}, column 'status': status '也许' is not one of" in got.output
    assert "已确认" in got.output
