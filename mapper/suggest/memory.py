"""The mapping memory: codes a reviewer approved, reused on the next catalog.

One row per approved mapping, keyed on the item's normalised name, spec, manufacturer and
approval number (so ``阿莫西林胶囊 0.25g*24粒 修正药业`` and ``阿莫西林胶囊（0.25克*24粒）
修正药业集团股份有限公司`` share a key), with who approved it (``reviewer``), their ``note`` and
the date (``approved_on``). Stored as Parquet or CSV (UTF-8 with BOM) by suffix, written to a
temporary file and renamed into place, so a crash never leaves half a memory; a later approval
of the same key replaces the earlier one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from mapper.errors import InputError
from mapper.normalize import approval_key, manufacturer_key, name_key, spec_key
from mapper.suggest.files import atomic_path

MEMORY_SCHEMA = {
    "key": pl.String,
    "code": pl.String,
    "name": pl.String,
    "spec": pl.String,
    "manufacturer": pl.String,
    "approval_no": pl.String,
    "approved_on": pl.String,
    "reviewer": pl.String,
    "note": pl.String,
}


def memory_key() -> pl.Expr:
    """The memory key of a frame with name, spec, manufacturer and approval_no columns."""
    parts = [
        name_key(pl.col("name")),
        spec_key(pl.col("spec")),
        manufacturer_key(pl.col("manufacturer")),
        approval_key(pl.col("approval_no")),
    ]
    return pl.concat_str([p.fill_null("") for p in parts], separator="|")


def load_memory(path: str | Path | None) -> pl.DataFrame:
    """Read a memory file; a path that does not exist yet is an empty memory."""
    if path is None or not Path(path).exists():
        return pl.DataFrame(schema=MEMORY_SCHEMA)
    p = Path(path)
    try:
        if p.suffix.lower() in {".parquet", ".pq"}:
            frame = pl.read_parquet(p)
        else:
            frame = pl.read_csv(p, infer_schema=False, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"cannot read the mapping memory: {exc}", file=str(p)) from None
    missing = {"key", "code"} - set(frame.columns)
    if missing:
        raise InputError(
            "is not a mapping memory: missing column(s) " + ", ".join(sorted(missing)),
            file=str(p),
        )
    return conform(frame)


def remember(memory: pl.DataFrame, approved: pl.DataFrame) -> pl.DataFrame:
    """``memory`` with the approved ``(name, spec, manufacturer, approval_no, code)`` rows
    (and ``reviewer`` and ``note`` where given) added, dated today; a new approval of a key
    replaces the old one.
    """
    today = dt.date.today().isoformat()
    text = ("name", "spec", "manufacturer", "approval_no", "code", "reviewer", "note")
    new = (
        approved.with_columns(
            (pl.col(c) if c in approved.columns else pl.lit(None)).cast(pl.String).alias(c)
            for c in text
        )
        .select(
            key=memory_key(),
            code=pl.col("code"),
            name=pl.col("name"),
            spec=pl.col("spec"),
            manufacturer=pl.col("manufacturer"),
            approval_no=pl.col("approval_no"),
            approved_on=pl.lit(today),
            reviewer=pl.col("reviewer").replace("", None),
            note=pl.col("note").replace("", None),
        )
        .cast(MEMORY_SCHEMA)  # type: ignore[arg-type]
    )
    return pl.concat([conform(memory), new]).unique("key", keep="last", maintain_order=True)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` in the memory schema: a memory written before reviewer and note were kept has
    them null."""
    return frame.select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in MEMORY_SCHEMA.items()
    )


def save_memory(memory: pl.DataFrame, path: str | Path) -> Path:
    """Write the memory (Parquet for .parquet/.pq, else CSV UTF-8 with BOM), atomically."""
    p = Path(path)
    with atomic_path(p) as tmp:
        if p.suffix.lower() in {".parquet", ".pq"}:
            memory.write_parquet(tmp)
        else:
            memory.write_csv(tmp, include_bom=True)
    return p


def memory_pairs(items: pl.DataFrame, memory: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """``(iid, rid)`` for items whose key the memory holds, where the remembered code is a
    record the index knows (valid on the check date).
    """
    if memory.is_empty():
        return pl.DataFrame(
            schema={
                "iid": pl.UInt32,
                "rid": pl.UInt32,
                "matched_on": pl.String,
                "prior": pl.Float64,
            }
        )
    return (
        items.select("iid", key=memory_key())
        .join(memory.select("key", "code"), on="key")
        .join(records.select("rid", "code"), on="code")
        .select("iid", "rid", matched_on=pl.lit("memory"), prior=pl.lit(1.0))
    )
