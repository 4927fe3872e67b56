"""Reading catalogs: encodings, formats, header aliases, and a clear error for bad input."""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from mapper.catalog import read_catalog
from mapper.errors import InputError
from mapper.fields import line_type_of, normalise_header
from tests.support import REPO

ROWS = [
    ("商品编码", "通用名称", "规格", "生产厂家", "医保编码", "商品类别"),
    (
        "100231",
        "阿莫西林胶囊（阿莫仙）",
        "0.25g*24粒",
        "石药集团",
        "XJ01CAA040E001010101234",
        "西药",
    ),
    ("100232", "75%酒精消毒液", "500ml", "山东利尔康", "", "消毒用品"),
]


def _csv_text(rows: list[tuple[str, ...]] = ROWS) -> str:
    return "\r\n".join(",".join(r) for r in rows) + "\r\n"


@pytest.mark.parametrize(
    ("encoding", "prefix", "reported"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("gbk", b"", "gbk"),
        ("gb18030", b"", "gbk"),
    ],
)
def test_csv_encodings_are_detected(
    tmp_path: Path, encoding: str, prefix: bytes, reported: str
) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(prefix + _csv_text().encode(encoding))
    cat = read_catalog(path)
    assert cat.source == reported
    assert cat.frame.get_column("name").to_list() == ["阿莫西林胶囊（阿莫仙）", "75%酒精消毒液"]
    assert cat.frame.get_column("row").to_list() == [2, 3]
    assert cat.frame.get_column("code").to_list() == ["XJ01CAA040E001010101234", None]


def test_gb18030_only_characters(tmp_path: Path) -> None:
    rows = [*ROWS, ("100233", "㐀字药", "1g", "某厂", "", "西药")]  # 㐀 is outside GBK
    path = tmp_path / "c.csv"
    path.write_bytes(_csv_text(rows).encode("gb18030"))
    cat = read_catalog(path)
    assert cat.source == "gb18030"
    assert cat.frame.get_column("name")[2] == "㐀字药"


def test_encoding_override(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(_csv_text().encode("gbk"))
    with pytest.raises(InputError, match=r"row 1: cannot be read as utf-8"):
        read_catalog(path, encoding="utf-8")
    assert read_catalog(path, encoding="gbk").rows == 2


def test_undecodable_file_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(_csv_text().encode("utf-8") + b"100234,\xff\xfe\x80\x80,1g,x,,y\r\n")
    with pytest.raises(InputError) as err:
        read_catalog(path)
    assert err.value.row == 4 and str(path) in str(err.value)


def test_tab_and_semicolon_separated(tmp_path: Path) -> None:
    for sep in ("\t", ";"):
        path = tmp_path / "c.tsv"
        path.write_text("\n".join(sep.join(r) for r in ROWS) + "\n", encoding="utf-8")
        assert read_catalog(path).frame.get_column("spec").to_list() == ["0.25g*24粒", "500ml"]


def test_quoted_fields_with_commas_and_newlines(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        '医保编码,药品名称,规格\nXA01ABD075A002010100483,"地喹氯铵含片, 铝塑","0.25mg\n*12片"\n',
        encoding="utf-8",
    )
    frame = read_catalog(path).frame
    assert frame.get_column("name")[0] == "地喹氯铵含片, 铝塑"
    assert frame.get_column("spec")[0] == "0.25mg\n*12片"


def test_xlsx_with_sheet_choice_and_numeric_cells(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    with xlsxwriter.Workbook(path) as book:
        book.add_worksheet("说明").write_row(0, 0, ["本文件为目录导出"])
        sheet = book.add_worksheet("目录")
        sheet.write_row(0, 0, ["院内编码", "项目名称", "国家医保编码", "单价"])
        sheet.write_row(1, 0, [1001, "普通门诊诊查费", "001102000010000", 10])
        sheet.write_row(2, 0, [1002, "普通门诊诊查费", 1102000010000, 10.5])
    cat = read_catalog(path, sheet="目录")
    assert cat.frame.get_column("code").to_list() == ["001102000010000", "1102000010000"]
    assert cat.frame.get_column("item_id").to_list() == ["1001", "1002"]
    assert read_catalog(path, sheet="2").rows == 2
    with pytest.raises(InputError, match=r"no sheet .价格.*说明, 目录"):
        read_catalog(path, sheet="价格")
    whole = read_catalog(path)  # the first sheet is a note, not the catalog: passed over
    assert [s.name for s in whole.sheets] == ["目录"]
    assert whole.skipped_sheets == [("说明", "no data rows (没有数据行)")]
    assert whole.frame.get_column("row").to_list() == [2, 3]  # one sheet: its own rows


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    pl.DataFrame({"national_code": ["T001700368"], "name": ["黄芪"], "qty": [3]}).write_parquet(
        path
    )
    frame = read_catalog(path).frame
    assert frame.get_column("code").to_list() == ["T001700368"]
    assert frame.get_column("qty").to_list() == ["3"]


def test_column_override_and_unknown_field(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("国家码,品名\nT001700368,黄芪\n", encoding="utf-8")
    with pytest.raises(InputError, match="--column code=<header>"):
        read_catalog(path)
    assert read_catalog(path, columns={"code": "国家码"}).frame["code"][0] == "T001700368"
    with pytest.raises(InputError, match="no such column"):
        read_catalog(path, columns={"code": "编码"})
    with pytest.raises(InputError, match="unknown field 'colour'"):
        read_catalog(path, columns={"colour": "品名"})


def test_source_columns_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("医保编码,库存,row\nT001700368,12,x\n", encoding="utf-8")
    frame = read_catalog(path).frame
    assert frame.get_column("库存").to_list() == ["12"]
    assert frame.get_column("src_row").to_list() == ["x"]


@pytest.mark.parametrize(
    ("content", "message", "row"),
    [
        (b"", "file is empty", None),
        (b"\r\n  \r\n", "file is empty", None),
        ("医保编码,名称\r\n".encode(), "no data rows", None),
        ("医保编码,名称\nT001700368,黄芪\nT001700368,黄芪,多余\n".encode(), "has 3 fields", 3),
        ("医保编码,名称,规格\nT001700368,黄芪\n".encode(), "has 2 fields", 2),
    ],
)
def test_bad_csv_input(tmp_path: Path, content: bytes, message: str, row: int | None) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        read_catalog(path)
    assert err.value.file == str(path)
    assert err.value.row == row


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_catalog(tmp_path / "missing.csv")
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError, match="unsupported file type"):
        read_catalog(tmp_path / "c.pdf")
    (tmp_path / "c.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match="not a readable Excel workbook"):
        read_catalog(tmp_path / "c.xlsx")
    (tmp_path / "e.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_catalog(tmp_path / "e.xlsx")


def test_shipped_broken_samples() -> None:
    broken = REPO / "sample_catalogs"
    with pytest.raises(InputError) as err:
        read_catalog(broken / "broken_ragged_rows.csv")
    assert err.value.row == 5 and "1 more" in err.value.detail
    with pytest.raises(InputError, match="no column holds the national code"):
        read_catalog(broken / "broken_no_code_column.csv")
    with pytest.raises(InputError, match="empty"):
        read_catalog(broken / "empty.csv")


@given(st.text(min_size=1, max_size=12))
def test_header_folding_is_idempotent(header: str) -> None:
    once = normalise_header(header)
    assert normalise_header(once) == once


@pytest.mark.parametrize(
    ("category", "line_type"),
    [
        ("西药", "drug"),
        ("中成药", "drug"),
        ("101", "drug"),
        ("中药饮片", "herbal"),
        ("医疗机构制剂", "preparation"),
        ("医用耗材", "consumable"),
        ("医疗器械", "consumable"),
        ("医疗服务项目", "service"),
        ("保健食品", "other"),
        ("消毒用品", "other"),
        ("滋补品", "other"),
        ("", "unknown"),
        (None, "unknown"),
        ("杂项", "unknown"),
    ],
)
def test_line_types(category: str | None, line_type: str) -> None:
    assert line_type_of(category) == line_type


def test_blank_lines_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "医保编码,名称\nT001700368,黄芪\n\nZD03AAA0043010100166,艾附暖宫丸\n,\n\n", encoding="utf-8"
    )
    cat = read_catalog(path)
    assert cat.frame.get_column("row").to_list() == [2, 4]
    assert cat.blank_rows >= 2


def test_only_blank_rows_is_no_data(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("医保编码,名称\n,\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no data rows"):
        read_catalog(path)


def test_title_lines_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "XX大药房商品目录\n导出日期:2026-11-01,,\n商品编码,通用名称,医保编码\n"
        "1,黄芪,T001700368\n2,阿胶,\n",
        encoding="gbk",
    )
    cat = read_catalog(path)
    assert cat.frame.get_column("row").to_list() == [4, 5]
    assert cat.frame.get_column("name").to_list() == ["黄芪", "阿胶"]


def test_xlsx_title_rows_leading_blank_rows_and_hidden_sheet(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    with xlsxwriter.Workbook(path) as book:
        hidden = book.add_worksheet("参数")
        hidden.write_row(0, 0, ["参数", "值"])
        hidden.hide()
        sheet = book.add_worksheet("目录")
        sheet.write_row(2, 1, ["XX大药房商品目录 导出日期2026-11-01"])  # B3: title
        sheet.write_row(3, 1, ["商品编码", "通用名称", "医保编码"])  # B4: header
        sheet.write_row(4, 1, ["1", "黄芪", "T001700368"])  # B5
        sheet.write_row(6, 1, ["2", "阿胶", ""])  # B7, after a blank row
        sheet.activate()
    cat = read_catalog(path)
    assert cat.source == "xlsx:目录"
    assert cat.frame.get_column("row").to_list() == [5, 7]
    with pytest.raises(InputError, match=r"参数 \(hidden\)"):
        read_catalog(path, sheet="价格")


def test_bracketed_qualifier_and_the_better_of_two_code_columns(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("名称,医保编码（国家）\n黄芪,T001700368\n", encoding="utf-8")
    assert read_catalog(path).columns["code"] == "医保编码（国家）"
    # An old local 医保编码 column beside the national 医保贯标码: pick by the values.
    path.write_text(
        "名称,医保编码,医保贯标码\n黄芪,YB-0001,T001700368\n艾附暖宫丸,YB-0002,ZD03AAA0043010100166\n",
        encoding="utf-8",
    )
    assert read_catalog(path).columns["code"] == "医保贯标码"
    # Two columns both named 医保编码, the first empty.
    path.write_text("名称,医保编码,医保编码\n黄芪,,T001700368\n", encoding="utf-8")
    assert read_catalog(path).frame.get_column("code").to_list() == ["T001700368"]
