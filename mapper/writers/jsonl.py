"""JSON Lines: one finding per line, with its rule's name, documentation link and the
stable fingerprint a baseline keys it on, for log pipelines and ``jq``."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mapper.baseline import fingerprints
from mapper.result import CATALOG, CheckResult
from mapper.rules import RULES
from mapper.writers import register
from mapper.writers.base import Writer


def annotated(result: CheckResult) -> pl.DataFrame:
    """The findings with ``catalog`` (each one's file), rule ``name``, ``url`` and
    ``fingerprint`` columns."""
    findings = result.located_findings
    codes = list(RULES)
    urls = [RULES[c].url(result.docs_url) for c in codes]
    catalog = pl.col(CATALOG) if result.several else pl.lit(result.catalog).alias(CATALOG)
    return findings.select(
        catalog,
        *[c for c in findings.columns if c != CATALOG],
        name=pl.col("rule").replace_strict(codes, [RULES[c].name for c in codes], default=None),
        url=pl.col("rule").replace_strict(codes, urls, default=None),
        fingerprint=fingerprints(findings),
    )


@register
class JsonlWriter(Writer):
    name = "jsonl"
    description = "findings.jsonl: one finding per line, with its rule's documentation link"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        path = out_dir / "findings.jsonl"
        path.write_text(self.render(result), encoding="utf-8")
        return [path]

    def render(self, result: CheckResult) -> str:
        return annotated(result).write_ndjson() if not result.findings.is_empty() else ""
