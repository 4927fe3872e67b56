"""The catalog enriched with mapper's verdicts as plain columns, for other data-quality tools.

Every boolean here comes from a rule's own :meth:`~mapper.rules.Rule.condition` (or from the
item table derived from the findings), so a tool that checks these columns agrees with
``mapper check`` by construction instead of re-implementing the rules. Pure polars: no pandas,
no great-expectations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from mapper.api import run
from mapper.catalog import Catalog
from mapper.fields import FIELD_NAMES
from mapper.pipeline.plan import reference_columns
from mapper.policy import Policy
from mapper.reference import Reference
from mapper.rules import RULES, CheckContext

# Pass columns: True where the rule does *not* fire on the row.
PASS_COLUMNS: dict[str, str] = {
    "COD004": "code_normalised",
    "REF002": "code_not_revoked",
    "REF003": "code_already_valid",
    "ATT001": "name_agrees",
    "ATT002": "spec_agrees",
    "ATT003": "dosage_form_agrees",
    "ATT004": "manufacturer_agrees",
    "ATT005": "approval_no_agrees",
}

# Engine columns passed through as they are (the rules read them).
ENGINE_COLUMNS = (
    "code_clean",
    "code_key",
    "code_well_formed",
    "code_system",
    "line_kind",
    "expected_system",
    "id_rows",
    "id_codes",
)
ITEM_COLUMNS = (
    "status",
    "rules",
    "goods_class",
    "non_insured_goods",
    "pooled_fund_payable",
    "pooled_fund_reason",
    "personal_account_payable",
    "personal_account_reason",
)


@dataclass
class Enriched:
    """The enriched catalog and what it was checked with."""

    frame: pl.DataFrame
    as_of: date
    release: str
    policy: str
    catalog: str


def computed_columns(ctx: CheckContext) -> list[pl.Expr]:
    """mapper's verdicts as boolean columns over the engine's enriched frame."""
    fired = {code: cls().condition(ctx).fill_null(False) for code, cls in RULES.items()}
    passes = [~fired[code].alias(column) for code, column in PASS_COLUMNS.items()]
    return [
        pl.col("code_key").is_not_null().alias("code_present"),
        pl.col("ref_found").alias("code_in_reference"),
        *passes,
        (pl.col("ref_found") & ~fired["REF002"] & ~fired["REF003"]).alias("code_valid_on_date"),
        (~fired["CAT001"] & ~fired["CAT002"]).alias("item_id_unique"),
        pl.lit(ctx.as_of).alias("check_date"),
    ]


def enriched_catalog(
    catalog: Catalog | str | Path,
    reference: Reference | str | Path | None = None,
    *,
    as_of: date | None = None,
    release: str | None = None,
    policy: str | Path | Policy | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> Enriched:
    """The catalog's own columns plus mapper's computed ones, one row per catalog row.

    The same pipeline as :func:`mapper.check` (every rule, the item table, payment
    eligibility), returned as columns instead of findings. Canonical fields the catalog does
    not have are left out, so a required-column check can see they are missing.
    """
    p = run(
        catalog,
        reference,
        as_of=as_of,
        release=release,
        policy=policy,
        encoding=encoding,
        sheet=sheet,
        columns=columns,
    )
    cat, ctx, enriched, items = p.catalog, p.ctx, p.enriched, p.items

    own = [name for name in FIELD_NAMES if name in cat.columns]
    computed = computed_columns(ctx)
    # The reference values the check read, next to the catalog's (not the *_key folding).
    looked_up = [f"ref_{c}" for c in reference_columns(p.rules, ctx)]
    added = {*ENGINE_COLUMNS, *looked_up, *ITEM_COLUMNS}
    added |= {expr.meta.output_name() for expr in computed}
    # Source columns beyond the known fields are kept; one that collides with a computed
    # column gets the catalog reader's ``src_`` prefix.
    others = [
        pl.col(c).alias(f"src_{c}" if c in added else c)
        for c in cat.frame.columns
        if c != "row" and c not in FIELD_NAMES
    ]
    frame = enriched.select("row", *own, *others, *ENGINE_COLUMNS, *looked_up, *computed).join(
        items.select("row", *ITEM_COLUMNS), on="row", how="left", maintain_order="left"
    )
    return Enriched(
        frame=frame,
        as_of=ctx.as_of,
        release=p.reference.release,
        policy=p.policy.name,
        catalog=cat.path,
    )
