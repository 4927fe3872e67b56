"""CSV/TSV catalogs, read with pyarrow's multi-threaded parser, every column as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from mapper.catalog.columns import HEADER_SCAN_ROWS, find_header_row, header_score, unique_headers
from mapper.catalog.encoding import decode_to_utf8
from mapper.errors import InputError

DELIMITERS = (",", "\t", ";", "|")


def _first_lines(data: bytes, count: int) -> list[str]:
    head = data[: 1 << 20].split(b"\n", count)[:count]
    return [line.decode("utf-8", errors="replace").rstrip("\r") for line in head]


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def arrow_options(
    names: list[str],
    delimiter: str,
    *,
    skip: int,
    threads: bool,
    on_invalid: Callable[[pacsv.InvalidRow], str] | None = None,
    block_size: int = 1 << 24,
) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
    """pyarrow's options for reading every column as text (the eager and streaming readers)."""
    return (
        pacsv.ReadOptions(
            column_names=names, skip_rows=skip, use_threads=threads, block_size=block_size
        ),
        pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            # Blank lines become empty rows, so row numbers stay those of the file.
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        ),
        pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _parse(
    data: bytes, names: list[str], delimiter: str, threads: bool, skip: int = 1
) -> tuple[pa.Table, list[pacsv.InvalidRow]]:
    """Parse all rows as text. Multi-threaded parsing stops at the first bad row (a Python
    callback from pyarrow's worker threads can abort the process); the single-threaded
    parse collects every bad row with its line number."""
    bad: list[pacsv.InvalidRow] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append(row)
        return "skip"

    read, parse, convert = arrow_options(
        names, delimiter, skip=skip, threads=threads, on_invalid=None if threads else on_invalid
    )
    table = pacsv.read_csv(
        io.BytesIO(data), read_options=read, parse_options=parse, convert_options=convert
    )
    return table, bad


def header_layout(data: bytes) -> tuple[list[str], str, int]:
    """Column names, delimiter and 0-based line of the header, from the start of UTF-8 data.

    Title lines above the header (导出日期 …) are skipped: the header is the line among the
    first 30 with the most known column names.
    """
    lines = _first_lines(data, HEADER_SCAN_ROWS)
    delimiter = _delimiter(max(lines, key=lambda line: header_score(line.split(","))))
    parsed = list(csv.reader(lines, delimiter=delimiter))
    header_at = find_header_row(parsed)
    names = unique_headers(parsed[header_at] if header_at < len(parsed) else [])
    return names, delimiter, header_at


def ragged_rows_error(bad: list[pacsv.InvalidRow], file: str) -> InputError:
    """The error for rows whose field count is not the header's, naming the first."""
    first = bad[0]
    more = f" (and {len(bad) - 1} more such rows)" if len(bad) > 1 else ""
    return InputError(
        f"has {first.actual_columns} fields where the header has "
        f"{first.expected_columns} (行字段数与表头不符){more}: {first.text[:80]!r}",
        file=file,
        row=first.number,
    )


def read_csv(
    path: Path, *, encoding: str | None = None, sheet: str | None = None
) -> tuple[pa.Table, str, int]:
    """Read a delimited text file: the table (all strings), the encoding, the first data row.

    Title lines above the header (导出日期 …) are skipped: the header is the line among the
    first 30 with the most known column names.
    """
    file = str(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("file is empty (文件为空)", file=file)
    decoded = decode_to_utf8(raw, file, encoding)
    names, delimiter, header_at = header_layout(decoded.data)
    skip = header_at + 1
    try:
        table, bad = _parse(decoded.data, names, delimiter, threads=True, skip=skip)
    except pa.ArrowInvalid:
        # A bad row: only the single-threaded parser names every one with its line number.
        try:
            table, bad = _parse(decoded.data, names, delimiter, threads=False, skip=skip)
        except pa.ArrowInvalid as exc:
            raise InputError(f"cannot be parsed as CSV: {exc}", file=file) from None
    if bad:
        raise ragged_rows_error(bad, file)
    return table, decoded.encoding, header_at + 2
