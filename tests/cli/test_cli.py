"""The CLI through click's CliRunner: exit codes, outputs, errors as one line, help texts."""

from __future__ import annotations

import json
from pathlib import Path

import click
import fastexcel
import polars as pl
import pytest
from click.testing import CliRunner

from mapper.cli.main import cli
from tests.support import REPO

PHARMACY = str(REPO / "sample_catalogs" / "pharmacy_catalog_gbk.csv")
AS_OF = ["--as-of", "2026-11-23"]


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_check_prints_summary_and_exits_1_on_errors() -> None:
    result = run("check", PHARMACY, *AS_OF)
    assert result.exit_code == 1
    assert "398 rows read" in result.output
    assert "贯标率" in result.output and "COD001" in result.output


@pytest.mark.parametrize(("fail_on", "code"), [("never", 0), ("error", 1), ("warning", 1)])
def test_fail_on(fail_on: str, code: int) -> None:
    assert run("check", PHARMACY, *AS_OF, "--fail-on", fail_on).exit_code == code


def test_clean_selection_exits_0() -> None:
    # Only rules with no finding in the sample: nothing to fail on.
    assert run("check", PHARMACY, *AS_OF, "--select", "COD003", "--ignore", "COD003").exit_code == 0
    result = run("check", PHARMACY, *AS_OF, "--select", "ATT", "--fail-on", "error")
    assert result.exit_code == 1  # ATT005 is an error


def test_json_output_is_complete() -> None:
    result = run("check", PHARMACY, *AS_OF, "--format", "json")
    report = json.loads(result.output)
    assert report["summary"]["rows_read"] == 398
    assert len(report["findings"]) == sum(r["findings"] for r in report["summary"]["by_rule"])
    assert set(report["findings"][0]) == {
        "row",
        "item_id",
        "rule",
        "severity",
        "field",
        "expected",
        "actual",
        "message",
        "name",
        "url",
        "fingerprint",
    }
    assert report["findings"][0]["url"].startswith("https://")  # absolute: resolves anywhere
    cod001 = next(f for f in report["findings"] if f["rule"] == "COD001")
    assert cod001["url"].endswith("/rules.md#cod001-missing-code")
    assert len(report["items"]) == 398
    assert {"status", "personal_account_payable", "pooled_fund_reason"} <= set(report["items"][0])


def test_out_writes_every_format(tmp_path: Path) -> None:
    result = run("check", PHARMACY, *AS_OF, "--out", str(tmp_path), "--fail-on", "never")
    assert result.exit_code == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "findings.csv",
        "items.csv",
        "report.xlsx",
        "findings.parquet",
        "items.parquet",
        "report.json",
        "report.txt",
    } <= names
    assert (tmp_path / "findings.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    items = pl.read_parquet(tmp_path / "items.parquet")
    assert items.height == 398
    book = pl.read_excel(tmp_path / "report.xlsx", sheet_name="商品状态 items")
    assert {"汇总 summary", "问题清单 findings", "现金结算 cash items"} <= set(
        fastexcel.read_excel(tmp_path / "report.xlsx").sheet_names
    )
    assert book.height == 398


def test_binary_format_needs_out() -> None:
    result = CliRunner().invoke(cli, ["check", PHARMACY, *AS_OF, "--format", "xlsx"])
    assert result.exit_code == 2 and "--out" in result.output


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("broken_ragged_rows.csv", "row 5"),
        ("broken_no_code_column.csv", "--column code="),
        ("empty.csv", "empty"),
        ("does_not_exist.csv", "no such file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(name: str, needle: str) -> None:
    result = CliRunner().invoke(cli, ["check", str(REPO / "sample_catalogs" / name)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mapper: error: ") and needle in lines[0]
    assert "Traceback" not in result.output


def test_bad_options_exit_2() -> None:
    assert CliRunner().invoke(cli, ["check", PHARMACY, "--select", "XYZ9"]).exit_code == 2
    assert CliRunner().invoke(cli, ["check", PHARMACY, "--as-of", "23/11/2026"]).exit_code == 2
    assert CliRunner().invoke(cli, ["check", PHARMACY, "--column", "code"]).exit_code == 2
    assert CliRunner().invoke(cli, ["check", PHARMACY, "--release", "1999-01"]).exit_code == 2


def test_column_override_and_encoding() -> None:
    result = run("check", PHARMACY, *AS_OF, "--encoding", "gbk", "--column", "code=医保编码")
    assert result.exit_code == 1 and "398 rows read" in result.output
    result = CliRunner().invoke(cli, ["check", PHARMACY, "--encoding", "utf-8"])
    assert result.exit_code == 2 and "row 1" in result.output


def test_rules_and_rule_pages() -> None:
    listing = run("rules").output
    assert "REF002  revoked-code" in listing
    page = run("rule", "revoked-code").output
    assert page.startswith("## REF002 revoked-code") and "### Why is this bad?" in page
    assert CliRunner().invoke(cli, ["rule", "NOPE1"]).exit_code == 2


def _commands(group: click.Group) -> list[click.Command]:
    return list(group.commands.values())


@pytest.mark.parametrize("command", _commands(cli), ids=lambda c: c.name)
def test_every_command_has_help(command: click.Command) -> None:
    assert command.help, f"{command.name} lacks help text"
    assert run(command.name or "", "--help").exit_code == 0


def test_python_dash_m(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "mapper", "rules"], capture_output=True, text=True, check=True
    )
    assert "COD001" in out.stdout
