"""The review file: one row per item and candidate, with a status a reviewer sets.

Statuses: ``auto`` (the tool's confident first choice: rank 1, score ≥ ``AUTO_SCORE`` and
clearly ahead of rank 2), ``flagged`` (needs a look; every other candidate), ``approved`` and
``rejected`` (set by a reviewer). ``mapper apply`` fills in approved codes (and auto ones with
``--accept-auto``). A reviewer may also type a code into a row's ``code`` cell and approve it.
Written as CSV (UTF-8 with BOM, so Excel opens it right) or XLSX, by the file's suffix.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from mapper.errors import InputError

STATUSES = ("auto", "approved", "rejected", "flagged")
AUTO_SCORE = 0.85  # = score.AGREE: what a candidate agreeing on every field reaches at least
REQUIRED = ("row", "item_id", "code", "status")


def add_status(suggestions: pl.DataFrame) -> pl.DataFrame:
    """Add ``status`` and an empty ``note`` to a suggestion frame: ``auto`` for a first
    candidate agreeing on every field the line carries and tied with no other, ``ambiguous``
    for candidates tied with another (the line cannot tell them apart), ``flagged`` for the
    rest.
    """
    confident = (
        (pl.col("rank") == 1)
        & pl.col("agrees").fill_null(False)
        & pl.col("tied").is_null()
        & (pl.col("score") >= AUTO_SCORE)
    )
    return suggestions.with_columns(
        status=pl.when(confident)
        .then(pl.lit("auto"))
        .when(pl.col("tied").is_not_null())
        .then(pl.lit("ambiguous"))
        .otherwise(pl.lit("flagged")),
        note=pl.lit("", pl.String),
    )


def write_review(suggestions: pl.DataFrame, path: str | Path) -> Path:
    """Write the review file (``.xlsx`` or CSV UTF-8 with BOM), adding statuses if missing."""
    p = Path(path)
    frame = suggestions if "status" in suggestions.columns else add_status(suggestions)
    if p.suffix.lower() == ".xlsx":
        frame.write_excel(p, worksheet="review", autofit=True, freeze_panes=(1, 0))
    else:
        frame.write_csv(p, include_bom=True)
    return p


def read_review(path: str | Path) -> pl.DataFrame:
    """Read a review file back (every column as text), checking its columns and statuses."""
    p = Path(path)
    file = str(p)
    if not p.exists():
        raise InputError("no such file (文件不存在)", file=file)
    try:
        if p.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
            frame = pl.read_excel(p, infer_schema_length=0)
        else:
            raw = p.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("gb18030")  # saved again by Excel on a Chinese Windows
            frame = pl.read_csv(io.StringIO(text), infer_schema=False)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise InputError(f"cannot read the review file: {exc}", file=file) from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError("is not a review file: missing column(s) " + ", ".join(missing), file=file)
    frame = frame.with_columns(
        pl.col(c).cast(pl.String).str.strip_chars() for c in REQUIRED
    ).with_columns(
        status=pl.col("status").str.to_lowercase().fill_null("flagged"),
        row=pl.col("row").cast(pl.Int64, strict=False),
    )
    bad = frame.filter(~pl.col("status").is_in(STATUSES) | pl.col("row").is_null())
    if not bad.is_empty():
        first = bad.row(0, named=True)
        raise InputError(
            f"status '{first['status']}' is not one of {', '.join(STATUSES)}"
            if first["row"] is not None
            else "a line has no catalog row number",
            file=file,
            row=first["row"],
        )
    return frame


def chosen_codes(review: pl.DataFrame, accept_auto: bool = False) -> pl.DataFrame:
    """``(row, item_id, code)`` per catalog row: the approved candidate (or, with
    ``accept_auto``, the auto one where nothing was approved). Two approved codes for one
    row, or an approved line without a code, is an error.
    """
    approved = review.filter(pl.col("status") == "approved")
    blank = approved.filter(pl.col("code").is_null() | (pl.col("code") == ""))
    if not blank.is_empty():
        raise InputError("an approved line has no code", row=int(blank["row"][0]))
    twice = approved.group_by("row").agg(n=pl.col("code").n_unique()).filter(pl.col("n") > 1)
    if not twice.is_empty():
        raise InputError(
            "more than one approved code for the same catalog row", row=int(twice["row"][0])
        )
    chosen = approved.unique("row", keep="first")
    if accept_auto:
        auto = review.filter(
            (pl.col("status") == "auto") & ~pl.col("row").is_in(chosen["row"].implode())
        ).unique("row", keep="first")
        chosen = pl.concat([chosen, auto], how="diagonal_relaxed")
    return chosen.select("row", "item_id", "code", "status").sort("row")
