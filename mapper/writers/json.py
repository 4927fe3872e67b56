"""One JSON document: what was checked, the summary, every finding (with its rule's name and
documentation link) and every item with its status and payment eligibility."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mapper.result import CATALOG, CheckResult
from mapper.writers import register
from mapper.writers.base import Writer
from mapper.writers.jsonl import annotated


def report_dict(result: CheckResult) -> dict[str, Any]:
    """The report as plain data (dates as ISO text)."""
    findings = annotated(result)
    if not result.several:
        findings = findings.drop(CATALOG)  # the catalog is named once, above
    return {
        **result.meta(),
        "summary": result.summary.to_dict(),
        "findings": findings.to_dicts(),
        "items": result.items.to_dicts(),
    }


@register
class JsonWriter(Writer):
    name = "json"
    description = "report.json: metadata, summary, findings and items"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        path = out_dir / "report.json"
        path.write_text(self.render(result), encoding="utf-8")
        return [path]

    def render(self, result: CheckResult) -> str:
        return json.dumps(report_dict(result), ensure_ascii=False, indent=2, default=str) + "\n"
