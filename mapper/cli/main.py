"""``mapper`` command line. Each command parses options, calls the API and picks a writer.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings; 2 usage or input error.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from mapper import api
from mapper.errors import MapperError
from mapper.rules import RULES, get_rule
from mapper.rules.docs import rule_page, rules_markdown
from mapper.writers import WRITERS, get_writer
from mapper.writers.text import TextWriter

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FINDINGS = 1
EXIT_ERROR = 2


def reports_errors(func: F) -> F:
    """Turn mapper's own errors into one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MapperError as exc:
            click.echo(f"mapper: error: {exc}", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def parse_columns(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        field, sep, header = value.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise click.BadParameter(f"'{value}' is not FIELD=HEADER", param_hint="--column")
        out[field.strip()] = header.strip()
    return out


def split_list(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mapper")
def cli() -> None:
    """Check item catalogs against China's national medical-insurance codes (医保贯标)."""


@cli.command()
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


@cli.command("rules")
@click.option("--markdown", is_flag=True, help="Print the full rules page (docs/rules.md).")
def list_rules(markdown: bool) -> None:
    """List every rule: code, name, severity and what it checks."""
    if markdown:
        click.echo(rules_markdown(), nl=False)
        return
    for cls in sorted(RULES.values(), key=lambda c: c.code):
        click.echo(f"{cls.code}  {cls.name:<30} {cls.severity.value:<8} {cls.summary()}")


@cli.command("rule")
@click.argument("code")
@reports_errors
def show_rule(code: str) -> None:
    """Print the documentation page of one rule (by code or name)."""
    click.echo(rule_page(get_rule(code)), nl=False)
