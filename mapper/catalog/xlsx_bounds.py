"""What an XLSX sheet would cost to read, measured before the Excel reader reads it.

calamine (under fastexcel) holds a sheet as one dense grid from its first to its last cell
holding a value: a 5 KB workbook with a header in A1 and one cell in XFD1048576 asks for 17
billion cells (512 GiB) and aborts the process. It also loads all shared strings at once,
so a 1 MB workbook can hold 300 MB of them. So before reading, mapper looks at the zip
directory (uncompressed sizes) and streams the sheet's XML once through a few regular
expressions: the rows and columns its cells reach, and the first row holding a value (the
row calamine's grid starts at, which is where row numbers count from). Past a limit in
:data:`LIMITS` the workbook is refused with one line saying what to do.

The sheet's ``<dimension>`` is only reported, never trusted: writers leave it stale or
absent, and calamine ignores it.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from mapper.errors import InputError

CHUNK = 4 << 20  # bytes of sheet XML inflated and scanned at a time


@dataclass(frozen=True)
class ExcelLimits:
    """The most an XLSX sheet may ask of the reader (see docs/CONTRACTS.md)."""

    cells: int = 20_000_000  # grid cells, first to last used row x column (~2 GB to read)
    columns: int = 1_024  # catalogs have tens of columns; 16,384 means a stray cell
    shared_strings_bytes: int = 128 << 20  # uncompressed xl/sharedStrings.xml
    sheet_bytes: int = 2 << 30  # uncompressed sheet XML


LIMITS = ExcelLimits()


@dataclass(frozen=True)
class SheetExtent:
    """What a scan of the sheet XML found."""

    first_row: int | None  # 1-based row of the first cell holding a value (None: none)
    last_row: int
    first_column: int  # 1-based
    last_column: int
    dimension: str | None  # the <dimension ref="…"> the file declares

    @property
    def cells(self) -> int:
        rows = self.last_row - (self.first_row or 1) + 1
        return max(rows, 0) * max(self.last_column - self.first_column + 1, 0)


_ROW = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
# Cell references: most writers put r first (<c r="AB12"), any may put it elsewhere.
_REF_FIRST = {n: re.compile(rb'<c r="([A-Z]{%d})\d' % n) for n in (3, 2)}
_REF_LETTER = [(b'<c r="%c' % c, c - 64) for c in range(ord("Z"), ord("A") - 1, -1)]
_REF_ANYWHERE = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})\d')
_ANY_CELL = re.compile(rb"<c[\s>/]")
# A cell holding a value: <v> with text, or an inline string (a formula may come first).
_VALUE_CELL = re.compile(
    rb'<c r="[A-Z]{1,3}(\d+)"[^>]*>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?(?:<v>[^<]|<is>)'
)
_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"')


def column_number(letters: bytes | str) -> int:
    """1-based column of Excel letters (A = 1, XFD = 16384)."""
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    """Excel letters of a 1-based column."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_member(book: zipfile.ZipFile, name: str) -> str | None:
    """The zip member holding sheet ``name`` (from workbook.xml and its relationships)."""
    workbook = book.read("xl/workbook.xml").decode("utf-8", errors="replace")
    rels = book.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    sheet = re.search(rf'<sheet [^>]*name="{re.escape(escape(name))}"[^>]*r:id="([^"]+)"', workbook)
    if sheet is None:
        return None
    rel = re.escape(sheet.group(1))
    target = re.search(rf'<Relationship [^>]*Id="{rel}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rel}"', rels)
    if target is None:
        return None
    member = target.group(1).lstrip("/")
    return member if member.startswith("xl/") else f"xl/{member}"


def _last_column(piece: bytes, refs_first: bool, known: int) -> int:
    """The rightmost column a cell reference in ``piece`` names, or ``known`` if none is
    further right. Without looking at every cell when references come first: three-letter
    columns, else two-letter ones, else single letters right of ``known`` (most catalogs
    stop before column Z or AZ, so this is a few scans of the bytes, not one per cell)."""
    if not refs_first:
        found = {column_number(c) for c in set(_REF_ANYWHERE.findall(piece))}
        return max(found | {known})
    if known < 26 and not re.search(rb'<c r="(?:[A-Z]{2}|[%c-Z]\d)' % (65 + known), piece):
        return known  # one scan: nothing right of what is known
    for width in (3, 2):
        if _REF_FIRST[width].search(piece):
            return max({column_number(c) for c in set(_REF_FIRST[width].findall(piece))} | {known})
    if known >= 26:
        return known
    # No two-letter column: <c r="T is followed by a row number.
    return next(number for prefix, number in _REF_LETTER if prefix in piece)


def scan_sheet(book: zipfile.ZipFile, member: str) -> SheetExtent:
    """Stream the sheet's XML once: the rows and columns its cells reach, and its first row
    holding a value (rows may come in any order)."""
    first_value: int | None = None
    last_row, last_col, widest = 0, 0, 0
    dimension: str | None = None
    tail = b""
    with book.open(member) as handle:
        while True:
            more = handle.read(CHUNK)
            data = tail + more
            # Whole rows only (a cell's value must not be split from its reference).
            cut = len(data) if not more else data.rfind(b"</row>") + len(b"</row>")
            if cut < len(b"</row>"):  # no row ends in 4 MB: cut at a tag
                cut = max(data.rfind(b"<"), 0)
            piece, tail = data[:cut], data[cut:]
            if dimension is None and (found := _DIMENSION.search(piece)):
                dimension = found.group(1).decode("ascii", errors="replace")
            rows = [int(r) for r in _ROW.findall(piece)]
            if rows:
                last_row = max(last_row, *rows)
            if rows and (first_value is None or min(rows) < first_value):
                valued = [int(r) for r in _VALUE_CELL.findall(piece)]
                if valued:
                    first_value = min(valued) if first_value is None else min(first_value, *valued)
            # Every <c… tag (and <col>, <cfRule> … around the sheet data) starts <c r=": the
            # usual layout. Else the slower scan reads references wherever they are.
            refs_first = piece.count(b"<c") == piece.count(b'<c r="')
            last_col = _last_column(piece, refs_first, last_col)
            if not refs_first:  # cells without a reference sit one after another
                widest = max(widest, *(len(_ANY_CELL.findall(r)) for r in piece.split(b"</row>")))
            if not more:
                break
    last_col = max(last_col, widest)
    # The grid starts at column A at the latest: counting from A over-counts, never under.
    return SheetExtent(first_value, last_row, 1 if last_col else 0, last_col, dimension)


def check_workbook(path: Path, limits: ExcelLimits | None = None) -> None:
    """Refuse an XLSX that is no zip archive or whose shared strings (which the reader
    loads on opening the workbook) exceed ``limits``: from the zip directory alone."""
    file, limits = str(path), limits or LIMITS
    try:
        with zipfile.ZipFile(path) as book:
            shared = next(
                (i.file_size for i in book.infolist() if i.filename == "xl/sharedStrings.xml"), 0
            )
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            f"is not a readable Excel workbook (无法读取Excel文件): not a zip archive ({exc})",
            file=file,
        ) from None
    if shared > limits.shared_strings_bytes:
        raise InputError(
            f"holds {shared / (1 << 20):,.0f} MB of shared strings (共享字符串过大); "
            f"mapper reads up to {limits.shared_strings_bytes / (1 << 20):,.0f} MB: "
            "save the sheet as CSV (UTF-8) and check that",
            file=file,
        )


def check_sheet(path: Path, sheet: str, limits: ExcelLimits | None = None) -> SheetExtent | None:
    """Refuse XLSX sheet ``sheet`` if reading it would take more than ``limits``; else its
    extent (None when the workbook's layout is not the usual one: the reader judges)."""
    file, limits = str(path), limits or LIMITS
    with zipfile.ZipFile(path) as book:
        try:
            member = sheet_member(book, sheet)
        except (KeyError, zipfile.BadZipFile, OSError):
            return None
        size = next((i.file_size for i in book.infolist() if i.filename == member), None)
        if member is None or size is None:
            return None
        if size > limits.sheet_bytes:
            raise InputError(
                f"sheet '{sheet}' is {size / (1 << 30):,.1f} GB of XML (工作表过大); "
                f"mapper reads sheets up to {limits.sheet_bytes / (1 << 30):,.0f} GB: "
                "save it as CSV (UTF-8) and check that",
                file=file,
            )
        try:
            extent = scan_sheet(book, member)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
            raise InputError(
                f"is not a readable Excel workbook (无法读取Excel文件): sheet '{sheet}' is "
                f"damaged ({exc})",
                file=file,
            ) from None
    _within(extent, sheet, file, limits)
    return extent


def _within(extent: SheetExtent, sheet: str, file: str, limits: ExcelLimits) -> None:
    span = (
        f"{column_letters(extent.first_column)}{extent.first_row or 1}:"
        f"{column_letters(extent.last_column)}{extent.last_row}"
    )
    advice = (
        "delete stray cells outside the table (Ctrl+End shows the last one) "
        "or save the sheet as CSV (UTF-8) and check that"
    )
    if extent.last_column > limits.columns:
        raise InputError(
            f"sheet '{sheet}' has cells up to column {column_letters(extent.last_column)} "
            f"({extent.last_column:,} columns; 列数过多); mapper reads up to "
            f"{limits.columns:,} columns: {advice}",
            file=file,
        )
    if extent.cells > limits.cells:
        raise InputError(
            f"sheet '{sheet}' spans {span} ({extent.cells:,} cells; 工作表范围过大); mapper "
            f"reads sheets of up to {limits.cells:,} cells: {advice}",
            file=file,
        )
