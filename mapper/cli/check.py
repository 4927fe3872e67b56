"""``mapper check``: check a catalog and report every item's findings."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from mapper import api
from mapper.baseline import Baseline, without_accepted
from mapper.catalog import read_catalog
from mapper.catalog_diff import report_changes
from mapper.cli.common import (
    AS_OF,
    catalog_options,
    parse_columns,
    reports_errors,
    split_list,
)
from mapper.cli.config import CONFIG_OPTION, config_for_check
from mapper.output import staged
from mapper.policy.moments import china_date
from mapper.reference import open_reference
from mapper.stream import STREAMED, check_to
from mapper.writers import WRITERS, get_writer
from mapper.writers.text import TextWriter


@click.command()
@click.argument("catalog", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--reference",
    "reference",
    type=click.Path(file_okay=False, path_type=Path),
    help="Reference store folder, or a release name of the default store (e.g. 2026-12). "
    "Without --release, --as-of picks the release in force on that date per system.",
)
@click.option("--release", help="Reference release to check against (default: the store's).")
@click.option(
    "--as-of",
    "as_of",
    type=AS_OF,
    help="Check date for code validity, YYYY-MM-DD (default: today); with a time, "
    "YYYY-MM-DDTHH:MM (China time unless an offset is given), also where the check falls on "
    "the policy's cut-over timeline. A plain date is 00:00 of that day.",
)
@catalog_options
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
    "--out-format",
    "out_formats",
    multiple=True,
    type=click.Choice(sorted(WRITERS)),
    help="Write only these formats into --out (repeat the option). With only "
    + ", ".join(sorted(STREAMED))
    + " the check streams: memory stays flat for catalogs of any size (findings.parquet, "
    "items.parquet and cash_items.parquet are then always written).",
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
@CONFIG_OPTION
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only findings not in this baseline file, and list its entries now fixed.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record the current findings as accepted in this baseline file (then exit 0).",
)
@click.option(
    "--prune-baseline", is_flag=True, help="With --baseline: drop entries no longer found."
)
@click.option(
    "--diff",
    "diff",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="OLD_CATALOG",
    help="Report only rows added or changed since OLD_CATALOG, and the findings fixed.",
)
@click.option(
    "--exit-zero", is_flag=True, help="Exit 0 even with findings (2 still means an error)."
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
    out_formats: tuple[str, ...],
    fail_on: str,
    policy: str | None,
    config_file: Path | None,
    baseline: Path | None,
    write_baseline: Path | None,
    prune_baseline: bool,
    diff: Path | None,
    exit_zero: bool,
) -> None:
    """Check CATALOG (CSV, XLSX/XLS, Parquet) and report every item's findings.

    Settings come from the flags, else from [tool.mapper] in pyproject.toml or mapper.toml
    (found from the working directory upward), else the defaults: `mapper config show`.
    """
    cfg = config_for_check(config_file)  # flag > config file > default
    select, ignore, fail_on, policy = cfg.select, cfg.ignore, cfg.fail_on, cfg.policy
    release, encoding, sheet = cfg.release, cfg.encoding, cfg.sheet
    columns = tuple(f"{field}={header}" for field, header in cfg.columns.items())
    as_of = cfg.as_of  # a date, or a date-time placing the check on the cut-over timeline
    if reference is None and cfg.reference is not None:
        reference = Path(cfg.reference)
    ref = open_reference(reference, release, china_date(as_of) if as_of else None)
    if out_formats and out_dir is None:
        raise click.UsageError("--out-format chooses what --out writes: add --out DIR")
    formats = list(out_formats) or list(WRITERS)
    options: dict[str, Any] = {
        "as_of": as_of,
        "release": release,
        "select": split_list(select),
        "ignore": split_list(ignore),
        "encoding": encoding,
        "sheet": sheet,
        "columns": parse_columns(columns),
        "policy": policy,
        "severity": cfg.severity,
    }
    # Every output file, or none: written into a staging folder, moved in at the end.
    with staged(out_dir) if out_dir is not None else nullcontext() as stage:
        in_memory = baseline or write_baseline or diff  # these compare whole finding tables
        if stage is not None and set(formats) <= STREAMED and not in_memory:
            result = check_to(catalog, stage, ref, **options)
        else:
            result = api.check(catalog, ref, **options)
        full = result.findings
        if write_baseline is not None:
            Baseline.from_findings(full).write(write_baseline)
            click.echo(
                f"wrote baseline {write_baseline}: {full.height} findings accepted", err=True
            )
            baseline = baseline or write_baseline
        if diff is not None:  # the old version, read and checked the same way
            new_cat, old_cat = (
                read_catalog(path, encoding=encoding, sheet=sheet, columns=parse_columns(columns))
                for path in (catalog, diff)
            )
            old = api.check(
                old_cat,
                ref,
                as_of=as_of or result.as_of,
                release=result.release,
                select=split_list(select),
                ignore=split_list(ignore),
                policy=policy,
                severity=cfg.severity,
            )
            result, changes = report_changes(result, new_cat, old_cat, old)
            click.echo(changes.describe(diff), err=True)
        if baseline is not None:
            checked = Baseline.read(baseline).check(full)
            result = without_accepted(result, checked)
            click.echo(checked.describe(baseline), err=True)
            if prune_baseline and not checked.stale.is_empty():
                checked.pruned.write(baseline)
                click.echo(f"pruned {len(checked.stale)} stale entries from {baseline}", err=True)
        writer = get_writer(fmt)
        if stage is not None:
            written = [p for name in formats for p in WRITERS[name].write(result, stage)]
        if isinstance(writer, TextWriter):
            writer.print(result, Console(width=140 if not sys.stdout.isatty() else None))
        else:
            rendered = writer.render(result)
            if rendered is None:
                if out_dir is None:
                    raise click.UsageError(f"--format {fmt} writes files: add --out DIR")
            else:
                click.echo(rendered, nl=False)
    if out_dir is not None:
        click.echo(f"wrote {len(written)} files to {out_dir}/", err=True)
    sys.exit(0 if exit_zero else result.exit_code(fail_on))
