"""`mapper check` as ruff: several files, one report and one exit code; --output-format and
-o; --quiet and --statistics; the verdict line; absolute rule links from a configurable base;
the progress bar (on a terminal only); the terminal report at 80 columns."""

from __future__ import annotations

import io
import json
import os
import shutil
import time
from pathlib import Path

import click.testing
import pytest
from click.testing import CliRunner
from rich.console import Console

import mapper
from mapper.cli.main import cli
from mapper.cli.progress import Bar
from mapper.many import expand
from mapper.stream import check_to
from mapper.writers.text import TextWriter
from tests.support import REPO

SAMPLES = REPO / "sample_catalogs"
PHARMACY = SAMPLES / "pharmacy_catalog_gbk.csv"
HOSPITAL = SAMPLES / "hospital_catalog.xlsx"
AS_OF = ["--as-of", "2026-11-23"]


def run(*args: str | Path) -> click.testing.Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(autouse=True)
def _no_stray_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


def test_several_files_one_report_equal_to_separate_runs() -> None:
    both = run("check", PHARMACY, HOSPITAL, *AS_OF, "--output-format", "json")
    alone = [
        json.loads(run("check", p, *AS_OF, "--format", "json").stdout) for p in (PHARMACY, HOSPITAL)
    ]
    report = json.loads(both.stdout)
    assert both.exit_code == 1
    assert report["catalogs"] == [str(PHARMACY), str(HOSPITAL)]
    # Each file's findings, with its file, exactly as its own run found them.
    for path, one in zip((PHARMACY, HOSPITAL), alone, strict=True):
        mine = [
            {k: v for k, v in f.items() if k in one["findings"][0]}
            for f in report["findings"]
            if f["catalog"] == str(path)
        ]
        assert mine == one["findings"]
    counts = {c["catalog"]: c for c in report["summary"]["by_catalog"]}
    assert counts[str(PHARMACY)]["rows"] == alone[0]["summary"]["rows_read"]
    assert counts[str(HOSPITAL)]["findings"] == len(alone[1]["findings"])
    assert report["summary"]["rows_read"] == sum(a["summary"]["rows_read"] for a in alone)
    assert len(report["items"]) == report["summary"]["rows_read"]  # no row lost
    assert {i["catalog"] for i in report["items"]} == {str(PHARMACY), str(HOSPITAL)}


def test_several_files_in_the_locating_formats() -> None:
    sarif = json.loads(run("check", PHARMACY, HOSPITAL, *AS_OF, "--format", "sarif").stdout)
    run_ = sarif["runs"][0]
    assert [a["location"]["uri"] for a in run_["artifacts"]] == [
        PHARMACY.as_uri(),
        HOSPITAL.as_uri(),
    ]
    files = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]
    }
    assert files == {PHARMACY.as_uri(), HOSPITAL.as_uri()}
    github = run("check", PHARMACY, HOSPITAL, *AS_OF, "--format", "github").stdout.splitlines()
    assert {line.split("file=")[1].split(",")[0] for line in github} == {
        str(PHARMACY),
        str(HOSPITAL),
    }
    junit = run("check", PHARMACY, HOSPITAL, *AS_OF, "--format", "junit").stdout
    assert f"catalog: {HOSPITAL}, row" in junit and f"catalog: {PHARMACY}, row" in junit
    quiet = run("check", PHARMACY, HOSPITAL, *AS_OF, "-q").stdout.splitlines()
    assert quiet[0].startswith(f"{PHARMACY}:") and quiet[-2].startswith(f"{HOSPITAL}:")


def test_duplicate_ids_within_a_file_never_across(tmp_path: Path) -> None:
    # The same catalog twice under two names: every item id occurs in both files, yet the
    # duplicate-id rules find only what each file finds alone.
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    shutil.copy(PHARMACY, a)
    shutil.copy(PHARMACY, b)
    stats = json.loads(run("check", a, b, *AS_OF, "--statistics", "--format", "json").stdout)
    alone = json.loads(run("check", a, *AS_OF, "--statistics", "--format", "json").stdout)
    per_rule = {r["rule"]: r["findings"] for r in stats}
    assert per_rule == {r["rule"]: 2 * r["findings"] for r in alone}


def test_folders_and_globs_expand_to_catalog_files(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / ".hidden").mkdir()
    for name in ("in/x.csv", "in/sub/y.xlsx", "in/.hidden/z.csv", "in/~$y.xlsx", "in/notes.txt"):
        (tmp_path / name).write_text("a,b\n1,2\n", encoding="utf-8")
    assert expand([tmp_path / "in"]) == [tmp_path / "in/sub/y.xlsx", tmp_path / "in/x.csv"]
    assert expand([str(tmp_path / "in" / "*.csv"), tmp_path / "in" / "x.csv"]) == [
        tmp_path / "in/x.csv"
    ]
    nothing = run("check", tmp_path / "in" / "*.parquet")
    assert nothing.exit_code == 2 and "matches no file" in nothing.stderr
    (tmp_path / "empty").mkdir()
    assert "holds no catalog files" in run("check", tmp_path / "empty").stderr


def test_quiet_prints_only_findings_and_the_verdict() -> None:
    result = run("check", PHARMACY, *AS_OF, "--quiet")
    lines = result.stdout.splitlines()
    assert result.exit_code == 1 and result.stderr == ""
    assert len(lines) == 37 + 1
    assert all(line.startswith(f"{PHARMACY}:") for line in lines[:-1])
    assert lines[-1] == "Found 37 findings: 13 errors, 24 warnings (发现37个问题)"


def test_all_checks_passed_when_nothing_reaches_fail_on() -> None:
    warnings_only = run("check", PHARMACY, *AS_OF, "--select", "COD004", "-q")
    assert warnings_only.exit_code == 0
    assert warnings_only.stdout.splitlines()[-1] == (
        "All checks passed! 全部检查通过 (2 warnings below --fail-on error)"
    )
    failing = run("check", PHARMACY, *AS_OF, "--select", "COD004", "-q", "--fail-on", "warning")
    assert failing.exit_code == 1
    assert failing.stdout.splitlines()[-1].startswith("Found 2 findings: 2 warnings")
    clean = run("check", PHARMACY, *AS_OF, "--select", "COD003", "--ignore", "COD003")
    assert clean.exit_code == 0 and clean.stdout.endswith("All checks passed! 全部检查通过\n")


def test_statistics_counts_per_rule() -> None:
    result = run("check", PHARMACY, *AS_OF, "--statistics")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["16", "COD006", "non-insured-goods", "[warning]"]
    assert sum(int(line.split()[0]) for line in lines[:-1]) == 37
    assert lines[-1].startswith("Found 37 findings")
    assert run("check", PHARMACY, "--statistics", "--format", "sarif").exit_code == 2


def test_output_file_and_output_format(tmp_path: Path) -> None:
    out = tmp_path / "r" / "report.sarif"
    result = run("check", PHARMACY, *AS_OF, "--output-format", "sarif", "-o", out)
    assert result.exit_code == 1 and result.stdout == ""
    log = json.loads(out.read_text("utf-8"))
    assert log["runs"][0]["results"][0]["ruleId"]
    book = tmp_path / "findings.xlsx"  # a binary format's one file
    assert run("check", PHARMACY, *AS_OF, "--format", "xlsx", "-o", book).exit_code == 1
    assert book.read_bytes()[:2] == b"PK"
    text = tmp_path / "report.txt"
    written = run("check", PHARMACY, *AS_OF, "--output-file", text)
    assert "贯标率" in text.read_text("utf-8") and written.stdout == ""
    assert written.stderr.startswith("Found 37 findings")  # the verdict, on the terminal
    many = run("check", PHARMACY, *AS_OF, "--format", "parquet", "-o", tmp_path / "x.parquet")
    assert many.exit_code == 2 and "use --out DIR" in many.output


def test_rule_links_are_absolute_and_configurable(tmp_path: Path) -> None:
    github = run("check", PHARMACY, *AS_OF, "--output-format", "github").stdout
    assert "(see https://" in github and "/rules.md#cod001-missing-code)" in github
    custom = run(
        "check", PHARMACY, *AS_OF, "--format", "sarif", "--docs-url", "https://wiki.example/m/"
    ).stdout
    rules = json.loads(custom)["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"]: r["helpUri"] for r in rules}["REF002"] == (
        "https://wiki.example/m/rules.md#ref002-revoked-code"
    )
    (Path.cwd() / "mapper.toml").write_text(
        'docs-url = "https://docs.example/{code}.html"\noutput-format = "jsonl"\n', "utf-8"
    )
    line = json.loads(run("check", PHARMACY, *AS_OF).stdout.splitlines()[0])
    assert line["url"] == f"https://docs.example/{line['rule']}.html"
    (Path.cwd() / "mapper.toml").write_text('docs-url = "https://x/{nope}"\n', "utf-8")
    bad = run("check", PHARMACY, *AS_OF)
    assert bad.exit_code == 2 and "docs-url" in bad.stderr


def test_config_baseline_is_relative_to_the_config_file(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    assert run("check", PHARMACY, *AS_OF, "--write-baseline", project / "bl.json").exit_code == 0
    (project / "pyproject.toml").write_text(
        '[tool.mapper]\nbaseline = "bl.json"\nfail-on = "warning"\n', "utf-8"
    )
    os.chdir(project / "sub")
    result = run("check", PHARMACY, *AS_OF, "-q")
    assert (result.exit_code, result.stdout) == (0, "All checks passed! 全部检查通过\n")
    (project / "pyproject.toml").write_text('[tool.mapper]\noutput-format = "yaml"\n', "utf-8")
    assert "is not a format" in run("check", PHARMACY).stderr


def test_progress_bar_renders_on_a_terminal_and_is_silent_otherwise() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    with (
        Bar(enabled=True, console=console, delay=0) as bar,
        bar.stage("checking big.csv", 1000) as advance,
    ):
        advance(400)
        time.sleep(0.3)  # let the bar refresh
        advance(600)
    shown = buffer.getvalue()
    assert "checking big.csv" in shown and "1000/1000" in shown and "rows" in shown
    quiet = io.StringIO()
    with (
        Bar(enabled=False, console=Console(file=quiet, force_terminal=True)) as bar,
        bar.stage("checking", 10) as advance,
    ):
        advance(10)
    assert quiet.getvalue() == ""
    # Through the CLI (standard error is no terminal under CliRunner): nothing on stderr.
    assert run("check", PHARMACY, *AS_OF, "--fail-on", "never", "--format", "json").stderr == ""


def test_progress_bar_in_the_cli_when_stderr_is_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import mapper.cli.check as check_module

    monkeypatch.setattr(check_module, "stderr_is_terminal", lambda: True)
    monkeypatch.setattr("mapper.cli.progress.DELAY", 0.0)
    screen = io.StringIO()
    real_bar = check_module.Bar

    def bar(enabled: bool) -> Bar:
        return real_bar(enabled, Console(file=screen, force_terminal=True, width=120), delay=0)

    monkeypatch.setattr(check_module, "Bar", bar)
    run("check", PHARMACY, HOSPITAL, *AS_OF, "--out", tmp_path / "o", "--out-format", "csv")
    assert "checking pharmacy_catalog_gbk.csv" in screen.getvalue()
    assert "writing" in screen.getvalue()
    screen.seek(0)
    screen.truncate(0)
    # One file streamed: its chunks of rows read and written, as they happen.
    run("check", PHARMACY, *AS_OF, "--out", tmp_path / "s", "--out-format", "parquet")
    assert "reading" in screen.getvalue() and "398/398" in screen.getvalue()
    screen.seek(0)
    screen.truncate(0)
    run("check", PHARMACY, *AS_OF, "--quiet")
    assert screen.getvalue() == ""


def test_streamed_check_reports_every_row_read_and_written(tmp_path: Path) -> None:
    heard: list[tuple[str, int, int | None]] = []
    result = check_to(
        PHARMACY,
        tmp_path,
        as_of="2026-11-23",
        progress=lambda stage, rows, total: heard.append((stage, rows, total)),
    )
    rows = result.summary.rows_read
    assert sum(n for stage, n, _ in heard if stage == "reading") == rows
    written = [(n, total) for stage, n, total in heard if stage == "writing items"]
    assert sum(n for n, _ in written) == rows and {t for _, t in written} == {rows}


def test_terminal_report_at_80_columns_chinese_line_types() -> None:
    result = mapper.check(PHARMACY, as_of="2026-11-23")
    buffer = io.StringIO()
    TextWriter().print(result, Console(file=buffer, width=80, no_color=True))
    text = buffer.getvalue()
    assert "reference 2026-11, as of 2026-11-23\n" in text  # the date on one line
    payment = text[text.index("payment after go-live") :].split("问题 findings")[0]
    assert "西药中成药" in payment and "非医保类商品" in payment
    assert not any(f"│ {english} " in payment for english in ("drug", "other", "herbal"))
    assert all(len(line) <= 80 for line in text.splitlines())
