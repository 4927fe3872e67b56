"""The baseline: accepted findings pass, new ones fail, reordering changes nothing, fixed
entries are listed so the file can be pruned."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from mapper.baseline import Baseline, value_hash
from tests.ci.conftest import AS_OF, Versions, run


def _jsonl(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def _written(versions: Versions, tmp_path: Path) -> Path:
    baseline = tmp_path / "mapper-baseline.json"
    result = run("check", versions.v1, *AS_OF, "--write-baseline", baseline)
    assert result.exit_code == 0, result.output
    return baseline


def test_baseline_written_on_v1_makes_v1_pass(versions: Versions, tmp_path: Path) -> None:
    assert run("check", versions.v1, *AS_OF).exit_code == 1  # v1 has errors of its own
    baseline = _written(versions, tmp_path)
    result = run("check", versions.v1, *AS_OF, "--baseline", baseline, "--format", "jsonl")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "37 findings accepted, 0 new" in result.stderr


def test_v2_with_three_new_problems_fails_with_exactly_those(
    versions: Versions, tmp_path: Path
) -> None:
    baseline = _written(versions, tmp_path)
    result = run("check", versions.v2, *AS_OF, "--baseline", baseline, "--format", "jsonl")
    assert result.exit_code == 1
    found = {(f["rule"], f["item_id"]) for f in _jsonl(result.stdout)}
    assert found == versions.new_problems
    assert "3 new" in result.stderr


def test_only_new_warnings_do_not_fail_on_error(versions: Versions, tmp_path: Path) -> None:
    baseline = _written(versions, tmp_path)
    result = run("check", versions.v2, *AS_OF, "--baseline", baseline, "--select", "ATT")
    assert result.exit_code == 0  # the one new ATT finding is a warning
    result = run(
        "check", versions.v2, *AS_OF, "--baseline", baseline, "--select", "ATT",
        "--fail-on", "warning",
    )  # fmt: skip
    assert result.exit_code == 1


def test_reordered_rows_still_pass(versions: Versions, tmp_path: Path) -> None:
    baseline = _written(versions, tmp_path)
    result = run("check", versions.shuffled, *AS_OF, "--baseline", baseline, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


def test_fixed_items_are_listed_as_stale_and_pruned(versions: Versions, tmp_path: Path) -> None:
    baseline = _written(versions, tmp_path)
    rule, item = versions.fixed_problem
    result = run("check", versions.fixed, *AS_OF, "--baseline", baseline)
    assert result.exit_code == 0
    assert "1 accepted findings no longer occur (fixed)" in result.stderr
    assert f"  {rule} item {item} manufacturer" in result.stderr
    before = Baseline.read(baseline)
    result = run("check", versions.fixed, *AS_OF, "--baseline", baseline, "--prune-baseline")
    assert result.exit_code == 0
    after = Baseline.read(baseline)
    assert after.findings == before.findings - 1
    assert after.entries.filter(rule=rule, item_id=item).is_empty()
    again = run("check", versions.fixed, *AS_OF, "--baseline", baseline)
    assert "no longer occur" not in again.stderr


def test_file_is_versioned_sorted_and_stable(versions: Versions, tmp_path: Path) -> None:
    baseline = _written(versions, tmp_path)
    data = json.loads(baseline.read_text("utf-8"))
    assert data["version"] == 1
    keys = [(e["rule"], e["item_id"], e["field"], e["value_hash"]) for e in data["entries"]]
    assert keys == sorted(keys)
    assert sum(e["count"] for e in data["entries"]) == data["findings"] == 37
    # One entry per line: adding or removing an accepted finding is a one-line diff.
    lines = baseline.read_text("utf-8").splitlines()
    assert sum(line.lstrip().startswith('{"rule"') for line in lines) == len(keys)
    shuffled = tmp_path / "from_shuffled.json"
    run("check", versions.shuffled, *AS_OF, "--write-baseline", shuffled)
    assert shuffled.read_text("utf-8") == baseline.read_text("utf-8")


def test_duplicate_keys_are_counted(versions: Versions, tmp_path: Path) -> None:
    data = json.loads(_written(versions, tmp_path).read_text("utf-8"))
    dup = [e for e in data["entries"] if e["rule"] == "CAT001"]
    assert [e["count"] for e in dup] == [2]  # one item id on two rows: one key, counted twice
    assert dup[0]["value_hash"] == value_hash(dup[0]["item_id"])


def test_a_third_copy_of_a_duplicate_is_new() -> None:
    findings = pl.DataFrame(
        {
            "row": [5, 9, 12],
            "item_id": ["A1"] * 3,
            "rule": ["CAT001"] * 3,
            "severity": ["warning"] * 3,
            "field": ["item_id"] * 3,
            "expected": ["3"] * 3,
            "actual": ["A1"] * 3,
            "message": ["dup"] * 3,
        }
    )
    checked = Baseline.from_findings(findings.head(2)).check(findings)
    assert checked.new.get_column("row").to_list() == [12]
    assert checked.accepted == 2 and checked.stale.is_empty()


def test_revoked_code_key_does_not_depend_on_the_check_date() -> None:
    # REF002 reports the check date as its actual value; the key must not change daily.
    day = pl.DataFrame(
        {"row": [2], "item_id": ["A1"], "rule": ["REF002"], "severity": ["error"],
         "field": ["code"], "expected": ["2025-12-31"], "actual": ["2026-11-23"],
         "message": ["revoked"]}
    )  # fmt: skip
    next_day = day.with_columns(actual=pl.lit("2026-11-24"))
    assert Baseline.from_findings(day).check(next_day).new.is_empty()


def test_bad_baseline_files_exit_2(versions: Versions, tmp_path: Path) -> None:
    missing = run("check", versions.v1, *AS_OF, "--baseline", tmp_path / "nope.json")
    assert missing.exit_code == 2 and "no such baseline file" in missing.stderr
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"version": 99, "entries": []}', "utf-8")
    result = run("check", versions.v1, *AS_OF, "--baseline", wrong)
    assert result.exit_code == 2 and "version" in result.stderr
    wrong.write_text("not json", "utf-8")
    assert run("check", versions.v1, *AS_OF, "--baseline", wrong).exit_code == 2
