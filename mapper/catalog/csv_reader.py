"""CSV/TSV catalogs, read with pyarrow's multi-threaded parser, every column as text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from mapper.catalog.columns import HEADER_SCAN_ROWS, find_header_row, header_score, unique_headers
from mapper.catalog.encoding import decode_to_utf8
from mapper.catalog.sniff import Record, first_records, physical_lines
from mapper.errors import InputError

DELIMITERS = (",", "\t", ";", "|")
SNIFF_BYTES = 1 << 20  # the header is looked for in the first records of this much data


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
        pa.BufferReader(native_buffer(data)),
        read_options=read,
        parse_options=parse,
        convert_options=convert,
    )
    return table, bad


def native_buffer(data: bytes) -> pa.Buffer:
    """``data`` copied into memory Arrow owns.

    pyarrow's threaded CSV reader may drop its last reference to the input on a worker
    thread after ``read_csv`` has returned or raised. For a Python object (``io.BytesIO``,
    ``pa.py_buffer``) that release takes the GIL; at interpreter exit the worker is then
    ended inside a C++ destructor and the process aborts ("terminate called without an
    active exception", exit 134 instead of the intended 2). An Arrow buffer needs no GIL.
    """
    buffer = pa.allocate_buffer(len(data))
    memoryview(buffer).cast("B")[:] = data
    return buffer


def header_layout(data: bytes) -> tuple[list[str], str, int]:
    """Column names, delimiter and 0-based line of the header, from the start of UTF-8 data.

    Title lines above the header (导出日期 …) are skipped: the header is the line among the
    first 30 with the most known column names.
    """
    names, delimiter, header_at, _ = header_record(data)
    return names, delimiter, header_at


def header_record(data: bytes) -> tuple[list[str], str, int, Record | None]:
    """:func:`header_layout` and the header's record (None if the data has no records):
    records are split as pyarrow splits them (any line end; quotes; no field limit)."""
    head = data[:SNIFF_BYTES]
    lines = physical_lines(head, HEADER_SCAN_ROWS)
    delimiter = _delimiter(max(lines, key=lambda line: header_score(line.split(","))))
    records = first_records(head, delimiter, HEADER_SCAN_ROWS)
    header_at = find_header_row([r.fields for r in records])
    if header_at >= len(records):
        return [], delimiter, header_at, None
    return unique_headers(records[header_at].fields), delimiter, header_at, records[header_at]


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
    if not decoded.data.strip():  # a byte-order mark and nothing else
        raise InputError("file is empty (文件为空)", file=file)
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
