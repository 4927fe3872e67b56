"""The streaming reader: the same rows, blank count and errors as read_catalog."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import gc
import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from mapper.catalog import LazyCatalog, read_catalog, scan_catalog
from mapper.catalog import scan as scan_module
from mapper.errors import InputError
from tests.support import REPO

CATALOG_SUFFIXES = (".csv", ".parquet", ".xlsx")
READABLE = sorted(
    str(p.relative_to(REPO))
    for folder in ("sample_catalogs", "tests/fixtures")
    for p in (REPO / folder).rglob("*")
    if p.suffix in CATALOG_SUFFIXES
)


@pytest.fixture(params=["whole", "streamed"])
def sizes(request: pytest.FixtureRequest) -> Iterator[str]:
    """Default sizes, or sizes so small that every file is streamed in many pieces."""
    with pytest.MonkeyPatch.context() as mp:
        if request.param == "streamed":
            _tiny(mp, chunk=4096)
        yield request.param


def _tiny(mp: pytest.MonkeyPatch, chunk: int = 7) -> None:
    """Read one row up front and the file a few bytes at a time (piece edges inside values,
    between \r and \n, within a character being transcoded)."""
    mp.setattr(scan_module, "SAMPLE_ROWS", 1)
    mp.setattr(scan_module, "CHUNK_BYTES", chunk)
    mp.setattr(scan_module, "SPARSE_QUOTES", 1)  # pieces with quotes take the dense count


def _outcome(path: Path, **options: object) -> tuple[pl.DataFrame, int] | str:
    """read_catalog's frame and blank count, or its error message."""
    try:
        cat = read_catalog(path, **options)  # type: ignore[arg-type]
    except InputError as exc:
        return str(exc)
    except Exception as exc:  # a crash (a bare \r among the first lines): the same one
        return f"{type(exc).__name__}: {exc}"
    return cat.frame, cat.blank_rows


def _scanned(path: Path, **options: object) -> tuple[pl.DataFrame, int] | str:
    """The same through scan_catalog, errors turned into InputErrors by explain()."""
    try:
        lazy = scan_catalog(path, **options)  # type: ignore[arg-type]
    except InputError as exc:
        return str(exc)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    with lazy:
        try:
            return lazy.frame().collect(), lazy.count_blank_rows()
        except Exception as exc:
            return str(lazy.explain(exc))


def assert_same(path: Path, **options: object) -> None:
    eager, lazy = _outcome(path, **options), _scanned(path, **options)
    if isinstance(eager, str) or isinstance(lazy, str):
        assert lazy == eager
        return
    assert_frame_equal(lazy[0], eager[0])
    assert lazy[1] == eager[1]


@pytest.mark.parametrize("name", READABLE)
def test_shipped_catalogs_read_the_same(name: str, sizes: str) -> None:
    path = REPO / name
    try:
        cat = read_catalog(path)
    except InputError:
        assert_same(path)  # refused: the streaming reader gives the very same error
        return
    with scan_catalog(path) as lazy:
        assert_frame_equal(lazy.frame().collect(), cat.frame)
        assert lazy.count_blank_rows() == cat.blank_rows
        assert (lazy.columns, lazy.source) == (cat.columns, cat.source)
        assert lazy.records.collect_schema()["blank"] == pl.Boolean


def test_some_shipped_catalogs_are_readable() -> None:
    kinds = {Path(n).suffix for n in READABLE if not isinstance(_outcome(REPO / n), str)}
    assert kinds >= {".csv", ".xlsx"}


# ---------------------------------------------------------------------------------------------
# Generated CSVs: whatever the bytes, the same frame or the same error.
# ---------------------------------------------------------------------------------------------

CELL = st.text(
    alphabet=["a", "1", " ", "\u3000", "中", "药", ",", '"', "\n", "\r", "\t"], max_size=5
)
HEADERS = ["医保编码", "名称", "规格", "row", "", "名称"]


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, str, bool]:
    """A CSV file, its encoding, and whether it is well formed (every special character
    quoted, no ragged rows), which polars must then read without falling back to pyarrow."""
    width = draw(st.integers(1, 4))
    header = ["医保编码", *draw(st.permutations(HEADERS[1:]))[: width - 1]]
    rows: list[list[str]] = []
    ragged = False
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["row", "row", "row", "blank", "spaces", "ragged"]))
        if kind == "blank":
            rows.append([])
        elif kind == "spaces":
            rows.append([draw(st.sampled_from(["", " ", "\u3000"])) for _ in range(width)])
        else:
            size = width + (draw(st.sampled_from([-1, 1])) if kind == "ragged" else 0)
            ragged = ragged or size != width
            rows.append([draw(CELL) for _ in range(max(size, 1))])
    titles = draw(
        st.lists(st.sampled_from(["XX药房商品目录", "导出日期:2026-11-01,,", ""]), max_size=2)
    )
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    written = draw(st.booleans())
    if written:  # quoted as a CSV writer quotes
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=newline)
        writer.writerows([[t] for t in titles])
        writer.writerow(header)
        writer.writerows(rows)
        text = out.getvalue()
    else:  # as a careless export writes: no quoting at all
        text = newline.join([*titles, ",".join(header), *(",".join(r) for r in rows)])
        text += draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk"]))
    # The csv module leaves a bare \r unquoted when lines end in \n; pyarrow ends a line there.
    bare_cr = any("\r" in cell for row in rows for cell in row)
    return text.encode(encoding), encoding, written and not ragged and not bare_cr


def _refuse(*args: object) -> Iterator[pl.DataFrame]:
    raise AssertionError("fell back to pyarrow")


@given(csv_files(), st.booleans(), st.booleans())
def test_generated_csv_reads_the_same(
    tmp_path_factory: pytest.TempPathFactory,
    drawn: tuple[bytes, str, bool],
    tiny: bool,
    named: bool,
) -> None:
    data, encoding, well_formed = drawn
    path = tmp_path_factory.mktemp("gen") / "c.csv"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as mp:
        if tiny:
            _tiny(mp)
        if well_formed:
            mp.setattr(scan_module._Csv, "_arrow", _refuse)
        if named:
            assert_same(path, encoding=encoding)
        else:
            assert_same(path)


@given(
    st.lists(st.sampled_from(["a", ",", '"', '""', "\n", "\r", "\r\n", "\n\n", "中"]), max_size=40),
    st.booleans(),
)
def test_both_byte_counts_agree(parts: list[str], eof: bool) -> None:
    """The per-value count (few quotes) and the positional one (many) see the same."""
    data = ("\n" + "".join(parts)).encode()
    x = pl.Series(list(data), dtype=pl.UInt8)
    sparse = scan_module._scan_sparse(x, data, ord(","), eof)
    assert sparse == scan_module._scan_dense(x, data, ord(","), eof)


def test_a_clean_file_is_parsed_by_polars_alone(tmp_path: Path) -> None:
    rows = ["医保编码,名称,规格"] + [f'T{i:09d},"黄芪, 蜜炙{i}",{i}g' for i in range(30_000)]
    rows[5:5] = ["", ",,", '"",,']  # blank rows, quoted or not
    path = tmp_path / "c.csv"
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scan_module._Csv, "_arrow", _refuse)
        mp.setattr(scan_module, "CHUNK_BYTES", 64 << 10)
        for dense in (False, True):
            mp.setattr(scan_module, "SPARSE_QUOTES", 0 if dense else 1 << 20)
            assert_same(path)


# ---------------------------------------------------------------------------------------------
# Large files: what lies beyond the first megabytes and the first 100,000 rows.
# ---------------------------------------------------------------------------------------------

ROWS = 200_000


@pytest.fixture(autouse=True)
def small_pieces(request: pytest.FixtureRequest) -> Iterator[None]:
    """Parse in 1 MB pieces, so that row 150,000 of a 6 MB file lies past what scan_catalog
    reads (the first piece holds the first 100,000 rows)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scan_module, "CHUNK_BYTES", 1 << 20)
        yield


def _big(tmp_path: Path, line: bytes, at: int = 150_000, encoding: str = "utf-8") -> Path:
    """A 200,000-row catalog (about 6 MB) with ``line`` as file row ``at``."""
    lines = [f"T{i:09d},黄芪{i},{i}g".encode(encoding) for i in range(1, ROWS + 1)]
    lines[0] = "医保编码,名称,规格".encode(encoding)
    lines[at - 1] = line
    path = tmp_path / "big.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert path.stat().st_size > scan_module.PREFIX_BYTES
    return path


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"T000150000,\xff\xfe,1g", "neither UTF-8 nor GBK"),
        ("T000150000,黄芪".encode(), "has 2 fields where the header has 3"),
        ("T000150000,黄芪,1g,多余".encode(), "has 4 fields where the header has 3"),
        (b",", "has 2 fields where the header has 3"),
        ("T000150000,黄\r芪,1g".encode(), "has 2 fields where the header has 3"),
    ],
    ids=["invalid-utf8", "too-few", "too-many", "one-comma", "bare-cr"],
)
def test_errors_deep_in_the_file_are_explained_with_their_row(
    tmp_path: Path, line: bytes, message: str
) -> None:
    path = _big(tmp_path, line)
    with scan_catalog(path) as lazy:  # the first rows are fine: nothing to say yet
        with pytest.raises(Exception) as raised:
            lazy.frame().collect()
        error = lazy.explain(raised.value)
    assert message in error.detail
    assert (error.file, error.row) == (str(path), 150_000)
    assert str(error) == _outcome(path)


@pytest.mark.parametrize(
    "line",
    [
        'T000150000,12"药,1g',  # a quote inside a cell: polars refuses it, pyarrow keeps it
        'T000150000,"黄\r芪",1g',  # a carriage return inside a quoted cell
        'T000150000,"黄\n\n芪,x",1g',  # blank lines and a comma inside a quoted cell
        "",  # a blank line
        ",,",  # a blank row
    ],
)
def test_unusual_rows_deep_in_the_file_read_the_same(tmp_path: Path, line: str) -> None:
    assert_same(_big(tmp_path, line.encode()))


def test_gb18030_character_deep_in_the_file(tmp_path: Path) -> None:
    path = _big(tmp_path, "T000150000,㐀字药,1g".encode("gb18030"), encoding="gbk")
    with scan_catalog(path) as lazy:
        assert lazy.source == read_catalog(path).source == "gb18030"
    assert_same(path)
    assert_same(_big(tmp_path, "T000150000,黄芪,1g".encode("gbk"), encoding="gbk"))


def test_invalid_gbk_byte_is_refused_by_scan_catalog(tmp_path: Path) -> None:
    path = _big(tmp_path, b"T000150000,\xff,1g", encoding="gbk")
    path.write_bytes(path.read_bytes().replace(b"T000000002", "T000000002中".encode("gbk")))
    for options in ({}, {"encoding": "gbk"}):
        with pytest.raises(InputError) as err:
            scan_catalog(path, **options)  # type: ignore[arg-type]
        assert str(err.value) == _outcome(path, **options)
    assert err.value.row == 150_000  # given the encoding; detection names the first non-UTF-8


def test_filters_and_heads_keep_the_file_row_numbers(tmp_path: Path) -> None:
    path = _big(tmp_path, b"")
    eager = read_catalog(path).frame
    with scan_catalog(path) as lazy:
        wanted = pl.col("code").is_in(["T000000007", "T000199999"])
        assert_frame_equal(lazy.frame().filter(wanted).collect(), eager.filter(wanted))
        assert_frame_equal(lazy.frame().head(3).collect(), eager.head(3))
        assert lazy.frame().select(pl.len()).collect().item() == eager.height
        assert lazy.records.filter("blank").select("row").collect().item() == 150_000


def test_the_code_column_is_chosen_on_the_first_rows(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    rows = ["名称,医保编码,医保贯标码", "黄芪,T001700368,", "阿胶,T001700369,"]
    rows += [f"药{i},,T00170036{i}" for i in range(3)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert read_catalog(path).columns["code"] == "医保贯标码"  # 3 codes of 5 rows against 2
    assert scan_catalog(path).columns["code"] == "医保贯标码"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scan_module, "SAMPLE_ROWS", 2)  # on the first two rows 医保编码 wins
        assert scan_catalog(path).columns["code"] == "医保编码"


# ---------------------------------------------------------------------------------------------
# Errors scan_catalog raises itself, before any row is streamed.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (b"", {}, "file is empty"),
        (b"\r\n  \r\n", {}, "file is empty"),
        ("医保编码,名称\r\n".encode(), {}, "no data rows"),
        ("医保编码,名称\n,\n\n".encode(), {}, "no data rows"),
        ("国家码,品名\nT001700368,黄芪\n".encode(), {}, "--column code=<header>"),
        ("国家码,品名\nT001700368,黄芪\n".encode(), {"columns": {"code": "编码"}}, "no such"),
        ("国家码,品名\nT001700368,黄芪\n".encode(), {"columns": {"colour": "品名"}}, "colour"),
        ("医保编码,名称\nT001700368,黄芪\n".encode("gbk"), {"encoding": "utf-8"}, "utf-8"),
        ("医保编码,名称\nT001700368,黄芪\n".encode(), {"encoding": "no-such"}, "unknown"),
    ],
)
def test_scan_catalog_raises_what_read_catalog_raises(
    tmp_path: Path, content: bytes, options: dict[str, object], message: str
) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        scan_catalog(path, **options)  # type: ignore[arg-type]
    assert str(err.value) == _outcome(path, **options)


def test_missing_and_unsupported_files(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.csv", tmp_path, tmp_path / "c.pdf"):
        if path.suffix == ".pdf":
            path.write_bytes(b"%PDF")
        with pytest.raises(InputError) as err:
            scan_catalog(path)
        assert str(err.value) == _outcome(path)


# ---------------------------------------------------------------------------------------------
# Parquet, Excel, encodings, temporary files
# ---------------------------------------------------------------------------------------------


def test_parquet_text_through_polars(tmp_path: Path, sizes: str) -> None:
    path = tmp_path / "c.parquet"
    frame = pl.DataFrame(
        {
            "national_code": ["T001700368", None, "", "  "],
            "name": ["黄芪", None, "", "  "],
            "qty": [3, None, None, 4],
            "flag": [True, None, None, False],
        }
    )
    frame.write_parquet(path)
    assert_same(path)


def test_parquet_typed_columns_cast_as_pyarrow_casts(tmp_path: Path, sizes: str) -> None:
    path = tmp_path / "c.parquet"
    table = pa.table(
        {
            "医保编码": ["T001700368", "T001700369", None],
            "单价": [1.5, 3.0, None],
            "折扣": pa.array([0.1, 2.0, None], pa.float32()),
            "日期": [dt.date(2026, 11, 1), None, dt.date(1999, 12, 31)],
            "时间": [dt.time(1, 2, 3), None, dt.time(0, 0)],
            "导出": pa.array(
                [dt.datetime(2026, 11, 1, 8, 0)] * 3, pa.timestamp("ms", tz="Asia/Shanghai")
            ),
            "金额": pa.array(
                [decimal.Decimal("1.20"), None, decimal.Decimal("3.00")], pa.decimal128(5, 2)
            ),
            "类别": pa.array(["西药", "西药", "中成药"]).dictionary_encode(),
        }
    )
    pq.write_table(table, path)
    assert_same(path)
    assert scan_catalog(path).frame().collect()["unit_price"].to_list() == ["1.5", "3", None]


def test_parquet_errors(tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    path.write_bytes(b"PAR1 not really")
    assert _scanned(path) == _outcome(path)
    pq.write_table(pa.table({"医保编码": [["T001700368"]]}), path)
    assert _scanned(path) == _outcome(path)
    pq.write_table(pa.table({"医保编码": pa.array([], pa.string())}), path)
    assert _scanned(path) == _outcome(path)
    assert "no data rows" in str(_outcome(path))


def test_xlsx_is_read_eagerly(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("目录")
        sheet.write_row(0, 0, ["院内编码", "项目名称", "国家医保编码"])
        sheet.write_row(1, 0, [1001, "普通门诊诊查费", "001102000010000"])
        sheet.write_row(3, 0, [1002, "普通门诊诊查费", 1102000010000])
    lazy = scan_catalog(path, sheet="目录")
    assert (lazy.source, lazy.blank_rows) == ("xlsx:目录", 1)
    assert_frame_equal(lazy.frame().collect(), read_catalog(path, sheet="目录").frame)


@pytest.mark.parametrize(
    ("encoding", "prefix", "reported"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("gbk", b"", "gbk"),
        ("gb18030", b"", "gbk"),
        ("utf-16", b"", "utf-16"),
    ],
)
def test_encodings(tmp_path: Path, encoding: str, prefix: bytes, reported: str) -> None:
    path = tmp_path / "c.csv"
    text = "医保编码,名称\r\nT001700368,黄芪（蜜炙）\r\n\r\nZD03AAA0043010100166,艾附暖宫丸\r\n"
    path.write_bytes(prefix + text.encode(encoding))
    assert scan_catalog(path).source == reported
    assert_same(path)
    assert_same(path, encoding=encoding)


def test_the_transcoded_copy_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("医保编码,名称\nT001700368,黄芪\n".encode("gbk"))
    with scan_catalog(path) as lazy:
        assert lazy.temp is not None
        copy = lazy.temp.path
        assert copy.exists() and lazy.frame().collect().height == 1
    assert not copy.exists()
    lazy = scan_catalog(path)
    assert lazy.temp is not None
    copy = lazy.temp.path
    del lazy
    gc.collect()
    assert not copy.exists()


def test_scan_catalog_is_exported() -> None:
    import mapper.catalog

    assert {"scan_catalog", "LazyCatalog"} <= set(mapper.catalog.__all__)
    assert isinstance(scan_catalog(REPO / "tests/fixtures/releases/catalog.csv"), LazyCatalog)


@pytest.mark.parametrize(
    ("line", "native"),
    [
        ('T000150000,"黄芪, 蜜炙",1g', True),  # a quoted field with a comma
        ('T000150000,"",1g', True),
        ("", True),  # a blank line
        (",,", True),  # a blank row
        ("T000150000,黄芪", False),  # too few fields: polars would pad it
        ('T000150000,12"药,1g', False),  # a quote inside a cell
        ('T000150000,"黄""芪",1g', False),  # a doubled quote
        ('T000150000,"黄\r芪",1g', True),  # a carriage return inside a quoted cell
        ('T000150000,"黄\n芪",1g', False),  # a line end inside a quoted cell
    ],
)
def test_a_verified_file_is_scanned_by_polars_natively(
    tmp_path: Path, line: str, native: bool
) -> None:
    """A file whose lines read the same either way goes through polars' multi-threaded scan;
    any other through the piece-by-piece reader, which names a bad row. Either way the rows
    are read_catalog's."""
    path = _big(tmp_path, line.encode())
    with scan_catalog(path) as lazy:
        plan = lazy.records.explain()
    assert ("mapper catalog" not in plan) == native
    assert_same(path)
