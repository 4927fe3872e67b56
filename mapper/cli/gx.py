"""``mapper gx suite`` and ``mapper gx run``: the catalog checks as a great-expectations suite.

great-expectations is an optional extra (``pip install mapper[gx]``); it is imported only when
one of these commands runs, never when the CLI starts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from mapper.cli.common import catalog_options, parse_columns, reports_errors

KINDS = ("pharmacy", "hospital")  # mapper.integrations.gx.KINDS, without importing it here


@click.group("gx")
def gx_group() -> None:
    """great-expectations (GX Core) integration: the Expectation Suite, runs and Data Docs."""


kind_option = click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="hospital",
    show_default=True,
    help="Catalog kind: which columns are required and which line types are expected.",
)


@gx_group.command("suite")
@kind_option
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the suite JSON to this file (default: standard output).",
)
@reports_errors
def suite_command(kind: str, out_file: Path | None) -> None:
    """Write the Expectation Suite (GX JSON) for a pharmacy or hospital catalog."""
    from mapper.integrations import gx as mgx

    text = json.dumps(mgx.expectation_suite(kind).to_json_dict(), ensure_ascii=False, indent=2)
    if out_file is None:
        click.echo(text)
    else:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {out_file}", err=True)


@gx_group.command("run")
@click.argument("catalog", type=click.Path(dir_okay=False, path_type=Path))
@kind_option
@click.option(
    "--docs",
    "docs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Build GX Data Docs (suite and validation pages) into this folder.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Check date for code validity, YYYY-MM-DD (default: today).",
)
@click.option(
    "--policy",
    metavar="PROFILE",
    help="Payment policy: national (default), harbin-2021, huzhou-2022, or a .toml file.",
)
@click.option(
    "--reference",
    type=click.Path(file_okay=False, path_type=Path),
    help="Reference store folder (default: the shipped reference_codes/).",
)
@click.option("--release", help="Reference release to check against (default: the store's).")
@catalog_options
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="error",
    show_default=True,
    help="Exit 1 when an expectation of this severity or worse fails.",
)
@reports_errors
def run_command(
    catalog: Path,
    kind: str,
    docs_dir: Path | None,
    as_of: Any,
    policy: str | None,
    reference: Path | None,
    release: str | None,
    encoding: str | None,
    sheet: str | None,
    columns: tuple[str, ...],
    fail_on: str,
) -> None:
    """Run the suite with GX Core on CATALOG enriched by mapper; print each expectation."""
    from mapper.integrations import gx as mgx

    frame = mgx.enriched_frame(
        catalog,
        reference,
        as_of=as_of.date() if as_of else None,
        release=release,
        policy=policy,
        encoding=encoding,
        sheet=sheet,
        columns=parse_columns(columns),
    )
    run = mgx.validate(frame, kind=kind, docs_dir=docs_dir)
    failed = [o for o in run.outcomes if not o.success]
    click.echo(
        f"{catalog}: {len(frame)} rows, {len(run.outcomes)} expectations, {len(failed)} failed "
        f"(suite mapper-{kind})"
    )
    for o in mgx.in_suite_order(run.outcomes):
        label = o.rule or o.item_column or "columns"
        if o.line_kind:
            label += f"/{o.line_kind}"
        target = f"{o.expectation}({o.column})"
        if o.error:
            counts = f"error: {o.error}"
        elif o.unexpected is None:
            counts = ""
        else:
            counts = f"{o.unexpected} of {o.checked} rows"
        click.echo(f"{'ok  ' if o.success else 'FAIL'} {label:<26} {target:<58} {counts}".rstrip())
    if run.docs_index is not None:
        click.echo(f"Data Docs: {run.docs_index}", err=True)
    sys.exit(run.exit_code(fail_on))
