"""``mapper check``: check a catalog and report every item's findings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from mapper import api
from mapper.cli.common import parse_columns, reports_errors, split_list
from mapper.writers import WRITERS, get_writer
from mapper.writers.text import TextWriter


@click.command()
@click.argument("catalog", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--reference",
    "reference",
    type=click.Path(file_okay=False, path_type=Path),
    help="Reference store folder (default: the shipped reference_codes/).",
)
@click.option("--release", help="Reference release to check against (default: the store's).")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Check date for code validity, YYYY-MM-DD (default: today).",
)
@click.option("--encoding", help="Text encoding of a CSV (default: detect UTF-8/GBK/GB18030).")
@click.option("--sheet", help="Excel sheet name or 1-based number (default: the first).")
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="Which header holds a field, e.g. --column code=国家码. Repeatable.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="RULES",
    help="Run only these rules (codes or prefixes, comma-separated).",
)
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(WRITERS)),
    default="text",
    show_default=True,
    help="What to print on standard output.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write every format (CSV, XLSX, Parquet, JSON, text) into this folder.",
)
@click.option(
    "--policy",
    metavar="PROFILE",
    help="Payment policy: national (default), harbin-2021, huzhou-2022, or a .toml file. "
    "A regional profile checks validity on its go-live date unless --as-of is given.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="error",
    show_default=True,
    help="Exit 1 when a finding of this severity or worse exists.",
)
@reports_errors
def check(
    catalog: Path,
    reference: Path | None,
    release: str | None,
    as_of: Any,
    encoding: str | None,
    sheet: str | None,
    columns: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    out_dir: Path | None,
    fail_on: str,
    policy: str | None,
) -> None:
    """Check CATALOG (CSV, XLSX/XLS, Parquet) and report every item's findings."""
    result = api.check(
        catalog,
        reference,
        as_of=as_of.date() if as_of else None,
        release=release,
        select=split_list(select),
        ignore=split_list(ignore),
        encoding=encoding,
        sheet=sheet,
        columns=parse_columns(columns),
        policy=policy,
    )
    writer = get_writer(fmt)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = [p for w in WRITERS.values() for p in w.write(result, out_dir)]
        click.echo(f"wrote {len(written)} files to {out_dir}/", err=True)
    if isinstance(writer, TextWriter):
        writer.print(result, Console(width=140 if not sys.stdout.isatty() else None))
    else:
        rendered = writer.render(result)
        if rendered is None:
            if out_dir is None:
                raise click.UsageError(f"--format {fmt} writes files: add --out DIR")
        else:
            click.echo(rendered, nl=False)
    sys.exit(result.exit_code(fail_on))
