"""The one driver of every check: a pass over the catalog, the products checked, the row rules,
then the three tables made chunk of rows by chunk and handed to a sink.

:func:`mapper.check` (in memory) and :func:`mapper.stream.check_to` (any size) are this
driver with other stores and sinks, as polars' ``read_parquet`` is ``scan_parquet`` collected:

* in memory: one chunk of rows, rows kept as frames (:class:`MemoryRows`), tables collected
  (:class:`MemorySink`);
* streamed: chunks of ``CHUNK_ROWS`` rows, rows spilled to Arrow files (:class:`DiskRows`),
  products checked ``PRODUCT_CHUNK`` at a time, tables written by polars' Parquet sinks
  (:class:`ParquetSink`); memory holds the distinct products and one chunk, not the catalog.

Stages:

1. :func:`first_pass`: each chunk's per-row columns (row, local id, price, quantity, product
   key, the hashes row rules' candidates read) go to the row store; its distinct products are
   kept, as categoricals, and sorted by key at the end.
2. :meth:`~mapper.checking.Setup.check_products`: the products enriched, checked and assessed
   in chunks against one reference lookup of the columns the rules read.
3. :meth:`~mapper.checking.Setup.check_rows`: each row rule on the rows it asks for.
4. :func:`write_tables`: findings, items and cash items made chunk of rows by chunk (product
   columns gathered by binary search on the sorted key) and handed to the sink in row order.
"""

from __future__ import annotations

import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa

from mapper.batches import scan_batches
from mapper.catalog.scan import LazyCatalog
from mapper.catalog.sheets import ReadReport
from mapper.catalog.structure import KIND, no_skipped, skipped_rows, source_cells
from mapper.checking import Checked, Setup, categorical
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
from mapper.result import CheckResult, item_table, row_status

CHUNK_ROWS = 500_000  # rows read at a time by a streamed check
PRODUCT_CHUNK = 250_000  # distinct products checked at a time by a streamed check
CHECK = "product_check"  # a second, independent hash of the product columns
CHECK_SEED = 0xC4EC
ROW_COLUMNS = (*ROW_FIELDS, PRODUCT)  # and the hashes the row rules' candidates read
TABLES = ("findings", "items", "cash_items")


class RowStore(ABC):
    """Where the first pass keeps the per-row columns, a part per chunk, in row order."""

    @abstractmethod
    def add(self, frame: pl.DataFrame) -> None: ...

    @abstractmethod
    def scan(self) -> pl.LazyFrame:
        """Every row, lazily."""

    @abstractmethod
    def parts(self, columns: Sequence[str] | None = None) -> Iterator[pl.DataFrame]:
        """The parts in order (``columns`` of them)."""

    @abstractmethod
    def clear(self) -> None: ...

    @property
    @abstractmethod
    def has_parts(self) -> bool: ...


@dataclass
class MemoryRows(RowStore):
    frames: list[pl.DataFrame] = field(default_factory=list)

    def add(self, frame: pl.DataFrame) -> None:
        self.frames.append(frame)

    def scan(self) -> pl.LazyFrame:
        return pl.concat(self.frames).lazy()

    def parts(self, columns: Sequence[str] | None = None) -> Iterator[pl.DataFrame]:
        for frame in self.frames:
            yield frame if columns is None else frame.select(columns)

    def clear(self) -> None:
        self.frames.clear()

    @property
    def has_parts(self) -> bool:
        return bool(self.frames)


@dataclass
class DiskRows(RowStore):
    """Parts as Arrow IPC files in ``work`` named ``<stem>-<n>.arrow``."""

    work: Path
    stem: str
    files: list[Path] = field(default_factory=list)

    def add(self, frame: pl.DataFrame) -> None:
        path = self.work / f"{self.stem}-{len(self.files):06d}.arrow"
        frame.write_ipc(path, compat_level=pl.CompatLevel.oldest())
        self.files.append(path)

    def scan(self) -> pl.LazyFrame:
        return pl.scan_ipc(self.files)

    def parts(self, columns: Sequence[str] | None = None) -> Iterator[pl.DataFrame]:
        for path in self.files:
            yield pl.read_ipc(path, columns=None if columns is None else list(columns))

    def clear(self) -> None:
        for path in self.files:
            path.unlink(missing_ok=True)
        self.files.clear()

    @property
    def has_parts(self) -> bool:
        return bool(self.files)


class Sink(ABC):
    """Where the tables go: each is handed over once, as a lazy frame of its chunks."""

    written: dict[str, Path]

    @abstractmethod
    def put(self, stem: str, table: pl.LazyFrame) -> None: ...

    @abstractmethod
    def findings(self) -> pl.DataFrame: ...

    @abstractmethod
    def items(self) -> pl.LazyFrame: ...


class MemorySink(Sink):
    """The tables collected, their text as text (what :func:`mapper.check` returns)."""

    def __init__(self) -> None:
        self.tables: dict[str, pl.DataFrame] = {}
        self.written = {}

    def put(self, stem: str, table: pl.LazyFrame) -> None:
        frame = table.collect(engine="in-memory")
        self.tables[stem] = frame.with_columns(pl.col(pl.Categorical).cast(pl.String))

    def findings(self) -> pl.DataFrame:
        return self.tables["findings"]

    def items(self) -> pl.LazyFrame:
        return self.tables["items"].lazy()


class ParquetSink(Sink):
    """Each table streamed to ``<out>/<stem>.parquet``."""

    def __init__(self, out: Path) -> None:
        self.written = {stem: out / f"{stem}.parquet" for stem in TABLES}

    def put(self, stem: str, table: pl.LazyFrame) -> None:
        table.sink_parquet(self.written[stem])

    def findings(self) -> pl.DataFrame:
        return pl.read_parquet(self.written["findings"])

    def items(self) -> pl.LazyFrame:
        return pl.scan_parquet(self.written["items"])


Stores = Callable[[str], RowStore]  # a row store for a name ("rows", "cash")


@dataclass
class FirstPass:
    """What one pass over the file leaves: the rows, the distinct products."""

    rows: RowStore
    products: pl.DataFrame
    blank_rows: int
    skipped: pl.DataFrame  # section and total rows (mapper.catalog.structure)

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
    rows: RowStore,
    seed: int,
    *,
    chunk_rows: int | None = None,
    hashes: Sequence[pl.Expr] = (),
    progress: Progress = silent,
) -> FirstPass:
    """Read the catalog once, ``chunk_rows`` at a time (None: in one chunk); keep each
    chunk's row columns, the product key and ``hashes`` (of the row columns) in ``rows``,
    and the distinct products.

    A product is kept once per (key, check) pair: each chunk keeps the products no earlier
    chunk had, so two distinct products sharing a key show up as a key kept twice, unless
    they also collide under the independent check hash."""
    products: list[pl.DataFrame] = []
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
        rows.add(kept.select(*ROW_COLUMNS).with_columns(hashes))
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
    if chunk_rows is None:
        take(keyed.collect())
    else:
        # The engine waits for each chunk's callback, so chunks never pile up in memory.
        keyed.sink_batches(take, chunk_size=chunk_rows)
    if not products or sum(p.height for p in products) == 0:
        raise InputError("has a header but no data rows (没有数据行)", file=catalog.path)
    return FirstPass(
        rows=rows,
        products=pl.concat(products).sort(PRODUCT),
        blank_rows=blank[0] if catalog.blank_rows is None else catalog.blank_rows,
        skipped=pl.concat(skipped) if catalog.skipped is None else catalog.skipped,
    )


def first_pass_exact(
    catalog: LazyCatalog,
    rows: RowStore,
    *,
    chunk_rows: int | None = None,
    hashes: Sequence[pl.Expr] = (),
    progress: Progress = silent,
) -> FirstPass:
    """:func:`first_pass` with a product key no two distinct products share (else re-keyed)."""
    for seed in HASH_SEEDS:
        first = first_pass(
            catalog, rows, seed, chunk_rows=chunk_rows, hashes=hashes, progress=progress
        )
        if collision_free(first.products):
            return first
        rows.clear()  # a 64-bit collision: key again
    raise RuntimeError("product keys collide under every seed")  # pragma: no cover


def _chunked(produce: Callable[[], Iterator[pl.DataFrame]], schema: pl.Schema) -> pl.LazyFrame:
    """A lazy frame whose rows are the chunks ``produce`` yields, in order, so polars' own
    streaming sinks write what Python computes chunk by chunk."""
    return scan_batches(lambda limit: produce(), schema, "mapper chunks")


def write_tables(
    rows: RowStore,
    checked: Checked,
    per_row: pl.DataFrame,
    sink: Sink,
    cash_store: RowStore,
    progress: Progress = silent,
) -> None:
    """Findings, items and cash items, chunk of rows by chunk, handed to ``sink`` in row
    order (cash items from each chunk of items as it is made, not from the item table)."""
    # Categorical and sorted by key already (checked in chunks), for item_table's binary
    # search: sorting 2.3M products here held a second copy of them (10M rows).
    products = checked.assessed
    product_findings = checked.findings.lazy()
    columns = list(ROW_COLUMNS)
    redo = per_row.get_column("row").unique()
    # The rows a row rule fired on take their status from all their findings.
    redo_rows = rows.scan().select(columns).filter(pl.col("row").is_in(redo.implode()))
    redone = row_status(stack_findings(redo_rows, product_findings, per_row.lazy()), redo)
    redone_rows = redone.get_column("row")
    total = rows.scan().select(pl.len()).collect().item()

    def findings() -> Iterator[pl.DataFrame]:
        for part in rows.parts(columns):
            own = per_row.filter(pl.col("row").is_in(part.get_column("row").implode()))
            found = stack_findings(part.lazy(), product_findings, own.lazy())
            yield found.collect(engine="in-memory")

    def items() -> Iterator[pl.DataFrame]:
        for part in rows.parts(columns):
            if part.is_empty():
                continue
            # A part's rows are consecutive: its share of the redone rows is one slice.
            numbers = part.get_column("row")
            start = redone_rows.search_sorted(int(numbers[0]), side="left")
            stop = redone_rows.search_sorted(int(numbers[-1]), side="right")
            table = item_table(part.lazy(), products, PRODUCT, redone.slice(start, stop - start))
            collected = table.collect(engine="in-memory")
            cash_store.add(cash_items(collected).collect())
            progress("writing items", part.height, total)
            yield collected

    empty = next(rows.parts(columns)).clear()
    findings_schema = stack_findings(
        empty.lazy(), product_findings, per_row.lazy()
    ).collect_schema()
    items_schema = item_table(empty.lazy(), products, PRODUCT, redone.clear())
    sink.put("findings", _chunked(findings, findings_schema))
    sink.put("items", _chunked(items, items_schema.collect_schema()))
    cash = cash_store.scan() if cash_store.has_parts else cash_items(items_schema)
    sink.put("cash_items", cash)


@dataclass
class Driven:
    """What a drive leaves: the result, and the distinct products it checked."""

    result: CheckResult
    products: pl.DataFrame  # distinct products, categorical, sorted by key
    rows: RowStore


def drive(
    catalog: LazyCatalog,
    setup: Setup,
    stores: Stores,
    sink: Sink,
    *,
    chunk_rows: int | None = None,
    product_chunk: int | None = None,
    progress: Progress = silent,
) -> Driven:
    """Check ``catalog`` (see the module's docstring): rows kept in ``stores("rows")``,
    products checked ``product_chunk`` at a time (None: all at once), tables handed to
    ``sink``. Errors while reading become the catalog's one-line InputError."""
    rows = stores("rows")
    try:
        first = first_pass_exact(
            catalog,
            rows,
            chunk_rows=chunk_rows,
            hashes=repeat_hashes(setup.rules),
            progress=progress,
        )
    except (pl.exceptions.PolarsError, pa.ArrowException) as error:
        raise catalog.explain(error) from error
    products = first.take_products()
    checked = setup.check_products(products, chunk=product_chunk)
    per_row = setup.check_rows(rows.scan(), checked.row_inputs)
    write_tables(rows, checked, per_row, sink, stores("cash"), progress)
    del checked  # let go of millions of checked products before the findings are read back
    report = ReadReport(
        first.skipped, catalog.sheets, catalog.skipped_sheets, catalog.columns, catalog.found_by
    )
    result = setup.result(
        sink.findings(),
        sink.items(),
        catalog=catalog.path,
        encoding=catalog.source,
        blank_rows=first.blank_rows,
        written=sink.written,
        reading=report,
    )
    return Driven(result, products, rows)


def check_to_dir(
    catalog: LazyCatalog, setup: Setup, out: Path, progress: Progress = silent
) -> CheckResult:
    """The streamed check: rows spilled to a work folder in ``out`` (removed after), tables
    written to ``out`` as Parquet."""
    work = Path(tempfile.mkdtemp(prefix=".mapper-", dir=out))
    try:
        return drive(
            catalog,
            setup,
            lambda stem: DiskRows(work, stem),
            ParquetSink(out),
            chunk_rows=CHUNK_ROWS,
            product_chunk=PRODUCT_CHUNK,
            progress=progress,
        ).result
    finally:
        shutil.rmtree(work, ignore_errors=True)
