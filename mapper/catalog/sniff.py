"""The first records of delimited UTF-8 bytes, split as pyarrow's CSV parser splits them.

The header finder looks at the first 30 records. Python's csv module is the wrong tool for
that: it refuses a bare carriage return in an unquoted field (old Mac line endings, mixed
endings) and any field over 131,072 characters. pyarrow, which reads the data, takes \\r\\n,
\\n and a bare \\r as the end of a record outside quotes, opens a quoted value only at the
start of a field (a doubled quote inside it is one quote; newlines inside it are text) and
has no field limit. This reads records the same way, with a regular expression per field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

LINE_END = re.compile(rb"\r\n|\n|\r")


@dataclass(frozen=True)
class Record:
    """One record: its fields as text, where it starts, and where its line end starts and
    stops (byte offsets)."""

    fields: list[str]
    start: int
    end: int  # offset of the line end after the record (len(data) when it has none)
    next: int  # offset where the next record starts


def physical_lines(data: bytes, count: int) -> list[str]:
    """The first ``count`` lines, split at any line end, quotes ignored."""
    return [line.decode("utf-8", errors="replace") for line in LINE_END.split(data, count)[:count]]


@cache
def _field(delimiter: bytes) -> re.Pattern[bytes]:
    d = re.escape(delimiter)
    # A quoted value (its quotes doubled inside; unterminated: to the end of the data) and
    # what follows it up to the delimiter, or an unquoted value; then what ends the field.
    return re.compile(
        rb'(?:"(?P<q>[^"]*(?:""[^"]*)*)(?:"|\Z)(?P<rest>[^' + d + rb"\r\n]*)"
        rb"|(?P<u>[^" + d + rb"\r\n]*))"
        rb"(?P<end>" + d + rb"|\r\n|\n|\r|\Z)"
    )


def first_records(data: bytes, delimiter: str, count: int) -> list[Record]:
    """The first ``count`` records of ``data`` (fewer if it ends first)."""
    field = _field(delimiter.encode("ascii"))
    records: list[Record] = []
    at = 0
    while len(records) < count and at < len(data):
        fields: list[str] = []
        start = at
        while True:
            match = field.match(data, at)
            assert match is not None  # every alternative can match the empty string
            if match.group("q") is not None:
                raw = match.group("q").replace(b'""', b'"') + match.group("rest")
            else:
                raw = match.group("u")
            fields.append(raw.decode("utf-8", errors="replace"))
            at = match.end()
            if match.group("end") != delimiter.encode("ascii"):
                break
        records.append(Record(fields, start, match.start("end"), at))
    return records
