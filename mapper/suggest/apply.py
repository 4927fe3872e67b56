"""``apply``: the hospital's own file with the reviewed codes filled in, nothing else changed.

Order: read the catalog and the review, pick the approved codes (and auto ones with
``accept_auto``), check every one (shape, and existence where the reference has the system:
:mod:`mapper.suggest.validate`) and that each names a row the catalog still has, with the same
item id; only then write (:mod:`mapper.suggest.fill`), re-check the written file and add the
approvals to the mapping memory. Any problem before writing stops with one line naming the
review file's line; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from mapper.api import check
from mapper.catalog import Catalog, read_catalog
from mapper.catalog.sheets import ROW_BLOCK, SheetRead
from mapper.errors import InputError
from mapper.reference import Reference, load_reference
from mapper.result import CheckResult
from mapper.suggest.fill import Part, Target, fill_workbook, filler_for
from mapper.suggest.memory import load_memory, remember, save_memory
from mapper.suggest.review import chosen_codes, read_review
from mapper.suggest.validate import validated_codes

WRITABLE = (".csv", ".xlsx", ".parquet")


@dataclass
class Applied:
    """What ``apply_review`` did: the file written, how many codes, and the re-check."""

    out: Path
    filled: int
    result: CheckResult
    memory_size: int | None = None


def apply_review(
    catalog: str | Path,
    review: str | Path | pl.DataFrame,
    out: str | Path,
    *,
    reference: Reference | str | Path | None = None,
    accept_auto: bool = False,
    memory: str | Path | None = None,
    as_of: date | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> Applied:
    """Fill the approved codes of ``review`` into ``catalog`` and write ``out``: an XLSX
    workbook or CSV file keeps its own form (other sheets, title rows, merged cells, formats;
    encoding, delimiter, column order), other combinations are written as a table (CSV UTF-8
    with BOM, XLSX or Parquet). Then ``out`` is checked; with ``memory``, the approved mappings
    (with reviewer and note) are added to that mapping-memory file.
    """
    out_path = Path(out)
    if out_path.suffix.lower() not in WRITABLE:
        raise InputError("--out must end in " + ", ".join(WRITABLE), file=str(out_path))
    if out_path.resolve() == Path(catalog).resolve():
        raise InputError("--out must not be the catalog itself", file=str(out_path))
    cat = read_catalog(catalog, encoding=encoding, sheet=sheet, code_optional=True)
    ref = reference if isinstance(reference, Reference) else load_reference(reference)
    review_file = None if isinstance(review, pl.DataFrame) else str(review)
    frame = review if isinstance(review, pl.DataFrame) else read_review(review)
    try:
        chosen = validated_codes(chosen_codes(frame, accept_auto), ref, review_file)
    except InputError as exc:
        raise InputError(exc.detail, file=review_file, row=exc.row, column=exc.column) from None
    _check_rows(chosen, cat, review_file)
    target = _target(cat, chosen.unique("row", keep="last"), encoding, sheet)
    filler = filler_for(target.path, out_path)
    filler(target, out_path)
    # A kept workbook still has its other sheets: re-check the ones that were read.
    read_one = filler is fill_workbook and len(target.parts) == 1
    result = check(out_path, ref, as_of=as_of, sheet=target.parts[0].sheet if read_one else None)
    size = None
    if memory is not None:
        approved = chosen.join(
            cat.frame.select("row", "name", "spec", "manufacturer", "approval_no"), on="row"
        )
        saved = remember(load_memory(memory), approved)
        save_memory(saved, memory)
        size = saved.height
    return Applied(out=out_path, filled=chosen.height, result=result, memory_size=size)


def _check_rows(chosen: pl.DataFrame, cat: Catalog, file: str | None) -> None:
    """Every chosen row is a catalog row, with the item id the review saw."""
    known = cat.frame.select("row", pl.col("item_id").alias("_cat_item_id"))
    matched = chosen.join(known, on="row", how="left")
    stray = matched.filter(~pl.col("row").is_in(cat.frame["row"].implode())).sort("line")
    if not stray.is_empty():
        raise InputError(
            f"the review names catalog row {int(stray['row'][0])}, which the catalog does not have",
            file=file,
            row=int(stray["line"][0]),
            column="row",
        )
    moved = matched.filter(
        pl.col("item_id").is_not_null()
        & pl.col("_cat_item_id").is_not_null()
        & (pl.col("item_id") != pl.col("_cat_item_id").str.strip_chars())
    ).sort("line")
    if not moved.is_empty():
        raise InputError(
            f"the review's item id differs from the catalog's on row {int(moved['row'][0])} "
            "(was the catalog re-sorted since the review was made?)",
            file=file,
            row=int(moved["line"][0]),
            column="item_id",
        )


def _target(cat: Catalog, chosen: pl.DataFrame, encoding: str | None, sheet: str | None) -> Target:
    """What the fillers need to find the cells read_catalog read: per table (each sheet read
    from a workbook), its headers and its codes by the row the spreadsheet shows."""
    codes = chosen.join(cat.frame.select("row", "sheet"), on="row", how="left")
    if len(cat.sheets) > 1:  # rows of several sheets are numbered sheet by sheet
        codes = codes.with_columns(pl.col("row") % ROW_BLOCK)
    tables = cat.sheets or [SheetRead(sheet or "", 0, cat.columns, cat.found_by)]
    parts = []
    for read in tables:
        name = read.name or None
        mine = codes if len(tables) == 1 else codes.filter(pl.col("sheet") == name)
        parts.append(
            Part(
                sheet=name,
                code_header=read.columns.get("code"),
                name_header=read.columns.get("name"),
                headers=tuple(read.columns.values()),
                codes=dict(mine.select("row", "code").iter_rows()),
            )
        )
    return Target(path=Path(cat.path), parts=parts, encoding=encoding)
