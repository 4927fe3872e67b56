"""What the in-memory check (:mod:`mapper.api`) and the streamed check (:mod:`mapper.stream`)
share: the resolved inputs, the check of the distinct products, the row rules, the result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypedDict, Unpack

import polars as pl

from mapper.catalog.sheets import ReadReport
from mapper.catalog.structure import no_skipped
from mapper.engine import (
    PRODUCT,
    code_keys,
    enrich,
    product_rules,
    reference_lookup,
    row_facts,
    run_rules,
    today,
)
from mapper.errors import ConfigError
from mapper.normalize import Memo
from mapper.pipeline.plan import candidate_groups, candidates, reference_columns, row_rule_inputs
from mapper.policy import Policy, assess, load_policy
from mapper.policy.eligibility import payment_date
from mapper.policy.moments import CHINA, as_moment, china_date, parse_moment
from mapper.policy.readiness import amount_basis, payment_summary, readiness
from mapper.policy.timeline import Position, position
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


def categorical(frame: pl.DataFrame, named: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Text columns as categoricals: looked up for millions of rows, they copy an index.

    Each column has its own categories (``mapper.<column>``, or ``mapper.<named[column]>``),
    shared by every frame's column of that name: a column's dictionary then holds its own
    values only, where the global one holds every text of the check (millions at national
    scale), and writing a categorical column to Parquet costs in proportion to its
    dictionary (3.5x faster at 3M categories)."""
    names = named or {}
    return frame.with_columns(
        pl.col(name).cast(pl.Categorical(pl.Categories(f"mapper.{names.get(name, name)}")))
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )


# Item columns that are the catalog's own text (item column: product column).
CATALOG_TEXT = {c: c for c in ("name", "spec", "manufacturer", "approval_no", "code")} | {
    "category": "line_type"
}
# An item's problem is the message of its worst finding: one set of categories holds both
# (a third of a million texts at 10M rows, ~90 MB, held once).
SHARED_TEXT = {"problem": "message"}


def _categorical_items(assessed: pl.DataFrame, products: pl.DataFrame) -> pl.DataFrame:
    """:func:`categorical` for assessed items; the catalog's own text is taken back from the
    products as given, where it is categorical already (casting it again costs the most).
    Frames holding the same products in the same order (the streamed check sorts both by
    key) line up row for row; others are joined on the key."""
    if not all(isinstance(products.schema[c], pl.Categorical) for c in CATALOG_TEXT.values()):
        return categorical(assessed, CATALOG_TEXT | SHARED_TEXT)  # the same categories either way
    own = products.select(PRODUCT, *[pl.col(c).alias(item) for item, c in CATALOG_TEXT.items()])
    rest = categorical(assessed.drop(*CATALOG_TEXT), SHARED_TEXT)
    if rest.get_column(PRODUCT).equals(own.get_column(PRODUCT)):
        return rest.hstack(own.drop(PRODUCT)).select(assessed.columns)
    return rest.join(own, on=PRODUCT, how="left").select(assessed.columns)


def _contiguous(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """``frames`` stacked, one chunk per column. Column by column, letting go of each input
    column once copied (the list is emptied): memory holds the result and one column more,
    not the result twice."""
    columns = []
    for name in frames[0].columns:
        columns.append(pl.concat([f.get_column(name) for f in frames], rechunk=True))
        frames[:] = [f.drop(name) for f in frames]
    frames.clear()
    return pl.DataFrame(columns)


@dataclass
class Checked:
    """The distinct products checked: their findings and item columns assessed (categorical,
    sorted by key, one chunk per column), and the product columns the row rules read."""

    findings: pl.DataFrame  # keyed on ``product``
    assessed: pl.DataFrame
    row_inputs: pl.DataFrame


@dataclass
class Setup:
    """A check's inputs as resolved: reference release, policy, rules, date, overrides."""

    reference: Reference
    policy: Policy
    rules: list[Rule]
    ctx: CheckContext
    overrides: dict[str, str] = field(default_factory=dict)
    moment: datetime | None = None  # the check's moment on the cut-over timeline

    @property
    def cutover(self) -> Position | None:
        """Where the check's moment falls on the policy's timeline (None without one)."""
        return position(self.policy.timeline, self.moment or self.ctx.as_of)

    def lookup(self, products: pl.DataFrame) -> pl.DataFrame:
        """The release's records for the products' codes: the columns the check reads, each
        distinct code once (many products share one: 1.0M codes for 2.3M products at 10M
        rows)."""
        codes = code_keys(products.select(pl.col("code").unique().cast(pl.String)))
        return reference_lookup(self.reference, codes, reference_columns(self.rules, self.ctx))

    def enrich(self, products: pl.DataFrame, lookup: pl.DataFrame | None = None) -> pl.DataFrame:
        """The distinct products with every column the rules read (a check computes these
        chunk by chunk and lets them go)."""
        return self._enrich(products, self.lookup(products) if lookup is None else lookup, Memo())

    def _enrich(self, products: pl.DataFrame, lookup: pl.DataFrame, memo: Memo) -> pl.DataFrame:
        plain = products.with_columns(pl.col(pl.Categorical).cast(pl.String))
        return enrich(plain, self.reference, lookup, memo, self.rules)

    def check_products(self, products: pl.DataFrame, chunk: int | None = None) -> Checked:
        """Enrich the distinct products, run the product rules, assess payment, ``chunk``
        products at a time (each product's check is its own; None: all at once).

        Only what the rows need is kept: the findings, the item columns (categorical) and the
        row rules' inputs; memory holds one chunk's enrichment, not every product's. The item
        columns come sorted by key (the products are sorted, and so is each chunk's result),
        in one chunk per column: rows look their products up there by binary search without a
        sorted copy of millions."""
        if not products.get_column(PRODUCT).is_sorted():
            products = products.sort(PRODUCT)
        size = chunk or max(products.height, 1)
        lookup = self.lookup(products)  # one lookup for every chunk: each scans the release
        memo = Memo()
        parts = [self._check(products.slice(at, size), lookup, memo)
                 for at in range(0, max(products.height, 1), size)]  # fmt: skip
        findings = pl.concat([p.findings for p in parts])
        row_inputs = pl.concat([p.row_inputs for p in parts])
        assessed = [p.assessed for p in parts]
        del parts  # the chunks' item columns are held by ``assessed`` alone
        # Rows gather their item columns by position: 5x faster from one chunk than from ten.
        return Checked(findings, _contiguous(assessed), row_inputs)

    def _check(self, products: pl.DataFrame, lookup: pl.DataFrame, memo: Memo) -> Checked:
        enriched = self._enrich(products, lookup, memo)
        found = override_severity(
            run_rules(enriched.lazy(), product_rules(self.rules), self.ctx, (PRODUCT,)),
            self.overrides,
        ).collect()
        items = product_items(enriched.lazy(), found.lazy(), PRODUCT).collect()
        cutover = self.cutover
        suspended = cutover is not None and cutover.suspended
        assessed = assess(items, self.policy, self.ctx.as_of, suspended=suspended)
        inputs = enriched.select(PRODUCT, *row_rule_inputs(self.rules, self.ctx, enriched.columns))
        return Checked(
            categorical(found),
            _categorical_items(assessed.sort(PRODUCT), products),
            categorical(inputs),
        )

    def check_rows(self, rows: pl.LazyFrame, products: pl.DataFrame) -> pl.DataFrame:
        """The row rules' findings over every row of the catalog (``rows``, with the hashes
        :func:`~mapper.pipeline.plan.repeat_hashes` adds), each rule handed the rows it asks
        for; ``products``: the product columns they read (:attr:`Checked.row_inputs`)."""
        parts = [
            run_rules(row_facts(candidates(rows, column), products.lazy()), rules, self.ctx)
            for column, rules in candidate_groups(self.rules).items()
        ]
        found = pl.concat(parts) if parts else run_rules(rows, [], self.ctx)
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
        reading: ReadReport | None = None,
    ) -> CheckResult:
        """The check result with its summary, aggregated from ``findings`` and ``items``
        (``reading``: what reading did, including which header each field came from, which
        the money's basis names)."""
        summary = summarise(items, findings, self.rules, self.overrides)
        summary.payment = payment_summary(items)
        summary.readiness = readiness(items, payment_date(self.policy, self.ctx.as_of))
        summary.amount_basis = amount_basis(reading.columns if reading is not None else {})
        summary.cutover = self.cutover
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
            reading=reading or ReadReport(no_skipped()),
        )


class ReadOptions(TypedDict, total=False):
    """How to read a catalog (keyword arguments of :func:`mapper.catalog.read_catalog`)."""

    encoding: str | None
    sheet: str | None
    columns: Mapping[str, str] | None


class CheckOptions(ReadOptions, total=False):
    """The keyword arguments of :func:`mapper.check` and its siblings (``mapper.api.run``,
    ``mapper.stream.check_to``, the GX frame): how to read, which release, date, rules,
    policy and severities."""

    as_of: date | datetime | str | None  # a date-time places the check on the cut-over timeline
    release: str | None
    select: Iterable[str]
    ignore: Iterable[str]
    policy: str | Path | Policy | None
    severity: Mapping[str, str] | None


def reading(options: CheckOptions) -> ReadOptions:
    """The options that say how to read the catalog."""
    return ReadOptions(
        encoding=options.get("encoding"),
        sheet=options.get("sheet"),
        columns=options.get("columns"),
    )


def check_moment(value: object, name: str = "as_of") -> date | datetime | None:
    """``value`` as a date or date-time: a :class:`~datetime.date`, a
    :class:`~datetime.datetime`, ISO text (``2026-12-01``, ``2021-10-22T20:00``) or None.
    Anything else is refused here, with what was given, before it can fail deep inside a
    rule."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return parse_moment(value)
        except ValueError:
            raise ConfigError(
                f"{name}: '{value}' is not a date; give YYYY-MM-DD or YYYY-MM-DDTHH:MM, "
                "e.g. 2026-12-01 (日期格式应为 YYYY-MM-DD)"
            ) from None
    raise TypeError(
        f"{name} must be a datetime.date, a datetime or ISO text such as '2026-12-01', "
        f"not {type(value).__name__} ({value!r})"
    )


def prepare(
    reference: Reference | str | Path | None = None, **options: Unpack[CheckOptions]
) -> Setup:
    """Resolve a check's inputs (arguments as :func:`mapper.check`; reading options unused)."""
    # A date-time places the check on the cut-over timeline (default: now); code validity is
    # judged by day (the day in China of a date-time given with another offset).
    given = check_moment(options.get("as_of"))
    as_of = china_date(given) if given else today()
    # Without a named release, the release in force on the check date (per system).
    ref = (
        reference
        if isinstance(reference, Reference)
        else open_reference(reference, options.get("release"), as_of)
    )
    return Setup(
        reference=ref,
        policy=load_policy(options.get("policy")),
        rules=select_rules(options.get("select", ()), options.get("ignore", ())),
        ctx=CheckContext(as_of=as_of, release=ref.release),
        overrides=resolve_severity(options.get("severity")),
        moment=as_moment(given) if given else datetime.now(CHINA),
    )
