"""Streaming catalog reading: the rows of :func:`read_catalog` as a polars LazyFrame.

``scan_catalog(path).frame().collect()`` equals ``read_catalog(path).frame`` for every file the
eager reader accepts, but a CSV or Parquet file is never held in memory whole, so ``mapper
check`` can stream a catalog of ten million rows chunk by chunk. Decided before any row is
streamed, so that they raise from :func:`scan_catalog` itself:

- the encoding, from the first 4 MB (:data:`PREFIX_BYTES`); GBK/GB18030 and UTF-16 files are
  transcoded to a temporary UTF-8 file a chunk at a time, which checks every byte on the way;
- the header row and delimiter, found as the eager reader finds them;
- an empty file, a header without data rows, no code column, an unknown ``--column`` header;
- which column holds the code when several headers could: judged on the first 100,000 rows
  (:data:`SAMPLE_ROWS`), where the eager reader looks at every row; and, when no header names
  it, which column's values are national codes, judged on those rows by both readers. (Should
  those rows all be blank, or hold no code column in a longer file, the file is read eagerly,
  as it is when only the eager reader reads it right.)

A problem further down (an invalid byte, a ragged row) is raised when the frame is collected;
:meth:`LazyCatalog.explain` turns it into the InputError read_catalog gives, with its row.

UTF-8 text whose lines are verified (in one native pass, :meth:`_Csv.plain`) to read the same
either way — quotes only around whole fields on one line, no bare carriage return, every line
blank or holding exactly ``columns - 1`` delimiters outside quotes — is read by polars' own
multi-threaded scan. Any other is parsed by polars, 16 MB of whole records at a time
(:data:`CHUNK_BYTES`), each piece's bytes checked first: polars
pads a row with too few fields instead of refusing it, reads a quote inside an unquoted cell
otherwise than pyarrow (or drops the row), and keeps a bare carriage return that pyarrow takes
for a line end. So each piece's bytes are looked at first: quotes only around whole fields, no
bare \r outside them; then the rows polars made must match the records and delimiters counted
outside quotes (each non-blank record holds exactly ``columns - 1`` delimiters, and polars
refuses more, so equal totals mean no row is short). From the first piece that fails, pyarrow's
streaming reader, with the eager reader's own options, reads the rest of the file, and names
the rows of a ragged one as the eager reader does. Excel workbooks are read eagerly.
"""

from __future__ import annotations

import bisect
import codecs
import os
import re
import tempfile
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from mapper.batches import Batches, scan_batches
from mapper.catalog import (
    Catalog,
    canonical_exprs,
    filled_expr,
    read_catalog,
    reader_for,
)
from mapper.catalog.code_column import choose_code_column
from mapper.catalog.columns import READER_FIELDS, resolve_columns
from mapper.catalog.csv_reader import (
    arrow_options,
    header_record,
    ragged_rows_error,
    read_csv,
)
from mapper.catalog.parquet_reader import as_text, check_schema, read_parquet
from mapper.catalog.sheets import ReadReport, SheetRead
from mapper.catalog.structure import KIND, flag_structure, skipped_rows, source_cells
from mapper.errors import InputError
from mapper.fields import FIELD_NAMES

PREFIX_BYTES = 4 << 20  # encoding and header are decided on this much of a file
SAMPLE_ROWS = 100_000  # rows read up front: "no data rows" and the choice of code column
CHUNK_BYTES = 16 << 20  # transcoding and parsing read this much at a time
SPARSE_QUOTES = 4096  # quotes in a piece up to which quoted values are counted one by one
NO_DATA = "has a header but no data rows (没有数据行)"


class _TempFile:
    """A temporary file removed by :meth:`remove`, or when nothing refers to it any more."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._finalizer = weakref.finalize(self, path.unlink, missing_ok=True)

    def remove(self) -> None:
        self._finalizer()


@dataclass
class LazyCatalog:
    """A catalog to stream: ``records`` are the canonical rows with blank rows kept and
    flagged in a Boolean ``blank`` column, and section and total rows kept and flagged in
    :data:`~mapper.catalog.structure.KIND`; :meth:`frame` is what ``Catalog.frame`` holds.

    Keep it open while its frames are collected: a transcoded file lives as long as it.
    """

    path: str
    records: pl.LazyFrame
    columns: dict[str, str]  # field -> source header, as Catalog.columns
    source: str  # as Catalog.source: "utf-8", "gbk", "xlsx:Sheet1", "parquet" …
    blank_rows: int | None = None  # known when read eagerly; else count_blank_rows() counts
    options: dict[str, Any] = field(default_factory=dict, repr=False)  # for read_catalog
    temp: _TempFile | None = field(default=None, repr=False)
    skipped: pl.DataFrame | None = None  # known when read eagerly; else skipped_rows() reads
    found_by: dict[str, str] = field(default_factory=dict)  # as Catalog.found_by
    sheets: list[SheetRead] = field(default_factory=list)  # as Catalog.sheets
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)

    def frame(self) -> pl.LazyFrame:
        """The items: the rows without blank and structure rows, nor the columns flagging them."""
        return self.records.filter(~pl.col("blank") & pl.col(KIND).is_null()).drop("blank", KIND)

    def report(self) -> ReadReport:
        """As Catalog.report (the skipped rows found in a pass over the file, if not known)."""
        return ReadReport(
            self.skipped_rows(), self.sheets, self.skipped_sheets, self.columns, self.found_by
        )

    def skipped_rows(self) -> pl.DataFrame:
        """Catalog.skipped: known already, or found in one pass over the file."""
        if self.skipped is None:
            cells = source_cells(self.records.collect_schema().names())
            self.skipped = skipped_rows(self.records, cells).collect()
        return self.skipped

    def count_blank_rows(self) -> int:
        """Catalog.blank_rows: known already, or counted in one pass over the file."""
        if self.blank_rows is None:
            self.blank_rows = int(self.records.select(pl.col("blank").sum()).collect().item())
        return self.blank_rows

    def explain(self, error: Exception) -> InputError:
        """The InputError for an error raised while collecting: read_catalog's own (which
        names the row) if it refuses the file, else one carrying ``error``'s message."""
        if isinstance(error, InputError):  # the stream's own are read_catalog's
            return error
        try:
            eager = read_catalog(self.path, **self.options)
        except InputError as exc:
            return exc
        if eager.source != self.source:  # decided on the first PREFIX_BYTES, wrong further on
            return InputError(
                f"reads as {self.source} at its start but as {eager.source} as a whole "
                f"(编码前后不一致); pass --encoding {eager.source}",
                file=self.path,
            )
        return InputError(f"cannot be read: {error}", file=self.path)

    def close(self) -> None:
        """Remove the transcoded copy, if any; the frames cannot be collected after this."""
        if self.temp is not None:
            self.temp.remove()

    def __enter__(self) -> LazyCatalog:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


@dataclass
class _Source:
    """What a format hands over: text columns, the first rows, and a way to stream them all."""

    names: list[str]
    description: str  # Catalog.source
    first_row: int
    sample: pl.DataFrame  # the first SAMPLE_ROWS + 1 rows
    batches: Batches
    temp: _TempFile | None = None
    # polars' own multi-threaded scan, numbered in the named column, where the whole file
    # was verified to read exactly as ``batches`` reads it (None: ``batches``).
    native: Callable[[str], pl.LazyFrame] | None = None


def scan_catalog(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> LazyCatalog:
    """Open a catalog for streaming; the arguments are those of :func:`read_catalog`.

    Raises read_catalog's InputError for a missing, empty or headless file and for column
    problems; errors further into the file are raised on collecting (see ``explain``).
    """
    p = Path(path)
    file = str(path)
    options: dict[str, Any] = {"encoding": encoding, "sheet": sheet, "columns": columns}
    reader = reader_for(p, file)
    found: _Source | None = None
    if reader is read_csv:
        found = _csv_source(p, file, encoding)
    elif reader is read_parquet:
        found = _parquet_source(p, file)
    try:
        scanned = None if found is None else _assemble(found, file, options, columns)
    except BaseException:
        if found is not None and found.temp is not None:
            found.temp.remove()
        raise
    # A workbook, or a file only the eager reader reads as it should.
    return _eager(path, options) if scanned is None else scanned


def _eager(path: str | Path, options: dict[str, Any]) -> LazyCatalog:
    return lazy_catalog(read_catalog(path, **options), options)


def lazy_catalog(cat: Catalog, options: dict[str, Any] | None = None) -> LazyCatalog:
    """A catalog read already, as one to stream (no blank or structure rows left to flag)."""
    return LazyCatalog(
        path=cat.path,
        records=cat.frame.lazy().with_columns(
            blank=pl.lit(False), **{KIND: pl.lit(None, pl.String)}
        ),
        columns=cat.columns,
        source=cat.source,
        blank_rows=cat.blank_rows,
        options=options or {},
        skipped=cat.skipped,
        found_by=cat.found_by,
        sheets=cat.sheets,
        skipped_sheets=cat.skipped_sheets,
    )


def _assemble(
    found: _Source, file: str, options: dict[str, Any], columns: Mapping[str, str] | None
) -> LazyCatalog | None:
    """The LazyCatalog over a source, checked as read_catalog checks the whole file; None
    when the first SAMPLE_ROWS rows are all blank (the eager reader then judges the rest)."""
    if found.sample.is_empty():
        raise InputError(NO_DATA, file=file)
    mapping = resolve_columns(found.names, columns, file)
    whole = found.sample.height <= SAMPLE_ROWS
    found_by = choose_code_column(found.sample.head(SAMPLE_ROWS), mapping, columns, file, whole)
    if found_by is None:  # no code column among the first rows: the eager reader judges
        return None
    if not found.sample.select(filled_expr(found.names).any()).item():
        if found.sample.height <= SAMPLE_ROWS:
            raise InputError(NO_DATA, file=file)
        return None
    row = next(
        f"__row{i}__" for i in range(len(found.names) + 1) if f"__row{i}__" not in found.names
    )

    def records(rows: pl.LazyFrame) -> pl.LazyFrame:
        """Canonical rows, blank and structure rows flagged, from numbered source rows."""
        canonical = rows.select(pl.col(row).alias("row"), *canonical_exprs(found.names, mapping))
        # A field is null exactly where its cell is blank, so only the other cells need
        # stripping.
        names = canonical.collect_schema().names()
        others = [c for c in names if c not in ("row", *FIELD_NAMES)]
        own = [name for name in FIELD_NAMES if name not in READER_FIELDS]
        filled = pl.any_horizontal(
            *(pl.col(name).is_not_null() for name in own),
            *([filled_expr(others)] if others else []),
        )
        flagged = canonical.with_columns((~filled).alias("blank"))
        return flag_structure(flagged, source_cells(names))

    first = records(found.sample.with_columns(pl.lit(0, pl.Int64).alias(row)).lazy())
    if not first.select((~pl.col("blank") & pl.col(KIND).is_null()).any()).collect().item():
        if whole:  # headings and totals only, as read_catalog says
            raise InputError(NO_DATA + "; only section and total rows", file=file)
        return None
    return LazyCatalog(
        path=file,
        records=records(
            found.native(row)
            if found.native is not None
            else _stream(found.names, found.batches, found.first_row, row)
        ),
        columns=mapping,
        source=found.description,
        options=options,
        temp=found.temp,
        found_by=found_by,
    )


def _stream(names: list[str], batches: Batches, first_row: int, row: str) -> pl.LazyFrame:
    """The rows as a LazyFrame, each numbered in ``row`` before any filter polars pushes
    down to it, so that the number stays the file's."""
    schema = pl.Schema({**dict.fromkeys(names, pl.String()), row: pl.Int64()})

    def numbered(limit: int | None) -> Iterator[pl.DataFrame]:
        start = first_row
        for frame in batches(limit):
            yield frame.with_columns(
                pl.int_range(start, start + frame.height, dtype=pl.Int64).alias(row)
            )
            start += frame.height

    return scan_batches(numbered, schema, "mapper catalog")


# ---------------------------------------------------------------------------------------------
# Delimited text
# ---------------------------------------------------------------------------------------------


@dataclass
class _Csv:
    """A delimited UTF-8 file (the catalog or its transcoded copy) and how to parse it."""

    path: Path
    file: str  # the catalog, as messages name it
    names: list[str]
    delimiter: str
    header_at: int  # 0-based line of the header
    header: bytes  # the header line, without its newline
    data_start: int  # byte offset of the newline that ends the header line
    arrow_only: bool  # parse all of it with pyarrow, as the eager reader does
    temp: _TempFile | None = None

    def batches(self, limit: int | None = None) -> Iterator[pl.DataFrame]:
        """Every row, a piece of whole records at a time. polars parses a piece whose bytes
        show that it reads it as pyarrow does, and the counts confirm it did; from the first
        piece that fails, pyarrow parses the rest of the file (and names any bad row)."""
        if self.arrow_only:
            yield from self._arrow(None, 0)
            return
        rows = 0
        for start, piece, scan in _pieces(self.path, self.data_start, self.delimiter):
            frame = self._polars(piece) if scan.clean else None
            if frame is None or not scan.fit(len(self.names), frame.height):
                yield from self._arrow(start, rows)
                return
            rows += frame.height
            yield frame

    def plain(self) -> bool:
        """Whether polars' own scan of the whole file reads it exactly as :meth:`batches`
        does, verified in one native pass over its lines: quotes only around whole fields
        on one line (no doubled quote inside), no carriage return outside them but at a
        line's end, and every line after the header empty or holding exactly ``columns - 1``
        delimiters outside quotes (polars pads a short row, so a ragged file would read
        otherwise), the first of them not empty. Any other file, or one polars cannot read
        as UTF-8, takes :meth:`batches`, which names a bad row as the eager reader does."""
        if self.arrow_only:
            return False
        sep = re.escape(self.delimiter)
        width = len(self.names) - 1
        line = pl.col("line")
        ends = line.str.ends_with("\r")
        blank = (line.str.len_bytes() - ends.cast(pl.UInt32)) == 0
        quoted = line.str.contains('"', literal=True)
        returns = line.str.count_matches("\r", literal=True) - ends.cast(pl.UInt32)
        fields = line.str.count_matches(self.delimiter, literal=True)
        lines = pl.scan_lines(self.path, name="line").slice(self.header_at + 1)
        # The few lines with quotes: each quoted field becomes one NUL (a byte none of them
        # holds; one that does fails), then they are judged as the others are.
        bare = line.str.strip_suffix("\r").str.replace_all('"[^"]*"', "\x00")
        verdicts = [
            # polars takes the width of the first line: it must be a whole row. (A query of
            # its own: with first() beside any(), polars holds every line.)
            lines.head(1).select(first_blank=blank.first().fill_null(True)),
            lines.select(plain=(~quoted & (((fields != width) & ~blank) | (returns > 0))).any()),
            lines.filter(quoted).select(
                nul=line.str.contains("\x00", literal=True).any(),
                bare=(
                    bare.str.contains(f'"|[^{sep}]\x00|\x00[^{sep}]|\r')
                    | (bare.str.count_matches(self.delimiter, literal=True) != width)
                ).any(),
            ),
        ]
        try:
            found = [v.collect(engine="streaming").row(0) for v in verdicts]
        except pl.exceptions.PolarsError:
            return False
        return not any(any(f) for f in found)

    def native(self, row: str) -> pl.LazyFrame:
        """The rows after the header by polars' multi-threaded scan (only where :meth:`plain`
        holds), numbered in ``row`` from the file's first data row."""
        return pl.scan_csv(
            self.path,
            has_header=False,
            skip_lines=self.header_at + 1,
            schema=dict.fromkeys(self.names, pl.String()),
            separator=self.delimiter,
            empty_string_is_null=False,  # pyarrow reads an empty cell as ""
            raise_if_empty=False,
            row_index_name=row,
            row_index_offset=self.header_at + 2,
        ).select(*self.names, pl.col(row).cast(pl.Int64))

    def _polars(self, piece: bytes | memoryview) -> pl.DataFrame | None:
        try:
            return pl.read_csv(
                b"".join((self.header, piece)),  # the piece starts with the header's newline
                new_columns=self.names,
                separator=self.delimiter,
                infer_schema=False,
                empty_string_is_null=False,  # pyarrow reads an empty cell as ""
                raise_if_empty=False,
            )
        except pl.exceptions.PolarsError as exc:
            if "utf-8" in str(exc):  # pyarrow stops at the same byte; explain() names it
                raise
            return None

    def _arrow(self, start: int | None, before: int) -> Iterator[pl.DataFrame]:
        """The rows as the eager reader parses them: all of them, or those from byte ``start``
        (where a record starts, ``before`` rows into the data). One thread, so that a bad row
        carries its number; bad rows end the stream with the eager reader's error."""
        bad: list[pacsv.InvalidRow] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            bad.append(row)
            return "skip"

        skip = self.header_at + 1 if start is None else 0
        read, parse, convert = arrow_options(
            self.names, self.delimiter, skip=skip, threads=False, on_invalid=on_invalid
        )
        # A native file, not a Python one: see csv_reader.native_buffer.
        with pa.OSFile(str(self.path)) as handle:
            handle.seek(start or 0)
            reader = pacsv.open_csv(
                handle, read_options=read, parse_options=parse, convert_options=convert
            )
            for batch in reader:
                frame = pl.from_arrow(batch)
                assert isinstance(frame, pl.DataFrame)
                if not bad:
                    yield frame
        if bad:
            shift = 0 if start is None else self.header_at + 1 + before
            bad = [row._replace(number=row.number + shift) for row in bad]
            raise ragged_rows_error(bad, self.file)


def _csv_source(p: Path, file: str, encoding: str | None) -> _Source | None:
    """The streaming source of a delimited text file, or None where only the eager reader
    reads the file right (an encoding problem it will name, an unusual layout)."""
    with p.open("rb") as handle:
        head = handle.read(PREFIX_BYTES)
    if not head.strip():
        if p.stat().st_size <= len(head):
            raise InputError("file is empty (文件为空)", file=file)
        return None
    plan = _encoding_plan(head, p.stat().st_size <= len(head), encoding)
    if plan is None:
        return None
    codec, name, strip_bom = plan
    temp = None
    if codec is None:
        text, offset = p, len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    else:
        done = _transcode(p, codec, strip_bom, gbk_first=encoding is None and codec == "gb18030")
        if done is None:
            return None
        temp, used = done
        text, offset = temp.path, 0
        name = used if encoding is None and codec == "gb18030" else name
    csv = _layout(text, file, offset, temp)
    sample = None if csv is None else _csv_sample(csv)
    if csv is None or sample is None:
        if temp is not None:
            temp.remove()
        return None
    native = csv.native if csv.plain() else None
    return _Source(csv.names, name, csv.header_at + 2, sample, csv.batches, temp, native)


def _encoding_plan(
    head: bytes, whole: bool, encoding: str | None
) -> tuple[str | None, str, bool] | None:
    """How to read the file, decided on its first bytes as decode_to_utf8 decides on all of
    them: the codec to transcode from (None: UTF-8 as it is), the name read_catalog reports,
    and whether to drop a leading U+FEFF. None where the eager reader must judge."""
    if encoding is not None:
        try:
            info = codecs.lookup(encoding)
        except LookupError:
            return None
        if not getattr(info, "_is_text_encoding", True):  # rot13, hex: the eager reader says so
            return None
        name = info.name
        if name in ("utf-8", "utf-8-sig"):
            return (None, name, True) if _decodes(head, "utf-8", whole) else None
        return encoding, name, True
    if head.startswith(codecs.BOM_UTF8):
        return (None, "utf-8-sig", False) if _decodes(head[3:], "utf-8", whole) else None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "utf-16", False
    if _decodes(head, "utf-8", whole):
        return None, "utf-8", False
    return ("gb18030", "gb18030", False) if _decodes(head, "gb18030", whole) else None


def _decodes(data: bytes, codec: str, whole: bool) -> bool:
    try:
        codecs.getincrementaldecoder(codec)().decode(data, final=whole)
    except UnicodeError:  # UnicodeDecodeError, or a codec's own (UTF-16 without a BOM …)
        return False
    return True


def _transcode(
    p: Path, codec: str, strip_bom: bool, gbk_first: bool
) -> tuple[_TempFile, str] | None:
    """Write the file as UTF-8 to a temporary file, a chunk at a time; None if a byte does
    not decode. With ``gbk_first``, decode as GBK until a byte needs GB18030 (the text is the
    same: GB18030 extends GBK), so the name is that of the narrowest encoding that fits."""
    handle, name = tempfile.mkstemp(prefix="mapper-", suffix=".csv")
    temp = _TempFile(Path(name))
    used = "gbk" if gbk_first else codec
    decoder = codecs.getincrementaldecoder(used)()
    first = True
    try:
        with p.open("rb") as source, os.fdopen(handle, "wb") as out:
            while True:
                chunk = source.read(CHUNK_BYTES)
                pending = decoder.getstate()[0]
                try:
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeError:
                    if used == codec:
                        raise
                    used, decoder = codec, codecs.getincrementaldecoder(codec)()
                    text = decoder.decode(pending + chunk, final=not chunk)
                if first and text:
                    text, first = (text.removeprefix("\ufeff") if strip_bom else text), False
                out.write(text.encode("utf-8"))
                if not chunk:
                    break
    except UnicodeError:
        temp.remove()
        return None
    return temp, used


def _layout(text: Path, file: str, offset: int, temp: _TempFile | None) -> _Csv | None:
    """Header, delimiter and where the data starts, found on the first bytes of the UTF-8
    file ``text`` (``offset`` bytes of BOM skipped) as the eager reader finds them."""
    with text.open("rb") as handle:
        handle.seek(offset)
        data = handle.read(PREFIX_BYTES)
    names, delimiter, header_at, record = header_record(data)
    if record is None or not names or record.end >= len(data):
        return None  # no line after the header, or an enormous one: the eager reader judges
    line_end = data[record.end : record.next]
    end = record.next - 1 if line_end in (b"\n", b"\r\n") else record.end
    header = data[record.start : end]
    # pyarrow ends lines at a bare \r too, and polars splits a header with a stray quote.
    arrow_only = b"\r" in data[: end + 1].replace(b"\r\n", b"") or header.count(b'"') % 2 == 1
    if not arrow_only:
        try:
            width = pl.read_csv(header + b"\n", separator=delimiter, infer_schema=False).width
        except pl.exceptions.PolarsError:
            width = -1
        arrow_only = width != len(names)
    return _Csv(text, file, names, delimiter, header_at, header, offset + end, arrow_only, temp)


def _csv_sample(csv: _Csv) -> pl.DataFrame | None:
    """The first SAMPLE_ROWS + 1 rows, or None if they hold an error for the eager reader."""
    frames: list[pl.DataFrame] = []
    try:
        for frame in csv.batches():
            frames.append(frame)
            if sum(f.height for f in frames) > SAMPLE_ROWS:
                break
    except (InputError, pl.exceptions.PolarsError, pa.ArrowException):
        return None
    empty = pl.DataFrame(schema=dict.fromkeys(csv.names, pl.String))
    return pl.concat([empty, *frames]).head(SAMPLE_ROWS + 1)


def _pieces(path: Path, start: int, delimiter: str) -> Iterator[tuple[int, memoryview, _Scan]]:
    """The file from byte ``start`` (the newline ending the header) in pieces of whole
    records, each with the newline before it: where its first record starts, the piece,
    and what its bytes hold."""
    sep = ord(delimiter)
    with path.open("rb") as handle:
        handle.seek(start)
        buffer = handle.read(1)
        while True:
            more = handle.read(CHUNK_BYTES)
            buffer += more
            scan = _scan(buffer, sep, eof=not more)
            if scan.length is not None:  # else no record ends in it yet: read on
                yield start + 1, memoryview(buffer)[: scan.length], scan
                start += scan.length - 1
                buffer = buffer[scan.length - 1 :]
            if not more:
                return


@dataclass(frozen=True)
class _Scan:
    """What the bytes of a piece of CSV hold outside quoted values."""

    length: int | None  # bytes up to the newline ending its last whole record; None: none
    clean: bool  # quotes only around whole fields, no bare \r: polars reads it as pyarrow
    records: int
    blank: int  # records that are empty lines
    delimiters: int

    def fit(self, columns: int, rows: int) -> bool:
        """Whether ``rows`` parsed rows are these records with ``columns`` fields each: a
        record has at most columns - 1 delimiters (polars refuses more), so equal totals
        mean that no record has fewer."""
        return rows == self.records and self.delimiters == (columns - 1) * (rows - self.blank)


def _scan(buffer: bytes, sep: int, eof: bool) -> _Scan:
    """What ``buffer`` (bytes that start with a record's newline) holds up to the newline
    ending its last whole record, or to its end at the end of the file."""
    x = pl.from_arrow(pa.Array.from_buffers(pa.uint8(), len(buffer), [None, pa.py_buffer(buffer)]))
    assert isinstance(x, pl.Series)
    if (x == 34).sum() > SPARSE_QUOTES:
        return _scan_dense(x, buffer, sep, eof)
    return _scan_sparse(x, buffer, sep, eof)


def _scan_sparse(x: pl.Series, buffer: bytes, sep: int, eof: bool) -> _Scan:
    """Totals over the bytes, less what lies inside each quoted value: quick when the quoted
    values are few (most catalogs quote only a cell with a comma in it)."""
    quotes: list[int] = []
    at = buffer.find(b'"')
    while at >= 0:
        quotes.append(at)
        at = buffer.find(b'"', at + 1)
    opens, closes = quotes[0::2], [*quotes[1::2], len(buffer)][: len(quotes[0::2])]

    def quoted(position: int) -> int | None:  # the quoted value holding ``position``
        k = bisect.bisect_right(opens, position) - 1
        return k if k >= 0 and position < closes[k] else None

    size = len(buffer)
    if not eof:
        end = buffer.rfind(b"\n")
        while end > 0 and (k := quoted(end)) is not None:
            end = buffer.rfind(b"\n", 0, opens[k])
        if end <= 0:
            return _Scan(None, False, 0, 0, 0)
        size = end + 1
    totals = _byte_totals(x.head(size), sep, b"\r" in buffer)
    inside = [0, 0, 0, 0]
    clean = True
    for start, stop in zip(opens, closes, strict=True):
        if start >= size:
            break
        value = buffer[start + 1 : stop]
        inside[0] += value.count(b"\n")
        inside[1] += value.count(bytes([sep]))
        inside[2] += len(_BLANK_LINE.findall(value))
        inside[3] += len(_BARE_CR.findall(value))
        # A quote opens a field and closes it before a delimiter, a line end or "".
        clean = clean and buffer[start - 1] in (sep, 10, 34) and stop < size
        clean = clean and (stop + 1 >= size or buffer[stop + 1] in (sep, 10, 13, 34))
    newlines, delimiters, blank, bare = (t - i for t, i in zip(totals, inside, strict=True))
    ends_line = buffer[size - 1] == 10 and quoted(size - 1) is None
    return _Scan(size, clean and bare == 0, newlines - ends_line, blank, delimiters)


_BLANK_LINE = re.compile(rb"\n(?=\r?\n)")
_BARE_CR = re.compile(rb"\r(?!\n)")


def _byte_totals(x: pl.Series, sep: int, returns: bool) -> list[int]:
    """Newlines, delimiters, newlines that end a line before an empty one, and carriage
    returns not before a newline (one that ends the bytes ends their last line)."""
    newline, one, two = x == 10, max(len(x) - 1, 0), max(len(x) - 2, 0)
    first, second = newline.slice(0, one), newline.slice(1)
    totals = [int(newline.sum()), int((x == sep).sum()), int((first & second).sum()), 0]
    if returns:
        cr = x == 13
        totals[2] += int((newline.slice(0, two) & cr.slice(1, two) & newline.slice(2)).sum())
        totals[3] = int((cr.slice(0, one) & ~second).sum())
    return totals


def _scan_dense(x: pl.Series, buffer: bytes, sep: int, eof: bool) -> _Scan:
    """Positions of newlines, delimiters and carriage returns, each placed inside or outside
    quotes by the number of quotes before it: for files that quote every cell."""
    quotes = (x == 34).arg_true()

    def outside(positions: pl.Series) -> pl.Series:
        return positions.filter(quotes.search_sorted(positions) % 2 == 0)

    newlines = outside((x == 10).arg_true())
    if not eof and newlines.len() < 2:
        return _Scan(None, False, 0, 0, 0)
    size = len(buffer) if eof else int(newlines[-1]) + 1
    x, quotes = x.head(size), quotes.filter(quotes < size)
    step = newlines.shift(-1) - newlines
    two = newlines.filter(step == 2)
    blank = int((step == 1).sum()) + int((x.gather(two + 1) == 13).sum())
    returns = outside((x == 13).arg_true())
    returns = returns.filter(returns + 1 < size)  # a \r that ends the file ends its last line
    clean = quotes.len() % 2 == 0 and not (x.gather(returns + 1) != 10).any()
    opens, closes = quotes.gather_every(2), quotes.gather_every(2, 1)
    closes = closes.filter(closes + 1 < size)
    clean = clean and x.gather(opens - 1).is_in([sep, 10, 34]).all()
    clean = clean and x.gather(closes + 1).is_in([sep, 10, 13, 34]).all()
    delimiters = outside((x == sep).arg_true()).len()
    records = int((newlines < size - 1).sum())
    return _Scan(size, bool(clean), records, blank, delimiters)


# ---------------------------------------------------------------------------------------------
# Parquet
# ---------------------------------------------------------------------------------------------


def _parquet_source(p: Path, file: str) -> _Source | None:
    """Parquet through pl.scan_parquet where polars writes the values as pyarrow's cast does
    (text, integers, booleans), else pyarrow's batches cast as the eager reader casts them."""
    try:
        schema = pq.ParquetFile(p).schema_arrow
    except Exception:  # the eager reader names the problem
        return None
    check_schema(schema, file)
    names = list(schema.names)
    if not names or len(set(names)) != len(names):
        return None
    same = all(_polars_text_is_arrows(f.type) for f in schema)

    def batches(limit: int | None) -> Iterator[pl.DataFrame]:
        if same:
            scan = pl.scan_parquet(p, n_rows=limit).select(pl.all().cast(pl.String))
            yield from scan.collect_batches()
            return
        for batch in pq.ParquetFile(p).iter_batches(batch_size=65_536):
            frame = pl.from_arrow(as_text(batch))
            assert isinstance(frame, pl.DataFrame)
            yield frame

    frames: list[pl.DataFrame] = []
    try:
        for frame in batches(SAMPLE_ROWS + 1):
            frames.append(frame)
            if sum(f.height for f in frames) > SAMPLE_ROWS:
                break
    except (pl.exceptions.PolarsError, pa.ArrowException):
        return None
    empty = pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    sample = pl.concat([empty, *frames]).head(SAMPLE_ROWS + 1)
    return _Source(names, "parquet", 2, sample, batches)


def _polars_text_is_arrows(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_null(kind)
    )
