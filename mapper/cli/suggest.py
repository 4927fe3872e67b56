"""``mapper suggest`` and ``mapper apply``: propose national codes, then fill in reviewed ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import polars as pl

from mapper.cli.common import catalog_options, parse_columns, reports_errors
from mapper.suggest import suggest as suggest_codes
from mapper.suggest.apply import apply_review
from mapper.suggest.review import add_status, write_review

SHOWN = ("row", "item_name", "rank", "code", "score", "matched_on", "cand_name", "cand_spec",
         "cand_package", "differed", "status", "decide_by")  # fmt: skip


def _date(value: Any) -> Any:
    return value.date() if value else None


@click.command("suggest")
@click.argument("catalog", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--reference",
    type=click.Path(file_okay=False, path_type=Path),
    help="Reference store folder (default: the shipped reference_codes/).",
)
@click.option("--release", help="Reference release (default: the store's).")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date candidate codes must be valid on, YYYY-MM-DD (default: today).",
)
@click.option(
    "-k", "k", type=click.IntRange(1, 50), default=5, show_default=True, help="Candidates per item."
)
@click.option(
    "--all",
    "all_items",
    is_flag=True,
    help="Suggest for every item, not only uncoded and failing ones.",
)
@click.option(
    "--memory",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Mapping memory (.parquet or .csv) of earlier approvals to reuse.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the review file here (.csv UTF-8 with BOM, or .xlsx).",
)
@catalog_options
@reports_errors
def suggest(
    catalog: Path, reference: Path | None, release: str | None, as_of: Any, k: int,
    all_items: bool, memory: Path | None, out: Path | None, encoding: str | None,
    sheet: str | None, columns: tuple[str, ...],
) -> None:  # fmt: skip
    """Propose national codes for CATALOG's uncoded and failing items (top K each, scored)."""
    frame = add_status(
        suggest_codes(
            catalog,
            reference,
            k=k,
            all_items=all_items,
            memory=memory,
            as_of=_date(as_of),
            release=release,
            encoding=encoding,
            sheet=sheet,
            columns=parse_columns(columns),
        )
    )
    items = frame.get_column("row").n_unique()
    firsts = frame.filter(pl.col("rank") == 1)
    counts = firsts.get_column("matched_on").value_counts().sort("matched_on").rows()
    click.echo(
        f"{items} items need a code; {firsts.height} have candidates"
        + "".join(f"; {n} first by {how}" for how, n in counts)
        + f"; {firsts.filter(pl.col('status') == 'auto').height} auto"
        + f"; {firsts.filter(pl.col('status') == 'ambiguous').height} ambiguous (see tie)"
    )
    if out is not None:
        write_review(frame, out)
        click.echo(f"wrote {frame.height} review lines to {out}", err=True)
    else:
        shape = {"tbl_rows": -1, "tbl_width_chars": 160, "fmt_str_lengths": 24}
        with pl.Config(**shape, tbl_hide_dataframe_shape=True):  # type: ignore[arg-type]
            click.echo(str(firsts.select(SHOWN)))


@click.command("apply")
@click.argument("catalog", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("review", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the catalog with codes filled in (.csv, .xlsx, .parquet).",
)
@click.option(
    "--accept-auto",
    is_flag=True,
    help="Also fill in 'auto' candidates where no line of the item was approved.",
)
@click.option(
    "--memory",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Add the approved mappings to this memory file (created if missing).",
)
@click.option(
    "--reference",
    type=click.Path(file_okay=False, path_type=Path),
    help="Reference store folder for the re-check (default: the shipped one).",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Check date for the re-check, YYYY-MM-DD (default: today).",
)
@click.option("--encoding", help="Text encoding of a CSV catalog.")
@click.option("--sheet", help="Excel sheet name or 1-based number.")
@reports_errors
def apply(
    catalog: Path, review: Path, out: Path, accept_auto: bool, memory: Path | None,
    reference: Path | None, as_of: Any, encoding: str | None, sheet: str | None,
) -> None:  # fmt: skip
    """Write CATALOG with the codes approved in REVIEW filled in, then re-check it.

    Every approved code is checked first. An XLSX catalog written to .xlsx keeps its sheets,
    title rows, merged cells and formats; a CSV written to .csv keeps its encoding and columns.
    """
    done = apply_review(
        catalog, review, out, reference=reference, accept_auto=accept_auto, memory=memory,
        as_of=_date(as_of), encoding=encoding, sheet=sheet,
    )  # fmt: skip
    summary = done.result.summary
    click.echo(f"filled {done.filled} codes; wrote {done.out}")
    statuses = ", ".join(f"{k} {v}" for k, v in summary.by_status.items())
    click.echo(f"re-check: {summary.rows_read} rows, coded {summary.coded_rate:.1%}; {statuses}")
    if done.memory_size is not None:
        click.echo(f"memory {memory}: {done.memory_size} mappings")
