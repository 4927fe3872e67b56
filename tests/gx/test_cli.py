"""``mapper gx suite`` and ``mapper gx run`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from mapper.cli.main import cli
from tests.gx.conftest import CATALOGS, SAMPLES

PHARMACY = str(SAMPLES / CATALOGS["pharmacy"])
AS_OF = ["--as-of", "2026-11-23"]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_suite_writes_gx_json(tmp_path: Path) -> None:
    out = tmp_path / "suite.json"
    result = run("gx", "suite", "--kind", "pharmacy", "--out", str(out))
    assert result.exit_code == 0
    suite = json.loads(out.read_text("utf-8"))
    assert suite["name"] == "mapper-pharmacy"
    assert {x["meta"].get("mapper_rule") for x in suite["expectations"]} >= {"COD001", "REF002"}


def test_suite_to_stdout() -> None:
    result = run("gx", "suite")
    assert json.loads(result.output)["name"] == "mapper-hospital"


def test_run_prints_each_expectation_builds_docs_and_exits_1(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    result = CliRunner().invoke(
        cli, ["gx", "run", PHARMACY, *AS_OF, "--kind", "pharmacy", "--docs", str(docs)]
    )
    assert result.exit_code == 1, result.output
    assert "398 rows" in result.output
    assert "FAIL COD001" in result.output and "3 of 382 rows" in result.output
    assert "FAIL COD006" in result.output and "16 of 398 rows" in result.output
    assert "ok   COD005" in result.output
    assert (docs / "index.html").exists()


def test_run_fail_on_never_exits_0() -> None:
    result = run("gx", "run", PHARMACY, *AS_OF, "--fail-on", "never")
    assert result.exit_code == 0


def test_run_on_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["gx", "run", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "mapper: error" in result.output and "Traceback" not in result.output


def test_gx_commands_have_help() -> None:
    for args in (["gx"], ["gx", "suite"], ["gx", "run"]):
        assert run(*args, "--help").exit_code == 0
