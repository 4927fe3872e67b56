"""One generic loader turns the YAML cases in cases/ into tests: `pytest -k ATT002`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

import mapper
from mapper.reference import Reference
from tests.support import write_catalog_csv

CASES_DIR = Path(__file__).parent / "cases"
DEFAULT_AS_OF = dt.date(2026, 11, 23)


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for rule, cases in yaml.safe_load(path.read_text("utf-8")).items():
            for name, case in cases.items():
                out.append(pytest.param(rule, case, id=f"{rule}-{name}"))
    return out


@pytest.mark.parametrize(("rule", "case"), _cases())
def test_rule_case(
    rule: str, case: dict[str, Any], tiny_reference: Reference, tmp_path: Path
) -> None:
    catalog = write_catalog_csv(tmp_path / "catalog.csv", case["rows"])
    as_of = case.get("as_of", DEFAULT_AS_OF)
    result = mapper.check(catalog, tiny_reference, as_of=as_of)
    mine = result.findings.filter(result.findings["rule"] == rule)
    assert sorted(mine.select("row", "rule").rows()) == sorted((r, c) for r, c in case["findings"])
    if "expected_contains" in case:
        assert mine.height == 1
        evidence = (mine["expected"][0] or "") + (mine["message"][0] or "")
        assert str(case["expected_contains"]) in evidence
    # No row is lost, whatever fired.
    assert result.items.height == len(case["rows"])


def test_every_case_names_a_registered_rule() -> None:
    from mapper.rules import RULES

    for param in _cases():
        assert param.values[0] in RULES, f"{param.id}: no such rule"
