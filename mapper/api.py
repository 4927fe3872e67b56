"""The Python API: ``mapper.check(...)`` and friends. The CLI is a thin layer over this."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from mapper.catalog import Catalog, read_catalog
from mapper.engine import (
    PRODUCT,
    PRODUCT_COLUMNS,
    enrich,
    product_rules,
    row_facts,
    row_rules,
    run_rules,
    split,
    stack_findings,
    today,
)
from mapper.policy import Policy, assess, load_policy
from mapper.policy.readiness import institution_ready, payment_summary
from mapper.reference import Reference
from mapper.reference.store import open_reference
from mapper.result import (
    CheckResult,
    item_table,
    override_severity,
    product_items,
    resolve_severity,
    summarise,
)
from mapper.rules import CheckContext, Rule, select_rules


@dataclass
class Pipeline:
    """The parts of one check: inputs as resolved, rows and enriched products, findings, items."""

    catalog: Catalog
    reference: Reference
    policy: Policy
    ctx: CheckContext
    rules: list[Rule]
    overrides: dict[str, str]
    rows: pl.DataFrame  # row, item_id, unit_price, quantity, product key
    products: pl.DataFrame  # one enriched row per distinct product
    findings: pl.DataFrame
    items: pl.DataFrame

    @property
    def enriched(self) -> pl.DataFrame:
        """The catalog row by row with everything the rules read (products joined back)."""
        facts = row_facts(self.rows.lazy(), self.products.lazy())
        return (
            self.catalog.frame.lazy()
            .with_columns(pl.col("item_id").str.strip_chars())
            .join(
                facts.select("row", PRODUCT, "id_rows", "id_codes"),
                on="row",
                how="left",
                maintain_order="left",
            )
            .join(
                self.products.lazy().drop(PRODUCT_COLUMNS),
                on=PRODUCT,
                how="left",
                maintain_order="left",
            )
            .drop(PRODUCT)
            .collect()
        )


def run(
    catalog: Catalog | str | Path,
    reference: Reference | str | Path | None = None,
    *,
    as_of: date | None = None,
    release: str | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    encoding: str | None = None,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    policy: str | Path | Policy | None = None,
    severity: Mapping[str, str] | None = None,
) -> Pipeline:
    """Run the check pipeline and return its parts (arguments as :func:`check`).

    For integrations that need more than a :class:`CheckResult`: the enriched catalog, the
    findings and the assessed items, computed exactly as :func:`check` computes them.
    """
    profile = load_policy(policy)
    cat = (
        catalog
        if isinstance(catalog, Catalog)
        else read_catalog(catalog, encoding=encoding, sheet=sheet, columns=columns)
    )
    # Without a named release, the release in force on the check date (per system).
    ref = (
        reference
        if isinstance(reference, Reference)
        else open_reference(reference, release, as_of or today())
    )
    rules = select_rules(select, ignore)
    ctx = CheckContext(as_of=as_of or today(), release=ref.release)
    overrides = resolve_severity(severity)
    parts = split(cat.frame.lazy())
    products = enrich(parts.products, ref)
    rows = parts.rows.lazy()
    per_product = override_severity(
        run_rules(products.lazy(), product_rules(rules), ctx, (PRODUCT,)), overrides
    ).collect()
    per_row = override_severity(
        run_rules(row_facts(rows, products.lazy()), row_rules(rules), ctx), overrides
    ).collect()
    findings = stack_findings(rows, per_product.lazy(), per_row.lazy()).collect()
    assessed = assess(
        product_items(products.lazy(), per_product.lazy(), PRODUCT).collect(),
        profile,
        ctx.as_of,
    )
    redo = per_row.get_column("row").unique()
    items = item_table(rows, assessed, PRODUCT, findings.lazy(), redo).collect()
    return Pipeline(
        catalog=cat,
        reference=ref,
        policy=profile,
        ctx=ctx,
        rules=rules,
        overrides=overrides,
        rows=parts.rows,
        products=products,
        findings=findings,
        items=items,
    )


def check(
    catalog: Catalog | str | Path,
    reference: Reference | str | Path | None = None,
    *,
    as_of: date | None = None,
    release: str | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    encoding: str | None = None,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    policy: str | Path | Policy | None = None,
    severity: Mapping[str, str] | None = None,
) -> CheckResult:
    """Check a catalog against the national reference.

    ``catalog`` is a path (CSV, Excel, Parquet) or a :class:`~mapper.catalog.Catalog`;
    ``reference`` a store directory or a loaded :class:`~mapper.reference.Reference` (default:
    the shipped store). ``as_of`` is the check date for validity (default today). ``select``
    and ``ignore`` take rule codes or prefixes. ``policy`` names a payment profile
    (``national``, ``harbin-2021``, ``huzhou-2022``) or a .toml file; payment is judged on
    the later of ``as_of`` and the profile's go-live date. ``severity`` overrides rules'
    severities (``{"ATT004": "error"}``), so items, summary and exit code follow it. Returns
    findings, items (with payment eligibility per fund) and summary.
    """
    p = run(
        catalog,
        reference,
        as_of=as_of,
        release=release,
        select=select,
        ignore=ignore,
        encoding=encoding,
        sheet=sheet,
        columns=columns,
        policy=policy,
        severity=severity,
    )
    summary = summarise(p.items, p.findings, p.rules, p.overrides)
    summary.payment = payment_summary(p.items)
    summary.institution_ready = institution_ready(p.items)
    return CheckResult(
        findings=p.findings,
        items_source=p.items.lazy(),
        summary=summary,
        policy=p.policy.name,
        catalog=p.catalog.path,
        release=p.reference.release,
        as_of=p.ctx.as_of,
        rules=[r.code for r in p.rules],
        encoding=p.catalog.source,
        blank_rows=p.catalog.blank_rows,
    )
