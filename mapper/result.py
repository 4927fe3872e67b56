"""The outcome of a check: the findings frame, and the item table and summary derived from it.

Item status and the summary are computed from the findings and nothing else, so they can
never disagree with them; every catalog row appears in the item table exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from mapper.catalog.sheets import ReadReport, sheet_row
from mapper.catalog.structure import no_skipped
from mapper.engine import positions
from mapper.errors import ConfigError
from mapper.fields import ROW_FIELDS
from mapper.line_types import LINE_TYPES, non_insured_expr
from mapper.policy.readiness import Readiness
from mapper.policy.timeline import Position
from mapper.rules import Rule, Severity, get_rule

SEVERITY_RANK = {s.value: s.rank for s in Severity}
# Goods outside insurance (COD006): outside every 贯标率's denominator.
GOODS = pl.col("non_insured_goods").fill_null(False)
CATALOG = "catalog"  # the file a finding or item is from, when one result holds several
BY_SHEET = pl.Schema(
    {"sheet": pl.String(), "items": pl.Int64(), "coded_ok": pl.Int64(), "coded_rate": pl.Float64()}
)

# fmt: off
ITEM_COLUMNS = (
    "row", "sheet", "sheet_row", "item_id", "name", "spec", "manufacturer", "approval_no", "code",
    "line_type", "line_type_source", "category", "code_system", "non_insured_goods", "status",
    "coded_ok", "errors", "warnings", "infos", "rules", "problem", "ref_name",
    "ref_payment_category", "unit_price", "quantity",
    "code_present", "code_known", "ref_valid_from", "ref_valid_to",
)
# fmt: on
FROM_CATALOG = {
    "sheet",
    "ref_valid_from",
    "ref_valid_to",
    "row",
    "item_id",
    "name",
    "spec",
    "manufacturer",
    "approval_no",
    "code",
    "code_system",
    "ref_name",
    "ref_payment_category",
    "unit_price",
    "quantity",
}  # fmt: skip


@dataclass
class Summary:
    """Counts a report opens with; every total adds up to the rows read.

    贯标率 (``coded_rate``) is the share of insured items coded correctly: goods outside
    insurance (COD006: settled in cash, nothing to map) are outside its denominator.
    """

    rows_read: int
    by_status: dict[str, int]
    by_rule: pl.DataFrame
    by_line_type: pl.DataFrame
    payment: pl.DataFrame | None = None
    readiness: Readiness | None = None
    amount_basis: str = ""
    by_catalog: pl.DataFrame | None = None  # several files: rows, 贯标率 and findings of each
    cutover: Position | None = None  # where the check's moment falls on the policy's timeline
    # Per workbook sheet, in workbook order (empty for CSV and Parquet): items, coded ok, 贯标率.
    by_sheet: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=BY_SHEET))

    @property
    def institution_ready(self) -> bool:
        return self.readiness.ready if self.readiness is not None else False

    @property
    def coded_ok(self) -> int:
        return int(self.by_line_type.get_column("coded_ok").sum())

    @property
    def insured_items(self) -> int:
        return self.rows_read - int(self.by_line_type.get_column("non_insured").sum())

    @property
    def coded_rate(self) -> float:
        return self.coded_ok / self.insured_items if self.insured_items else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "insured_items": self.insured_items,
            "coded_ok": self.coded_ok,
            "coded_rate": round(self.coded_rate, 4),
            "by_status": self.by_status,
            "by_rule": self.by_rule.to_dicts(),
            "by_line_type": self.by_line_type.to_dicts(),
            "by_sheet": self.by_sheet.to_dicts(),
            "institution_ready": self.institution_ready,
            "readiness": self.readiness.to_dict() if self.readiness is not None else None,
            "amount_basis": self.amount_basis,
            "payment": self.payment.to_dicts() if self.payment is not None else [],
            **({"by_catalog": self.by_catalog.to_dicts()} if self.by_catalog is not None else {}),
            "cutover": self.cutover.to_dict() if self.cutover is not None else None,
        }


@dataclass
class CheckResult:
    """Findings, items and summary of one catalog check.

    ``items_source`` is the item table as a lazy frame: in memory after :func:`mapper.check`,
    a scan of ``items.parquet`` after a streamed check (:func:`mapper.stream.check_to`), so
    ``items`` (the collected table) is only loaded when something asks for every row.
    """

    findings: pl.DataFrame
    items_source: pl.LazyFrame
    summary: Summary
    catalog: str = ""
    release: str = ""
    as_of: date | None = None
    rules: list[str] = field(default_factory=list)
    encoding: str = ""
    policy: str = ""
    blank_rows: int = 0
    written: dict[str, Path] = field(default_factory=dict)  # tables a streamed check wrote
    docs_url: str | None = None  # base of the rule links in reports (None: mapper's docs)
    catalogs: list[str] = field(default_factory=list)  # several files: each one, in order
    reading: ReadReport = field(default_factory=lambda: ReadReport(no_skipped()))

    @property
    def several(self) -> bool:
        """Several catalog files in one result: findings and items carry a ``catalog``
        column naming each one's file."""
        return CATALOG in self.findings.columns

    @cached_property
    def items(self) -> pl.DataFrame:
        return self.items_source.collect()

    @property
    def has_sheets(self) -> bool:
        """Whether the catalog was read from workbook sheets (rows then carry a sheet)."""
        return bool(self.reading.sheets)

    @cached_property
    def located_findings(self) -> pl.DataFrame:
        """The findings with the ``sheet`` and ``sheet_row`` a clerk looks for (after ``row``)
        when the catalog came from a workbook; else the findings as they are."""
        if not self.has_sheets:
            return self.findings
        where = self.items_source.select(
            "row", pl.col("sheet").cast(pl.String), pl.col("sheet_row")
        ).filter(pl.col("row").is_in(self.findings.get_column("row").unique().implode()))
        return (
            self.findings.lazy()
            .join(where, on="row", how="left", maintain_order="left")
            .select("row", "sheet", "sheet_row", *self.findings.columns[1:])
            .collect()
        )

    def exit_code(self, fail_on: str = "error") -> int:
        """0 when no finding reaches ``fail_on`` (error, warning, info or never), else 1."""
        if fail_on == "never" or self.findings.is_empty():
            return 0
        threshold = SEVERITY_RANK[fail_on]
        worst = self.findings.get_column("severity").replace_strict(SEVERITY_RANK).max()
        return 1 if worst is not None and int(worst) >= threshold else 0  # type: ignore[arg-type]

    def meta(self) -> dict[str, Any]:
        return {
            "catalog": self.catalog,
            "encoding": self.encoding,
            "reference_release": self.release,
            "policy": self.policy,
            "blank_rows_skipped": self.blank_rows,
            **self.reading.to_dict(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "rules": self.rules,
            **({"catalogs": self.catalogs} if self.catalogs else {}),
        }


def finding_status(findings: pl.LazyFrame, key: str) -> pl.LazyFrame:
    """Per ``key`` (catalog row or product): counts per severity, the rules that fired, the
    worst severity and the message of the worst finding (ties: lowest rule code)."""
    return (
        findings.with_columns(rank=pl.col("severity").replace_strict(SEVERITY_RANK))
        .sort(key, "rank", "rule", descending=[False, True, False])
        .group_by(key, maintain_order=True)
        .agg(
            errors=(pl.col("severity") == "error").sum().cast(pl.Int64),
            warnings=(pl.col("severity") == "warning").sum().cast(pl.Int64),
            infos=(pl.col("severity") == "info").sum().cast(pl.Int64),
            rules=pl.col("rule").unique(maintain_order=True).sort().str.join(","),
            problem=pl.col("message").first(),
            worst=pl.col("severity").first(),
        )
    )


STATUS_PARTS = ("errors", "warnings", "infos", "rules", "problem", "worst")


def product_item_columns() -> list[pl.Expr]:
    """The item table's columns computed from an enriched product: its fields, its line, what
    its code is (the engine derives from these which reference columns items read)."""
    return [
        *[pl.col(c) for c in ITEM_COLUMNS if c in FROM_CATALOG and c not in ROW_FIELDS],
        pl.col("line_kind").alias("line_type"),
        pl.col("line_type_source"),
        pl.col("line_type").alias("category"),
        pl.col("goods_class"),
        pl.col("class_term"),
        non_insured_expr().alias("non_insured_goods"),
        # What the code itself is, whichever rules ran: payment is judged on these.
        pl.col("code_key").is_not_null().alias("code_present"),
        (
            pl.col("code_well_formed")
            & pl.col("ref_found")
            & (
                pl.col("expected_system").is_null()
                | pl.col("expected_system").str.split("|").list.contains(pl.col("code_system"))
            ).fill_null(False)
        ).alias("code_known"),
    ]


def product_items(enriched: pl.LazyFrame, findings: pl.LazyFrame, key: str) -> pl.LazyFrame:
    """What the item table says of each product (``key``): :func:`product_item_columns` and
    the status parts of its findings."""
    return enriched.select(key, *product_item_columns()).join(
        finding_status(findings, key), on=key, how="left", maintain_order="left"
    )


def row_status(findings: pl.LazyFrame, redo: pl.Series) -> pl.DataFrame:
    """The status parts of the rows in ``redo`` (those a row rule fired on) from all their
    findings, sorted by row."""
    chosen = findings.filter(pl.col("row").is_in(redo.implode()))
    return finding_status(chosen, "row").sort("row").collect()


def item_table(
    rows: pl.LazyFrame, products: pl.DataFrame, key: str, redone: pl.DataFrame
) -> pl.LazyFrame:
    """One row per catalog row, in catalog order: its own columns, its product's (looked up on
    ``key``), and its status. Rows in ``redone`` (:func:`row_status`) take their status from
    there instead of their product's.

    Product columns are gathered by position, batch by batch, rather than joined: that keeps
    the rows' order, and a binary search in the products sorted by key (pass them sorted to
    skip the sort) builds no hash table per batch."""
    if not products.get_column(key).is_sorted():
        products = products.sort(key)
    keys = products.get_column(key)
    looked_up = products.drop(key)

    def with_product(batch: pl.DataFrame) -> pl.DataFrame:
        found = looked_up[positions(keys, batch.get_column(key))]
        return batch.drop(key).hstack(found)

    schema: dict[str, pl.DataType] = {c: pl.String() for c in ROW_FIELDS}
    schema.update({"row": pl.Int64(), **looked_up.schema})
    redone = redone.with_columns(pl.col(c).cast(products.schema[c]) for c in STATUS_PARTS)
    # A row rule fired: the row's own status replaces its product's.
    status = [pl.coalesce(f"{c}_row", c).alias(c) for c in STATUS_PARTS]
    counts = [pl.col(c).fill_null(0) for c in ("errors", "warnings", "infos")]
    extra = [c for c in products.columns if c not in (*ITEM_COLUMNS, *STATUS_PARTS, key)]
    return (
        rows.select(*ROW_FIELDS, key)
        .map_batches(with_product, schema=schema, streamable=True)
        .join(redone.lazy(), on="row", how="left", suffix="_row", maintain_order="left")
        .with_columns(status)
        .with_columns(
            *counts,
            sheet_row(),
            pl.col("rules").fill_null(""),
            status=pl.col("worst").fill_null("ok"),
            coded_ok=pl.col("errors").fill_null(0) == 0,
        )
        .select(*ITEM_COLUMNS, *extra)
    )


def items_found(findings: pl.DataFrame | pl.LazyFrame) -> pl.Expr:
    """How many items (rows; rows of each file when there are several) findings are on."""
    names = findings.collect_schema().names()
    rows = pl.struct(CATALOG, "row") if CATALOG in names else pl.col("row")
    return rows.n_unique().cast(pl.Int64)


def override_severity(findings: pl.LazyFrame, severity: Mapping[str, str]) -> pl.LazyFrame:
    """Findings with per-rule severity overrides applied (rule code → error/warning/info)."""
    if not severity:
        return findings
    new = pl.col("rule").replace_strict(dict(severity), default=pl.col("severity"))
    return findings.with_columns(new.cast(pl.String).alias("severity"))


def resolve_severity(severity: Mapping[str, str] | None) -> dict[str, str]:
    """Check per-rule overrides: keys are rule codes, names or aliases; values severities."""
    out = {}
    for key, value in (severity or {}).items():
        level = str(value).strip().lower()
        if level not in SEVERITY_RANK:
            raise ConfigError(
                f"severity for {key}: '{value}' is not one of " + ", ".join(SEVERITY_RANK)
            )
        out[get_rule(key).code] = level
    return out


def summarise(
    items: pl.DataFrame | pl.LazyFrame,
    findings: pl.DataFrame | pl.LazyFrame,
    rules: list[Rule],
    severity: Mapping[str, str] | None = None,
) -> Summary:
    """Counts per rule, per status and per line type (with 贯标率, the share coded right).

    Works on item and finding tables in memory or lazily scanned from files: only the
    aggregates are collected."""
    per_rule = (
        findings.lazy()
        .group_by("rule")
        .agg(findings=pl.len().cast(pl.Int64), items=items_found(findings))
        .with_columns(pl.col("rule").cast(pl.String))
    )
    meta = pl.LazyFrame(
        {
            "rule": [r.code for r in rules],
            "name": [r.name for r in rules],
            "severity": [(severity or {}).get(r.code, r.severity.value) for r in rules],
        },
        schema={"rule": pl.String, "name": pl.String, "severity": pl.String},
    )
    by_rule = (
        meta.join(per_rule, on="rule", how="left", maintain_order="left")
        .with_columns(pl.col("findings", "items").fill_null(0))
        .sort("rule")
    )
    goods = pl.col("non_insured_goods").fill_null(False)
    by_line_type = (
        items.lazy()
        .group_by(pl.col("line_type").cast(pl.String))
        .agg(
            items=pl.len().cast(pl.Int64),
            non_insured=goods.sum().cast(pl.Int64),
            coded_ok=(pl.col("coded_ok") & ~goods).sum().cast(pl.Int64),
        )
        .with_columns(
            label=pl.col("line_type").replace_strict(LINE_TYPES, default=pl.col("line_type")),
            # Share of the line's insured items coded right; null for a line of goods only.
            coded_rate=pl.when(pl.col("items") > pl.col("non_insured")).then(
                (pl.col("coded_ok") / (pl.col("items") - pl.col("non_insured"))).round(4)
            ),
        )
        .select("line_type", "label", "items", "non_insured", "coded_ok", "coded_rate")
        .sort("items", "line_type", descending=[True, False])
    )
    statuses = items.lazy().group_by(pl.col("status").cast(pl.String)).len()
    by_rule_frame, by_line_type_frame, status_counts, by_sheet = pl.collect_all(
        [by_rule, by_line_type, statuses, summarise_sheets(items.lazy())]
    )
    by_status = {s: 0 for s in ("ok", "info", "warning", "error")}
    for status, count in status_counts.iter_rows():
        by_status[status] = int(count)
    return Summary(
        rows_read=int(by_line_type_frame.get_column("items").sum()),
        by_status=by_status,
        by_rule=by_rule_frame,
        by_line_type=by_line_type_frame,
        by_sheet=by_sheet,
    )


def summarise_sheets(items: pl.LazyFrame) -> pl.LazyFrame:
    """Items, items coded right and 贯标率 per workbook sheet, in workbook order (rows of a
    later sheet have larger row keys); no rows for a CSV or Parquet catalog."""
    return (
        items.filter(pl.col("sheet").is_not_null())
        .group_by(pl.col("sheet").cast(pl.String))
        .agg(
            items=pl.len().cast(pl.Int64),
            coded_ok=(pl.col("coded_ok") & ~GOODS).sum().cast(pl.Int64),
            insured=(~GOODS).sum().cast(pl.Int64),
            first=pl.col("row").min(),
        )
        .sort("first")
        .select(
            "sheet",
            "items",
            "coded_ok",
            # 贯标率 over the sheet's insured items, as the summary's (goods are COD006).
            pl.when(pl.col("insured") > 0)
            .then((pl.col("coded_ok") / pl.col("insured")).round(4))
            .alias("coded_rate"),
        )
    )


def per_catalog(
    items: pl.LazyFrame | pl.DataFrame, findings: pl.DataFrame, catalogs: Sequence[str]
) -> pl.DataFrame:
    """Each file's rows, rows coded right (贯标率) and findings per severity, in ``catalogs``
    order."""
    order = pl.LazyFrame({CATALOG: list(catalogs)}, schema={CATALOG: pl.String})
    rows = (
        items.lazy()
        .group_by(pl.col(CATALOG).cast(pl.String))
        .agg(
            rows=pl.len().cast(pl.Int64),
            coded_ok=(pl.col("coded_ok") & ~GOODS).sum().cast(pl.Int64),
            insured=(~GOODS).sum().cast(pl.Int64),
        )
    )
    found = (
        findings.lazy()
        .group_by(pl.col(CATALOG).cast(pl.String))
        .agg(
            findings=pl.len().cast(pl.Int64),
            **{
                f"{s}s": (pl.col("severity") == s).sum().cast(pl.Int64)
                for s in sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__, reverse=True)
            },
        )
    )
    counts = ("findings", "errors", "warnings", "infos")
    return (
        order.join(rows, on=CATALOG, how="left", maintain_order="left")
        .join(found, on=CATALOG, how="left", maintain_order="left")
        .with_columns(pl.col("rows", "coded_ok", *counts).fill_null(0))
        .with_columns(
            coded_rate=pl.when(pl.col("insured") > 0)
            .then((pl.col("coded_ok") / pl.col("insured")).round(4))
            .otherwise(0.0)
        )
        .select(CATALOG, "rows", "coded_ok", "coded_rate", *counts)
        .collect()
    )
