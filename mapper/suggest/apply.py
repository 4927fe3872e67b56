"""``apply``: write a catalog with reviewed codes filled in, every original row and column kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from mapper.api import check
from mapper.catalog import READERS, Catalog, read_catalog
from mapper.errors import InputError
from mapper.reference import Reference
from mapper.result import CheckResult
from mapper.suggest.memory import load_memory, remember, save_memory
from mapper.suggest.review import chosen_codes, read_review

WRITABLE = (".csv", ".xlsx", ".parquet")


@dataclass
class Applied:
    """What ``apply_review`` did: the file written, how many codes, and the re-check."""

    out: Path
    filled: int
    result: CheckResult
    memory_size: int | None = None


def original_table(
    cat: Catalog, encoding: str | None, sheet: str | None
) -> tuple[pl.DataFrame, int]:
    """The catalog file as read, before any renaming (blank rows included, so row numbers
    are the file's), and the spreadsheet row number of its first data row.
    """
    path = Path(cat.path)
    table, _source, first_row = READERS[path.suffix.lower()](path, encoding=encoding, sheet=sheet)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame, first_row


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
    """Fill the approved codes of ``review`` into ``catalog``, write ``out`` (CSV UTF-8 with
    BOM, XLSX or Parquet) and check the result. With ``memory``, approved mappings are added to
    that mapping-memory file.
    """
    out_path = Path(out)
    if out_path.suffix.lower() not in WRITABLE:
        raise InputError("--out must end in " + ", ".join(WRITABLE), file=str(out_path))
    cat = read_catalog(catalog, encoding=encoding, sheet=sheet)
    frame = review if isinstance(review, pl.DataFrame) else read_review(review)
    chosen = chosen_codes(frame, accept_auto)
    known = cat.frame.select("row", pl.col("item_id").alias("_cat_item_id"))
    matched = chosen.join(known, on="row", how="left")
    stray = matched.filter(
        pl.col("_cat_item_id").is_null() & ~pl.col("row").is_in(cat.frame["row"].implode())
    )
    if not stray.is_empty():
        raise InputError(
            "the review names a row the catalog does not have", row=int(stray["row"][0])
        )
    moved = matched.filter(
        pl.col("item_id").is_not_null()
        & pl.col("_cat_item_id").is_not_null()
        & (pl.col("item_id") != pl.col("_cat_item_id").str.strip_chars())
    )
    if not moved.is_empty():
        raise InputError(
            "the review's item id differs from the catalog's on this row "
            "(was the catalog re-sorted since the review was made?)",
            row=int(moved["row"][0]),
        )
    table, first_row = original_table(cat, encoding, sheet)
    header = cat.columns["code"]
    fills = chosen.unique("row", keep="last", maintain_order=True).select(
        pl.col("row").cast(pl.Int64).alias("_row"), pl.col("code").alias("_new_code")
    )
    written = (
        table.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + first_row).alias("_row"))
        .join(fills, on="_row", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("_new_code", pl.col(header).cast(pl.String).fill_null("")).alias(header)
        )
        .drop("_row", "_new_code")
    )
    write_catalog(written, out_path)
    result = check(out_path, reference, as_of=as_of, sheet=None)
    size = None
    if memory is not None:
        approved = chosen.join(
            cat.frame.select("row", "name", "spec", "manufacturer", "approval_no"), on="row"
        )
        saved = remember(load_memory(memory), approved)
        save_memory(saved, memory)
        size = saved.height
    return Applied(out=out_path, filled=chosen.height, result=result, memory_size=size)


def write_catalog(frame: pl.DataFrame, path: Path) -> None:
    """Write a catalog frame by suffix: CSV (UTF-8 with BOM), XLSX (text cells) or Parquet."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix == ".xlsx":
        frame.write_excel(path, autofit=True)
    else:
        frame.write_csv(path, include_bom=True)
