"""The code column: found by the header spellings real exports use, else by its values."""

from __future__ import annotations

from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from mapper.catalog import read_catalog, scan_catalog
from mapper.errors import InputError

CODES = [
    "XA01ABD075A002010100483",
    "ZD03AAA0043010100166",
    "001102000010000",
    "C09100100000000211790000049",
    "T000800027",
]


def _write(tmp_path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / "c.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", "utf-8")
    return path


@pytest.mark.parametrize(
    "header",
    ["医保码", "国家医保码", "医保国家码", "医保编号", "贯标代码", "医保目录代码", "YBBM",
     "医保对码", "医保码（国家）", "ybbm"],
)  # fmt: skip
def test_real_spellings_are_aliases(tmp_path: Path, header: str) -> None:
    path = _write(tmp_path, ["商品编码", "品名", header], [["1001", "地喹氯铵含片", CODES[0]]])
    cat = read_catalog(path)
    assert cat.columns["code"] == header
    assert cat.found_by["code"] == "header"


def test_a_column_no_header_names_is_found_by_its_values(tmp_path: Path) -> None:
    rows = [[f"10{i}", f"药{i}", "盒", code] for i, code in enumerate(CODES)]
    rows += [["1099", "消毒液", "瓶", ""], ["1098", "口罩", "包", "无"]]  # 5 codes of 6 filled
    path = _write(tmp_path, ["商品编码", "品名", "单位", "国家码"], rows)
    cat = read_catalog(path)
    assert (cat.columns["code"], cat.found_by["code"]) == ("国家码", "values")
    assert cat.frame.get_column("code").to_list()[:2] == CODES[:2]
    assert cat.report().column_notes() == ["code column 国家码 (found by its values, 按内容识别)"]
    with scan_catalog(path) as lazy:
        assert (lazy.columns, lazy.found_by) == (cat.columns, cat.found_by)
        assert_frame_equal(lazy.frame().collect(), cat.frame)


def test_the_column_with_more_codes_wins(tmp_path: Path) -> None:
    rows = [[f"10{i}", code, code if i < 3 else "见备注"] for i, code in enumerate(CODES)]
    path = _write(tmp_path, ["商品编码", "国家码", "旧编码"], rows)
    assert read_catalog(path).columns["code"] == "国家码"  # 5 of 5 against 3 of 5


@pytest.mark.parametrize(
    "values",
    [
        CODES[:2],  # too few to prove anything
        [*CODES[:3], "见说明", "无", "待定", "-", "n/a"],  # 3 of 8: too small a share
    ],
)
def test_no_column_qualifies_one_clear_line(tmp_path: Path, values: list[str]) -> None:
    rows = [[f"10{i}", "药", v] for i, v in enumerate(values)]
    path = _write(tmp_path, ["商品编码", "品名", "备注"], rows)
    with pytest.raises(InputError) as err:
        read_catalog(path)
    message = str(err.value)
    assert "\n" not in message and str(path) in message
    assert "headers found: 商品编码, 品名, 备注" in message
    # A web user has no command line: renaming the column works for both.
    assert "Rename that column to 医保编码" in message and "--column code=<header>" in message
    with pytest.raises(InputError) as streamed:
        scan_catalog(path)
    assert str(streamed.value) == message


def test_an_option_is_reported_as_such(tmp_path: Path) -> None:
    rows = [[f"10{i}", "药", code] for i, code in enumerate(CODES)]
    path = _write(tmp_path, ["商品编码", "品名", "国家码"], rows)
    cat = read_catalog(path, columns={"code": "国家码"})
    assert cat.found_by["code"] == "option"
    with pytest.raises(InputError, match="--column sheet: this field is filled by the reader"):
        read_catalog(path, columns={"sheet": "品名"})
