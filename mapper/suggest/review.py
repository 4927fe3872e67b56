"""The review file: one row per item and candidate, with a status a reviewer sets.

Statuses the tool sets: ``auto`` (a first candidate agreeing on every field the line carries and
tied with no other), ``ambiguous`` (tied with another candidate: the line cannot tell them apart;
``tie`` says which field decides) and ``flagged`` (needs a look). A reviewer sets ``approved``,
``rejected`` or ``flagged``, in English or Chinese (:data:`STATUS_WORDS`), and may type a code
into a line's ``code`` cell and approve it; ``reviewer`` and ``note`` go into the mapping memory.
``mapper apply`` fills in approved codes (and auto ones with ``--accept-auto``).

The file is sorted by the value at stake (unit price × quantity where the catalog has them, else
the price) so the lines that matter most come first. Written as CSV (UTF-8 with BOM, so Excel
opens it right) or XLSX (status dropdown, autofilter, frozen header), cells a spreadsheet would
run as formulas neutralised.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import xlsxwriter

from mapper.errors import InputError
from mapper.web.cells import TRIGGERS, neutralise

STATUSES = ("auto", "ambiguous", "approved", "rejected", "flagged")
# What a reviewer may type (case and surrounding space ignored) → the status it means.
STATUS_WORDS: dict[str, str] = {
    **{s: s for s in STATUSES},
    "已确认": "approved", "确认": "approved", "通过": "approved", "同意": "approved",
    "驳回": "rejected", "拒绝": "rejected", "否决": "rejected",
    "待定": "flagged", "存疑": "flagged",
    "自动": "auto", "无法区分": "ambiguous",
}  # fmt: skip
# The dropdown offered in an XLSX review: the reviewer's choices in both languages.
DROPDOWN = ("approved", "rejected", "flagged", "已确认", "驳回", "待定")
AUTO_SCORE = 0.85  # = score.AGREE: what a candidate agreeing on every field reaches at least
REQUIRED = ("row", "item_id", "code", "status")
# Columns the reviewer fills in; kept as they are on read.
REVIEWER_COLUMNS = ("status", "reviewer", "note")
FIRST_LINE = 2  # the review file's first data line (header = line 1)


def add_status(suggestions: pl.DataFrame) -> pl.DataFrame:
    """Add ``status``, an empty ``reviewer`` and ``note`` to a suggestion frame: ``auto`` for
    a first candidate agreeing on every field the line carries and tied with no other,
    ``ambiguous`` for candidates tied with another (the line cannot tell them apart),
    ``flagged`` for the rest.
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
        reviewer=pl.lit("", pl.String),
        note=pl.lit("", pl.String),
    )


def by_value_at_stake(frame: pl.DataFrame) -> pl.DataFrame:
    """Order a review by ``value`` (price × quantity, else price) high to low, then row and rank."""
    return frame.sort(["value", "row", "rank"], descending=[True, False, False], nulls_last=True)


def write_review(suggestions: pl.DataFrame, path: str | Path) -> Path:
    """Write the review file (``.xlsx`` or CSV UTF-8 with BOM), adding statuses if missing,
    most valuable lines first."""
    p = Path(path)
    frame = suggestions if "status" in suggestions.columns else add_status(suggestions)
    if "value" in frame.columns:
        frame = by_value_at_stake(frame)
    safe = neutralise(frame)
    if p.suffix.lower() == ".xlsx":
        _write_xlsx(safe, p)
    else:
        safe.write_csv(p, include_bom=True)
    return p


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    """The review as one sheet: autofilter, frozen header, a status dropdown."""
    with xlsxwriter.Workbook(str(path)) as book:
        frame.write_excel(
            workbook=book, worksheet="review", autofit=True, freeze_panes=(1, 0), autofilter=True
        )
        sheet = book.get_worksheet_by_name("review")
        assert sheet is not None
        col = frame.columns.index("status")
        sheet.data_validation(
            1, col, max(frame.height, 1), col,
            {
                "validate": "list",
                "source": list(DROPDOWN),
                "error_type": "warning",
                "error_title": "status",
                "error_message": "approved/已确认, rejected/驳回, flagged/待定",
            },
        )  # fmt: skip


def read_review(path: str | Path) -> pl.DataFrame:
    """Read a review file back (every column as text), checking its columns and statuses.

    Statuses are read in English or Chinese (:data:`STATUS_WORDS`) and returned in English;
    ``line`` is each entry's line in the file (header = 1), for messages.
    """
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
    typed = pl.col("status").str.strip_chars().str.to_lowercase()
    frame = (
        frame.with_columns(
            (pl.col(c) if c in frame.columns else pl.lit(None)).cast(pl.String).alias(c)
            for c in (*REQUIRED, "reviewer", "note")
        )
        .with_columns(pl.col(c).str.strip_chars() for c in (*REQUIRED, "reviewer", "note"))
        .with_columns(
            _unneutralised("item_id"),
            _unneutralised("code"),
            line=pl.int_range(FIRST_LINE, pl.len() + FIRST_LINE, dtype=pl.Int64),
            typed_status=pl.col("status"),
            status=typed.replace_strict(
                STATUS_WORDS, default=None, return_dtype=pl.String
            ).fill_null(pl.when(typed.is_null() | (typed == "")).then(pl.lit("flagged"))),
            row=pl.col("row").cast(pl.Int64, strict=False),
        )
    )
    bad = frame.filter(pl.col("status").is_null() | pl.col("row").is_null())
    if not bad.is_empty():
        first = bad.row(0, named=True)
        raise InputError(
            f"status '{first['typed_status']}' is not one of "
            + ", ".join(sorted(set(STATUS_WORDS), key=list(STATUS_WORDS).index))
            if first["row"] is not None
            else "a line has no catalog row number",
            file=file,
            row=first["line"],
            column="status" if first["row"] is not None else "row",
        )
    return frame.drop("typed_status")


def _unneutralised(column: str) -> pl.Expr:
    """Undo the ``'`` the writer put before a cell a spreadsheet would run as a formula."""
    col = pl.col(column)
    quoted = col.str.starts_with("'") & col.str.slice(1, 1).is_in(list(TRIGGERS))
    return pl.when(quoted).then(col.str.slice(1)).otherwise(col).alias(column)


def chosen_codes(review: pl.DataFrame, accept_auto: bool = False) -> pl.DataFrame:
    """``(row, item_id, code, status, reviewer, note, line)`` per catalog row: the approved
    candidate (or, with ``accept_auto``, the auto one where nothing was approved). Two approved
    codes for one row, or an approved line without a code, is an error naming the review line.
    """
    if "line" not in review.columns:
        review = review.with_columns(
            line=pl.int_range(FIRST_LINE, pl.len() + FIRST_LINE, dtype=pl.Int64)
        )
    for column in ("reviewer", "note"):
        if column not in review.columns:
            review = review.with_columns(pl.lit(None, pl.String).alias(column))
    approved = review.filter(pl.col("status") == "approved")
    blank = approved.filter(pl.col("code").is_null() | (pl.col("code") == ""))
    if not blank.is_empty():
        raise InputError("an approved line has no code", row=int(blank["line"][0]), column="code")
    twice = (
        approved.group_by("row")
        .agg(n=pl.col("code").n_unique(), line=pl.col("line").max())
        .filter(pl.col("n") > 1)
        .sort("line")
    )
    if not twice.is_empty():
        raise InputError(
            f"more than one approved code for catalog row {int(twice['row'][0])}",
            row=int(twice["line"][0]),
            column="status",
        )
    chosen = approved.unique("row", keep="first", maintain_order=True)
    if accept_auto:
        auto = review.filter(
            (pl.col("status") == "auto") & ~pl.col("row").is_in(chosen["row"].implode())
        ).unique("row", keep="first", maintain_order=True)
        chosen = pl.concat([chosen, auto], how="diagonal_relaxed")
    return chosen.select("row", "item_id", "code", "status", "reviewer", "note", "line").sort("row")
