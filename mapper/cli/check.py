"""``mapper check``: check a catalog and report every item's findings."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from mapper import api
from mapper.baseline import Baseline, without_accepted
from mapper.catalog import read_catalog
from mapper.catalog_diff import report_changes
from mapper.cli.common import AS_OF, catalog_options, reports_errors
from mapper.cli.config import CONFIG_OPTION, config_for_check
from mapper.cli.progress import Bar, stderr_is_terminal
from mapper.many import combine, expand
from mapper.output import staged
from mapper.policy.moments import china_date
from mapper.reference import Reference, open_reference
from mapper.result import CheckResult
from mapper.stream import STREAMED, check_to
from mapper.writers import WRITERS, Writer, get_writer
from mapper.writers import text as text_report
from mapper.writers.text import TextWriter


@click.command()
@click.argument("catalogs", nargs=-1, required=True, metavar="CATALOG...")
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
    "--output-format",
    "--format",
    "fmt",
    type=click.Choice(sorted(WRITERS)),
    help="What to print (default text; --format is an alias).",
)
@click.option(
    "-o",
    "--output-file",
    "output_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print only the findings (one a line) and the one-line verdict; no progress bar.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Print the number of findings per rule instead of the findings.",
)
@click.option(
    "--docs-url",
    "docs_url",
    metavar="URL",
    help="Documentation base URL of the rule links (folder of rules.md, or a template with "
    "{code}, {name} or {anchor}); default: mapper's documentation.",
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
    help="Exit 1 when a finding of this severity or worse exists (default error).",
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
    catalogs: tuple[str, ...],
    reference: Path | None,
    release: str | None,
    as_of: Any,
    encoding: str | None,
    sheet: str | None,
    columns: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str | None,
    output_file: Path | None,
    quiet: bool,
    statistics: bool,
    docs_url: str | None,
    out_dir: Path | None,
    out_formats: tuple[str, ...],
    fail_on: str | None,
    policy: str | None,
    config_file: Path | None,
    baseline: Path | None,
    write_baseline: Path | None,
    prune_baseline: bool,
    diff: Path | None,
    exit_zero: bool,
) -> None:
    """Check CATALOG files (CSV, XLSX/XLS, Parquet; folders and glob patterns too) and report
    every item's findings: one report and one exit code for all of them.

    Settings come from the flags, else from [tool.mapper] in pyproject.toml or mapper.toml
    (found from the working directory upward), else the defaults: `mapper config show`.
    """
    cfg = config_for_check(config_file)  # flag > config file > default
    fmt = cfg.output_format or "text"
    baseline = Path(cfg.baseline) if cfg.baseline else None
    paths = expand(catalogs)
    if out_formats and out_dir is None:
        raise click.UsageError("--out-format chooses what --out writes: add --out DIR")
    if diff is not None and len(paths) > 1:
        raise click.UsageError("--diff compares one catalog with its old version: give one")
    if statistics and fmt not in ("text", "json"):
        raise click.UsageError("--statistics prints text or json: drop --output-format " + fmt)
    as_of = cfg.as_of  # a date, or a date-time placing the check on the cut-over timeline
    ref = open_reference(
        Path(cfg.reference) if cfg.reference else None,
        cfg.release,
        china_date(as_of) if as_of else None,
    )
    options: dict[str, Any] = {
        "as_of": cfg.as_of,
        "release": cfg.release,
        "select": list(cfg.select),
        "ignore": list(cfg.ignore),
        "encoding": cfg.encoding,
        "sheet": cfg.sheet,
        "columns": cfg.columns,
        "policy": cfg.policy,
        "severity": cfg.severity,
    }
    formats = list(out_formats) or list(WRITERS)

    def note(text: str) -> None:  # what happened besides the findings, on standard error
        if not quiet:
            click.echo(text, err=True)

    # Every output file, or none: written into a staging folder, moved in at the end.
    staging = staged(out_dir) if out_dir is not None else nullcontext()
    with Bar(enabled=stderr_is_terminal() and not quiet) as bar, staging as stage:
        # Streaming keeps memory flat for one huge file; these compare whole finding tables.
        streams = out_dir is not None and set(formats) <= STREAMED and len(paths) == 1
        in_memory = baseline or write_baseline or diff or not streams

        def check_one(path: Path) -> CheckResult:
            if not in_memory:  # chunk by chunk: the bar hears of each one
                assert stage is not None
                return check_to(
                    path,
                    stage,
                    ref,
                    progress=lambda stage, rows, total: bar.report(
                        f"{stage} {path.name}", rows, total
                    ),
                    **options,
                )
            with bar.stage(f"checking {path.name}", None) as advance:
                one = api.check(path, ref, **options)
                advance.total(one.summary.rows_read)
                advance(one.summary.rows_read)
            return one

        result = combine([check_one(path) for path in paths])
        result = replace(result, docs_url=cfg.docs_url)
        full = result.findings
        if write_baseline is not None:
            Baseline.from_findings(full).write(write_baseline)
            note(f"wrote baseline {write_baseline}: {full.height} findings accepted")
            baseline = baseline or write_baseline
        if diff is not None:  # the old version, read and checked the same way
            result = _only_changes(result, paths[0], diff, ref, options, note)
        if baseline is not None:
            checked = Baseline.read(baseline).check(full)
            result = without_accepted(result, checked)
            note(checked.describe(baseline))
            if prune_baseline and not checked.stale.is_empty():
                checked.pruned.write(baseline)
                note(f"pruned {len(checked.stale)} stale entries from {baseline}")
        if stage is not None:
            rows = result.summary.rows_read
            written = []
            with bar.stage(f"writing {out_dir}/", rows * len(formats)) as advance:
                for name in formats:
                    advance.describe(f"writing {out_dir}/ {name}")
                    written += WRITERS[name].write(result, stage)
                    advance(rows)
        # Reported while the staged files are where a streamed result reads its items.
        fail_on = cfg.fail_on
        verdict = text_report.verdict(result, fail_on)
        _report(result, fmt, output_file, out_dir, quiet=quiet, statistics=statistics)
    if out_dir is not None:
        note(f"wrote {len(written)} files to {out_dir}/")
    # The verdict ends a report a person reads (in a file with -o: on standard error); GitHub
    # annotations are read by a log too, so it follows them there, keeping standard output
    # to the workflow commands. Other machine formats keep their output to themselves.
    if fmt in ("text", "github"):
        click.echo(verdict, err=output_file is not None or fmt == "github")
    sys.exit(0 if exit_zero else result.exit_code(fail_on))


def _only_changes(
    result: CheckResult,
    catalog: Path,
    diff: Path,
    ref: Reference,
    options: dict[str, Any],
    note: Callable[[str], None],
) -> CheckResult:
    """``--diff OLD``: only the findings of rows added or changed since the old catalog."""
    reading = {k: options[k] for k in ("encoding", "sheet", "columns")}
    new_cat, old_cat = (read_catalog(path, **reading) for path in (catalog, diff))
    checking = {k: v for k, v in options.items() if k not in reading}
    as_of = checking.get("as_of") or result.as_of  # the moment the user gave, if any
    old = api.check(old_cat, ref, **{**checking, "as_of": as_of, "release": result.release})
    result, changes = report_changes(result, new_cat, old_cat, old)
    note(changes.describe(diff))
    return result


def _report(
    result: CheckResult,
    fmt: str,
    output_file: Path | None,
    out_dir: Path | None,
    *,
    quiet: bool,
    statistics: bool,
) -> None:
    """Print (or write to ``output_file``) the report in ``fmt``."""
    writer = get_writer(fmt)
    if statistics:
        text: str | None = (
            json.dumps(text_report.statistics(result).to_dicts(), ensure_ascii=False, indent=2)
            + "\n"
            if fmt == "json"
            else text_report.statistics_text(result)
        )
    elif quiet and fmt == "text":
        text = text_report.finding_lines(result)
    elif isinstance(writer, TextWriter) and output_file is None:
        width = 140 if not sys.stdout.isatty() else None
        writer.print(result, Console(width=width, highlight=False))
        return
    else:
        text = writer.render(result)
    if text is None:  # a binary format: its file, written where -o says
        if output_file is None:
            if out_dir is None:
                raise click.UsageError(f"--output-format {fmt} writes files: add -o FILE")
            return
        _write_binary(writer, result, output_file)
    elif output_file is not None:
        output_file.parent.mkdir(parents=True, exist_ok=True)
        output_file.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _write_binary(writer: Writer, result: CheckResult, output_file: Path) -> None:
    """A binary format's one file, written to ``output_file``."""
    output_file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output_file.parent) as work:
        files = writer.write(result, Path(work))
        if len(files) != 1:
            raise click.UsageError(
                f"--output-format {writer.name} writes {len(files)} files: use --out DIR"
            )
        shutil.move(files[0], output_file)
