"""The cut-over timelines of the two notices: each dated sentence quoted, the moment on both
sides of every boundary, and what a check says and pays there. Quotes are from
../shared/domain/seeds (Harbin 2021 notice and FAQ, Huzhou 2022 Q&A)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

import mapper
from mapper.errors import ConfigError
from mapper.policy import load_policy, shipped_profiles
from mapper.policy.moments import CHINA, parse_moment
from mapper.policy.timeline import Phase, position
from mapper.reference import Reference
from tests.support import REPO, write_catalog_csv

HARBIN_SUSPENDED = "2021年10月22日20时起，暂停定点医疗机构、定点零售药店办理医保刷卡结算业务"
HARBIN_GO_LIVE = (
    "2021年10月31日8时起，正式启用新医保平台，正式恢复定点医疗机构门诊刷卡结算、住院结算和"
    "零售药店购药业务"
)
HARBIN_PAUSED = "2021年10月15日20时起，暂时关闭哈尔滨税务社保缴费平台医疗保险缴费功能"
HUZHOU_SUSPENDED = (
    "会导致2022年2月10日23时-2022年2月14日24时，暂停医保实时结算（含医保电子凭证），包括本地、"
    "省市异地、跨省异地的门诊、住院、购药、互联网诊疗等所有医保实时交易结算"
)
HUZHOU_GO_LIVE = (
    "2022年2月15日0时起，正式启用浙江省“智慧医保”平台，逐步恢复本地、异地所有医保实时交易结算，"
    "提供医保实时刷卡服务"
)
HUZHOU_PAUSED = (
    "会导致业务经办（窗口）从2022年1月30日17时-2022年2月14日24时，暂停办理基本医疗保险参保登记、"
    "关系转移接续、转外就医、出国出境带药和门诊慢特病等各类就医备案、医疗费用零星报销、"
    "生育保险待遇核准支付等所有业务"
)
HUZHOU_OTHER_REGION_OUTPATIENT = (
    "非本地定点医疗机构发生的门诊费用，患者可于2022年2月15日后（最迟在2022年12月31日之前），"
    "携带发票原件（含电子票据）、医保电子凭证或社保卡等材料到参保地医保经办机构或所在乡镇（街道）"
    "医疗费用结算点办理手工报销"
)
HARBIN_PHARMACY = (
    "系统停机切换期间，参保人员在定点医疗机构普通门诊发生的医疗费用，在定点零售药店发生的购药费用，"
    "需现金垫付，待系统切换上线后，由定点医药机构依时间顺序进行补录，按政策进行结算"
)


def cst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


@pytest.mark.parametrize(
    ("profile", "kind", "at", "until", "quote"),
    [
        ("harbin-2021", "services_paused", "2021-10-15T20:00", None, HARBIN_PAUSED),
        ("harbin-2021", "settlement_suspended", "2021-10-22T20:00", None, HARBIN_SUSPENDED),
        ("harbin-2021", "go_live", "2021-10-31T08:00", None, HARBIN_GO_LIVE),
        ("huzhou-2022", "services_paused", "2022-01-30T17:00", "2022-02-15T00:00", HUZHOU_PAUSED),
        ("huzhou-2022", "settlement_suspended", "2022-02-10T23:00", "2022-02-15T00:00",
         HUZHOU_SUSPENDED),
        ("huzhou-2022", "go_live", "2022-02-15T00:00", None, HUZHOU_GO_LIVE),
    ],
)  # fmt: skip
def test_each_point_is_the_notice_sentence(
    profile: str, kind: str, at: str, until: str | None, quote: str
) -> None:
    timeline = load_policy(profile).timeline
    assert timeline is not None
    point = timeline.point(kind)
    assert (point.at, point.until, point.quote) == (cst(at), until and cst(until), quote)
    assert point.source.startswith(("哈尔滨市医疗保障局", "湖州市医疗保障局"))


def test_go_live_is_the_timelines_point() -> None:
    for name in ("harbin-2021", "huzhou-2022"):
        p = load_policy(name)
        assert p.timeline is not None and p.go_live == p.timeline.go_live.at
        assert p.go_live_quote == p.timeline.go_live.quote
    assert load_policy("national").timeline is None


@pytest.mark.parametrize(
    ("profile", "moment", "phase"),
    [
        # Harbin: “2021年10月22日20时起，暂停……医保刷卡结算业务”
        ("harbin-2021", "2021-10-22T19:59", Phase.BEFORE),
        ("harbin-2021", "2021-10-22T20:00", Phase.SUSPENDED),
        ("harbin-2021", "2021-10-22T20:01", Phase.SUSPENDED),
        ("harbin-2021", "2021-10-22", Phase.BEFORE),  # a plain date is 00:00
        # Harbin: “2021年10月31日8时起，正式启用新医保平台，正式恢复……刷卡结算”
        ("harbin-2021", "2021-10-31T07:59", Phase.SUSPENDED),
        ("harbin-2021", "2021-10-31", Phase.SUSPENDED),  # 00:00, before 8时
        ("harbin-2021", "2021-10-31T08:00", Phase.AFTER),
        ("harbin-2021", "2021-10-31T08:01", Phase.AFTER),
        # Huzhou: “2022年2月10日23时-2022年2月14日24时，暂停医保实时结算”
        ("huzhou-2022", "2022-02-10T22:59", Phase.BEFORE),
        ("huzhou-2022", "2022-02-10T23:00", Phase.SUSPENDED),
        ("huzhou-2022", "2022-02-10T23:01", Phase.SUSPENDED),
        ("huzhou-2022", "2022-02-12", Phase.SUSPENDED),
        ("huzhou-2022", "2022-02-14T23:59", Phase.SUSPENDED),
        # 24时 of the 14th is 0时 of the 15th: “2022年2月15日0时起，正式启用……”
        ("huzhou-2022", "2022-02-14T24:00", Phase.AFTER),
        ("huzhou-2022", "2022-02-15T00:00", Phase.AFTER),
        ("huzhou-2022", "2022-02-15", Phase.AFTER),
        ("huzhou-2022", "2022-02-15T00:01", Phase.AFTER),
        # An offset other than China's: 15:00 UTC is 23:00 in China.
        ("huzhou-2022", "2022-02-10T14:59+00:00", Phase.BEFORE),
        ("huzhou-2022", "2022-02-10T15:00Z", Phase.SUSPENDED),
    ],
)
def test_phase_on_both_sides_of_every_boundary(profile: str, moment: str, phase: Phase) -> None:
    where = position(load_policy(profile).timeline, parse_moment(moment))
    assert where is not None and where.phase is phase
    assert where.suspended is (phase is Phase.SUSPENDED)


def test_countdown_to_the_suspension_then_to_go_live() -> None:
    timeline = load_policy("harbin-2021").timeline
    before = position(timeline, date(2021, 10, 19))
    assert before is not None
    assert (before.days_to_suspension, before.days_to_go_live) == (3, 12)
    assert "还有 3 天（2021-10-22 20:00）" in before.countdown()[0]
    same_day = position(timeline, date(2021, 10, 22))
    assert same_day is not None and same_day.days_to_suspension == 0
    assert "today at 20:00" in same_day.countdown()[1]
    assert any("later today at 20:00" in note for note in same_day.notes())
    inside = position(timeline, parse_moment("2021-10-22T20:00"))
    assert inside is not None and inside.days_to_suspension is None
    assert inside.days_to_go_live == 9 and "暂停中" in inside.countdown()[0]
    after = position(timeline, parse_moment("2021-10-31T08:00"))
    assert after is not None and after.days_to_go_live is None
    assert after.guidance() == []


def test_guidance_in_the_window_names_the_documents_as_the_notice_does() -> None:
    """湖州: “……携带发票原件（含电子票据）、医保电子凭证或社保卡等材料……办理手工报销”"""
    where = position(load_policy("huzhou-2022").timeline, date(2022, 2, 12))
    assert where is not None
    guidance = {g.id: g for g in where.guidance()}
    outpatient = guidance["other-region-outpatient"]
    assert outpatient.quote == HUZHOU_OTHER_REGION_OUTPATIENT
    assert outpatient.keep == ("发票原件（含电子票据）", "医保电子凭证或社保卡")
    assert (outpatient.claim, outpatient.deadline) == ("手工报销", date(2022, 12, 31))
    assert "出院小结" in guidance["discharged-in-window"].keep
    assert all(g.phase == "window" for g in where.guidance())
    before = position(load_policy("huzhou-2022").timeline, date(2022, 2, 9))
    assert before is not None
    assert [g.id for g in before.guidance()] == ["long-stay-inpatient-before"]


# Every guidance sentence of the profiles, as the notices word it: (id, phase, keep, claim, quote).
NOTICE_GUIDANCE = {
    "harbin-2021": [
        ("discharge-before", "before", (), "出院结算",
         "系统停机切换前，各定点医疗机构应为符合出院标准或已出院未结算的参保人员，办理医保出院结算手续"),
        ("pharmacy-and-outpatient", "window", (), "补录", HARBIN_PHARMACY),
        ("inpatient-admission", "window", (), "现金转医保",
         "系统停机切换期间，参保人员因病情需要，需入院治疗的，应办理现金入院，待新系统上线运行平稳后，"
         "定点医疗机构办理现金转医保操作，并对期间发生的费用进行补录"),
        ("claims-lodged-offline", "window", (), "零星报销",
         "系统停机切换期间，参保人需要提交医保、生育零星报销材料的，由市、县（市）经办机构按照属地原则，"
         "采取线下受理方式，不录入打印《医疗费用报销登记单》，待新系统上线后再进行零星报销登记、审核等业务"),
        ("referral", "window", ("纸质转诊单",), "按规定报销",
         "由具备转诊资格的医疗机构，为符合异地转诊条件的参保人员出具纸质转诊单，患者需先行垫付现金后，"
         "携带相关材料到相应医保经办机构按规定报销"),
    ],
    "huzhou-2022": [
        ("long-stay-inpatient-before", "before", (), "医保出院结算",
         "对于在原医保结算系统停机前入院，需连续长期住院的患者，应在停机前办理一次医保出院结算，"
         "再以自费入院，待“智慧医保”上线后转为医保入院"),
        ("local-outpatient", "window", (), "退费补刷",
         "实时结算停机期间门诊费用需患者全额垫付。其中，在湖州市本地定点医疗机构发生的门诊费用，"
         "在新系统上线后，患者垫付的医疗费用可通过到就诊医疗机构退费补刷方式进行医保结算"),
        ("other-region-outpatient", "window", ("发票原件（含电子票据）", "医保电子凭证或社保卡"),
         "手工报销", HUZHOU_OTHER_REGION_OUTPATIENT),
        ("inpatient-admitted", "window", (), "转为医保入院",
         "对于2022年2月1日后新入院且预计停机后方可出院的患者，可直接办理自费入院，"
         "待“智慧医保”上线后再转为医保入院"),
        ("discharged-in-window", "window",
         ("医疗费票据原件（含电子票据）", "医疗费用清单", "出院小结",
          "社保卡（含医保电子凭证或身份证）", "本人银行卡"), "手工报销",
         "因特殊情况需在停机期间出院结算的，由参保人先行垫付医疗费用，于2022年2月15日后（最迟在2022年12月31日"
         "之前）携带医疗费票据原件（含电子票据）、医疗费用清单、出院小结、社保卡（含医保电子凭证或身份证）、"
         "本人银行卡等材料到参保地医保经办机构或所在乡镇（街道）医疗费用结算点办理手工报销"),
        ("other-region-inpatient", "window", ("发票",), "报销",
         "湖州市参保人员停机期间在市内外地定点医疗机构住院就医结算的，费用需全额垫付，凭发票等按湖州市规定报销"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("profile", sorted(NOTICE_GUIDANCE))
def test_each_guidance_is_the_notice_sentence(profile: str) -> None:
    timeline = load_policy(profile).timeline
    assert timeline is not None
    got = [(g.id, g.phase, g.keep, g.claim, g.quote) for g in timeline.guidance]
    assert got == NOTICE_GUIDANCE[profile]


def test_harbin_pharmacy_sales_are_cash_then_re_entered() -> None:
    """哈尔滨: the pharmacy takes cash and re-enters the sale (补录) after go-live."""
    where = position(load_policy("harbin-2021").timeline, date(2021, 10, 25))
    assert where is not None
    pharmacy = next(g for g in where.guidance() if g.id == "pharmacy-and-outpatient")
    assert pharmacy.quote == HARBIN_PHARMACY and pharmacy.claim == "补录"


# --- the check at those moments ------------------------------------------------------------

ROWS = [
    {"通用名称": "艾附暖宫丸", "医保编码": "ZD03AAA0043010100166", "商品类别": "中成药",
     "单价": "20", "数量": "2"},
    {"通用名称": "小儿感冒颗粒", "医保编码": "", "商品类别": "中成药", "单价": "10", "数量": "1"},
    {"通用名称": "84消毒液", "医保编码": "", "单价": "5", "数量": "3"},
]  # fmt: skip


def check_at(policy: str, moment: str, ref: Reference, tmp: Path) -> mapper.CheckResult:
    path = write_catalog_csv(tmp / "c.csv", ROWS)
    return mapper.check(path, ref, as_of=parse_moment(moment), policy=policy)


@pytest.mark.parametrize(
    ("policy", "moment"),
    [("harbin-2021", "2021-10-22T20:00"), ("harbin-2021", "2021-10-31T07:59"),
     ("huzhou-2022", "2022-02-10T23:00"), ("huzhou-2022", "2022-02-14T23:59")],
)  # fmt: skip
def test_inside_the_window_no_item_settles_in_real_time(
    policy: str, moment: str, tiny_reference: Reference, tmp_path: Path
) -> None:
    """湖州: “暂停医保实时结算（含医保电子凭证），包括……购药……等所有医保实时交易结算”;
    哈尔滨: “暂停定点医疗机构、定点零售药店办理医保刷卡结算业务”."""
    result = check_at(policy, moment, tiny_reference, tmp_path)
    items = result.items
    assert items.height == len(ROWS)  # no row lost
    for fund in ("pooled_fund", "personal_account"):
        assert items.get_column(f"{fund}_payable").to_list() == [False] * len(ROWS)
        assert set(items.get_column(f"{fund}_reason")) == {"PAY005"}
        assert set(items.get_column(f"{fund}_policy_rule")) == {"settlement_suspended"}
    payment = result.summary.payment
    assert payment is not None
    assert payment.get_column("personal_account_lost").sum() == len(ROWS)
    assert payment.get_column("pooled_fund_amount_lost").sum() == pytest.approx(20 * 2 + 10 + 5 * 3)
    cutover = result.summary.to_dict()["cutover"]
    assert cutover["phase"] == "settlement_suspended" and cutover["settles_in_real_time"] is False
    assert cutover["suspension_quote"] in (HARBIN_SUSPENDED, HUZHOU_SUSPENDED)


@pytest.mark.parametrize(
    ("policy", "moment", "phase"),
    [("harbin-2021", "2021-10-22T19:59", "before_suspension"),
     ("harbin-2021", "2021-10-31T08:00", "after_go_live"),
     ("huzhou-2022", "2022-02-10T22:59", "before_suspension"),
     ("huzhou-2022", "2022-02-15", "after_go_live")],
)  # fmt: skip
def test_outside_the_window_the_payment_rules_apply(
    policy: str, moment: str, phase: str, tiny_reference: Reference, tmp_path: Path
) -> None:
    result = check_at(policy, moment, tiny_reference, tmp_path)
    items = result.items.sort("row")
    assert items.get_column("personal_account_reason").to_list()[1] == "PAY001"  # uncoded
    assert "PAY005" not in set(items.get_column("pooled_fund_reason").drop_nulls())
    cutover = result.summary.to_dict()["cutover"]
    assert cutover["phase"] == phase and cutover["settles_in_real_time"] is True


def test_code_validity_is_judged_on_the_day(tiny_reference: Reference, tmp_path: Path) -> None:
    """A date-time moves the check along the timeline, not the reference: same findings."""
    at_midnight = check_at("huzhou-2022", "2022-02-10", tiny_reference, tmp_path)
    at_night = check_at("huzhou-2022", "2022-02-10T23:30", tiny_reference, tmp_path)
    assert at_night.as_of == at_midnight.as_of == date(2022, 2, 10)
    assert at_night.findings.equals(at_midnight.findings)


def test_streamed_check_pays_nothing_in_the_window(
    tiny_reference: Reference, tmp_path: Path
) -> None:
    from mapper.stream import check_to

    path = write_catalog_csv(tmp_path / "c.csv", ROWS)
    result = check_to(
        path, tmp_path / "out", tiny_reference, as_of=parse_moment("2022-02-12"),
        policy="huzhou-2022",
    )  # fmt: skip
    items = pl.read_parquet(tmp_path / "out" / "items.parquet")
    assert items.height == len(ROWS)
    assert set(items.get_column("personal_account_reason").cast(pl.String)) == {"PAY005"}
    assert result.summary.cutover is not None and result.summary.cutover.suspended


def test_a_policy_without_a_timeline_says_nothing(
    tiny_reference: Reference, tmp_path: Path
) -> None:
    result = check_at("national", "2022-02-12", tiny_reference, tmp_path)
    assert result.summary.cutover is None and result.summary.to_dict()["cutover"] is None


# --- validation on load ----------------------------------------------------------------------

POINTS = """
[[timeline.points]]
kind = "settlement_suspended"
at = {start}
quote = "2027年1月1日20时起，暂停医保刷卡结算"
source = "notice"

[[timeline.points]]
kind = "go_live"
at = {live}
quote = "2027年1月5日8时起，正式启用新医保平台"
source = "notice"
"""


def profile(tmp: Path, body: str, head: str = "") -> Path:
    path = tmp / "city.toml"
    path.write_text(f'name = "city"\nextends = "national"\n{head}\n{body}', "utf-8")
    return path


def test_a_users_timeline_loads(tmp_path: Path) -> None:
    body = POINTS.format(start="2027-01-01T20:00:00+08:00", live='"2027-01-05T08:00"')
    timeline = load_policy(profile(tmp_path, body)).timeline
    assert timeline is not None and timeline.go_live.at == cst("2027-01-05T08:00")
    assert timeline.resumes == timeline.go_live.at  # no stated end: go-live ends it


@pytest.mark.parametrize(
    ("body", "head", "message"),
    [
        (POINTS.format(start='"2027-01-01 25:00"', live="2027-01-05T08:00:00+08:00"), "",
         "at: '2027-01-01 25:00' is not a date"),
        (POINTS.format(start="true", live="2027-01-05T08:00:00+08:00"), "",
         "at must be a date-time"),
        (POINTS.format(start="2027-01-01T21:00:00+08:00", live="2027-01-05T08:00:00+08:00"), "",
         "at 2027-01-01 21:00 is not what its quote says (2027-01-01 20:00)"),
        (POINTS.format(start="2027-01-01T20:00:00+08:00", live="2027-01-05T08:00:00+08:00")
         .replace("2027年1月5日8时", "2026年12月30日8时"), "", "2027-01-05 08:00 is not what"),
        (POINTS.format(start="2027-01-01T20:00:00+08:00", live="2026-12-30T08:00:00+08:00")
         .replace("2027年1月5日8时", "2026年12月30日8时"), "",
         "settlement_suspended (2027-01-01 20:00) must come before go_live (2026-12-30 08:00)"),
        (POINTS.format(start="2027-01-01T20:00:00+08:00", live="2027-01-05T08:00:00+08:00")
         .split("[[timeline.points]]\nkind = \"go_live\"")[0], "",
         "a timeline needs exactly one go_live point (has 0)"),
        (POINTS.format(start="2027-01-01T20:00:00+08:00", live="2027-01-05T08:00:00+08:00"),
         "go_live = 2027-01-06T00:00:00+08:00", "differs from the timeline's go_live point"),
        (POINTS.format(start="2027-01-01T20:00:00+08:00", live="2027-01-05T08:00:00+08:00")
         + 'until = 2027-01-01T10:00:00+08:00\n', "", "until 2027-01-01 10:00 must be after at"),
        (POINTS.format(start="2027-01-01T20:00:00+08:00", live="2027-01-05T08:00:00+08:00")
         .replace('kind = "go_live"', 'kind = "launch"'), "", "kind must be one of"),
        (POINTS.format(start="2027-01-01T20:00:00+08:00", live="2027-01-05T08:00:00+08:00")
         .replace('source = "notice"\n', "", 1), "", "source is required"),
    ],
)  # fmt: skip
def test_bad_timelines_name_the_file(tmp_path: Path, body: str, head: str, message: str) -> None:
    path = profile(tmp_path, body, head)
    with pytest.raises(ConfigError) as err:
        load_policy(path)
    assert str(path) in str(err.value) and message in str(err.value)


GUIDANCE = """
[[timeline.guidance]]
id = "claims"
who = "门诊"
does = "全额垫付"
keep = [{keep}]
claim = "手工报销"
deadline = {deadline}
quote = "于2027年1月5日后（最迟在2027年6月30日之前），携带发票原件到经办机构办理手工报销"
source = "notice"
"""
GOOD = POINTS.format(start="2027-01-01T20:00:00+08:00", live="2027-01-05T08:00:00+08:00")


@pytest.mark.parametrize(
    ("keep", "deadline", "message"),
    [
        ('"发票原件"', "2027-06-30", None),
        ('"处方"', "2027-06-30", "'处方' is not in its quote"),
        ('"发票原件"', "2027-07-30", "deadline 2027-07-30 is not what its quote says"),
        ('"发票原件"', '"soon"', "deadline must be a date"),
    ],
)
def test_guidance_quotes_its_documents(
    tmp_path: Path, keep: str, deadline: str, message: str | None
) -> None:
    path = profile(tmp_path, GOOD + GUIDANCE.format(keep=keep, deadline=deadline))
    if message is None:
        timeline = load_policy(path).timeline
        assert timeline is not None and timeline.guidance[0].keep == ("发票原件",)
        return
    with pytest.raises(ConfigError, match=message):
        load_policy(path)


def test_a_rule_cannot_claim_the_suspension_reason(tmp_path: Path) -> None:
    rule = (
        '[[rules]]\nid = "x"\nwhen = "uncoded"\npooled_fund = false\npersonal_account = false\n'
        'reason = "PAY005"\nquote = "…"\n'
    )
    with pytest.raises(ConfigError, match="rule x: PAY005 comes from \\[timeline\\]"):
        load_policy(profile(tmp_path, rule))


def test_a_child_profile_inherits_the_parents_timeline(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\nextends = "huzhou-2022"\n', "utf-8")
    assert load_policy(path).go_live == cst("2022-02-15T00:00")
    own = tmp_path / "own.toml"
    own.write_text('name = "own"\nextends = "huzhou-2022"\ngo_live = 2027-01-01T00:00:00+08:00\n')
    assert load_policy(own).timeline is None


# --- the sentences are the notices' own ---------------------------------------------------

SEEDS = REPO.parent / "shared" / "domain" / "seeds"


def _plain(text: str) -> str:
    """Width-folded, without whitespace: the seed texts were copied with ASCII punctuation
    and a line break inside a sentence."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the notices are not next to this checkout")
@pytest.mark.parametrize("name", [p for p in shipped_profiles() if p != "national"])
def test_every_quote_is_in_its_notice(name: str) -> None:
    notices = {f.name: _plain(f.read_text("utf-8")) for f in SEEDS.glob("*.txt")}
    seed = next(text for file, text in notices.items() if file.startswith(name.split("-")[0]))
    timeline = load_policy(name).timeline
    assert timeline is not None
    for quote in [p.quote for p in timeline.points] + [g.quote for g in timeline.guidance]:
        assert _plain(quote) in seed, quote


def test_docs_show_both_timelines_with_their_sources() -> None:
    page = (REPO / "docs" / "payment.md").read_text("utf-8")
    for name in ("harbin-2021", "huzhou-2022"):
        timeline = load_policy(name).timeline
        assert timeline is not None
        for point in timeline.points:
            assert point.at.strftime("%Y-%m-%d %H:%M") in page
            assert point.quote in page and point.source in page, point.quote


def test_the_documented_profile_file_loads(tmp_path: Path) -> None:
    page = (REPO / "docs" / "payment.md").read_text("utf-8")
    example = page.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.toml"
    path.write_text(example, "utf-8")
    policy = load_policy(path)
    assert policy.timeline is not None and policy.go_live == cst("2027-01-01T00:00")
    assert policy.timeline.guidance[0].keep == ("发票原件",)
