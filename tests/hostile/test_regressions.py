"""Issue 18's input-side reproducers, one test each: a complete output or one clear line
naming the file (and row where there is one), exit 2, no traceback, no "unexpected"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from click.testing import CliRunner, Result

from mapper.catalog import read_catalog, scan_catalog
from mapper.catalog.xlsx_bounds import ExcelLimits, check_sheet, check_workbook
from mapper.cli.main import cli
from mapper.errors import InputError
from mapper.writers import WRITERS
from mapper.writers.xlsx import _write
from tests.hostile.corpus import replace_sheet_data
from tests.support import REPO

CODE = "XA01ABD075A002010100483"


def _check(args: list[str], store: Path) -> Result:
    base = ["check", "--as-of", "2026-11-23", "--reference", str(store)]
    return CliRunner().invoke(cli, [*base, *args])


def _one_error(result: Result, *names: str) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mapper: error: ")
    assert "unexpected" not in lines[0] and "Traceback" not in result.output
    for name in names:
        assert name in lines[0]
    return lines[0]


def _xlsx(path: Path, cells: dict[tuple[int, int], str]) -> Path:
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        for (row, col), value in cells.items():
            sheet.write(row, col, value)
    return path


def _with_sheet_data(path: Path, sheet_data: bytes) -> Path:
    path.write_bytes(replace_sheet_data(path.read_bytes(), sheet_data))
    return path


# 1. Excel: bounded allocation ------------------------------------------------------------------


def test_a_corner_cell_is_refused_before_the_reader_allocates(
    tmp_path: Path, tiny_store: Path
) -> None:
    book = _xlsx(
        tmp_path / "corner.xlsx", {(0, 0): "医保编码", (0, 1): "通用名称", (1_048_575, 16_383): "x"}
    )
    line = _one_error(_check([str(book)], tiny_store), "corner.xlsx", "XFD")
    assert "16,384 columns" in line


@pytest.mark.parametrize(
    "far",
    [
        b'<row r="1048576"><c s="0" t="inlineStr" r="XFD1048576"><is><t>x</t></is></c></row>',
        b'<row r="1048576">' + b"<c/>" * 2000 + b'<c t="inlineStr"><is><t>x</t></is></c></row>',
    ],
    ids=["reference-not-first", "cells-without-reference"],
)
def test_a_far_cell_written_unusually_is_still_measured(tmp_path: Path, far: bytes) -> None:
    book = _xlsx(tmp_path / "odd.xlsx", {(0, 0): "医保编码", (1, 0): CODE})
    _with_sheet_data(book, HEADER_ROW + far)
    with pytest.raises(InputError, match="columns"):
        read_catalog(book)


def test_a_sheet_spanning_too_many_cells_is_refused_with_its_span(tmp_path: Path) -> None:
    book = _xlsx(tmp_path / "tall.xlsx", {(0, 0): "医保编码", (99_999, 40): "x"})
    with pytest.raises(InputError, match=r"spans A1:AO100000 \(4,100,000 cells"):
        check_sheet(book, "Sheet1", ExcelLimits(cells=1_000_000))
    assert check_sheet(book, "Sheet1").last_row == 100_000  # within the default limit


def test_a_shared_strings_bomb_is_refused_from_the_zip_directory(
    tmp_path: Path, tiny_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _xlsx(
        tmp_path / "bomb.xlsx",
        {(0, 0): "医保编码", **{(r, 0): "长" * 500 + str(r) for r in range(1, 400)}},
    )
    with pytest.raises(InputError, match="shared strings"):
        check_workbook(book, ExcelLimits(shared_strings_bytes=100_000))
    monkeypatch.setattr(
        "mapper.catalog.xlsx_bounds.LIMITS", ExcelLimits(shared_strings_bytes=100_000)
    )
    _one_error(_check([str(book)], tiny_store), "bomb.xlsx", "shared strings")


# 4. No abort at exit ---------------------------------------------------------------------------


def test_an_error_exits_2_not_abort_in_a_fresh_process(tmp_path: Path, tiny_store: Path) -> None:
    """The header-only CSV aborted 4 runs in 15 under load (pyarrow released a Python input
    on a worker thread during interpreter exit). ``make fuzz`` runs it 50 times under load."""
    header_only = tmp_path / "header_only.csv"
    header_only.write_text("医保编码,通用名称\n", "utf-8")
    command = [
        sys.executable,
        "-m",
        "mapper",
        "check",
        str(header_only),
        "--reference",
        str(tiny_store),
    ]
    for _ in range(3):
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
        assert done.returncode == 2, done.stderr
        assert "terminate called" not in done.stderr


# 5, 6. Header sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize("end", [b"\r", b"\r\n", b"\n"])
def test_old_mac_and_mixed_line_endings_are_read(tmp_path: Path, end: bytes) -> None:
    path = tmp_path / "mac.csv"
    lines = ["导出日期 2026-11-01", "医保编码,通用名称", f"{CODE},甲", f"{CODE},乙"]
    path.write_bytes(
        end.join(line.encode() for line in lines[:2])
        + b"\r"
        + b"\n".join(line.encode() for line in lines[2:])
        + b"\n"
    )
    cat = read_catalog(path)
    assert cat.frame.get_column("name").to_list() == ["甲", "乙"]
    assert cat.frame.get_column("row").to_list() == [3, 4]
    with scan_catalog(path) as lazy:
        assert lazy.frame().collect().equals(cat.frame)


def test_a_cell_over_the_csv_module_limit_in_the_header_lines_is_read(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(f"医保编码,通用名称\n{CODE},{'x' * 140_000}\n", "utf-8")
    cat = read_catalog(path)
    assert cat.frame.get_column("name").str.len_chars().to_list() == [140_000]


def test_a_cell_starting_with_cr_is_a_ragged_row_named_by_number(
    tmp_path: Path, tiny_store: Path
) -> None:
    path = tmp_path / "crcell.csv"
    path.write_bytes(f"医保编码,通用名称\n{CODE},\rabc\n".encode())
    _one_error(_check([str(path)], tiny_store), "crcell.csv", "row 3")


# 7. Non-finite numbers and half-written folders ------------------------------------------------


def test_nan_and_infinite_prices_give_every_output(tmp_path: Path, tiny_store: Path) -> None:
    path = tmp_path / "nan.csv"
    path.write_text(
        "医保编码,通用名称,单价,数量,类别\n"
        f"{CODE},a,nan,1,西药\n{CODE},b,inf,1,保健品\n{CODE},c,-inf,2,西药\n{CODE},d,1e308,1e308,西药\n",
        "utf-8",
    )
    result = _check([str(path), "--out", str(tmp_path / "out")], tiny_store)
    assert result.exit_code in (0, 1), result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(written) == 20 and not any(n.startswith(".") for n in written)
    payment = pl.read_parquet(tmp_path / "out" / "summary_payment.parquet")
    assert payment.get_column("amount").is_finite().fill_null(True).all()
    assert json.loads((tmp_path / "out" / "report.json").read_text("utf-8"))


def test_the_xlsx_writer_writes_a_non_finite_number_as_an_empty_cell(tmp_path: Path) -> None:
    frame = pl.DataFrame({"name": list("abcd"), "amount": [1.5, float("nan"), float("inf"), None]})
    with xlsxwriter.Workbook(tmp_path / "t.xlsx") as book:
        _write(book, "t", frame)
    back = pl.read_excel(tmp_path / "t.xlsx", schema_overrides={"amount": pl.Float64})
    assert back.get_column("amount").to_list() == [1.5, None, None, None]


def test_a_writer_failing_leaves_the_out_folder_as_it_was(
    tmp_path: Path, tiny_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f"医保编码,通用名称\n{CODE},a\n", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", "utf-8")

    def broken(result: object, out_dir: Path) -> list[Path]:
        raise OSError(28, "No space left on device", str(out_dir / "report.xlsx"))

    monkeypatch.setattr(WRITERS["xlsx"], "write", broken)
    _one_error(_check([str(path), "--out", str(out)], tiny_store), "No space left")
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


# 8. XLSX row numbers -----------------------------------------------------------------------------


HEADER_ROW = b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c></row>'
DATA_ROW = b'<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="s"><v>3</v></c></row>'


@pytest.mark.parametrize(
    "sheet_data",
    [
        b'<row r="1" ht="30" customHeight="1"/>' + HEADER_ROW + DATA_ROW,  # empty formatted row
        b'<row r="1"><c r="A1" s="0"/><c r="B1" s="0"/></row>' + HEADER_ROW + DATA_ROW,
        DATA_ROW + HEADER_ROW,  # <row> elements out of order
    ],
    ids=["empty-formatted-row", "styled-empty-cells", "rows-out-of-order"],
)
def test_xlsx_row_numbers_are_those_excel_shows(tmp_path: Path, sheet_data: bytes) -> None:
    book = _xlsx(
        tmp_path / "b.xlsx", {(0, 0): "医保编码", (0, 1): "通用名称", (1, 0): CODE, (1, 1): "甲"}
    )
    cat = read_catalog(_with_sheet_data(book, sheet_data))
    assert cat.frame.select("row", "code", "name").rows() == [(3, CODE, "甲")]


# 9. Side files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "name", "text", "says"),
    [
        ("--policy", "p.toml", "rules = 5\n", "rules must be a list"),
        ("--policy", "p.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("--config", "c.toml", "a = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        (
            "--baseline",
            "b.json",
            '{"version": 1, "entries": ' + "[" * 50_000 + "]" * 50_000 + "}",
            "nested too deeply",
        ),
        (
            "--baseline",
            "b.json",
            json.dumps(
                {
                    "version": 1,
                    "entries": [
                        {
                            "rule": "REF001",
                            "item_id": "",
                            "field": "code",
                            "value_hash": "",
                            "count": 10**30,
                        }
                    ],
                }
            ),
            "count from 1 to",
        ),
    ],
    ids=["policy-rules-5", "policy-deep", "config-deep", "baseline-deep", "baseline-count-1e30"],
)
def test_corrupt_side_files_are_one_line_naming_the_file(
    tmp_path: Path, tiny_store: Path, option: str, name: str, text: str, says: str
) -> None:
    catalog = tmp_path / "c.csv"
    catalog.write_text(f"医保编码,通用名称\n{CODE},a\n", "utf-8")
    (tmp_path / name).write_text(text, "utf-8")
    _one_error(_check([str(catalog), option, str(tmp_path / name)], tiny_store), name, says)


# 11. Non-regular files ----------------------------------------------------------------------------


@pytest.mark.parametrize("option", [None, "--diff", "--baseline", "--config", "--policy"])
def test_a_fifo_is_refused_not_waited_on(
    tmp_path: Path, tiny_store: Path, option: str | None
) -> None:
    catalog = tmp_path / "c.csv"
    catalog.write_text(f"医保编码,通用名称\n{CODE},a\n", "utf-8")
    fifo = tmp_path / ("pipe.toml" if option == "--policy" else "pipe.csv")
    os.mkfifo(fifo)
    args = [str(fifo)] if option is None else [str(catalog), option, str(fifo)]
    _one_error(_check(args, tiny_store), fifo.name, "named pipe")


def test_a_symlink_to_dev_zero_is_refused(tmp_path: Path, tiny_store: Path) -> None:
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    _one_error(_check([str(link)], tiny_store), "zero.csv", "character device")


# 12. Encodings on the streamed path -------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["rot13", "hex", "base64", "utf-16", "utf-32"])
def test_streamed_and_in_memory_paths_refuse_an_encoding_alike(
    tmp_path: Path, tiny_store: Path, encoding: str
) -> None:
    catalog = tmp_path / "c.csv"
    catalog.write_text(f"医保编码,通用名称\n{CODE},阿莫西林\n", "utf-8")
    streamed = _check(
        [
            str(catalog),
            "--encoding",
            encoding,
            "--out",
            str(tmp_path / "o"),
            "--out-format",
            "parquet",
        ],
        tiny_store,
    )
    in_memory = _check([str(catalog), "--encoding", encoding], tiny_store)
    assert _one_error(streamed, "c.csv") == _one_error(in_memory, "c.csv")


# 13. One line per error ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("text.xlsx", b"hello, not a workbook\n"),
        ("pdf.xlsx", b"%PDF-1.4\n%binary"),
        ("fake.xls", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600)),
    ],
)
def test_excel_read_errors_are_one_line(
    tmp_path: Path, tiny_store: Path, name: str, content: bytes
) -> None:
    (tmp_path / name).write_bytes(content)
    line = _one_error(
        _check([str(tmp_path / name)], tiny_store), name, "not a readable Excel workbook"
    )
    assert "Context" not in line


def test_a_zip_with_no_workbook_and_a_damaged_sheet_are_one_line(
    tmp_path: Path, tiny_store: Path
) -> None:
    empty_zip = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("a.txt", "x")
    _one_error(_check([str(empty_zip)], tiny_store), "zip.xlsx")
    book = _xlsx(tmp_path / "half.xlsx", {(0, 0): "医保编码", (1, 0): CODE})
    _with_sheet_data(book, HEADER_ROW + b'<row r="3"><c r="A3" t="s"><v>2</v')
    _one_error(_check([str(book)], tiny_store), "half.xlsx")


def test_parquet_repeated_column_names_are_numbered_like_csv_headers(tmp_path: Path) -> None:
    path = tmp_path / "dup.parquet"
    pq.write_table(
        pa.table([pa.array([CODE]), pa.array(["甲"])], names=["医保编码", "医保编码"]), path
    )
    cat = read_catalog(path)
    assert cat.frame.get_column("code").to_list() == [CODE]
    assert "医保编码_2" in cat.frame.columns
