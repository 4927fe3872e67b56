"""Drug and service reference records built from the real data in ``shared/data``.

Drug attributes come from ``nhsa_drug_records_sample.csv``, a table parsed out of PDFs: lines of
a cell are sometimes rotated, columns shifted, or two cells glued together. Each attribute is kept
only when it passes a plausibility rule below, otherwise it is null; ``stats`` counts every value
each rule nulled or repaired (reported by make_snapshot.py and in README.md).
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

from snapshot_common import gs1_valid, validity, weighted

DRUG_RECORDS = "nhsa_drug_records_sample.csv"
DRUG_CODES = "real_drug_codes.txt"
SERVICE_CODES = "real_service_codes.tsv"

X_CODE = re.compile(r"^X[A-Z]\d\d[A-Z]{2}[A-Z]\d{3}[A-Z]\d{3}\d{9}$")
Z_CODE = re.compile(r"^Z[A-Z]\d\d[A-Z]{2}[A-Z]\d{4}\d{9}$")
SERVICE_CODE = re.compile(r"^\d{15}$")

# Dosage forms of the Chinese Pharmacopoeia (and their usual sub-forms) seen in the source.
DOSAGE_FORMS = frozenset(
    {
        "片剂",
        "薄膜衣片",
        "糖衣片",
        "素片",
        "分散片",
        "咀嚼片",
        "泡腾片",
        "阴道片",
        "阴道泡腾片",
        "含片",
        "口腔崩解片",
        "缓释片",
        "控释片",
        "肠溶片",
        "胶囊剂",
        "硬胶囊",
        "软胶囊",
        "软胶囊剂",
        "肠溶胶囊",
        "缓释胶囊",
        "阴道软胶囊",
        "阴道胶囊",
        "颗粒剂",
        "泡腾颗粒剂",
        "合剂",
        "口服液",
        "口服溶液剂",
        "糖浆剂",
        "丸剂",
        "大蜜丸",
        "小蜜丸",
        "水蜜丸",
        "水丸",
        "浓缩丸",
        "浓缩水丸",
        "糊丸",
        "蜡丸",
        "滴丸",
        "滴丸剂",
        "散剂",
        "栓剂",
        "阴道栓",
        "肛门栓",
        "煎膏剂",
        "膏滋剂",
        "流浸膏剂",
        "浸膏剂",
        "酊剂",
        "酒剂",
        "凝胶剂",
        "软膏剂",
        "乳膏剂",
        "贴膏剂",
        "贴剂",
        "橡胶膏剂",
        "注射液",
        "注射剂",
        "注射用无菌粉末",
        "滴眼剂",
        "滴鼻剂",
        "滴耳剂",
        "喷雾剂",
        "气雾剂",
        "吸入剂",
        "洗剂",
        "搽剂",
        "涂剂",
        "外用溶液剂",
        "口服混悬剂",
        "干混悬剂",
        "混悬剂",
        "乳剂",
        "茶剂",
        "锭剂",
        "膜剂",
        "灌肠剂",
        "阴道灌注液",
        "胶剂",
    }
)
DOSAGE_SUBFORMS = DOSAGE_FORMS | {
    "薄膜衣",
    "糖衣",
    "外用",
    "内服",
    "阴道",
    "泡腾",
    "无糖型",
    "无蔗糖",
    "膏滋",
    "含糖型",
}
FORM_WITH_SUB = re.compile(r"^([^()]+)\(([^()]+)\)$")

_NUM = r"\d+(?:\.\d+)?"
_UNIT = r"(?:mg|g|kg|μg|ug|ml|mL|L|IU|万IU|U|万U|单位|万单位|克|毫克|微克|毫升|%)"
_QTY = _NUM + _UNIT
SPEC = re.compile(
    r"^(?:每(?:袋|支|粒|片|丸|瓶|包|贴|\d+丸|\d+粒)?(?:装|重|含)?|每?(?:片[芯心]|基片)重)?"
    rf"{_QTY}(?:[:/]{_QTY})?(?:\([^()]{{1,40}}\))?(?:/\d*(?:粒|片|丸|袋|支|包|瓶))?$"
)
# Packaging text that slid into the spec cell ("每支装3.75ml(浓钠钙玻璃管制口服液瓶装缩型)").
SPEC_PACKAGING = re.compile(
    r"(?<!每)包装|(?<!每)瓶装|复合膜|玻璃|聚乙烯|聚酯|聚丙烯|铝塑|铝箔|硬片|PVC"
)
# A PDF cell "15g\n每袋装" lost its line order: the 每…装/重 head ended up last; or the head
# was printed twice ("每袋装6g\n每袋装").
SPEC_ROTATED_HEAD = re.compile(r"^(.+?)(每(?:袋|支|粒|片|丸|瓶|包)?(?:装|重))$")

COMPANY_END = re.compile(
    r"(公司|厂|药业|制药|集团|研究所|研究院|(Ltd\.?|Limited|GmbH|Inc\.?|AG|S\.A\.|S\.p\.A\.|N\.V\.|"
    r"B\.V\.|Corporation|LLC|A/S|AB|plc))$"
)
# A cell that starts in the middle of a company name ("份有限公司达仁堂制药厂").
COMPANY_FRAGMENT_START = re.compile(
    r"^(有限|份有限|限公司|限责任|责任|公司|股份|业|药业|药股份|药有限|制药有限|集团|厂)"
)
APPROVAL = re.compile(r"^(国药准字(?:H|Z|S|B|J|HJ|ZJ|SJ)\d{8}|[HZSB][CJ]?\d{8})$")
APPROVAL_GLUED = re.compile(r"^(国药准字(?:H|Z|S|B|J|HJ|ZJ|SJ)\d{8})(869\d{11})[甲乙]?$")
BASE_CODE = re.compile(r"^(869\d{11})([甲乙]?)$")
PACK_UNITS = frozenset({"盒", "瓶", "袋", "支", "板", "包", "罐", "听"})

SYNTHETIC_CATEGORY = {"甲": 0.3, "乙": 0.5, "丙": 0.2}


def _text(value: str | None) -> str | None:
    """Cell text with PDF line breaks removed; None when empty or a placeholder."""
    if value is None:
        return None
    text = re.sub(r"[\r\n]+", "", value).strip()
    return None if text in {"", "无", "/", "-"} else text


def clean_dosage_form(raw: str | None, stats: Counter[str]) -> str | None:
    text = _text(raw)
    if text is None:
        return None
    if text in DOSAGE_FORMS:
        return text
    match = FORM_WITH_SUB.match(text)
    if match and match.group(1) in DOSAGE_FORMS and match.group(2) in DOSAGE_SUBFORMS:
        return text
    stats["dosage_form: not a known form (nulled)"] += 1
    return None


def clean_spec(raw: str | None, stats: Counter[str]) -> str | None:
    text = _text(raw)
    if text is None:
        return None
    rotated = SPEC_ROTATED_HEAD.match(text)
    if rotated and not SPEC.match(text):
        body, head = rotated.group(1), rotated.group(2)
        text = body if body.startswith(head) else head + body
        if SPEC.match(text):
            stats["spec: 每…装/重 head out of place (repaired)"] += 1
    if SPEC_PACKAGING.search(text):
        stats["spec: packaging text mixed in (nulled)"] += 1
        return None
    if SPEC.match(text):
        return text
    stats["spec: not a strength/quantity (nulled)"] += 1
    return None


def clean_manufacturer(raw: str | None, stats: Counter[str]) -> str | None:
    text = _text(raw)
    if text is None:
        return None
    if not COMPANY_END.search(text):
        stats["manufacturer: does not end like a company (nulled)"] += 1
        return None
    if COMPANY_FRAGMENT_START.match(text):
        stats["manufacturer: starts mid-name (nulled)"] += 1
        return None
    # Two cells glued ("甲药业有限公司乙制药"): after 公司 only a works or a branch may follow.
    _, sep, rest = text.partition("公司")
    if sep and rest and not re.search(r"(厂|分公司)$", rest):
        stats["manufacturer: two names glued together (nulled)"] += 1
        return None
    return text


def clean_approval_and_base(
    raw_approval: str | None, raw_base: str | None, stats: Counter[str]
) -> tuple[str | None, str | None, str | None]:
    """(approval_no, base_code, category found glued to the base code)."""
    approval = _text(raw_approval)
    base_text = _text(raw_base)
    base: str | None = None
    category: str | None = None
    if approval is not None:
        glued = APPROVAL_GLUED.match(approval)
        if glued:
            approval = glued.group(1)
            if base_text is None or not BASE_CODE.match(base_text):
                base_text = glued.group(2)
            stats["approval_no: split from a glued 本位码 (repaired)"] += 1
        elif not APPROVAL.match(approval):
            stats["approval_no: not an approval number (nulled)"] += 1
            approval = None
    if base_text is not None:
        match = BASE_CODE.match(base_text)
        if match is None:
            stats["base_code: not 14 digits starting 869 (nulled)"] += 1
        elif not gs1_valid(match.group(1)):
            stats["base_code: GS1 check digit wrong (nulled)"] += 1
        else:
            base = match.group(1)
            if match.group(2):
                category = match.group(2)
                stats["base_code: trailing 甲/乙 stripped (used as category)"] += 1
    return approval, base, category


def _count_unit(dosage_form: str | None, spec: str | None) -> str | None:
    """The unit a box is counted in (片, 粒, 袋 …), from the spec's head or the dosage form."""
    head = re.match(r"^每(袋|支|粒|片|丸|瓶|包)", spec or "")
    if head:
        return head.group(1)
    form = dosage_form or ""
    for key, unit in (
        ("片", "片"),
        ("胶囊", "粒"),
        ("胶丸", "粒"),
        ("栓", "粒"),
        ("颗粒", "袋"),
        ("散", "袋"),
        ("大蜜丸", "丸"),
        ("糖浆", "瓶"),
        ("膏", "瓶"),
        ("合剂", "瓶"),
        ("注射", "支"),
    ):
        if key in form:
            return unit
    return None


def _package(qty: str | None, pack_unit: str | None, count_unit: str | None) -> str | None:
    if qty is None or pack_unit is None or count_unit in {None, pack_unit}:
        return None
    if not qty.isdigit() or not 1 <= int(qty) <= 999:
        return None
    return f"{int(qty)}{count_unit}/{pack_unit}"


def _read_drug_rows(shared: Path) -> list[dict[str, str | None]]:
    with (shared / "data" / DRUG_RECORDS).open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(fh)]


def build_drug(shared: Path, stats: Counter[str]) -> list[dict[str, Any]]:
    """Drug records: the cleaned sample plus the real codes we can name."""
    rows = _read_drug_rows(shared)
    cat_rng = random.Random("drug-category")
    val_rng = random.Random("drug-validity")
    records: list[dict[str, Any]] = []
    for row in sorted(rows, key=lambda r: r["医保药品编码"] or ""):
        code = (row["医保药品编码"] or "").strip()
        generic = _text(row["药品通用名"])
        registered = _text(row["注册名称"])
        name = registered if registered == generic else generic
        if registered is not None and registered != generic:
            stats["name: 注册名称 garbled, 药品通用名 used"] += 1
        form = clean_dosage_form(row["剂型"], stats)
        spec = clean_spec(row["规格"], stats)
        approval, base, glued_category = clean_approval_and_base(
            row["批准文号"], row["药品本位码"], stats
        )
        pack_unit = _text(row["最小包装单位"])
        pack_unit = pack_unit if pack_unit in PACK_UNITS else None
        if base is not None and not base.startswith("86978") and base[3:8] != code[-5:]:
            stats["info: 本位码 digits 4-8 differ from the code's enterprise part (kept)"] += 1
        category = _text(row["目录类别"])
        category = category if category in {"甲", "乙"} else glued_category
        source = "shared:nhsa_drug_records_sample"
        if category is None:
            category = weighted(cat_rng, SYNTHETIC_CATEGORY)
            source += "+synthetic_category"
        records.append(
            {
                "code": code,
                "system": "drug",
                "name": name,
                "generic_name": generic,
                "spec": spec,
                "dosage_form": form,
                "package": _package(_text(row["最小包装数量"]), pack_unit, _count_unit(form, spec)),
                "unit": pack_unit,
                "manufacturer": clean_manufacturer(row["药品生产企业"], stats),
                "approval_no": approval,
                "base_code": base,
                "payment_category": category,
                **validity(val_rng, revoked=0.03, future=0.01, later=0.15),
                "source": source,
            }
        )
    records += _codes_without_records(shared, records, cat_rng, val_rng, stats)
    return records


def _name_prefix(code: str) -> str:
    """X: class + generic-name code (10 chars); Z: class + name code (11 chars)."""
    return code[:10] if code.startswith("X") else code[:11]


def _codes_without_records(
    shared: Path,
    records: list[dict[str, Any]],
    cat_rng: random.Random,
    val_rng: random.Random,
    stats: Counter[str],
) -> list[dict[str, Any]]:
    """Real codes absent from the sample, named after a record with the same name prefix."""
    known = {r["code"] for r in records}
    names: dict[str, str] = {}
    for rec in records:
        names.setdefault(_name_prefix(rec["code"]), rec["generic_name"])
    codes = sorted(
        {line.strip() for line in (shared / "data" / DRUG_CODES).read_text().splitlines()} - {""}
    )
    added = []
    for code in codes:
        if code in known:
            continue
        generic = names.get(_name_prefix(code))
        if generic is None:
            stats["real_drug_codes: no record shares the name prefix (dropped)"] += 1
            continue
        stats["real_drug_codes: named from a record with the same prefix (added)"] += 1
        added.append(
            {
                "code": code,
                "system": "drug",
                "name": generic,
                "generic_name": generic,
                "payment_category": weighted(cat_rng, SYNTHETIC_CATEGORY),
                **validity(val_rng, revoked=0.03, future=0.01, later=0.15),
                "source": "shared:real_drug_codes+name_from_prefix+synthetic_category",
            }
        )
    return added


# Pricing unit (计价单位) from the item name; the first matching keyword wins, default 次.
SERVICE_UNITS: tuple[tuple[str, str], ...] = (
    ("床位费", "日"),
    ("级护理", "日"),
    ("特级护理", "小时"),
    ("监护", "小时"),
    ("监测", "小时"),
    ("CT", "部位"),
    ("磁共振", "部位"),
    ("X线摄影", "片"),
    ("透视", "部位"),
    ("超声", "部位"),
    ("B超", "部位"),
    ("造影", "部位"),
    ("测定", "项"),
    ("检测", "项"),
    ("试验", "项"),
    ("镜检", "项"),
    ("计数", "项"),
    ("培养", "项"),
)
SERVICE_CATEGORY = {"甲": 0.8, "乙": 0.12, "丙": 0.08}


def service_unit(name: str) -> str:
    for keyword, unit in SERVICE_UNITS:
        if keyword in name:
            return unit
    return "次"


def build_service(shared: Path, stats: Counter[str]) -> list[dict[str, Any]]:
    with (shared / "data" / SERVICE_CODES).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    rng = random.Random("service")
    records = []
    for row in sorted(rows, key=lambda r: r["code"]):
        name = row["name"].strip()
        unit = service_unit(name)
        stats[f"service unit {unit}"] += 1
        records.append(
            {
                "code": row["code"].strip(),
                "system": "service",
                "name": name,
                "generic_name": name,
                "unit": unit,
                "payment_category": weighted(rng, SERVICE_CATEGORY),
                **validity(
                    rng,
                    revoked=0.02,
                    future=0.0,
                    later=0.1,
                    revoked_status=("停用",),
                    active_status=None,
                ),
                "source": "shared:real_service_codes+synthetic_category",
            }
        )
    return records
