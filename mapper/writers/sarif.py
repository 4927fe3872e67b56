"""SARIF 2.1.0, the static-analysis exchange format GitHub code scanning and many IDEs read.

``tool.driver.rules`` lists every registered rule with its documentation link (``helpUri``);
each result names its rule, level and message, and points at the catalog file with the
catalog row as ``region.startLine``. ``partialFingerprints`` carries the baseline key, so a
viewer can follow a finding across reordered exports.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from mapper import __version__
from mapper.baseline import fingerprints
from mapper.result import CATALOG, CheckResult
from mapper.rules import RULES
from mapper.writers import register
from mapper.writers.base import Writer

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "mapperFinding/v1"


def artifact_uri(catalog: str) -> dict[str, str]:
    """The catalog as an artifact location: relative paths stay relative to the source root."""
    path = Path(catalog)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": quote(PurePosixPath(*path.parts).as_posix()), "uriBaseId": "%SRCROOT%"}


def rule_descriptors(docs_url: str | None = None) -> list[dict[str, Any]]:
    out = []
    for code in sorted(RULES):
        rule = RULES[code]
        url = rule.url(docs_url)
        out.append(
            {
                "id": code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary()},
                "helpUri": url,
                "help": {"text": f"{rule.summary()} See {url}"},
                "defaultConfiguration": {"level": LEVEL[rule.severity.value]},
            }
        )
    return out


def sarif_log(result: CheckResult) -> dict[str, Any]:
    """The SARIF log of a check as a dict."""
    index = {code: i for i, code in enumerate(sorted(RULES))}
    files = result.catalogs or [result.catalog]
    locations = {name: artifact_uri(name) for name in files}
    findings = result.findings.with_columns(fingerprint=fingerprints(result.findings))
    results = []
    for f in findings.iter_rows(named=True):
        rule = RULES.get(f["rule"])
        location = locations[f.get(CATALOG) or result.catalog]
        text = f["message"] + (f" (see {rule.url(result.docs_url)})" if rule else "")
        entry: dict[str, Any] = {
            "ruleId": f["rule"],
            "level": LEVEL.get(f["severity"], "warning"),
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": location,
                        "region": {"startLine": int(f["row"])},
                    },
                    "logicalLocations": [
                        {"name": f["item_id"] or "", "kind": "item"},
                    ],
                }
            ],
            "partialFingerprints": {FINGERPRINT: f["fingerprint"]},
            "properties": {
                "item_id": f["item_id"],
                "field": f["field"],
                "expected": f["expected"],
                "actual": f["actual"],
            },
        }
        if f["rule"] in index:
            entry["ruleIndex"] = index[f["rule"]]
        results.append(entry)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mapper",
                        "version": __version__,
                        "rules": rule_descriptors(result.docs_url),
                    }
                },
                "artifacts": [
                    {"location": locations[name], "roles": ["analysisTarget"]} for name in files
                ],
                "results": results,
                "properties": result.meta(),
            }
        ],
    }


@register
class SarifWriter(Writer):
    name = "sarif"
    description = "report.sarif: SARIF 2.1.0 for code scanning (rules link to their docs)"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        path = out_dir / "report.sarif"
        path.write_text(self.render(result), encoding="utf-8")
        return [path]

    def render(self, result: CheckResult) -> str:
        return json.dumps(sarif_log(result), ensure_ascii=False, indent=2, default=str) + "\n"
