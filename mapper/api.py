"""The Python API: ``mapper.check(...)`` and friends. The CLI is a thin layer over this."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Unpack

import polars as pl

from mapper.catalog import Catalog, read_catalog
from mapper.checking import CheckOptions, Setup, prepare, reading
from mapper.engine import PRODUCT, PRODUCT_COLUMNS, row_facts, split, stack_findings
from mapper.pipeline.plan import repeat_hashes
from mapper.policy import Policy
from mapper.reference import Reference
from mapper.result import CheckResult, item_table, row_status
from mapper.rules import CheckContext, Rule


@dataclass
class Pipeline:
    """The parts of one check: inputs as resolved, rows and enriched products, findings, items."""

    catalog: Catalog
    setup: Setup
    rows: pl.DataFrame  # row, item_id, unit_price, quantity, product key
    products: pl.DataFrame  # one enriched row per distinct product
    findings: pl.DataFrame
    items: pl.DataFrame

    @property
    def reference(self) -> Reference:
        return self.setup.reference

    @property
    def policy(self) -> Policy:
        return self.setup.policy

    @property
    def ctx(self) -> CheckContext:
        return self.setup.ctx

    @property
    def rules(self) -> list[Rule]:
        return self.setup.rules

    @cached_property
    def enriched(self) -> pl.DataFrame:
        """The catalog row by row with everything the rules read (products joined back)."""
        facts = row_facts(self.rows.lazy(), self.products.lazy().select(PRODUCT, "code_key"))
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
    **options: Unpack[CheckOptions],
) -> Pipeline:
    """Run the check pipeline and return its parts (arguments as :func:`check`).

    For integrations that need more than a :class:`CheckResult`: the enriched catalog, the
    findings and the assessed items, computed exactly as :func:`check` computes them.
    """
    setup = prepare(reference, **options)
    cat = catalog if isinstance(catalog, Catalog) else read_catalog(catalog, **reading(options))
    parts = split(cat.frame.lazy(), repeat_hashes(setup.rules))
    checked = setup.check_products(parts.products)
    rows = parts.rows.lazy()
    per_row = setup.check_rows(rows, checked.row_inputs)
    findings = stack_findings(rows, checked.findings.lazy(), per_row.lazy()).collect()
    redone = row_status(findings.lazy(), per_row.get_column("row").unique())
    items = item_table(rows, checked.assessed, PRODUCT, redone).collect()
    return Pipeline(
        catalog=cat,
        setup=setup,
        rows=parts.rows,
        products=checked.enriched,
        findings=findings,
        items=items,
    )


def check(
    catalog: Catalog | str | Path,
    reference: Reference | str | Path | None = None,
    **options: Unpack[CheckOptions],
) -> CheckResult:
    """Check a catalog against the national reference.

    ``catalog`` is a path (CSV, Excel, Parquet) or a :class:`~mapper.catalog.Catalog`;
    ``reference`` a store directory or a loaded :class:`~mapper.reference.Reference` (default:
    the shipped store). ``as_of`` is the check date for validity (default today); a datetime
    (China time when naive) also places the check on the policy's cut-over timeline, where inside
    the settlement suspension every item is ``PAY005`` (a date is 00:00 of that day). ``select``
    and ``ignore`` take rule codes or prefixes. ``policy`` names a payment profile
    (``national``, ``harbin-2021``, ``huzhou-2022``) or a .toml file; payment is judged on
    the later of ``as_of`` and the profile's go-live date. ``severity`` overrides rules'
    severities (``{"ATT004": "error"}``), so items, summary and exit code follow it. Returns
    findings, items (with payment eligibility per fund) and summary.
    """
    p = run(catalog, reference, **options)
    return p.setup.result(
        p.findings,
        p.items.lazy(),
        catalog=p.catalog.path,
        encoding=p.catalog.source,
        blank_rows=p.catalog.blank_rows,
        reading=p.catalog.report(),
    )
