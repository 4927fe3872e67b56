"""CSV/TSV catalogs, read with pyarrow's multi-threaded parser, every column as text."""

from __future__ import annotations

import csv
import io
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

    table = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(
            column_names=names, skip_rows=skip, use_threads=threads, block_size=1 << 24
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            # Blank lines become empty rows, so row numbers stay those of the file.
            ignore_empty_lines=False,
            invalid_row_handler=None if threads else on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, bad


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
    lines = _first_lines(decoded.data, HEADER_SCAN_ROWS)
    delimiter = _delimiter(max(lines, key=lambda line: header_score(line.split(","))))
    parsed = list(csv.reader(lines, delimiter=delimiter))
    header_at = find_header_row(parsed)
    names = unique_headers(parsed[header_at] if header_at < len(parsed) else [])
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
        first = bad[0]
        more = f" (and {len(bad) - 1} more such rows)" if len(bad) > 1 else ""
        raise InputError(
            f"has {first.actual_columns} fields where the header has "
            f"{first.expected_columns} (行字段数与表头不符){more}: {first.text[:80]!r}",
            file=file,
            row=first.number,
        )
    return table, decoded.encoding, header_at + 2
