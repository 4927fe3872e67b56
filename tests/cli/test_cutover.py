"""``mapper check --as-of`` on the cut-over timelines and ``mapper policies show``, through the
CLI: the issue's "done when" commands on the shipped pharmacy sample."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import polars as pl
import pytest
from click.testing import CliRunner

from mapper.cli.main import cli
from tests.support import REPO

PHARMACY = str(REPO / "sample_catalogs" / "pharmacy_catalog_gbk.csv")
HUZHOU_SUSPENDED = "会导致2022年2月10日23时-2022年2月14日24时，暂停医保实时结算（含医保电子凭证）"
HARBIN_SUSPENDED = "2021年10月22日20时起，暂停定点医疗机构、定点零售药店办理医保刷卡结算业务"


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def report(policy: str, as_of: str) -> dict[str, Any]:
    result = run("check", PHARMACY, "--policy", policy, "--as-of", as_of, "--format", "json")
    assert result.exit_code == 1, result.output  # the sample has errors whatever the date
    data: dict[str, Any] = json.loads(result.output)
    return data


def reasons(data: dict[str, Any], fund: str) -> set[str | None]:
    return {item[f"{fund}_reason"] for item in data["items"]}


@pytest.mark.parametrize(
    ("policy", "as_of", "quote"),
    [("huzhou-2022", "2022-02-12", HUZHOU_SUSPENDED),
     ("harbin-2021", "2021-10-22T20:00", HARBIN_SUSPENDED),
     ("harbin-2021", "2021-10-31T07:59", HARBIN_SUSPENDED)],
)  # fmt: skip
def test_inside_the_window_nothing_settles_in_real_time(
    policy: str, as_of: str, quote: str
) -> None:
    text = run("check", PHARMACY, "--policy", policy, "--as-of", as_of).output
    assert "医保结算暂停期间" in text and "no item settles" in text
    assert quote[:30] in text.replace("\n", "")  # quoted, with its source
    assert "PAY005 for every item" in text
    data = report(policy, as_of)
    assert data["summary"]["cutover"]["phase"] == "settlement_suspended"
    rows = data["summary"]["rows_read"]
    assert len(data["items"]) == rows == 398  # no row lost
    for fund in ("pooled_fund", "personal_account"):
        assert reasons(data, fund) == {"PAY005"}
        assert sum(p[f"{fund}_lost"] for p in data["summary"]["payment"]) == rows


def test_huzhou_window_lists_what_the_patient_keeps() -> None:
    text = run("check", PHARMACY, "--policy", "huzhou-2022", "--as-of", "2022-02-12").output
    assert "保留 keep: 发票原件（含电子票据）、医保电子凭证或社保卡" in text
    assert "手工报销" in text and "2022-12-31" in text


@pytest.mark.parametrize(
    ("policy", "as_of", "phase"),
    [("huzhou-2022", "2022-02-15", "after_go_live"),
     ("huzhou-2022", "2022-02-14T24:00", "after_go_live"),
     ("huzhou-2022", "2022-02-10T22:59", "before_suspension"),
     ("harbin-2021", "2021-10-22T19:59", "before_suspension"),
     ("harbin-2021", "2021-10-31T08:00", "after_go_live")],
)  # fmt: skip
def test_outside_the_window_the_post_go_live_rules_apply(
    policy: str, as_of: str, phase: str
) -> None:
    data = report(policy, as_of)
    assert data["summary"]["cutover"]["phase"] == phase
    personal = reasons(data, "personal_account")
    assert "PAY005" not in personal and {"PAY001", "PAY002"} <= personal
    if policy == "harbin-2021":
        assert "PAY004" in personal  # uncoded disinfection supplies and small devices


def test_before_the_suspension_the_banner_counts_down(tmp_path: Path) -> None:
    result = run("check", PHARMACY, "--policy", "harbin-2021", "--as-of", "2021-10-19",
                 "--out", str(tmp_path), "--out-format", "html")  # fmt: skip
    page = (tmp_path / "report.html").read_text("utf-8")
    assert result.exit_code == 1
    banner = page.split('id="ready"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "暂停医保实时结算还有 3 天（2021-10-22 20:00）" in banner
    assert "go-live in 12 days (2021-10-31 08:00)" in banner
    assert 'data-phase="before_suspension"' in page and "停机前须办理" in page


def test_html_report_in_the_window_quotes_the_notice(tmp_path: Path) -> None:
    run("check", PHARMACY, "--policy", "huzhou-2022", "--as-of", "2022-02-12",
        "--out", str(tmp_path), "--out-format", "html")  # fmt: skip
    page = (tmp_path / "report.html").read_text("utf-8")
    assert 'data-phase="settlement_suspended"' in page and HUZHOU_SUSPENDED in page
    assert 'data-guidance="discharged-in-window"' in page and "出院小结" in page
    assert "Payment in the suspension window" in page


def test_a_plain_date_is_the_start_of_the_day() -> None:
    data = report("harbin-2021", "2021-10-22")
    cutover = data["summary"]["cutover"]
    assert cutover["moment"] == "2021-10-22T00:00:00+08:00"
    assert cutover["phase"] == "before_suspension" and cutover["days_to_suspension"] == 0
    assert any("later today at 20:00" in note for note in cutover["notes"])


@pytest.mark.parametrize("as_of", ["2021-10-22T25:00", "22.10.2021", "2021-02-30"])
def test_bad_as_of_is_a_usage_error(as_of: str) -> None:
    result = CliRunner().invoke(cli, ["check", PHARMACY, "--as-of", as_of])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_as_of_date_time_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "mapper.toml"
    config.write_text('policy = "huzhou-2022"\nas-of = 2022-02-10T23:00:00+08:00\n', "utf-8")
    result = run("check", PHARMACY, "--config", str(config), "--format", "json")
    assert json.loads(result.output)["summary"]["cutover"]["phase"] == "settlement_suspended"


def test_policies_lists_and_shows_the_timeline() -> None:
    listing = run("policies").output
    assert "harbin-2021" in listing and "suspended 2021-10-22 20:00 → 2021-10-31 08:00" in listing
    shown = run("policies", "show", "harbin-2021")
    assert shown.exit_code == 0
    text = shown.output
    order = [text.index(s) for s in ("2021-10-15 20:00", "2021-10-22 20:00", "2021-10-31 08:00")]
    assert order == sorted(order)  # a timeline, in time order
    assert HARBIN_SUSPENDED in text and "停机公告》一（二）" in text
    assert "暂停期间 inside the window" in text and "[pharmacy-and-outpatient]" in text
    assert "[uncoded]" in text  # and the rules, as before
    assert run("policies", "harbin-2021").output == text  # the form before `show`
    huzhou = run("policies", "show", "huzhou-2022").output
    assert "2022-02-15 00:00  暂停医保实时结算结束" in huzhou


def test_policies_show_unknown_profile_exits_2() -> None:
    result = CliRunner().invoke(cli, ["policies", "show", "nowhere-2030"])
    assert result.exit_code == 2 and "unknown policy 'nowhere-2030'" in result.output


def test_xlsx_overview_says_where_the_check_falls(tmp_path: Path) -> None:
    run("check", PHARMACY, "--policy", "huzhou-2022", "--as-of", "2022-02-12T10:00",
        "--out", str(tmp_path), "--out-format", "xlsx")  # fmt: skip
    overview = pl.read_excel(tmp_path / "report.xlsx", sheet_name="汇总 summary")
    values = dict(overview.iter_rows())
    assert values["检查时刻 moment"] == "2022-02-12T10:00:00+08:00"
    assert values["切换时间线 cut-over"].startswith("医保结算暂停期间")
