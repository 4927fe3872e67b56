"""The html writer: self-contained, escaped, capped, and the numbers of the summary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import mapper
from mapper.cli.main import cli
from mapper.writers.html import render_report
from tests.web.support import AS_OF, PHARMACY


@pytest.fixture(scope="module")
def result() -> mapper.CheckResult:
    return mapper.check(PHARMACY, as_of=AS_OF)


def test_format_html_prints_the_report() -> None:
    args = ["check", str(PHARMACY), "--as-of", "2026-11-23", "--format", "html"]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 1  # the sample has planted errors
    assert out.output.startswith("<!DOCTYPE html>") and "贯标率" in out.output


def test_out_writes_report_html(tmp_path: Path) -> None:
    CliRunner().invoke(
        cli, ["check", str(PHARMACY), "--as-of", "2026-11-23", "--out", str(tmp_path)]
    )
    assert (tmp_path / "report.html").read_text("utf-8").startswith("<!DOCTYPE html>")


def test_report_is_self_contained(result: mapper.CheckResult) -> None:
    page = render_report(result)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"""\b(src|href)=["']?(https?:)?//""", page)
    assert "<script src" not in page and "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # and the browser is told to fetch nothing


def test_report_shows_the_summary_numbers(result: mapper.CheckResult) -> None:
    page = render_report(result)
    s = result.summary
    assert f'id="rows-read">{s.rows_read}<' in page
    assert f'id="coded-rate">{100 * s.coded_rate:.1f}%<' in page
    assert f'id="status-error">{s.by_status["error"]}<' in page
    assert page.count("<tr data-rule=") == result.findings.height
    lost = int((~result.items.get_column("personal_account_payable")).sum())
    assert f'id="personal-lost">{lost}<' in page
    for row in s.by_line_type.iter_rows(named=True):
        assert f"{row['label']}: {row['coded_ok']}/{row['items']}" in page


def test_every_value_is_escaped(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script>'
    catalog = tmp_path / "evil.csv"
    catalog.write_text(
        f'商品编码,通用名称,医保编码,类别\n"{evil}","{evil}",X{evil},西药\n', encoding="utf-8"
    )
    page = render_report(mapper.check(catalog, as_of=AS_OF))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_large_reports_are_capped(result: mapper.CheckResult) -> None:
    page = render_report(result, max_findings=5)
    assert page.count("<tr data-rule=") == 5
    assert f"共 {result.findings.height} 条问题，本页只显示前 5 条" in page
    assert 'id="cap-note"' not in render_report(result)


def test_a_clean_catalog_says_so(tmp_path: Path) -> None:
    catalog = tmp_path / "one.csv"
    catalog.write_text("商品编码,通用名称,医保编码,类别\nA1,纸巾,,日用品\n", encoding="utf-8")
    page = render_report(mapper.check(catalog, as_of=AS_OF, select=["CAT002"]))
    assert 'id="no-findings"' in page and "<script>" not in page
