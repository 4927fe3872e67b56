"""great-expectations (GX Core 1.x) integration: the catalog checks as an Expectation Suite.

For teams assembling their own GX pipeline::

    from mapper.integrations import gx as mgx
    frame = mgx.enriched_frame("目录.csv", as_of=date(2026, 12, 1))   # pandas DataFrame
    suite = mgx.expectation_suite(kind="hospital")                    # gx.ExpectationSuite

The frame is the catalog plus the columns mapper computes (``code_in_reference``,
``code_not_revoked``, ``name_agrees``, ``personal_account_payable`` …); the suite checks those
columns, so membership in the national reference never becomes a value set (GX is very slow
with one of tens of thousands of codes). Each expectation names its rule in
``meta["mapper_rule"]``; its failing count equals ``mapper check``'s findings for that rule.

GX and pandas are an optional extra (``pip install mapper[gx]``) imported only here, inside
the functions that need them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.catalog import Catalog
from mapper.codes import SYSTEMS
from mapper.errors import ConfigError
from mapper.integrations.columns import PASS_COLUMNS, enriched_catalog
from mapper.line_types import EXPECTED_SYSTEM
from mapper.policy import Policy
from mapper.reference import Reference
from mapper.rules import RULES, Severity

if TYPE_CHECKING:
    import great_expectations as gx
    import pandas as pd

INSTALL_HINT = "great-expectations is not installed: pip install 'mapper[gx]'"

# A suite per catalog kind: which fields must be columns, and which line types to expect a
# code system for (a pharmacy sells no service items or hospital preparations).
REQUIRED_COLUMNS = {
    "pharmacy": ("code", "item_id", "name", "spec", "manufacturer", "approval_no", "line_type"),
    "hospital": ("code", "item_id", "name", "line_type", "unit_price"),
}
LINE_KINDS = {
    "pharmacy": ("drug", "herbal", "consumable"),
    "hospital": ("drug", "herbal", "preparation", "consumable", "service"),
}
KINDS = tuple(REQUIRED_COLUMNS)
DEFAULT_KIND = "hospital"

GX_SEVERITY = {"error": "critical", "warning": "warning", "info": "info"}
PAYMENT_COLUMNS = {
    "pooled_fund_payable": "the pooled fund (统筹基金) still pays for the item after go-live",
    "personal_account_payable": "the personal account (个人账户) still pays after go-live",
}
# An expectation's value set must stay small: national codes belong in computed columns.
MAX_VALUE_SET = 300


def _gx() -> Any:
    """Import great-expectations quietly (no analytics, no progress bars), or say how."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    try:
        import great_expectations
    except ImportError as exc:  # pragma: no cover - the gx tests run with the extra installed
        raise ConfigError(INSTALL_HINT) from exc
    return great_expectations


def enriched_frame(
    catalog: Catalog | str | Path,
    reference: Reference | str | Path | None = None,
    *,
    as_of: date | None = None,
    release: str | None = None,
    policy: str | Path | Policy | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The catalog plus mapper's computed columns, as a pandas DataFrame for a GX batch.

    Arguments are those of :func:`mapper.check`. Columns: ``row``, the catalog's fields and
    other columns, the engine's (``code_key``, ``code_well_formed``, ``code_system``,
    ``line_kind``, ``id_rows``, ``id_codes``), the reference record's values (``ref_*``),
    the verdicts (``code_present``, ``code_in_reference``, ``code_normalised``,
    ``code_not_revoked``, ``code_already_valid``, ``code_valid_on_date``, ``<field>_agrees``,
    ``item_id_unique``), ``check_date``, and the item's ``status``, ``rules`` and payment
    columns (``pooled_fund_payable``, ``personal_account_payable`` and their reasons).
    """
    _gx()
    enriched = enriched_catalog(
        catalog,
        reference,
        as_of=as_of,
        release=release,
        policy=policy,
        encoding=encoding,
        sheet=sheet,
        columns=columns,
    )
    return enriched.frame.to_pandas()


def _meta(rule: str | None, **extra: str) -> dict[str, Any]:
    if rule is None:  # a required column: not a rule, but nothing works without it
        return {"mapper_severity": Severity.ERROR.value, **extra}
    cls = RULES[rule]
    return {
        "mapper_rule": rule,
        "mapper_rule_name": cls.name,
        "mapper_severity": cls.severity.value,
        "docs": cls.url(),
        **extra,
    }


def _common(rule: str | None, **extra: str) -> dict[str, Any]:
    """Keyword arguments every expectation of ``rule`` shares: meta, severity, description."""
    meta = _meta(rule, **extra)
    if rule is None:
        description = f"required column: {extra['mapper_required_column']}"
    else:
        cls = RULES[rule]
        where = f" ({extra['line_kind']} lines)" if "line_kind" in extra else ""
        description = f"{rule} {cls.name}{where}: {cls.summary()}"
    return {
        "meta": meta,
        "severity": GX_SEVERITY[meta["mapper_severity"]],
        "description": description,
    }


def expectation_suite(kind: str = DEFAULT_KIND, name: str | None = None) -> gx.ExpectationSuite:
    """The Expectation Suite for a ``pharmacy`` or ``hospital`` catalog.

    Run it on :func:`enriched_frame`'s frame. No expectation carries a value set of more
    than a handful of entries: reference membership, validity and attribute agreement are
    booleans mapper computes; code shapes are regular expressions.
    """
    if kind not in REQUIRED_COLUMNS:
        raise ConfigError(f"unknown catalog kind '{kind}'; use one of {', '.join(KINDS)}")
    gx = _gx()
    from great_expectations.expectations.row_conditions import Column as col

    e = gx.expectations
    true = [True]
    in_reference = col("code_in_reference") == True  # noqa: E712 - a GX condition, not a test
    not_in_reference = col("code_in_reference") == False  # noqa: E712
    well_formed = col("code_well_formed") == True  # noqa: E712
    insured = col("non_insured_goods") == False  # noqa: E712
    any_shape = "^(?:" + "|".join(s.regex[4:-2] for s in SYSTEMS.values()) + ")$"

    found: list[Any] = [
        e.ExpectColumnToExist(column=c, **_common(None, mapper_required_column=c))
        for c in REQUIRED_COLUMNS[kind]
    ]
    found += [
        # An uncoded item is COD001 on an insured line, COD006 (settle in cash) for goods
        # outside insurance: mapper's verdict ``non_insured_goods`` tells them apart.
        e.ExpectColumnValuesToNotBeNull(
            column="code_key", row_condition=insured, **_common("COD001")
        ),
        e.ExpectColumnValuesToBeInSet(
            column="non_insured_goods", value_set=[False], **_common("COD006")
        ),
        # Preparation codes outside every shape are COD005 unless the reference knows them.
        e.ExpectColumnValuesToMatchRegex(
            column="code_key",
            regex=any_shape,
            row_condition=(col("line_kind") != "preparation") | in_reference,
            **_common("COD002"),
        ),
        *[
            e.ExpectColumnValuesToMatchRegex(
                column="code_key",
                regex=SYSTEMS[EXPECTED_SYSTEM[line_kind]].regex,
                row_condition=(col("line_kind") == line_kind) & well_formed,
                **_common("COD003", line_kind=line_kind),
            )
            for line_kind in LINE_KINDS[kind]
        ],
        e.ExpectColumnPairValuesToBeEqual(
            column_A="code",
            column_B="code_clean",
            ignore_row_if="either_value_is_missing",
            **_common("COD004"),
        ),
        e.ExpectColumnValuesToMatchRegex(
            column="code_key",
            regex=any_shape,
            row_condition=(col("line_kind") == "preparation") & not_in_reference,
            **_common("COD005"),
        ),
        e.ExpectColumnValuesToBeInSet(
            column="code_in_reference",
            value_set=true,
            row_condition=well_formed,
            **_common("REF001"),
        ),
        e.ExpectColumnValuesToBeInSet(
            column="code_not_revoked",
            value_set=true,
            row_condition=in_reference,
            **_common("REF002"),
        ),
        e.ExpectColumnValuesToBeInSet(
            column="code_already_valid",
            value_set=true,
            row_condition=in_reference,
            **_common("REF003"),
        ),
        *[
            e.ExpectColumnValuesToBeInSet(
                column=column, value_set=true, row_condition=in_reference, **_common(rule)
            )
            for rule, column in PASS_COLUMNS.items()
            if rule.startswith("ATT")
        ],
        # Ids mapped to several codes are CAT002's, so CAT001 looks at the others only.
        e.ExpectColumnValuesToBeUnique(
            column="item_id", row_condition=col("id_codes") <= 1, **_common("CAT001")
        ),
        e.ExpectColumnValuesToBeBetween(
            column="id_codes",
            max_value=1,
            row_condition=col("item_id").is_not_null(),
            **_common("CAT002"),
        ),
    ]
    for column, note in PAYMENT_COLUMNS.items():
        meta = {"mapper_item_column": column, "mapper_severity": Severity.INFO.value}
        found.append(
            e.ExpectColumnValuesToBeInSet(
                column=column, value_set=true, meta=meta, severity="info", description=note
            )
        )
    # Built without a context (adding one by one would need an active GX project).
    suite = gx.ExpectationSuite(
        name=name or f"mapper-{kind}",
        expectations=found,
        meta={"mapper_kind": kind, "great_expectations_version": gx.__version__},
        notes="Generated by `mapper gx suite`; run it on mapper.integrations.gx.enriched_frame. "
        "See docs/gx.md.",
    )
    if len(suite.expectations) != len(found):  # GX logs and drops an invalid expectation
        raise RuntimeError("an expectation of the mapper suite was rejected by GX")
    return suite


COLUMN_ARGS = ("column", "column_A", "column_B")


def _condition_columns(condition: Any) -> set[str]:
    """Column names a serialised GX row condition reads."""
    if isinstance(condition, dict):
        column = condition.get("column")
        own = {column["name"]} if isinstance(column, dict) and "name" in column else set()
        return own | {c for v in condition.values() for c in _condition_columns(v)}
    if isinstance(condition, list):
        return {c for v in condition for c in _condition_columns(v)}
    return set()


def suite_columns(suite: gx.ExpectationSuite) -> set[str] | None:
    """Every column the suite's expectations and row conditions read; None when one
    expectation looks at the whole table (then the frame must be validated as it is)."""
    columns: set[str] = set()
    for expectation in suite.to_json_dict()["expectations"]:
        kwargs = expectation["kwargs"]
        named = [kwargs[a] for a in COLUMN_ARGS if a in kwargs]
        if not named or expectation["type"].startswith("expect_table_"):
            return None
        columns |= set(named) | _condition_columns(kwargs.get("row_condition"))
    return columns


def largest_value_set(suite: gx.ExpectationSuite) -> int:
    """The most entries any expectation's ``value_set`` has (0 when none has one)."""
    sizes = [len(x.configuration.kwargs.get("value_set") or ()) for x in suite.expectations]
    return max(sizes, default=0)


@dataclass(frozen=True)
class Outcome:
    """One expectation's result, in mapper's terms."""

    expectation: str
    column: str
    rule: str | None
    severity: str
    success: bool
    unexpected: int | None
    checked: int | None
    line_kind: str | None = None
    item_column: str | None = None
    error: str | None = None


@dataclass
class GxRun:
    """A validation run: GX's own result, the outcomes, and the Data Docs index (if built)."""

    result: Any  # great_expectations CheckpointResult
    outcomes: list[Outcome]
    docs_index: Path | None

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    def exit_code(self, fail_on: str = "error") -> int:
        """0 when no failed expectation reaches ``fail_on``, else 1 (as ``mapper check``)."""
        if fail_on == "never":
            return 0
        threshold = Severity(fail_on).rank
        failed = [o for o in self.outcomes if not o.success]
        return 1 if any(Severity(o.severity).rank >= threshold for o in failed) else 0


def _context(docs_dir: Path | None) -> Any:
    """An in-memory GX context; with ``docs_dir``, a Data Docs site is written there."""
    gx = _gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites = {}
    if docs_dir is not None:
        sites["mapper"] = {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir.resolve()),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def validate(
    frame: pd.DataFrame,
    suite: gx.ExpectationSuite | None = None,
    *,
    kind: str = DEFAULT_KIND,
    docs_dir: Path | None = None,
    result_format: str = "SUMMARY",
    narrow: bool = True,
) -> GxRun:
    """Run ``suite`` (default: :func:`expectation_suite` of ``kind``) with GX Core on ``frame``.

    Uses an in-memory context and a pandas batch of the frame; with ``docs_dir`` the Data Docs
    (suite and validation pages) are built there. Nothing leaves the machine. With ``narrow``
    the batch holds only the columns the suite reads (:func:`suite_columns`), which changes no
    result and makes GX several times faster; a suite with table-level expectations gets the
    whole frame.
    """
    gx = _gx()
    suite = suite if suite is not None else expectation_suite(kind)
    wanted = suite_columns(suite) if narrow else None
    if wanted is not None:
        # GX copies the whole frame for every row condition; the columns read are enough.
        frame = frame[[c for c in frame.columns if c in wanted]]
    context = _context(docs_dir)
    batch = (
        context.data_sources.add_pandas("mapper")
        .add_dataframe_asset("catalog")
        .add_batch_definition_whole_dataframe("whole catalog")
    )
    suite = context.suites.add(suite)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="mapper catalog check", data=batch, suite=suite)
    )
    actions = [gx.checkpoint.UpdateDataDocsAction(name="data docs")] if docs_dir else []
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="mapper",
            validation_definitions=[definition],
            actions=actions,
            result_format={"result_format": result_format},
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    index = docs_dir / "index.html" if docs_dir is not None else None
    return GxRun(result=result, outcomes=outcomes(result), docs_index=index)


def outcomes(result: Any) -> list[Outcome]:
    """The per-expectation outcomes of a GX CheckpointResult (or ValidationResult)."""
    runs = result.run_results.values() if hasattr(result, "run_results") else [result]
    out = []
    for run in runs:
        for r in run.results:
            config = r.expectation_config
            meta, kwargs = config.meta or {}, config.kwargs
            error = None
            if r.exception_info and r.exception_info.get("raised_exception"):
                error = str(r.exception_info.get("exception_message"))
            out.append(
                Outcome(
                    expectation=config.type,
                    column=str(kwargs.get("column") or kwargs.get("column_A") or ""),
                    rule=meta.get("mapper_rule"),
                    severity=meta.get("mapper_severity", Severity.ERROR.value),
                    success=bool(r.success),
                    unexpected=r.result.get("unexpected_count"),
                    checked=r.result.get("element_count"),
                    line_kind=meta.get("line_kind"),
                    item_column=meta.get("mapper_item_column"),
                    error=error,
                )
            )
    return out


def in_suite_order(found: list[Outcome]) -> list[Outcome]:
    """Required columns first, then rule by rule, then the payment columns."""

    def key(o: Outcome) -> tuple[int, str, str]:
        group = 1 if o.rule else 2 if o.item_column else 0
        return group, o.rule or o.item_column or o.column, o.line_kind or ""

    return sorted(found, key=key)
