"""A baseline of accepted findings, so CI fails on new problems only.

A finding's identity is its **key**: rule + local item id + field + a hash of the offending
value (``actual``), never the row number, because exported catalogs reorder rows. The same key
can occur more than once (an item id on two rows), so the baseline keeps a count per key; a
finding is new when its key occurs more often than the baseline allows.

The file is JSON with a ``version``, entries sorted by key and one entry per line, so a change
to the baseline reads well in a diff.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from mapper.errors import ConfigError
from mapper.paths import regular_file
from mapper.result import CATALOG, CheckResult, items_found, per_catalog

BASELINE_VERSION = 1
KEY = ("rule", "item_id", "field", "value_hash")
ENTRY_SCHEMA = {
    "rule": pl.String,
    "item_id": pl.String,
    "field": pl.String,
    "value_hash": pl.String,
    "count": pl.Int64,
}
HASH_CHARS = 16
MAX_COUNT = 2**63 - 1  # counts are 64-bit integers
# Rules whose ``actual`` is the check context (REF002 reports the check date), not a catalog
# value: hashing it would make the key change every day, so their value hash is empty.
CONTEXT_ACTUAL = frozenset({"REF002"})


def value_hash(value: str | None) -> str:
    """The first 16 hex digits of the SHA-1 of the UTF-8 value; empty for a missing value."""
    if value is None:
        return ""
    return hashlib.sha1(value.encode("utf-8")).hexdigest()[:HASH_CHARS]


def keyed(findings: pl.DataFrame) -> pl.DataFrame:
    """Findings with their key columns (``item_key``, ``value_hash``, ``fingerprint``) and
    ``occurrence``: 1 for the first finding of a key in row order, 2 for the second…"""
    # Hashed once per distinct value (hashlib, so keys are the same on every polars version).
    distinct = findings.get_column("actual").drop_nulls().unique().to_list()
    hashed = pl.col("actual").replace_strict(
        distinct, [value_hash(v) for v in distinct], default="", return_dtype=pl.String
    )
    return findings.with_columns(
        item_key=pl.col("item_id").fill_null(""),
        value_hash=pl.when(pl.col("rule").is_in(list(CONTEXT_ACTUAL)))
        .then(pl.lit(""))
        .otherwise(hashed),
    ).with_columns(
        fingerprint=pl.concat_str(
            "rule", "item_key", "field", "value_hash", separator=":", ignore_nulls=True
        ),
        occurrence=pl.col("row")
        .rank("ordinal")
        .over("rule", "item_key", "field", "value_hash")
        .cast(pl.Int64),
    )


def fingerprints(findings: pl.DataFrame) -> pl.Series:
    """Each finding's key as one string ``rule:item_id:field:value_hash`` (row order kept)."""
    return keyed(findings).get_column("fingerprint")


@dataclass(frozen=True)
class BaselineCheck:
    """Current findings compared with a baseline."""

    new: pl.DataFrame  # findings not covered by the baseline (the findings frame's columns)
    accepted: int  # findings the baseline covers
    stale: pl.DataFrame  # entries no longer (or less often) found: key columns and ``count``
    pruned: Baseline  # the baseline without its stale entries

    def describe(self, path: Path | str) -> str:
        """What the comparison found, for standard error: counts, then every stale entry."""
        lines = [f"baseline {path}: {self.accepted} findings accepted, {self.new.height} new"]
        if not self.stale.is_empty():
            gone = int(self.stale.get_column("count").sum())
            lines.append(
                f"{gone} accepted findings no longer occur (fixed); "
                "remove them with --prune-baseline:"
            )
            lines += [
                f"  {e['rule']} item {e['item_id'] or '-'} {e['field']} {e['value_hash'] or '-'}"
                + (f" (x{e['count']})" if e["count"] > 1 else "")
                for e in self.stale.iter_rows(named=True)
            ]
        return "\n".join(lines)


@dataclass(frozen=True)
class Baseline:
    """Accepted findings: one entry per key with how often it occurs."""

    entries: pl.DataFrame

    @classmethod
    def from_findings(cls, findings: pl.DataFrame) -> Baseline:
        entries = (
            keyed(findings)
            .group_by("rule", "item_key", "field", "value_hash")
            .agg(count=pl.len().cast(pl.Int64))
            .rename({"item_key": "item_id"})
        )
        return cls(_sorted(entries))

    @classmethod
    def read(cls, path: Path) -> Baseline:
        """Read a baseline file; a missing or malformed one is a :class:`ConfigError`."""
        if not path.exists():
            raise ConfigError(f"{path}: no such baseline file (write one with --write-baseline)")
        regular_file(path, "baseline file")
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: not a mapper baseline: {exc}") from None
        except RecursionError:
            raise ConfigError(f"{path}: not a mapper baseline: nested too deeply") from None
        if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
            raise ConfigError(
                f"{path}: not a mapper baseline of version {BASELINE_VERSION} "
                f"(version {data.get('version') if isinstance(data, dict) else None!r})"
            )
        entries = data.get("entries")
        if not isinstance(entries, list):
            raise ConfigError(f"{path}: a baseline needs a list of entries")
        ok = all(
            isinstance(e, dict)
            and all(isinstance(e.get(k), str) for k in KEY)
            and isinstance(e.get("count"), int)
            and not isinstance(e["count"], bool)
            and 0 < e["count"] <= MAX_COUNT
            for e in entries
        )
        if not ok:
            raise ConfigError(
                f"{path}: every baseline entry needs rule, item_id, field, value_hash (strings) "
                f"and a count from 1 to {MAX_COUNT}"
            )
        frame = pl.DataFrame(
            [{k: e[k] for k in ENTRY_SCHEMA} for e in entries], schema=ENTRY_SCHEMA
        )
        return cls(_sorted(frame.group_by(*KEY).agg(pl.col("count").sum())))

    @property
    def findings(self) -> int:
        """How many findings the baseline accepts (entries times their counts)."""
        return int(self.entries.get_column("count").sum())

    def render(self) -> str:
        """The file's text: stable key order, sorted entries, one entry per line."""
        lines = [
            json.dumps(
                {k: row[k] for k in ENTRY_SCHEMA}, ensure_ascii=False, separators=(", ", ": ")
            )
            for row in self.entries.iter_rows(named=True)
        ]
        body = ",\n".join(f"    {line}" for line in lines)
        entries = f"[\n{body}\n  ]" if lines else "[]"
        return (
            "{\n"
            f'  "version": {BASELINE_VERSION},\n'
            '  "tool": "mapper",\n'
            f'  "key": {json.dumps(list(KEY))},\n'
            f'  "findings": {self.findings},\n'
            f'  "entries": {entries}\n'
            "}\n"
        )

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.render(), encoding="utf-8")

    def check(self, findings: pl.DataFrame) -> BaselineCheck:
        """Split ``findings`` into new and accepted, and find the entries no longer seen."""
        allowed = self.entries.rename({"item_id": "item_key", "count": "allowed"})
        current = keyed(findings).join(
            allowed, on=["rule", "item_key", "field", "value_hash"], how="left"
        )
        is_new = pl.col("occurrence") > pl.col("allowed").fill_null(0)
        new = current.filter(is_new).select(findings.columns)
        seen = (
            keyed(findings)
            .group_by("rule", "item_key", "field", "value_hash")
            .agg(seen=pl.len().cast(pl.Int64))
            .rename({"item_key": "item_id"})
        )
        joined = self.entries.join(seen, on=list(KEY), how="left").with_columns(
            pl.col("seen").fill_null(0)
        )
        stale = joined.filter(pl.col("seen") < pl.col("count")).select(
            *KEY, count=pl.col("count") - pl.col("seen")
        )
        kept = joined.filter(pl.col("seen") > 0).select(
            *KEY, count=pl.min_horizontal("count", "seen")
        )
        return BaselineCheck(
            new=new,
            accepted=findings.height - new.height,
            stale=_sorted(stale),
            pruned=Baseline(_sorted(kept)),
        )


def _sorted(entries: pl.DataFrame) -> pl.DataFrame:
    return entries.select([pl.col(k).cast(t) for k, t in ENTRY_SCHEMA.items()]).sort(*KEY)


def restrict(result: CheckResult, findings: pl.DataFrame) -> CheckResult:
    """The result reporting only ``findings`` (a subset of its own): per-rule counts follow;
    the item table, status counts, 贯标率 and payment summary still describe the whole
    catalog, because an accepted problem is still a problem of the catalog."""
    per_rule = findings.group_by("rule").agg(
        findings=pl.len().cast(pl.Int64), items=items_found(findings)
    )
    by_rule = (
        result.summary.by_rule.drop("findings", "items")
        .join(per_rule, on="rule", how="left", maintain_order="left")
        .with_columns(pl.col("findings", "items").fill_null(0))
    )
    summary = replace(result.summary, by_rule=by_rule)
    if result.summary.by_catalog is not None:  # several files: their finding counts follow
        summary.by_catalog = per_catalog(result.items_source, findings, result.catalogs)
    return replace(result, findings=findings, summary=summary)


def without_accepted(result: CheckResult, checked: BaselineCheck) -> CheckResult:
    """The result reporting only its findings that ``checked`` found new (a rule finds a row
    at most once, so file, row and rule name a finding)."""
    on = [CATALOG, "row", "rule"] if result.several else ["row", "rule"]  # rows per file
    new = checked.new.select(on)
    return restrict(result, result.findings.join(new, on=on, how="semi"))
