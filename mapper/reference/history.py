"""A code's record in every release of a store, oldest first (``mapper reference show``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mapper.reference.integrity import verify_entries
from mapper.reference.manifest import read_manifest
from mapper.reference.schema import conform
from mapper.reference.store import default_root, release_order


def code_history(code: str, store: str | Path | None = None) -> pl.DataFrame:
    """One row per release holding ``code``: ``release``, ``published`` and the record.

    The code is matched after trimming and upper-casing. Releases that hold the code's system
    but not the code are not listed; an empty frame means no release ever held it.
    """
    root = Path(store) if store is not None else default_root()
    manifest = read_manifest(root)
    dates = manifest.published
    key = code.strip().upper()
    entries = sorted(manifest.entries, key=lambda e: release_order(e.release, dates[e.release]))
    verify_entries(root, entries)
    frames = [
        conform(pl.scan_parquet(root / e.path).filter(pl.col("code") == key)).select(
            pl.lit(e.release).alias("release"),
            pl.lit(dates[e.release], pl.Date).alias("published"),
            pl.all(),
        )
        for e in entries
    ]
    if not frames:
        return pl.DataFrame()
    return pl.concat(pl.collect_all(frames))
