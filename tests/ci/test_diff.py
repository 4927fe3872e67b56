"""`mapper check --diff OLD`: only added or changed rows are reported, and the findings of
the old version that are gone are listed as fixed."""

from __future__ import annotations

import json

import polars as pl

from mapper.catalog import read_catalog
from mapper.catalog_diff import diff_catalogs
from tests.ci.conftest import AS_OF, NEW_ITEM, Versions, run


def _found(stdout: str) -> set[tuple[str, str]]:
    return {(f["rule"], f["item_id"]) for f in map(json.loads, stdout.splitlines())}


def test_rows_are_classified_on_item_id_and_content(versions: Versions) -> None:
    diff = diff_catalogs(read_catalog(versions.v2), read_catalog(versions.v1))
    assert (diff.count("added"), diff.count("changed"), diff.count("unchanged")) == (1, 2, 396)
    assert diff.removed == 0
    new = read_catalog(versions.v2).frame
    touched = new.filter(pl.col("row").is_in(diff.touched.to_list()))
    assert NEW_ITEM in touched.get_column("item_id").to_list()
    reordered = diff_catalogs(read_catalog(versions.shuffled), read_catalog(versions.v1))
    assert reordered.touched.is_empty()


def test_diff_reports_only_the_changed_rows(versions: Versions) -> None:
    result = run("check", versions.v2, *AS_OF, "--diff", versions.v1, "--format", "jsonl")
    assert result.exit_code == 1
    assert _found(result.stdout) == versions.new_problems
    assert "1 rows added, 2 changed, 396 unchanged" in result.stderr
    assert "0 findings of the old version fixed" in result.stderr


def test_diff_of_a_reordered_export_is_clean(versions: Versions) -> None:
    result = run("check", versions.shuffled, *AS_OF, "--diff", versions.v1, "--format", "jsonl")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_diff_lists_fixed_findings(versions: Versions) -> None:
    rule, item = versions.fixed_problem
    result = run("check", versions.fixed, *AS_OF, "--diff", versions.v1, "--format", "jsonl")
    assert result.exit_code == 0  # the changed row is now clean
    assert "1 findings of the old version fixed:" in result.stderr
    assert f"  {rule} item {item} (old row" in result.stderr


def test_diff_with_a_baseline(versions: Versions) -> None:
    baseline = "accepted.json"
    run("check", versions.v1, *AS_OF, "--write-baseline", baseline)
    # v1's accepted findings are on unchanged rows anyway: v2's three new ones remain.
    result = run(
        "check", versions.v2, *AS_OF, "--diff", versions.v1, "--baseline", baseline,
        "--format", "jsonl",
    )  # fmt: skip
    assert _found(result.stdout) == versions.new_problems
    run("check", versions.v2, *AS_OF, "--write-baseline", baseline)
    result = run(
        "check", versions.v2, *AS_OF, "--diff", versions.v1, "--baseline", baseline,
        "--format", "jsonl",
    )  # fmt: skip
    assert result.exit_code == 0 and result.stdout == ""
