"""Reading one published release file (CSV in UTF-8/GBK, XLSX) into reference columns.

The file is read with the catalog readers (every cell as text), its headers are matched
against the system's :mod:`~mapper.reference.layouts` entry, and each row becomes one record
with the reference columns still as trimmed text (dates are parsed by validation) plus
``extra``, a JSON object of every published column the layout does not map.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from mapper.catalog import READERS
from mapper.errors import InputError
from mapper.reference.layouts import LAYOUTS, Layout, match_headers
from mapper.reference.schema import REFERENCE_SCHEMA


@dataclass
class ReleaseFile:
    """A release file as read: ``frame`` has ``row``, the mapped text columns and ``extra``."""

    path: str
    system: str
    frame: pl.DataFrame
    columns: dict[str, str]  # reference column → published header it was read from
    encoding: str
    blank_rows: int


def _text(column: str) -> pl.Expr:
    value = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(value != "").then(value)


def _package(layout: Layout, headers: list[str]) -> pl.Expr | None:
    """Drug package text "10片/盒" from its three published parts, where all are present."""
    if layout.package_parts is None or not set(layout.package_parts) <= set(headers):
        return None
    count, form_unit, pack_unit = (_text(h) for h in layout.package_parts)
    count = count.str.replace(r"\.0+$", "")  # a number cell read as text: "10.0"
    return pl.concat_str([count, form_unit, pl.lit("/"), pack_unit])


def _missing_required(
    layout: Layout, mapped: dict[str, str], file: str, headers: list[str]
) -> None:
    missing = [s for s in layout.sources if s.required and s.column not in mapped]
    if missing:
        names = "; ".join(f"{s.column} ({' / '.join(s.headers)})" for s in missing)
        raise InputError(
            f"is not a {layout.system} release in the published layout: no column for {names} "
            f"(缺少必需列); its headers are: {', '.join(headers)}",
            file=file,
            column=missing[0].headers[0],
        )


def read_release(
    path: str | Path, system: str, *, encoding: str | None = None, sheet: str | None = None
) -> ReleaseFile:
    """Read a published release file of ``system`` (see :data:`~mapper.reference.LAYOUTS`).

    Raises :class:`~mapper.errors.InputError` when the file cannot be read or lacks a
    required published column. Wholly blank rows are skipped; row numbers stay the file's.
    """
    p, file = Path(path), str(path)
    layout = LAYOUTS.get(system)
    if layout is None:
        raise InputError(f"unknown code system '{system}'; use one of {', '.join(LAYOUTS)}")
    if not p.is_file():
        raise InputError("no such file (文件不存在)", file=file)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        raise InputError(
            f"unsupported file type '{p.suffix}'; use .csv, .tsv, .txt or .xlsx", file=file
        )
    table, source, first_row = reader(p, encoding=encoding, sheet=sheet)
    raw = pl.from_arrow(table)
    assert isinstance(raw, pl.DataFrame)
    headers = raw.columns
    mapped = match_headers(layout, headers)
    _missing_required(layout, mapped, file, headers)

    columns: list[pl.Expr] = []
    for name in REFERENCE_SCHEMA:
        if name in mapped:
            columns.append(_text(mapped[name]).alias(name))
        elif name == "package" and (package := _package(layout, headers)) is not None:
            columns.append(package.alias(name))
        else:
            columns.append(pl.lit(None, pl.String).alias(name))
    rest = [h for h in headers if h not in mapped.values()]
    extra = (
        pl.struct([_text(h).alias(h) for h in rest]).struct.json_encode()
        if rest
        else pl.lit(None, pl.String)
    )
    filled = pl.any_horizontal([_text(h).is_not_null() for h in headers])
    frame = (
        raw.lazy()
        .select(
            (pl.int_range(pl.len(), dtype=pl.Int64) + first_row).alias("row"),
            *columns,
            extra.alias("extra"),
            filled.alias("_filled"),
        )
        .filter(pl.col("_filled"))
        .drop("_filled")
        .collect()
    )
    if frame.is_empty():
        raise InputError("has a header but no data rows (没有数据行)", file=file)
    return ReleaseFile(
        path=file,
        system=system,
        frame=frame,
        columns=mapped,
        encoding=source,
        blank_rows=raw.height - frame.height,
    )
