"""``mapper reference`` and ``mapper check --reference`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import click
import polars as pl
from click.testing import CliRunner

from mapper.cli.main import cli
from tests.reference.conftest import RELEASES, snapshot


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_import_then_list(tmp_path: Path) -> None:
    result = run(
        "reference",
        "import",
        str(RELEASES / "drug_2026-12.csv"),
        "--system",
        "drug",
        "--release",
        "2026-12",
        "--store",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    assert "imported 300 drug records as release 2026-12" in result.output
    listed = run("reference", "list", "--store", str(tmp_path), "--format", "json")
    assert json.loads(listed.output)[0]["published"] == "2026-12-01"


def test_rejected_file_exits_1_with_a_report_and_store_untouched(tmp_path: Path) -> None:
    run(
        "reference",
        "import",
        str(RELEASES / "drug_2026-12.csv"),
        "--system",
        "drug",
        "--release",
        "2026-12",
        "--store",
        str(tmp_path / "s"),
    )
    before = snapshot(tmp_path / "s")
    report = tmp_path / "rejected.csv"
    result = run(
        "reference",
        "import",
        str(RELEASES / "broken_codes.csv"),
        "--system",
        "drug",
        "--release",
        "2027-01",
        "--store",
        str(tmp_path / "s"),
        "--report",
        str(report),
    )
    assert result.exit_code == 1
    assert "6 rejected rows" in result.output and "not imported" in result.output
    assert pl.read_csv(report).get_column("row").to_list() == [4, 7, 9, 11, 13, 15]
    assert snapshot(tmp_path / "s") == before


def test_missing_column_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run(
        "reference",
        "import",
        str(RELEASES / "broken_columns.csv"),
        "--system",
        "drug",
        "--release",
        "2027-01",
        "--store",
        str(tmp_path),
    )
    assert result.exit_code == 2
    assert "column '注册名称'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "manifest.json").exists()


def test_skip_bad_rows_imports_and_still_exits_1(tmp_path: Path) -> None:
    result = run(
        "reference",
        "import",
        str(RELEASES / "broken_codes.csv"),
        "--system",
        "drug",
        "--release",
        "2027-01",
        "--store",
        str(tmp_path),
        "--skip-bad-rows",
    )
    assert result.exit_code == 1
    assert "imported 14 drug records" in result.output and "skipped 6" in result.output


def test_show_and_diff_formats(release_store: Path) -> None:
    store = ("--store", str(release_store))
    shown = run("reference", "show", "003316020040000", *store)
    assert shown.exit_code == 0 and "2026-12" in shown.output and "2027-01" in shown.output
    assert run("reference", "show", "003316020049999", *store).exit_code == 1
    as_csv = run("reference", "diff", "2026-12", "2027-01", *store, "--format", "csv")
    assert as_csv.exit_code == 0
    assert as_csv.output.splitlines()[0] == "system,code,change,field,old,new,name"
    as_json = json.loads(
        run(
            "reference",
            "diff",
            "2026-12",
            "2027-01",
            *store,
            "--system",
            "service",
            "--format",
            "json",
        ).output
    )
    assert {r["change"] for r in as_json} == {"added", "revoked", "changed"}
    table = run("reference", "diff", "2026-12", "2027-01", *store)
    assert "codes per change" in table.output


def test_impact_exits_1_when_the_new_release_breaks_items(release_store: Path) -> None:
    result = run(
        "reference",
        "impact",
        str(RELEASES / "catalog.csv"),
        "--from",
        "2026-12",
        "--to",
        "2027-01",
        "--store",
        str(release_store),
        "--format",
        "csv",
    )
    assert result.exit_code == 1
    frame = pl.read_csv(result.output.encode(), infer_schema=False)
    assert frame.height == 20 and "breaks" in set(frame.get_column("impact"))
    no_change = run(
        "reference",
        "impact",
        str(RELEASES / "catalog.csv"),
        "--from",
        "2027-01",
        "--to",
        "2027-01",
        "--store",
        str(release_store),
    )
    assert no_change.exit_code == 0


def test_check_picks_the_release_in_force_with_as_of(release_store: Path) -> None:
    def release(*extra: str) -> object:
        out = run(
            "check",
            str(RELEASES / "catalog.csv"),
            "--reference",
            str(release_store),
            "--format",
            "json",
            "--fail-on",
            "never",
            *extra,
        ).output
        return json.loads(out)["reference_release"]

    assert release("--as-of", "2026-12-20") == "2026-12"
    assert release("--as-of", "2027-01-02") == "2027-01"
    assert release("--as-of", "2027-01-02", "--release", "2026-12") == "2026-12"


def test_check_accepts_a_release_name_of_the_default_store() -> None:
    catalog = str(RELEASES / "catalog.csv")
    ok = run(
        "check", catalog, "--reference", "2026-11", "--as-of", "2026-11-23", "--fail-on", "never"
    )
    assert ok.exit_code == 0
    bad = run("check", catalog, "--reference", "1999-01")
    assert bad.exit_code == 2 and "neither a store folder nor a release" in bad.output


def test_every_reference_command_has_help() -> None:
    group = cli.commands["reference"]
    assert isinstance(group, click.Group)
    for name, command in group.commands.items():
        assert command.help, name
