"""The suite itself: every rule is in it, no value set is large, its JSON round-trips."""

from __future__ import annotations

import json
import re
from typing import Any

import great_expectations as gx
import pytest

from mapper.codes import SYSTEMS
from mapper.errors import ConfigError
from mapper.integrations import gx as mgx
from mapper.rules import RULES


def _lists(value: Any) -> list[list[Any]]:
    """Every list anywhere in a JSON value (value sets, row-condition operands …)."""
    if isinstance(value, list):
        return [value, *[x for v in value for x in _lists(v)]]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _lists(v)]
    return []


@pytest.mark.parametrize("kind", mgx.KINDS)
def test_every_registered_rule_has_an_expectation(kind: str) -> None:
    suite = mgx.expectation_suite(kind)
    rules = {x.meta.get("mapper_rule") for x in suite.expectations}
    assert set(RULES) <= rules


@pytest.mark.parametrize("kind", mgx.KINDS)
def test_no_value_set_beyond_a_few_hundred(kind: str) -> None:
    suite = mgx.expectation_suite(kind)
    assert mgx.largest_value_set(suite) <= mgx.MAX_VALUE_SET
    as_json = suite.to_json_dict()
    for expectation in as_json["expectations"]:
        for found in _lists(expectation["kwargs"]):
            assert len(found) <= mgx.MAX_VALUE_SET, expectation["type"]
    # In fact the suite has none longer than one entry.
    assert mgx.largest_value_set(suite) == 1


@pytest.mark.parametrize("kind", mgx.KINDS)
def test_json_round_trips(kind: str) -> None:
    text = json.dumps(mgx.expectation_suite(kind).to_json_dict(), ensure_ascii=False)
    loaded = gx.ExpectationSuite(**json.loads(text))
    assert len(loaded.expectations) == len(mgx.expectation_suite(kind).expectations)
    assert loaded.meta["mapper_kind"] == kind


def test_code_shapes_are_the_systems_regexes() -> None:
    suite = mgx.expectation_suite("hospital")
    shapes = {
        x.meta["line_kind"]: x.configuration.kwargs["regex"]
        for x in suite.expectations
        if x.meta.get("mapper_rule") == "COD003"
    }
    assert set(shapes) == set(mgx.LINE_KINDS["hospital"])
    assert shapes["drug"] == SYSTEMS["drug"].regex
    assert re.fullmatch(shapes["drug"], "XA01ABD075A002010100483")
    assert not re.fullmatch(shapes["service"], "XA01ABD075A002010100483")


def test_kinds_differ_in_required_columns_and_line_types() -> None:
    def required(kind: str) -> set[str]:
        suite = mgx.expectation_suite(kind)
        return {
            x.configuration.kwargs["column"]
            for x in suite.expectations
            if x.expectation_type == "expect_column_to_exist"
        }

    assert "approval_no" in required("pharmacy") and "approval_no" not in required("hospital")
    assert "unit_price" in required("hospital")


def test_severity_follows_the_rule() -> None:
    suite = mgx.expectation_suite()
    by_rule = {x.meta.get("mapper_rule"): x for x in suite.expectations}
    assert str(by_rule["COD001"].severity) in ("critical", "FailureSeverity.CRITICAL")
    assert by_rule["ATT001"].meta["mapper_severity"] == "warning"


def test_unknown_kind_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        mgx.expectation_suite("clinic")


def test_narrowing_the_batch_changes_no_result() -> None:
    from tests.gx.conftest import AS_OF, CATALOGS, SAMPLES

    frame = mgx.enriched_frame(SAMPLES / CATALOGS["hospital"], as_of=AS_OF)
    narrow = mgx.validate(frame, narrow=True).outcomes
    whole = mgx.validate(frame, narrow=False).outcomes
    assert mgx.in_suite_order(narrow) == mgx.in_suite_order(whole)


def test_a_table_level_expectation_keeps_the_whole_frame() -> None:
    suite = mgx.expectation_suite()
    assert mgx.suite_columns(suite) is not None
    suite.expectations.append(gx.expectations.ExpectTableRowCountToBeBetween(min_value=1))
    assert mgx.suite_columns(suite) is None
