"""Checking catalogs larger than memory: chunked passes, outputs written by streaming sinks.

The same engine as :func:`mapper.check` (:mod:`mapper.engine`, :mod:`mapper.checking`),
arranged so that memory holds the distinct products and one chunk, not the catalog:

1. One pass over the file in chunks (``sink_batches``: the reader waits for each chunk): each
   chunk's per-row columns (row, local id, price, quantity, product key, a hash of the local
   id) go to Arrow files on disk; its distinct products are kept, as categoricals, and
   sorted by key at the end.
2. The distinct products are enriched, checked and assessed ``PRODUCT_CHUNK`` at a time
   against one reference lookup; only findings and item columns (in key order, one chunk per
   column) are kept.
3. The row rules (CAT: duplicate local ids) run on the rows whose local-id hash occurs more
   than once over all row files (a hash collision only adds a candidate, which the exact rule
   then clears), with their products' code keys computed from the item columns' codes.
4. ``findings.parquet`` and ``items.parquet`` are computed file of rows by file of rows in
   Python (product columns gathered by binary search on the sorted key) and written in row
   order by polars' Parquet sink; the summary is aggregated from those files.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Unpack

import polars as pl
import pyarrow as pa

from mapper.batches import scan_batches
from mapper.catalog.scan import LazyCatalog, scan_catalog
from mapper.catalog.sheets import ReadReport
from mapper.catalog.structure import KIND, no_skipped, skipped_rows, source_cells
from mapper.checking import Checked, CheckOptions, Setup, categorical, prepare, reading
from mapper.engine import (
    HASH_SEEDS,
    PRODUCT,
    PRODUCT_COLUMNS,
    collision_free,
    positions,
    product_key,
    stack_findings,
)
from mapper.errors import InputError
from mapper.fields import ROW_FIELDS
from mapper.pipeline.plan import repeat_hashes
from mapper.policy.readiness import cash_items
from mapper.progress import Progress, silent
from mapper.reference import Reference
from mapper.result import CheckResult, item_table, row_status

# Output formats a streamed check writes without loading the item table (see mapper check
# --out-format); the others (XLSX, HTML, JSON, SARIF, …) need every row in memory.
STREAMED = frozenset({"parquet", "csv", "jsonl", "text"})
CHUNK_ROWS = 500_000
PRODUCT_CHUNK = 250_000  # distinct products checked at a time
CHECK = "product_check"  # a second, independent hash of the product columns
CHECK_SEED = 0xC4EC
ROW_COLUMNS = (*ROW_FIELDS, PRODUCT)  # and the hashes the row rules' candidates read


@dataclass
class FirstPass:
    """What one pass over the file leaves: row files, distinct products."""

    row_files: list[Path]
    products: pl.DataFrame
    blank_rows: int
    skipped: pl.DataFrame  # section and total rows (mapper.catalog.structure)

    @property
    def rows(self) -> pl.LazyFrame:
        return pl.scan_ipc(self.row_files)

    def take_products(self) -> pl.DataFrame:
        """The distinct products (sorted by key), handed over: the pass no longer holds them."""
        products, self.products = self.products, self.products.clear()
        return products


def _unseen(distinct: pl.DataFrame, seen: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``distinct`` (distinct (key, check) pairs) whose pair is not in ``seen``
    (pairs sorted by key). A key seen with another check is kept: that is a collision, which
    the caller then finds as a key held twice."""
    if seen.is_empty():
        return distinct
    keys, known = distinct.get_column(PRODUCT), seen.get_column(PRODUCT)
    at = positions(known, keys)
    inside = at < seen.height
    at = at.clip(upper_bound=seen.height - 1)
    same = (
        inside
        & (known.gather(at) == keys)
        & (seen.get_column(CHECK).gather(at) == distinct.get_column(CHECK))
    )
    return distinct.filter(~same)


def first_pass(
    catalog: LazyCatalog,
    work: Path,
    seed: int,
    progress: Progress = silent,
    hashes: Sequence[pl.Expr] = (),
) -> FirstPass:
    """Read the catalog once in chunks; write per-row columns to ``work``, keep products.

    A product is kept once per (key, check) pair: each chunk keeps the products no earlier
    chunk had, so two distinct products sharing a key show up as a key kept twice, unless
    they also collide under the independent check hash. The row files hold the row
    columns, the product key and ``hashes`` (of the row columns)."""
    products: list[pl.DataFrame] = []
    files: list[Path] = []
    blank = [0]
    seen = [pl.DataFrame(schema={PRODUCT: pl.UInt64, CHECK: pl.UInt64})]  # sorted by key
    cells = source_cells(catalog.records.collect_schema().names())
    skipped = [no_skipped()]

    def take(chunk: pl.DataFrame) -> None:
        blanks = int(chunk.get_column("blank").sum())
        blank[0] += blanks
        structure = chunk.get_column(KIND).is_not_null()
        if structure.any():  # rare: a few section and total rows
            skipped.append(skipped_rows(chunk.filter(structure), cells).collect())
        # Most files have neither.
        kept = chunk.filter(~pl.col("blank") & ~structure) if blanks or structure.any() else chunk
        kept = kept.with_columns(pl.col("item_id").str.strip_chars())
        path = work / f"rows-{len(files):06d}.arrow"
        kept.select(*ROW_COLUMNS).with_columns(hashes).write_ipc(
            path, compat_level=pl.CompatLevel.oldest()
        )
        files.append(path)
        # The new (key, check) pairs first, then the product columns of those rows only:
        # ``unique`` carries the two hashes and a row index, not the twelve columns.
        pairs = kept.select(PRODUCT, CHECK).with_row_index("at").unique([PRODUCT, CHECK])
        new = _unseen(pairs.sort(PRODUCT), seen[0])  # in key order, as ``seen`` wants them
        fresh = kept.select(*PRODUCT_COLUMNS, PRODUCT)[new.get_column("at")]
        # Kept as categoricals: the strings of millions of products are stored once.
        products.append(categorical(fresh))
        seen[0] = seen[0].merge_sorted(new.select(PRODUCT, CHECK), key=PRODUCT)
        progress("reading", chunk.height, None)

    keyed = catalog.records.with_columns(
        product_key(seed), pl.struct(PRODUCT_COLUMNS).hash(CHECK_SEED).alias(CHECK)
    )
    # The engine waits for each chunk's callback, so chunks never pile up in memory.
    keyed.sink_batches(take, chunk_size=CHUNK_ROWS)
    if not products or sum(p.height for p in products) == 0:
        raise InputError("has a header but no data rows (没有数据行)", file=catalog.path)
    return FirstPass(
        row_files=files,
        products=pl.concat(products).sort(PRODUCT),
        blank_rows=blank[0] if catalog.blank_rows is None else catalog.blank_rows,
        skipped=pl.concat(skipped) if catalog.skipped is None else catalog.skipped,
    )


def _chunked(produce: Callable[[], Iterator[pl.DataFrame]], schema: pl.Schema) -> pl.LazyFrame:
    """A lazy frame whose rows are the chunks ``produce`` yields, in order, so polars' own
    streaming sinks write what Python computes chunk by chunk."""
    return scan_batches(lambda limit: produce(), schema, "mapper chunks")


def second_pass(
    first: FirstPass,
    checked: Checked,
    per_row: pl.DataFrame,
    findings_path: Path,
    items_path: Path,
    cash_path: Path,
    progress: Progress = silent,
) -> None:
    """Findings, items and cash items, chunk of rows by chunk, written in row order by
    streaming sinks (cash items from each chunk of items as it is made, not from the file)."""
    # Categorical and sorted by key already (checked in chunks), for item_table's binary
    # search: sorting 2.3M products here held a second copy of them (10M rows).
    products = checked.assessed
    product_findings = checked.findings.lazy()
    columns = list(ROW_COLUMNS)
    redo = per_row.get_column("row").unique()
    # The rows a row rule fired on take their status from all their findings.
    redo_rows = first.rows.select(columns).filter(pl.col("row").is_in(redo.implode()))
    redone = row_status(stack_findings(redo_rows, product_findings, per_row.lazy()), redo)
    redone_rows = redone.get_column("row")
    total = first.rows.select(pl.len()).collect().item()

    def findings() -> Iterator[pl.DataFrame]:
        for path in first.row_files:
            rows = pl.read_ipc(path, columns=columns)
            own = per_row.filter(pl.col("row").is_in(rows.get_column("row").implode()))
            found = stack_findings(rows.lazy(), product_findings, own.lazy())
            yield found.collect(engine="in-memory")

    cash_parts: list[Path] = []

    def items() -> Iterator[pl.DataFrame]:
        for path in first.row_files:
            rows = pl.read_ipc(path, columns=columns)
            if rows.is_empty():
                continue
            # A file's rows are consecutive: its share of the redone rows is one slice.
            numbers = rows.get_column("row")
            start = redone_rows.search_sorted(int(numbers[0]), side="left")
            stop = redone_rows.search_sorted(int(numbers[-1]), side="right")
            table = item_table(rows.lazy(), products, PRODUCT, redone.slice(start, stop - start))
            collected = table.collect(engine="in-memory")
            cash_parts.append(path.with_name(f"cash-{len(cash_parts):06d}.arrow"))
            cash_items(collected).collect().write_ipc(cash_parts[-1])
            progress("writing items", rows.height, total)
            yield collected

    empty = pl.read_ipc(first.row_files[0], columns=columns).clear()
    findings_schema = stack_findings(
        empty.lazy(), product_findings, per_row.lazy()
    ).collect_schema()
    items_schema = item_table(empty.lazy(), products, PRODUCT, redone.clear())
    _chunked(findings, findings_schema).sink_parquet(findings_path)
    _chunked(items, items_schema.collect_schema()).sink_parquet(items_path)
    cash = pl.scan_ipc(cash_parts) if cash_parts else cash_items(items_schema)
    cash.sink_parquet(cash_path)


def check_to(
    catalog: str | Path,
    out_dir: str | Path,
    reference: Reference | str | Path | None = None,
    *,
    progress: Progress = silent,
    **options: Unpack[CheckOptions],
) -> CheckResult:
    """Check a catalog of any size, writing ``findings.parquet``, ``items.parquet`` and
    ``cash_items.parquet`` into ``out_dir``; memory holds the distinct products and one
    chunk of rows, not the catalog.
    Arguments as :func:`mapper.check`.

    The result's findings and items read those files (items only when asked for).
    ``progress`` hears of each chunk of rows read (``reading``) and written (``writing
    items``).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    setup = prepare(reference, **options)
    written = {stem: out / f"{stem}.parquet" for stem in ("findings", "items", "cash_items")}
    with scan_catalog(catalog, **reading(options)) as cat:
        work = Path(tempfile.mkdtemp(prefix=".mapper-", dir=out))
        try:
            try:
                first = _first_pass_exact(cat, work, repeat_hashes(setup.rules), progress)
            except (pl.exceptions.PolarsError, pa.ArrowException) as error:
                raise cat.explain(error) from error
            _check_and_write(setup, first, written, progress)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        path, source = cat.path, cat.source
        report = ReadReport(
            first.skipped, cat.sheets, cat.skipped_sheets, cat.columns, cat.found_by
        )
    return setup.result(
        pl.read_parquet(written["findings"]),
        pl.scan_parquet(written["items"]),
        catalog=path,
        encoding=source,
        blank_rows=first.blank_rows,
        written=written,
        reading=report,
    )


def _check_and_write(
    setup: Setup, first: FirstPass, written: dict[str, Path], progress: Progress = silent
) -> None:
    """Check the products and rows of the first pass and write the three tables; what the
    check held (millions of checked products at national scale) is let go on return, before
    the result reads the findings back."""
    checked = setup.check_products(first.take_products(), chunk=PRODUCT_CHUNK)
    per_row = setup.check_rows(first.rows, checked.row_inputs)
    second_pass(
        first,
        checked,
        per_row,
        written["findings"],
        written["items"],
        written["cash_items"],
        progress,
    )


def _first_pass_exact(
    catalog: LazyCatalog, work: Path, hashes: Sequence[pl.Expr], progress: Progress = silent
) -> FirstPass:
    """:func:`first_pass` with a product key no two distinct products share (else re-keyed)."""
    for seed in HASH_SEEDS:
        first = first_pass(catalog, work, seed, progress, hashes)
        if collision_free(first.products):
            return first
        for part in work.glob("rows-*.arrow"):  # a 64-bit collision: key again
            part.unlink()
    raise RuntimeError("product keys collide under every seed")  # pragma: no cover
