"""Section and total rows (一、西药, 合计：300 条 …) are set apart from the items and listed;
an item is never taken for one, and the streaming reader finds the same rows."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from mapper.catalog import read_catalog, scan_catalog
from mapper.catalog.structure import KIND, flag_structure
from mapper.errors import InputError

HEADER = ["序号", "院内编码", "药品名称", "规格", "生产企业", "单价", "医保编码"]
CODE = "XA01ABD075A002010100483"

# (cells after the header, kind): rows as HIS and POS exports write them.
ROWS = [
    (["", "", "一、西药", "", "", "", ""], "section"),
    (["二、中成药", "", "", "", "", "", ""], "section"),  # merged: the text in the first cell
    (["(三)卫生材料", "", "", "", "", "", ""], "section"),
    (["（四）诊疗项目", "", "", "", "", "", ""], "section"),  # full-width brackets
    (["第一类", "", "", "", "", "", ""], "section"),
    (["", "", "第二部分 中成药", "", "", "", ""], "section"),
    (["", "", "中成药类", "", "", "", ""], "section"),
    (["", "", "【卫生材料】", "", "", "", ""], "section"),
    (["西药"] * 7, "section"),  # merged: the text repeated in every cell of the range
    (["", "", "合计", "", "", "12,345.60", ""], "total"),
    (["", "", "小计", "", "", "¥1,234.50", ""], "total"),
    (["", "", "西药小计", "", "", "356.2", ""], "total"),
    (["合计：300 条", "", "", "", "", "", ""], "total"),
    (["", "", "合计:300条", "", "", "", ""], "total"),
    (["", "", "共 300 条", "", "", "", ""], "total"),
    (["", "", "总计", "300", "", "98765.00", ""], "total"),
    (["", "", "本页合计", "", "", "100元", ""], "total"),
    (["", "", "Total", "", "", "17.5", ""], "total"),
    # Items, coded or not, are never skipped.
    (["1", "100231", "阿莫西林胶囊", "0.25g*24粒", "石药集团", "12.50", CODE], None),
    (["", "", "阿莫西林胶囊", "", "", "", ""], None),  # an uncoded item with only a name
    (["", "", "阿莫西林胶囊", "", "", "12.5", ""], None),
    (["", "", "1.5%过氧化氢溶液", "", "", "", ""], None),  # digits then a dot: still an item
    (["", "1001", "中药饮片", "", "", "5", ""], None),  # a catch-all till line with an id
    (["", "", "一、西药", "", "", "", CODE], None),  # a code: an item whatever its name
    (["", "", "合计", "", "", "", CODE], None),
    (["", "", "西药", "0.25g", "", "", ""], None),  # two texts: not a heading
    (["", "", "维生素C片（合计装）", "", "", "", ""], None),
]


def _csv(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "c.csv"
    lines = [HEADER, *rows]
    path.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in lines) + "\n", "utf-8")
    return path


@pytest.mark.parametrize(("cells", "kind"), ROWS, ids=[str(r[0]) for r in ROWS])
def test_realistic_rows(tmp_path: Path, cells: list[str], kind: str | None) -> None:
    item = ["2", "100232", "板蓝根颗粒", "10g*20袋", "白云山", "18.00", "ZA01BAB0034010102339"]
    path = _csv(tmp_path, [item, cells])
    cat = read_catalog(path)
    if kind is None:
        assert cat.frame.get_column("row").to_list() == [2, 3]
        assert cat.skipped.is_empty()
    else:
        assert cat.frame.get_column("row").to_list() == [2]
        assert cat.skipped.select("row", "kind").rows() == [(3, kind)]
        assert cat.skipped.get_column("text")[0] in cells
        assert cat.skipped.get_column("sheet")[0] is None


def test_skipped_rows_keep_their_numbers_and_stream_the_same(tmp_path: Path) -> None:
    rows = [cells for cells, _ in ROWS]
    path = _csv(tmp_path, [*rows, [""] * 7, *rows])  # a blank line between the two halves
    cat = read_catalog(path)
    wanted = [n for n, (_, kind) in enumerate(ROWS, start=2) if kind]
    second = [n + len(ROWS) + 1 for n in wanted]
    assert cat.skipped.get_column("row").to_list() == wanted + second
    assert cat.blank_rows == 1
    # Every row of the file is an item, a skipped row or the blank line.
    assert cat.rows + cat.skipped.height + cat.blank_rows == 2 * len(ROWS) + 1
    with scan_catalog(path) as lazy:
        assert_frame_equal(lazy.frame().collect(), cat.frame)
        assert_frame_equal(lazy.skipped_rows(), cat.skipped)


def test_a_file_of_headings_only_has_no_data_rows(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["", "", "一、西药", "", "", "", ""], ["合计", "", "", "", "", "", ""]])
    with pytest.raises(InputError, match=r"no data rows.*only section and total rows"):
        read_catalog(path)


TEXT = st.sampled_from(
    [
        "一、西药",
        "合计",
        "小计",
        "共 300 条",
        "中成药类",
        "第一类",
        "(三)卫生材料",
        "西药",
        "",
        "12.5",
    ]
)
CODES = st.sampled_from([CODE, "ZD03AAA0043010100166", "001102000010000", "T000800027"]) | (
    st.text(alphabet="ABCXZ0123456789", min_size=1, max_size=27)
)


@given(cells=st.lists(TEXT, min_size=3, max_size=3), code=CODES)
def test_a_row_with_a_code_is_never_skipped(cells: list[str], code: str) -> None:
    frame = pl.DataFrame(
        {"item_id": [cells[0]], "name": [cells[1]], "price": [cells[2]], "code": [code]}
    )
    kind = flag_structure(frame, frame.columns).get_column(KIND).item()
    assert kind is None


@given(cells=st.lists(TEXT, min_size=3, max_size=3), item_id=st.sampled_from(["", "1001"]))
def test_a_row_without_code_is_skipped_only_for_its_text(cells: list[str], item_id: str) -> None:
    frame = pl.DataFrame(
        {"item_id": [item_id], "a": [cells[0]], "name": [cells[1]], "price": [cells[2]]}
    ).with_columns(code=pl.lit(""))
    kind = flag_structure(frame, frame.columns).get_column(KIND).item()
    texts = {c for c in cells if c and c != "12.5"}
    if len(texts) != 1 or item_id:
        assert kind is None  # no text, two texts or a local id: not a heading
    else:
        assert kind in ("section", "total")
