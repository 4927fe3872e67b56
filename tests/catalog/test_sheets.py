"""Workbooks sheet by sheet: every visible sheet with a code column is read, the others are
named; row keys stay unique while every output shows the sheet and the row Excel shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from polars.testing import assert_frame_equal

import mapper
from mapper.catalog import read_catalog, scan_catalog
from mapper.catalog.sheets import ROW_BLOCK
from mapper.errors import InputError

DRUGS = [
    ["XY1", "地喹氯铵含片", "XA01ABD075A002010100483", "5.20"],
    ["XY2", "艾附暖宫丸", "ZD03AAA0043010100166", "18.00"],
    ["XY3", "阿莫西林胶囊", "", "12.50"],
]
SERVICES = [["FW1", "普通门诊诊查费", "001102000010000"], ["FW2", "导尿", "001216000010100"]]


def _workbook(path: Path, *, with_data: bool = True) -> Path:
    with xlsxwriter.Workbook(path) as book:
        cover = book.add_worksheet("封面")
        cover.write_column(0, 0, ["XX医院医保目录", "导出日期：2026-11-20"])
        drugs = book.add_worksheet("药品目录")
        drugs.merge_range(0, 0, 0, 3, "XX医院 药品目录")  # a title above the header
        drugs.write_row(1, 0, ["院内编码", "药品名称", "医保编码", "单价"])
        drugs.merge_range(2, 0, 2, 3, "一、西药")
        for r, cells in enumerate(DRUGS, start=3):
            drugs.write_row(r, 0, cells if with_data else [cells[0], cells[1], "", cells[3]])
        drugs.write_row(6, 0, ["合计", "", "", "35.70"])
        book.add_worksheet("空表")
        hidden = book.add_worksheet("字典")  # a lookup list of codes, hidden: not items
        hidden.write_row(0, 0, ["医保编码", "名称"])
        hidden.write_row(1, 0, ["XA01ABD075A002010100483", "地喹氯铵含片"])
        hidden.hide()
        services = book.add_worksheet("诊疗项目")
        services.write_row(0, 0, ["项目编码", "项目名称", "国家医保编码"])
        for r, cells in enumerate(SERVICES, start=1):
            services.write_row(r, 0, cells if with_data else [cells[0], cells[1], ""])
    return path


def test_every_sheet_with_a_code_column_is_read(tmp_path: Path) -> None:
    cat = read_catalog(_workbook(tmp_path / "his.xlsx"))
    assert [(s.name, s.items) for s in cat.sheets] == [("药品目录", 3), ("诊疗项目", 2)]
    assert [name for name, _ in cat.skipped_sheets] == ["封面", "空表", "字典"]
    reasons = dict(cat.skipped_sheets)
    assert reasons["空表"].startswith("empty") and reasons["字典"].startswith("hidden")
    frame = cat.frame
    # Row keys: the sheet's place in the workbook (2nd, 5th) times ROW_BLOCK plus Excel's row.
    assert frame.get_column("row").to_list() == [
        2 * ROW_BLOCK + 4, 2 * ROW_BLOCK + 5, 2 * ROW_BLOCK + 6, 5 * ROW_BLOCK + 2,
        5 * ROW_BLOCK + 3,
    ]  # fmt: skip
    assert frame.get_column("sheet").to_list() == ["药品目录"] * 3 + ["诊疗项目"] * 2
    assert frame.get_column("name").to_list() == [r[1] for r in DRUGS + SERVICES]
    assert frame.get_column("unit_price").to_list()[:3] == ["5.20", "18.00", "12.50"]
    assert cat.skipped.rows() == [
        (3, "药品目录", "section", "一、西药"),
        (7, "药品目录", "total", "合计"),
    ]
    with scan_catalog(tmp_path / "his.xlsx") as lazy:
        assert_frame_equal(lazy.frame().collect(), frame)
        assert_frame_equal(lazy.skipped_rows(), cat.skipped)
        assert lazy.skipped_sheets == cat.skipped_sheets


def test_one_sheet_chosen_keeps_excel_rows(tmp_path: Path) -> None:
    cat = read_catalog(_workbook(tmp_path / "his.xlsx"), sheet="诊疗项目")
    assert cat.frame.get_column("row").to_list() == [2, 3]
    assert cat.frame.get_column("sheet").to_list() == ["诊疗项目"] * 2
    assert [s.name for s in cat.sheets] == ["诊疗项目"] and cat.skipped_sheets == []


def test_no_sheet_with_codes_names_every_sheet(tmp_path: Path) -> None:
    path = tmp_path / "his.xlsx"
    with xlsxwriter.Workbook(path) as book:
        book.add_worksheet("说明").write_row(0, 0, ["本文件为目录导出"])
        book.add_worksheet("目录").write_column(0, 0, ["名称", "阿莫西林胶囊", "板蓝根颗粒"])
    with pytest.raises(InputError) as err:
        read_catalog(path)
    message = str(err.value)
    assert "\n" not in message
    assert "说明 (no data rows" in message and "目录 (no code column" in message


def test_a_check_reports_sheet_and_excel_row(tmp_path: Path) -> None:
    result = mapper.check(_workbook(tmp_path / "his.xlsx"), as_of=dt.date(2026, 11, 23))
    items = result.items
    assert items.select("sheet", "sheet_row").rows() == [
        ("药品目录", 4), ("药品目录", 5), ("药品目录", 6), ("诊疗项目", 2), ("诊疗项目", 3),
    ]  # fmt: skip
    missing = result.located_findings.filter(pl.col("rule") == "COD001")
    assert missing.select("sheet", "sheet_row", "item_id").rows() == [("药品目录", 6, "XY3")]
    by_sheet = result.summary.by_sheet
    assert by_sheet.select("sheet", "items").rows() == [("药品目录", 3), ("诊疗项目", 2)]
    per_sheet = items.group_by("sheet").agg(pl.col("coded_ok").sum()).sort("sheet")  # 药 < 诊
    assert by_sheet.get_column("coded_ok").to_list() == per_sheet.get_column("coded_ok").to_list()
    assert int(by_sheet.get_column("coded_ok").sum()) == result.summary.coded_ok
