"""What the in-memory check (:mod:`mapper.api`) and the streamed check (:mod:`mapper.stream`)
share: the resolved inputs, the check of the distinct products, the row rules, the result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from mapper.engine import PRODUCT, enrich, product_rules, row_facts, row_rules, run_rules, today
from mapper.policy import Policy, assess, load_policy
from mapper.policy.readiness import institution_ready, payment_summary
from mapper.reference import Reference
from mapper.reference.store import open_reference
from mapper.result import (
    CheckResult,
    override_severity,
    product_items,
    resolve_severity,
    summarise,
)
from mapper.rules import CheckContext, Rule, select_rules


@dataclass
class Checked:
    """The distinct products checked: enriched, their findings, their item columns assessed."""

    enriched: pl.DataFrame
    findings: pl.DataFrame  # keyed on ``product``
    assessed: pl.DataFrame


@dataclass
class Setup:
    """A check's inputs as resolved: reference release, policy, rules, date, overrides."""

    reference: Reference
    policy: Policy
    rules: list[Rule]
    ctx: CheckContext
    overrides: dict[str, str] = field(default_factory=dict)

    def check_products(self, products: pl.DataFrame) -> Checked:
        """Enrich the distinct products, run the product rules, assess payment."""
        enriched = enrich(products, self.reference)
        found = override_severity(
            run_rules(enriched.lazy(), product_rules(self.rules), self.ctx, (PRODUCT,)),
            self.overrides,
        ).collect()
        items = product_items(enriched.lazy(), found.lazy(), PRODUCT).collect()
        return Checked(enriched, found, assess(items, self.policy, self.ctx.as_of))

    def check_rows(self, rows: pl.LazyFrame, enriched: pl.DataFrame) -> pl.DataFrame:
        """The row rules' findings (CAT) on ``rows`` (all rows, or every row that can fire)."""
        facts = row_facts(rows, enriched.lazy())
        found = run_rules(facts, row_rules(self.rules), self.ctx)
        return override_severity(found, self.overrides).collect()

    def result(
        self,
        findings: pl.DataFrame,
        items: pl.LazyFrame,
        *,
        catalog: str,
        encoding: str,
        blank_rows: int,
        written: dict[str, Path] | None = None,
    ) -> CheckResult:
        """The check result with its summary, aggregated from ``findings`` and ``items``."""
        summary = summarise(items, findings, self.rules, self.overrides)
        summary.payment = payment_summary(items)
        summary.institution_ready = institution_ready(items)
        return CheckResult(
            findings=findings,
            items_source=items,
            summary=summary,
            policy=self.policy.name,
            catalog=catalog,
            release=self.reference.release,
            as_of=self.ctx.as_of,
            rules=[r.code for r in self.rules],
            encoding=encoding,
            blank_rows=blank_rows,
            written=written or {},
        )


def prepare(
    reference: Reference | str | Path | None = None,
    *,
    as_of: date | None = None,
    release: str | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    policy: str | Path | Policy | None = None,
    severity: Mapping[str, str] | None = None,
) -> Setup:
    """Resolve a check's inputs (arguments as :func:`mapper.check`)."""
    profile = load_policy(policy)
    # Without a named release, the release in force on the check date (per system).
    ref = (
        reference
        if isinstance(reference, Reference)
        else open_reference(reference, release, as_of or today())
    )
    return Setup(
        reference=ref,
        policy=profile,
        rules=select_rules(select, ignore),
        ctx=CheckContext(as_of=as_of or today(), release=ref.release),
        overrides=resolve_severity(severity),
    )
