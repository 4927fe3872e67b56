"""The Python API: ``mapper.check(...)`` and friends. The CLI is a thin layer over this."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Unpack

import polars as pl

from mapper.catalog import Catalog, read_catalog
from mapper.catalog.scan import lazy_catalog
from mapper.checking import CheckOptions, Setup, prepare, reading
from mapper.engine import PRODUCT, PRODUCT_COLUMNS, row_facts
from mapper.pipeline.driver import MemoryRows, MemorySink, drive
from mapper.policy import Policy
from mapper.reference import Reference
from mapper.result import CheckResult
from mapper.rules import CheckContext, Rule


@dataclass
class Pipeline:
    """The parts of one check: inputs as resolved, rows and distinct products, the result."""

    catalog: Catalog
    setup: Setup
    rows: pl.DataFrame  # row, item_id, unit_price, quantity, product key
    distinct: pl.DataFrame  # the distinct products, keyed on ``product``
    result: CheckResult

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

    @property
    def findings(self) -> pl.DataFrame:
        return self.result.findings

    @property
    def items(self) -> pl.DataFrame:
        return self.result.items

    @cached_property
    def products(self) -> pl.DataFrame:
        """One enriched row per distinct product (everything the rules read)."""
        return self.setup.enrich(self.distinct)

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
    findings and the assessed items, computed exactly as :func:`check` computes them: the
    one driver (:mod:`mapper.pipeline.driver`) with the catalog as one chunk, rows and
    tables kept in memory.
    """
    setup = prepare(reference, **options)
    cat = catalog if isinstance(catalog, Catalog) else read_catalog(catalog, **reading(options))
    driven = drive(lazy_catalog(cat), setup, lambda stem: MemoryRows(), MemorySink())
    return Pipeline(
        catalog=cat,
        setup=setup,
        rows=driven.rows.scan().collect(),
        distinct=driven.products,
        result=driven.result,
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
    return run(catalog, reference, **options).result
