"""CSV/TSV catalogs, read with pyarrow's multi-threaded parser, every column as text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from mapper.catalog.columns import unique_headers
from mapper.catalog.encoding import decode_to_utf8
from mapper.errors import InputError

DELIMITERS = (",", "\t", ";", "|")


def _header_line(data: bytes) -> str:
    end = data.find(b"\n")
    line = data if end < 0 else data[:end]
    return line.decode("utf-8").rstrip("\r")


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _parse(
    data: bytes, names: list[str], delimiter: str, threads: bool
) -> tuple[pa.Table, list[pacsv.InvalidRow]]:
    bad: list[pacsv.InvalidRow] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append(row)
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(
            column_names=names, skip_rows=1, use_threads=threads, block_size=1 << 24
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            # Blank lines become empty rows, so row numbers stay those of the file.
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
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
) -> tuple[pa.Table, str]:
    """Read a delimited text file; returns the table (all strings) and the encoding used."""
    file = str(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("file is empty (文件为空)", file=file)
    decoded = decode_to_utf8(raw, file, encoding)
    header = _header_line(decoded.data)
    delimiter = _delimiter(header)
    names = unique_headers(next(csv.reader([header], delimiter=delimiter)))
    try:
        table, bad = _parse(decoded.data, names, delimiter, threads=True)
        if bad:
            # Row numbers are only known to the single-threaded parser: re-read to name them.
            table, bad = _parse(decoded.data, names, delimiter, threads=False)
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
    return table, decoded.encoding
