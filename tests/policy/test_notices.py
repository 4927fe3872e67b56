"""Each statement of the cut-over notices about what can or cannot be paid, quoted, and checked
on catalog rows. Quotes are from ../shared/domain/seeds (Harbin 2021, Huzhou 2022)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import mapper
from mapper.policy import load_policy
from mapper.reference import Reference
from tests.support import fixture_records, write_catalog_csv, write_store

AS_OF = dt.date(2026, 11, 23)
PROFILES = ("national", "harbin-2021", "huzhou-2022")
DRUG_JIA = {"通用名称": "艾附暖宫丸", "医保编码": "ZD03AAA0043010100166", "商品类别": "中成药"}


def items(rows: list[dict[str, Any]], policy: str, ref: Reference, tmp: Path) -> pl.DataFrame:
    path = write_catalog_csv(tmp / "c.csv", rows)
    return mapper.check(path, ref, as_of=AS_OF, policy=policy).items


def payable(frame: pl.DataFrame, row: int) -> tuple[bool, bool, str | None, str | None]:
    r = frame.filter(pl.col("row") == row).row(0, named=True)
    return (
        r["pooled_fund_payable"],
        r["personal_account_payable"],
        r["pooled_fund_reason"],
        r["personal_account_reason"],
    )


@pytest.mark.parametrize("policy", ["national", "harbin-2021", "huzhou-2022"])
def test_no_national_code_no_fund(policy: str, tiny_reference: Reference, tmp_path: Path) -> None:
    """哈尔滨: “国家平台上线后，对没有国家标码的项目，定点医药机构不能使用医保基金支付”"""
    frame = items(
        [{"通用名称": "小儿感冒颗粒", "医保编码": "", "商品类别": "中成药"}, DRUG_JIA],
        policy, tiny_reference, tmp_path,
    )  # fmt: skip
    assert payable(frame, 2) == (False, False, "PAY001", "PAY001")
    assert payable(frame, 3)[:2] == (True, True)


HARBIN_FAQ4 = "药店经营的消杀类用品、小型器械等均没有国家编码，无法使用个人账户支付"


@pytest.mark.parametrize("name", ["84消毒液", "酒精棉片", "电子血压计", "医用电子体温计"])
def test_harbin_disinfection_and_small_devices(
    name: str, tiny_reference: Reference, tmp_path: Path
) -> None:
    """哈尔滨: “药店经营的消杀类用品、小型器械等均没有国家编码，无法使用个人账户支付”: the
    reason the notice gives is "no national code", so an uncoded one is PAY001 (uncoded) and
    a malformed code PAY002; the class rule speaks for such goods the till files as such
    (消毒用品, 医疗器械) that carry a valid code all the same."""
    category = "消毒用品" if "消毒" in name or "酒精" in name else "医疗器械"
    rows = [
        {"通用名称": name, "医保编码": ""},
        {"通用名称": name, "医保编码": "C14050100000"},  # malformed
        {"通用名称": name, "医保编码": "C1405010000000012345", "商品类别": category},
    ]
    frame = items(rows, "harbin-2021", tiny_reference, tmp_path)
    reasons = frame.select("personal_account_payable", "personal_account_reason").rows()
    assert reasons == [(False, "PAY001"), (False, "PAY002"), (False, "PAY004")]
    assert set(frame["goods_class"]) <= {"disinfection", "small_device"}
    assert frame["class_term"].is_not_null().all()
    assert load_policy("harbin-2021").rules[2].quote == HARBIN_FAQ4


def test_rule_order_of_each_profile() -> None:
    """Each profile's order, as docs/payment.md gives it: the notice's stated reason first."""
    order = {name: [r.id for r in load_policy(name).rules] for name in PROFILES}
    assert order == {
        "national": ["uncoded", "invalid-code", "health-consumption", "self-paid"],
        "harbin-2021": [
            "uncoded", "invalid-code", "pharmacy-disinfection-and-devices",
            "health-consumption", "self-paid",
        ],
        "huzhou-2022": [
            "accumulated-account-exclusions", "accumulated-account-self-paid", "uncoded",
            "invalid-code", "health-consumption", "self-paid",
        ],
    }  # fmt: skip


@pytest.mark.parametrize("name", ["蛋白粉", "深海鱼油软胶囊"])
def test_national_personal_account_bars_health_consumption(
    name: str, tiny_reference: Reference, tmp_path: Path
) -> None:
    """国办发〔2021〕14号: “个人账户不得用于公共卫生费用、体育健身或养生保健消费等不属于基本
    医疗保险保障范围的支出”: a health product loses the personal account whatever its code."""
    frame = items(
        [{"通用名称": name, "医保编码": "", "商品类别": "保健食品"},
         {"通用名称": name, "医保编码": "C1405010000000012345", "商品类别": "保健食品"}],
        "national", tiny_reference, tmp_path,
    )  # fmt: skip
    assert frame.select("personal_account_payable", "personal_account_reason").rows() == [
        (False, "PAY001"),
        (False, "PAY004"),
    ]
    quote = next(r.quote for r in load_policy("national").rules if r.id == "health-consumption")
    assert "养生保健消费" in quote


def test_institution_not_mapped_cannot_settle(tiny_reference: Reference, tmp_path: Path) -> None:
    """哈尔滨: “没有完成贯标的医药机构，由于无法将就医、购药诊疗项目录入国家平台医保系统，
    所以无法使用个人账户及医保统筹基金支付”"""
    ok = write_catalog_csv(tmp_path / "ok.csv", [DRUG_JIA])
    bad = write_catalog_csv(
        tmp_path / "bad.csv",
        [DRUG_JIA, {"通用名称": "阿莫西林胶囊", "医保编码": "", "商品类别": "西药"}],
    )
    assert mapper.check(ok, tiny_reference, as_of=AS_OF).summary.institution_ready is True
    assert mapper.check(bad, tiny_reference, as_of=AS_OF).summary.institution_ready is False


@pytest.mark.parametrize(
    ("row", "expected_class"),
    [
        ({"通用名称": "蛋白粉", "医保编码": "", "商品类别": "保健食品"}, "health_product"),
        ({"通用名称": "东阿阿胶", "医保编码": "", "商品类别": "滋补品"}, "tonic"),
        ({"通用名称": "燕窝", "医保编码": ""}, "tonic"),
        ({"项目名称": "双眼皮成形术", "医保编码": "", "项目类别": "美容"}, "cosmetic"),
        # A valid code does not save goods sold as a tonic (here the category says so).
        ({"通用名称": "西洋参片", "医保编码": "T001700368", "商品类别": "滋补品"}, "tonic"),
    ],
)
def test_huzhou_personal_account_excludes_tonics_health_products_cosmetics(
    row: dict[str, Any], expected_class: str, tiny_reference: Reference, tmp_path: Path
) -> None:
    """湖州: “不可用于滋补品、保健品及非功能性整形美容等费用，参保人员若发生上述费用，
    定点医药机构应与参保人现金结算，不得使用医保卡刷卡结算”"""
    frame = items([row], "huzhou-2022", tiny_reference, tmp_path)
    r = frame.row(0, named=True)
    assert r["goods_class"] == expected_class
    assert (r["pooled_fund_payable"], r["personal_account_payable"]) == (False, False)
    assert r["personal_account_reason"] == "PAY004"


def test_huzhou_accumulated_account_pays_self_paid_treatment(
    tiny_reference: Reference, tmp_path: Path
) -> None:
    """湖州: “历年个人账户限治疗疾病发生的医疗费用，主要指自费及超过医保限定支付范围的药品、
    诊疗项目、医用材料等费用”"""
    # A self-paid (丙) drug: not the pooled fund, but the accumulated personal account.
    release, records = fixture_records()
    records = [
        {**r, "payment_category": "丙"} if r["code"].startswith("ZD03") else r for r in records
    ]
    ref = mapper.load_reference(write_store(tmp_path / "store", {release: records}))
    result = items([DRUG_JIA], "huzhou-2022", ref, tmp_path)
    assert payable(result, 2) == (False, True, "PAY003", None)


def test_go_live_dates_are_the_notices() -> None:
    """哈尔滨: “2021年10月31日8时起，正式启用新医保平台”; 湖州: “2022年2月15日0时起，正式启用
    浙江省“智慧医保”平台”"""
    harbin, huzhou = load_policy("harbin-2021"), load_policy("huzhou-2022")
    assert harbin.go_live is not None and huzhou.go_live is not None
    assert harbin.go_live.isoformat() == "2021-10-31T08:00:00+08:00"
    assert huzhou.go_live.isoformat() == "2022-02-15T00:00:00+08:00"
    assert "2021年10月31日8时" in harbin.go_live_quote


def test_payment_is_judged_on_go_live_when_it_is_later(
    tiny_reference: Reference, tmp_path: Path
) -> None:
    """A city going live on 2027-06-01: a code valid from 2027-01-01 is payable at go-live
    although the check (today) still reports it not yet valid; a code revoked in 2024 is not."""
    profile = tmp_path / "future.toml"
    profile.write_text(
        'name = "future-2027"\ntitle = "test"\ngo_live = 2027-06-01T00:00:00+08:00\n'
        'extends = "national"\n',
        encoding="utf-8",
    )
    path = write_catalog_csv(
        tmp_path / "c.csv",
        [{"医保编码": "XL02BBA326A001010102180"}, {"医保编码": "XN02BEB001A001010100999"}],
    )
    result = mapper.check(path, tiny_reference, as_of=AS_OF, policy=str(profile))
    assert result.as_of == AS_OF  # the policy never moves the check date
    assert result.findings.select("row", "rule").rows() == [(2, "REF003"), (3, "REF002")]
    assert payable(result.items, 2)[:2] == (True, True)
    assert payable(result.items, 3) == (False, False, "PAY002", "PAY002")


def test_payment_does_not_depend_on_selected_rules(
    tiny_reference: Reference, tmp_path: Path
) -> None:
    rows = [{"通用名称": "小儿感冒颗粒", "医保编码": "", "商品类别": "中成药"}, DRUG_JIA]
    path = write_catalog_csv(tmp_path / "c.csv", rows)
    full = mapper.check(path, tiny_reference, as_of=AS_OF).items
    only_att = mapper.check(path, tiny_reference, as_of=AS_OF, select=["ATT"]).items
    cols = ["pooled_fund_payable", "personal_account_payable", "pooled_fund_reason"]
    assert full.select(cols).rows() == only_att.select(cols).rows()


def test_every_profile_rule_quotes_its_source() -> None:
    for name in ("national", "harbin-2021", "huzhou-2022"):
        for rule in load_policy(name).rules:
            assert rule.quote and rule.source, (name, rule.id)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('pooled_fund = "false"', "must be true or false"),
        ('classes = ["tonics"]', "unknown class tonics"),
        ('reason = "PAY999"', "reason must be one of"),
    ],
)
def test_user_profiles_are_validated(tmp_path: Path, line: str, message: str) -> None:
    from mapper.errors import ConfigError

    rule = {
        "id": '"x"', "when": '"class"', "classes": '["tonic"]', "pooled_fund": "false",
        "personal_account": "false", "reason": '"PAY004"', "quote": '"q"',
    }  # fmt: skip
    key = line.split(" = ")[0]
    rule[key] = line.split(" = ", 1)[1]
    body = "\n".join(f"{k} = {v}" for k, v in rule.items())
    path = tmp_path / "p.toml"
    path.write_text(f'name = "p"\n\n[[rules]]\n{body}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_policy(str(path))
