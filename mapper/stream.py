"""Checking catalogs larger than memory: the one driver (:mod:`mapper.pipeline.driver`) in
chunks, rows spilled to disk, the tables written by streaming Parquet sinks."""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

from mapper.catalog.scan import scan_catalog
from mapper.checking import CheckOptions, prepare, reading
from mapper.pipeline.driver import check_to_dir
from mapper.progress import Progress, silent
from mapper.reference import Reference
from mapper.result import CheckResult

# Output formats a streamed check writes without loading the item table (see mapper check
# --out-format); the others (XLSX, HTML, JSON, SARIF, …) need every row in memory.
STREAMED = frozenset({"parquet", "csv", "jsonl", "text"})


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
    with scan_catalog(catalog, **reading(options)) as cat:
        return check_to_dir(cat, setup, out, progress)
