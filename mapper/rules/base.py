"""What a rule is: a small class with a stable code, a severity, a message template and a
vectorised condition. Its docstring is its documentation page, in ruff's shape."""

from __future__ import annotations

import string
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar, Literal

import polars as pl

from mapper.rules.links import rule_url


class Severity(StrEnum):
    """How much a finding matters; ``--fail-on`` picks the threshold."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## How to fix")

ROW_KEYS = ("row", "item_id")
FINDINGS_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "item_id": pl.String(),
    "rule": pl.String(),
    "severity": pl.String(),
    "field": pl.String(),
    "expected": pl.String(),
    "actual": pl.String(),
    "message": pl.String(),
}


@dataclass(frozen=True)
class CheckContext:
    """What a rule may depend on besides the catalog row: the check date and release."""

    as_of: date
    release: str = ""


class Rule(ABC):
    """Base class. Subclasses set the class variables and implement :meth:`condition`."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    field: ClassVar[str]
    message: ClassVar[str]  # str.format-style; {expected}, {actual} or any enriched column
    aliases: ClassVar[tuple[str, ...]] = ()
    # "product": reads only what a product is (code, name, spec, …), so the engine runs it once
    # per distinct product; "row": reads a row's own columns (local id) or other rows.
    scope: ClassVar[Literal["product", "row"]] = "product"
    # Row rules: the rows the rule can fire on. None: any row. A column name: only rows whose
    # value in that column occurs on more than one row of the catalog; a streamed check then
    # hands the rule every row of each repeated value, and no other.
    repeats: ClassVar[str | None] = None

    @abstractmethod
    def condition(self, ctx: CheckContext) -> pl.Expr:
        """Boolean expression over the enriched catalog: True where the rule fires."""

    def expected(self, ctx: CheckContext) -> pl.Expr:
        """What the value should be (evaluated only on rows where the rule fires)."""
        return pl.lit(None, pl.String)

    def actual(self, ctx: CheckContext) -> pl.Expr:
        """What the catalog has (evaluated only on rows where the rule fires)."""
        return pl.col(self.field)

    def reads(self, ctx: CheckContext) -> set[str]:
        """The columns the rule's findings read (condition, expected, actual, message): the
        engine derives from these which reference columns to look up and which product
        columns the row rules need."""
        exprs = (self.condition(ctx), self.expected(ctx), self.actual(ctx))
        names = {name for expr in exprs for name in expr.meta.root_names()}
        return names | set(render_message(self.message).meta.root_names())

    @classmethod
    def summary(cls) -> str:
        """The first line of the docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0]

    @classmethod
    def url(cls, base: str | None = None) -> str:
        """The rule's documentation page: absolute, from ``base`` (a documentation base URL
        or template, :mod:`mapper.rules.links`; default: mapper's documentation)."""
        return rule_url(cls.code, cls.name, base)

    def findings(
        self, enriched: pl.LazyFrame, ctx: CheckContext, keys: Sequence[str] = ROW_KEYS
    ) -> pl.LazyFrame:
        """The rule's findings: one row per frame row where :meth:`condition` holds, with the
        ``keys`` columns that identify it (catalog row and local id, or a product key)."""
        expected = self.expected(ctx).cast(pl.String)
        actual = self.actual(ctx).cast(pl.String)
        return (
            enriched.filter(self.condition(ctx).fill_null(False))
            .with_columns(_expected=expected, _actual=actual)
            .select(
                *keys,
                rule=pl.lit(self.code),
                severity=pl.lit(self.severity.value),
                field=pl.lit(self.field),
                expected=pl.col("_expected"),
                actual=pl.col("_actual"),
                message=render_message(self.message),
            )
        )


def render_message(template: str) -> pl.Expr:
    """Turn a ``str.format`` template into a string expression over the enriched frame."""
    pieces: list[pl.Expr] = []
    for literal, field_name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            pieces.append(pl.lit(literal))
        if field_name:
            column = {"expected": "_expected", "actual": "_actual"}.get(field_name, field_name)
            pieces.append(pl.col(column).cast(pl.String).fill_null("（空）"))
    return pl.concat_str(pieces) if pieces else pl.lit("")
