"""``mapper reference``: import national releases into a store, list, verify, show, diff, impact.

Exit codes: 0 done; 1 the file had rejected rows (import), the code is unknown (show) or the
new release breaks catalog items (impact); 2 usage or input error, or a damaged store (verify).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import polars as pl
from rich.console import Console
from rich.table import Table

from mapper.cli.common import EXIT_ERROR, EXIT_FINDINGS, parse_columns, reports_errors
from mapper.reference.layouts import LAYOUTS
from mapper.reference.manifest import read_manifest
from mapper.reference.store import default_root, import_root

SHOWN_PROBLEMS = 50
FORMATS = click.Choice(["table", "csv", "json"])

store_option = click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    help="Reference store folder (default: $MAPPER_REFERENCE or the shipped reference_codes/).",
)
format_option = click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Output format."
)


def console() -> Console:
    return Console(width=None if sys.stdout.isatty() else 160, soft_wrap=False)


def emit(frame: pl.DataFrame, fmt: str, title: str = "") -> None:
    """Print a frame as a rich table, CSV or JSON (a list of row objects)."""
    if fmt == "csv":
        click.echo(frame.write_csv(), nl=False)
        return
    if fmt == "json":
        click.echo(frame.write_json())
        return
    if title:
        click.echo(title)
    table = Table(show_lines=False)
    for name in frame.columns:
        table.add_column(name, overflow="fold")
    for row in frame.iter_rows():
        table.add_row(*("" if v is None else str(v) for v in row))
    console().print(table)


@click.group("reference")
def reference_group() -> None:
    """Import national reference releases and compare them (国家医保编码库版本管理)."""


@reference_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--system", type=click.Choice(list(LAYOUTS)), required=True, help="Code system.")
@click.option("--release", required=True, help="Release name, e.g. 2026-12.")
@click.option(
    "--published",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date the release is in force from (default: the date its name spells).",
)
@store_option
@click.option(
    "--skip-bad-rows",
    is_flag=True,
    help="Import the rows that pass and report the rest (default: reject the whole file).",
)
@click.option("--replace", is_flag=True, help="Overwrite this system of an existing release.")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every rejected row (row, column, value, reason) to this CSV file.",
)
@click.option("--encoding", help="Text encoding of a CSV (default: detect UTF-8/GBK/GB18030).")
@click.option("--sheet", help="Excel sheet name or 1-based number (default: the first).")
@reports_errors
def import_command(
    file: Path,
    system: str,
    release: str,
    published: Any,
    store: Path | None,
    skip_bad_rows: bool,
    replace: bool,
    report: Path | None,
    encoding: str | None,
    sheet: str | None,
) -> None:
    """Import FILE, an official release file in its published layout, into the store."""
    from mapper.reference.importer import import_release

    result = import_release(
        file,
        system,
        release,
        store=store,
        published=published.date() if published else None,
        skip_bad_rows=skip_bad_rows,
        replace=replace,
        encoding=encoding,
        sheet=sheet,
    )
    problems = result.problems
    if report is not None:
        problems.write_csv(report)
    if problems.height:
        shown = problems.head(SHOWN_PROBLEMS)
        emit(shown, "table", f"{file.name}: {result.rows_rejected} rejected rows (被拒绝的行)")
        if problems.height > SHOWN_PROBLEMS:
            more = problems.height - SHOWN_PROBLEMS
            click.echo(f"... and {more} more problems" + ("" if report else "; see --report"))
    if result.entry is None:
        click.echo(
            f"{file}: not imported: {result.rows_rejected} of {result.rows_read} rows rejected; "
            "the store is unchanged (fix the file, or pass --skip-bad-rows)",
            err=True,
        )
        sys.exit(EXIT_FINDINGS)
    kept = result.entry.rows
    click.echo(
        f"imported {kept} {system} records as release {release} into "
        f"{import_root(store)} ({result.entry.path})"
        + (f"; skipped {result.rows_rejected} rejected rows" if problems.height else "")
    )
    if problems.height:
        sys.exit(EXIT_FINDINGS)


@reference_group.command("list")
@store_option
@format_option
@reports_errors
def list_command(store: Path | None, fmt: str) -> None:
    """List the releases and systems of the store."""
    manifest = read_manifest(store or default_root())
    frame = pl.DataFrame(
        [
            {
                "release": e.release,
                "published": manifest.published[e.release],
                "default": e.release == manifest.default_release,
                "system": e.system,
                "rows": e.rows,
                "source_file": e.source_file,
                "imported_at": e.imported_at,
            }
            for e in manifest.entries
        ],
        schema_overrides={"published": pl.Date, "rows": pl.Int64},
    )
    emit(frame.sort("release", "system") if frame.height else frame, fmt, "reference releases")


@reference_group.command("verify")
@store_option
@format_option
@reports_errors
def verify_command(store: Path | None, fmt: str) -> None:
    """Check every file of every release against the SHA-256 the manifest names."""
    from mapper.reference.integrity import verify_store

    root = store or default_root()
    report = verify_store(root)
    emit(report, fmt, f"{root}: {report.height} files")
    bad = report.filter(~pl.col("ok"))
    if bad.height:
        click.echo(
            f"mapper: error: {root}: {bad.height} of {report.height} files damaged "
            "(参考库文件损坏); re-import those releases or restore the store",
            err=True,
        )
        sys.exit(EXIT_ERROR)


@reference_group.command("show")
@click.argument("code")
@store_option
@format_option
@reports_errors
def show_command(code: str, store: Path | None, fmt: str) -> None:
    """Show CODE's record in every release that holds it, oldest first."""
    from mapper.reference.history import code_history

    history = code_history(code, store)
    if history.is_empty():
        click.echo(f"{code}: in no release of the store (编码不在任何版本中)", err=True)
        sys.exit(EXIT_FINDINGS)
    if fmt == "table":
        # One column per release reads best for a record's history.
        cells = history.with_columns(pl.all().cast(pl.String))
        emit(cells.transpose(include_header=True, header_name="field", column_names="release"),
             fmt, code.strip().upper())  # fmt: skip
    else:
        emit(history, fmt)


@reference_group.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--system", "systems", multiple=True, type=click.Choice(list(LAYOUTS)))
@store_option
@format_option
@reports_errors
def diff_command(
    old: str, new: str, systems: tuple[str, ...], store: Path | None, fmt: str
) -> None:
    """What changed from release OLD to NEW: added, revoked and changed codes per system."""
    from mapper.reference.diff import diff_counts, diff_releases

    diff = diff_releases(old, new, store=store, systems=list(systems) or None)
    if fmt == "table":
        emit(diff_counts(diff), fmt, f"{old} → {new}: codes per change")
    emit(diff, fmt, f"{old} → {new}: {diff.height} changes")


@reference_group.command("impact")
@click.argument("catalog", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "old", required=True, help="The release the catalog was mapped to.")
@click.option("--to", "new", required=True, help="The new release.")
@store_option
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Check date for both releases (default: the date NEW is published).",
)
@click.option("--column", "columns", multiple=True, metavar="FIELD=HEADER")
@click.option("--encoding", help="Text encoding of a CSV catalog.")
@click.option("--sheet", help="Excel sheet name or 1-based number.")
@format_option
@reports_errors
def impact_command(
    catalog: Path,
    old: str,
    new: str,
    store: Path | None,
    as_of: Any,
    columns: tuple[str, ...],
    encoding: str | None,
    sheet: str | None,
    fmt: str,
) -> None:
    """Which items of CATALOG the release NEW breaks, fixes or changes compared with OLD."""
    from mapper.reference.impact import release_impact

    impact = release_impact(
        catalog,
        old,
        new,
        store=store,
        as_of=as_of.date() if as_of else None,
        columns=parse_columns(columns),
        encoding=encoding,
        sheet=sheet,
    )
    emit(impact, fmt, f"{catalog.name}: {old} → {new}, {impact.height} items affected")
    if (impact.get_column("impact") == "breaks").any():
        sys.exit(EXIT_FINDINGS)
