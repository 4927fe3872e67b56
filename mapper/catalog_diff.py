"""What changed between two versions of a catalog, for ``mapper check --diff OLD``.

Rows are matched on the local item id plus the content of every mapped field (the canonical
columns of :mod:`mapper.fields`, less the monthly sales figure), never on row numbers. A row of
the new version is *unchanged* when the old version has a row with the same item id and the
same content, *changed* when the old version has the item id with other content, and *added*
otherwise. Repeated identical rows are matched one for one, so a duplicated row is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from mapper.baseline import Baseline, restrict
from mapper.catalog import Catalog
from mapper.fields import FIELD_NAMES
from mapper.result import CheckResult

# Monthly sales (月销量) change on every export and say nothing about the item itself.
VOLATILE = frozenset({"quantity"})
UNIT = "\x1f"  # separates fields in the content key; never in a catalog cell
NULL = "\x00"  # stands for an empty cell, so that null and "" differ from a shifted value


@dataclass(frozen=True)
class CatalogDiff:
    """How the rows of the new catalog relate to the old one."""

    rows: pl.DataFrame  # the new catalog's ``row`` and ``change``: added, changed, unchanged
    removed: int  # item ids of the old version missing from the new one

    @property
    def touched(self) -> pl.Series:
        """Row numbers of the new catalog that were added or changed."""
        return self.rows.filter(pl.col("change") != "unchanged").get_column("row")

    def count(self, change: str) -> int:
        return int((self.rows.get_column("change") == change).sum())


def _keys(frame: pl.DataFrame) -> pl.DataFrame:
    content = pl.concat_str(
        [
            pl.col(f).cast(pl.String).fill_null(NULL)
            for f in FIELD_NAMES
            if f != "item_id" and f not in VOLATILE
        ],
        separator=UNIT,
    )
    return frame.select(
        "row", item_key=pl.col("item_id").cast(pl.String).fill_null(""), content=content
    ).with_columns(
        occurrence=pl.col("row").rank("ordinal").over("item_key", "content").cast(pl.Int64)
    )


def diff_catalogs(new: Catalog, old: Catalog) -> CatalogDiff:
    """Classify each row of ``new`` as added, changed or unchanged against ``old``."""
    new_keys, old_keys = _keys(new.frame), _keys(old.frame)
    same = old_keys.select("item_key", "content", "occurrence", matched=pl.lit(True))
    old_ids = old_keys.select("item_key").unique().with_columns(known=pl.lit(True))
    rows = (
        new_keys.join(same, on=["item_key", "content", "occurrence"], how="left")
        .join(old_ids, on="item_key", how="left")
        .select(
            "row",
            change=pl.when(pl.col("matched"))
            .then(pl.lit("unchanged"))
            .when(pl.col("known"))
            .then(pl.lit("changed"))
            .otherwise(pl.lit("added")),
        )
        .sort("row")
    )
    removed = old_ids.join(new_keys.select("item_key").unique(), on="item_key", how="anti")
    return CatalogDiff(rows=rows, removed=removed.height)


@dataclass(frozen=True)
class DiffReport:
    """A check of the changed rows: the catalog diff and the old version's fixed findings."""

    diff: CatalogDiff
    fixed: pl.DataFrame  # findings of the old version that no longer occur

    def describe(self, old: Path | str) -> str:
        """For standard error: row counts, then every fixed finding."""
        d = self.diff
        lines = [
            f"diff against {old}: {d.count('added')} rows added, {d.count('changed')} changed, "
            f"{d.count('unchanged')} unchanged, {d.removed} item ids removed; "
            f"{self.fixed.height} findings of the old version fixed"
            + (":" if self.fixed.height else "")
        ]
        lines += [
            f"  {f['rule']} item {f['item_id'] or '-'} (old row {f['row']}): {f['message']}"
            for f in self.fixed.sort("rule", "row").iter_rows(named=True)
        ]
        return "\n".join(lines)


def report_changes(
    result: CheckResult, new: Catalog, old: Catalog, old_result: CheckResult
) -> tuple[CheckResult, DiffReport]:
    """``result`` (a check of ``new``) narrowed to added and changed rows, and the report.

    ``old_result`` is the old catalog checked the same way; its findings whose key no
    longer occurs anywhere in ``result`` are the fixed ones.
    """
    diff = diff_catalogs(new, old)
    fixed = fixed_findings(old_result.findings, result.findings)
    return only_touched(result, diff), DiffReport(diff=diff, fixed=fixed)


def only_touched(result: CheckResult, diff: CatalogDiff) -> CheckResult:
    """The result reporting only findings on added or changed rows."""
    touched = result.findings.join(diff.touched.to_frame(), on="row", how="semi")
    return restrict(result, touched)


def fixed_findings(old: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """Findings of the old version whose key no longer occurs in the new one (same keys as a
    baseline: rule, item id, field, value hash)."""
    return Baseline.from_findings(new).check(old).new
