"""Property tests for the readers on generated input: CSV bytes in every encoding, line
ending and quoting a till exports; XLSX sheets with rows in any order, gaps, empty
formatted rows and an offset first column."""

from __future__ import annotations

import io
import itertools
import random
import string
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapper.catalog import read_catalog, scan_catalog
from mapper.catalog.sniff import first_records
from mapper.errors import InputError
from tests.hostile.corpus import replace_sheet_data

TEXT = string.ascii_letters + string.digits + ' ,;"\t\r\n-=.' + "阿莫西林胶囊规格片剂"
cells = st.text(alphabet=TEXT, max_size=12)
codes = st.from_regex(r"X[A-Z][0-9]{2}[A-Z]{3}[0-9]{3}[A-Z][0-9]{12}", fullmatch=True)


def _quote(value: str, always: bool) -> str:
    if always or any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, list[str], list[str]]:
    """A CSV as a till writes it: bytes, and the codes and names of its data rows."""
    n = draw(st.integers(1, 6))
    rows = [(draw(codes), draw(cells)) for _ in range(n)]
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    always = draw(st.booleans())
    title = draw(st.sampled_from(["", "导出日期 2026-11-01" + end, "药品目录" + end + end]))
    lines = ["医保编码,通用名称"] + [f"{_quote(c, always)},{_quote(n, always)}" for c, n in rows]
    text = title + end.join(lines) + draw(st.sampled_from([end, ""]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]))
    return text.encode(encoding), [c for c, _ in rows], [n for _, n in rows]


@given(csv_files())
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_quoted_csv_reads_back_its_values_on_both_paths(
    tmp_path: Path, case: tuple[bytes, list[str], list[str]]
) -> None:
    data, expected_codes, names = case
    path = tmp_path / "c.csv"
    path.write_bytes(data)
    cat = read_catalog(path)
    assert cat.frame.get_column("code").to_list() == expected_codes
    got = cat.frame.get_column("name").fill_null("").to_list()
    assert [g.strip() for g in got] == [n.strip() for n in names]
    with scan_catalog(path) as lazy:
        assert lazy.frame().collect().equals(cat.frame)


@given(st.binary(max_size=400), st.sampled_from([",", ";", "\t"]))
def test_the_record_splitter_takes_any_bytes(data: bytes, delimiter: str) -> None:
    records = first_records(data, delimiter, 30)
    assert len(records) <= 30
    for before, after in itertools.pairwise(records):
        assert before.next == after.start and before.start <= before.end < before.next


@given(st.binary(max_size=300))
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_read_or_are_one_clear_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("医保编码,通用名称\n".encode() + data)
    try:
        cat = read_catalog(path)
    except InputError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return
    assert cat.frame.height >= 1


def _cell(ref: str, value: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()


@st.composite
def sheets(draw: st.DrawFn) -> tuple[bytes, dict[str, int]]:
    """Sheet XML: a header row, data rows below it (each code names its row), empty
    formatted rows anywhere, <row> elements in any order; and code -> Excel row."""
    header_row = draw(st.integers(1, 5))
    first_col = draw(st.sampled_from(["A", "B", "C"]))
    second_col = chr(ord(first_col) + 1)
    data_rows = draw(st.lists(st.integers(header_row + 1, 60), min_size=1, max_size=8, unique=True))
    taken = {header_row, *data_rows}
    empty_rows = draw(
        st.lists(st.integers(1, 70).filter(lambda r: r not in taken), max_size=4, unique=True)
    )
    elements = [
        f'<row r="{header_row}">'.encode()
        + _cell(f"{first_col}{header_row}", "医保编码")
        + _cell(f"{second_col}{header_row}", "通用名称")
        + b"</row>"
    ]
    expected = {}
    for row in data_rows:
        code = f"XA01ABD075A0020101{row:05d}"
        expected[code] = row
        elements.append(
            f'<row r="{row}">'.encode()
            + _cell(f"{first_col}{row}", code)
            + _cell(f"{second_col}{row}", f"名{row}")
            + b"</row>"
        )
    for row in empty_rows:
        styled = draw(st.booleans())
        cells = f'<c r="{first_col}{row}" s="0"/>'.encode() if styled else b""
        elements.append(f'<row r="{row}" ht="30" customHeight="1">'.encode() + cells + b"</row>")
    random.Random(draw(st.integers(0, 2**16))).shuffle(elements)
    return b"".join(elements), expected


@pytest.fixture(scope="module")
def base_workbook() -> bytes:
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        book.add_worksheet().write(0, 0, "x")
    return buffer.getvalue()


@given(sheets())
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_xlsx_row_numbers_are_the_rows_excel_shows(
    tmp_path: Path, base_workbook: bytes, sheet: tuple[bytes, dict[str, int]]
) -> None:
    sheet_data, expected = sheet
    path = tmp_path / "b.xlsx"
    path.write_bytes(replace_sheet_data(base_workbook, sheet_data))
    frame = read_catalog(path).frame
    assert dict(zip(frame.get_column("code"), frame.get_column("row"), strict=True)) == expected
