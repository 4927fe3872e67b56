"""Pieces every command shares: error reporting and option parsing helpers."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

from mapper.errors import MapperError, one_line
from mapper.policy.moments import parse_moment

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
            click.echo(f"mapper: error: {one_line(str(exc))}", err=True)
            sys.exit(EXIT_ERROR)
        except OSError as exc:  # unwritable --out, disk full, permission denied …
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"mapper: error: {where}{one_line(str(exc.strerror or exc))}", err=True)
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:  # never a traceback; exit 2 so scripts do not read "findings"
            click.echo(
                f"mapper: error: unexpected {type(exc).__name__}: {one_line(str(exc))} "
                "(please report this with the command you ran)",
                err=True,
            )
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def parse_columns(values: tuple[str, ...]) -> dict[str, str]:
    """``--column field=header`` values as a dict."""
    out = {}
    for value in values:
        field, sep, header = value.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise click.BadParameter(f"'{value}' is not FIELD=HEADER", param_hint="--column")
        out[field.strip()] = header.strip()
    return out


def split_list(values: tuple[str, ...]) -> list[str]:
    """Repeatable, comma-separated option values as one list."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def catalog_options(func: F) -> F:
    """How to read a catalog: ``--encoding``, ``--sheet``, ``--column FIELD=HEADER``."""
    options = [
        click.option(
            "--encoding", help="Text encoding of a CSV (default: detect UTF-8/GBK/GB18030)."
        ),
        click.option(
            "--sheet", help="Excel sheet name or 1-based number (default: the first visible)."
        ),
        click.option(
            "--column",
            "columns",
            multiple=True,
            metavar="FIELD=HEADER",
            help="Which header holds a field, e.g. --column code=国家码. Repeatable.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


class AsOf(click.ParamType[date, Any]):
    """``--as-of``: a date (``2021-10-22``, 00:00 of that day) or a date-time
    (``2021-10-22T20:00``, China time unless an offset is given; ``24:00`` ends the day)."""

    name = "DATE[THH:MM]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_moment(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


AS_OF = AsOf()
