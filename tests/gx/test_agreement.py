"""GX and mapper agree: on the sample catalogs, each expectation fails on exactly as many rows
as ``mapper check`` has findings for its rule (issue 8, 'Done when')."""

from __future__ import annotations

import polars as pl

from mapper.integrations.columns import PASS_COLUMNS
from tests.gx.conftest import Validated


def _findings_per_rule(v: Validated) -> dict[tuple[str, str | None], int]:
    """Finding counts per (rule, None) and per (rule, line kind)."""
    findings = v.checked.findings.join(
        v.checked.items.select("row", "line_type"), on="row", how="left"
    )
    counts: dict[tuple[str, str | None], int] = {}
    for rule, kind, n in findings.group_by("rule", "line_type").len().iter_rows():
        counts[(rule, kind)] = counts.get((rule, kind), 0) + n
        counts[(rule, None)] = counts.get((rule, None), 0) + n
    return counts


def test_failing_counts_equal_finding_counts(validated: Validated) -> None:
    wanted = _findings_per_rule(validated)
    got = {
        (o.rule, o.line_kind): o.unexpected for o in validated.run.outcomes if o.rule is not None
    }
    assert all(o.error is None for o in validated.run.outcomes)
    assert got == {key: wanted.get(key, 0) for key in got}


def test_every_rule_with_findings_has_a_failing_expectation(validated: Validated) -> None:
    failing = {o.rule for o in validated.run.outcomes if not o.success}
    found = set(validated.checked.findings.get_column("rule"))
    assert found <= failing
    # The samples exercise most of the suite: more than a token agreement.
    assert len(found) >= 12


def test_rules_split_by_line_kind_add_up(validated: Validated) -> None:
    by_kind = [o for o in validated.run.outcomes if o.rule == "COD003"]
    total = validated.checked.findings.filter(pl.col("rule") == "COD003").height
    assert sum(o.unexpected or 0 for o in by_kind) == total


def test_payment_expectations_match_the_item_table(validated: Validated) -> None:
    items = validated.checked.items
    for o in validated.run.outcomes:
        if o.item_column:
            assert o.unexpected == items.filter(~pl.col(o.item_column)).height


def test_pass_columns_are_the_rules_verdicts(validated: Validated) -> None:
    per_rule = dict(validated.checked.summary.by_rule.select("rule", "findings").iter_rows())
    frame = validated.frame
    for rule, column in PASS_COLUMNS.items():
        assert int((~frame[column]).sum()) == per_rule[rule], rule
    goods = frame["non_insured_goods"]
    assert int((~frame["code_present"] & ~goods).sum()) == per_rule["COD001"]
    assert int(goods.sum()) == per_rule["COD006"]


def test_frame_is_one_row_per_catalog_row(validated: Validated) -> None:
    assert list(validated.frame["row"]) == validated.checked.items.get_column("row").to_list()
    assert list(validated.frame["status"]) == validated.checked.items.get_column("status").to_list()


def test_all_required_columns_exist(validated: Validated) -> None:
    required = [o for o in validated.run.outcomes if o.expectation == "expect_column_to_exist"]
    assert required and all(o.success for o in required)
