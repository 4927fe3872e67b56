"""The Python API: ``mapper.check(...)`` and friends. The CLI is a thin layer over this."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import polars as pl

from mapper.catalog import Catalog, read_catalog
from mapper.engine import enrich, run_rules, today
from mapper.policy import Policy, assess, load_policy
from mapper.policy.readiness import institution_ready, payment_summary
from mapper.reference import Reference
from mapper.reference.store import open_reference
from mapper.result import (
    CheckResult,
    item_table,
    override_severity,
    resolve_severity,
    summarise,
)
from mapper.rules import CheckContext, select_rules


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
    # Materialised once: every rule filters the same frame.
    enriched = enrich(cat.frame, ref).lazy()
    overrides = resolve_severity(severity)
    findings_lazy = override_severity(run_rules(enriched, rules, ctx), overrides)
    findings, coded = pl.collect_all([findings_lazy, item_table(enriched, findings_lazy)])
    items = assess(coded, profile, ctx.as_of)
    summary = summarise(items, findings, rules, overrides)
    summary.payment = payment_summary(items)
    summary.institution_ready = institution_ready(items)
    return CheckResult(
        findings=findings,
        items=items,
        summary=summary,
        policy=profile.name,
        catalog=cat.path,
        release=ref.release,
        as_of=ctx.as_of,
        rules=[r.code for r in rules],
        encoding=cat.source,
        blank_rows=cat.blank_rows,
    )
