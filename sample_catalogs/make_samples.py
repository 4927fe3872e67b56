"""Build the sample catalogs from the reference snapshot (run make_snapshot.py first).

    python sample_catalogs/make_samples.py

Writes, next to this file: a retail pharmacy catalog and a hospital catalog, each as GBK CSV and
XLSX; the planted problems of each (``<catalog>_planted.csv``); the benign spelling variations
on correct rows (``<catalog>_variants.csv``); and three broken files. Everything is seeded, so a
rerun writes the same bytes. Row numbers are spreadsheet rows: header = row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import sample_text as text
import xlsxwriter
from sample_plant import (
    ATT_RULE,
    Planter,
    Record,
    Row,
    complete,
    drug_category,
    is_x,
    load_reference,
    valid,
)

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Layout:
    """A catalog's file stem, sheet name and headers by field."""

    stem: str
    sheet: str
    headers: dict[str, str]


PHARMACY = Layout(
    "pharmacy_catalog",
    "商品目录",
    {
        "item_id": "商品编码", "name": "通用名称", "trade_name": "商品名称", "spec": "规格",
        "form": "剂型", "maker": "生产厂家", "approval": "批准文号", "unit": "单位",
        "price": "零售价", "sales": "月销量", "code": "医保编码", "category": "商品类别",
    },
)  # fmt: skip
HOSPITAL = Layout(
    "hospital_catalog",
    "收费目录",
    {
        "item_id": "院内编码", "name": "项目名称", "spec": "规格", "form": "剂型",
        "maker": "生产企业", "approval": "批准文号/注册证号", "unit": "计价单位", "price": "单价",
        "code": "国家医保编码", "category": "项目类别",
    },
)  # fmt: skip

# Share of correct lines that get each benign variation (see sample_text.py).
PHARMACY_RATES = {
    "fullwidth": 0.5, "pack": 0.45, "alt_units": 0.1, "drop_head": 0.1, "short_form": 0.12,
    "short_maker": 0.15, "bare_approval": 0.08,
}  # fmt: skip
HOSPITAL_RATES = {"fullwidth": 0.2, "short_maker": 0.05, "bare_approval": 0.03}
HOSPITAL_ID_PREFIX = {
    "西药": "XY", "中成药": "ZC", "中药饮片": "ZY", "医疗机构制剂": "ZJ", "医用耗材": "HC",
    "医疗服务项目": "FW",
}  # fmt: skip
HIGH_VALUE_CONSUMABLES = {
    "冠脉支架", "人工晶状体", "接骨板", "髋关节假体", "透析器", "吻合器", "球囊导管", "导丝",
    "静脉导管",
}  # fmt: skip


def drug(rec: Record) -> str:
    return drug_category(rec["code"])


def drug_ok(rec: Record) -> bool:
    return valid(rec) and complete(rec)


def x_ok(rec: Record) -> bool:
    return drug_ok(rec) and is_x(rec)


def z_ok(rec: Record) -> bool:
    return drug_ok(rec) and not is_x(rec)


def any_record(rec: Record) -> bool:
    return True


def code27(rec: Record) -> bool:
    return valid(rec) and len(rec["code"]) == 27


def code20(rec: Record) -> bool:
    return valid(rec) and len(rec["code"]) == 20


def pharmacy_rows(ref: dict[str, pl.DataFrame], rng: random.Random) -> list[Row]:
    def decorate(row: Row, rec: Record) -> None:
        row.values.update(trade_name=row.values["name"], sales=rng.randint(0, 300))
        if rec["system"] == "herbal":
            row.values["price"] = round(rng.uniform(0.05, 2.5), 2)

    p = Planter(ref, rng, decorate)
    p.correct("drug", drug, 120, x_ok, PHARMACY_RATES)
    p.correct("drug", drug, 205, z_ok, PHARMACY_RATES)
    p.correct("herbal", "中药饮片", 36, lambda r: valid(r) and r["code"][1:3] in {"00", "33"})
    for _ in range(3):
        p.uncoded("drug", drug, drug_ok)
    for category, name, spec, maker, licence, unit, price in text.UNCODED_GOODS:
        note = (
            f"{category} has no national code; fix: settle in cash (no fund, no personal account)"
        )
        values = {
            "name": name, "trade_name": name, "spec": spec, "form": "", "maker": maker,
            "approval": licence, "unit": unit, "price": price, "sales": rng.randint(0, 300),
            "code": "", "category": category,
        }  # fmt: skip
        p.rows.append(Row(values, [("COD006", "code", note)]))
    p.malformed("drug", drug, "drop_last", x_ok)
    p.malformed("drug", drug, "letter_o", z_ok)
    p.wrong_system("consumable", "西药", lambda r: code27(r) and r["spec"] is not None)
    p.unknown("drug", drug, x_ok)
    p.unknown("drug", drug, z_ok)
    p.out_of_date("drug", drug, "revoked", complete)
    p.out_of_date("drug", drug, "future", complete)
    for rule in ATT_RULE:
        p.mismatch(rule, "drug", drug, drug_ok)
    p.unnormalised("drug", drug, "lower", drug_ok)
    p.unnormalised("drug", drug, "spaces", drug_ok)
    p.duplicate("drug", drug, drug_ok)
    p.two_codes("drug", drug, lambda r: r["generic_name"], drug_ok)
    return p.assign_ids(lambda row: "", 1000000)


def hospital_rows(ref: dict[str, pl.DataFrame], rng: random.Random) -> list[Row]:
    spec_of = {
        r["generic_name"]: r["spec"]
        for r in ref["consumable"].filter(pl.col("spec").is_not_null()).iter_rows(named=True)
    }

    def decorate(row: Row, rec: Record) -> None:
        if rec["system"] == "consumable":
            high = rec["generic_name"] in HIGH_VALUE_CONSUMABLES
            row.values["price"] = round(
                rng.uniform(800, 15000) if high else rng.uniform(0.5, 60), 2
            )
            if not rec["spec"]:  # a 20-char code names no spec; the line does
                row.values["spec"] = spec_of[rec["generic_name"]]
        elif rec["system"] == "service":
            expensive = rng.random() < 0.15
            row.values["price"] = round(
                rng.uniform(300, 3000) if expensive else rng.uniform(5, 300), 1
            )
        elif rec["system"] == "herbal":
            row.values["price"] = round(rng.uniform(0.05, 2.5), 2)

    p = Planter(ref, rng, decorate)
    p.correct("drug", drug, 350, x_ok, HOSPITAL_RATES)
    p.correct("drug", drug, 500, z_ok, HOSPITAL_RATES)
    p.correct(
        "herbal",
        "中药饮片",
        250,
        lambda r: valid(r) and r["code"][1:3] in {"00", "33"},
        HOSPITAL_RATES,
    )
    p.correct(
        "preparation",
        "医疗机构制剂",
        80,
        lambda r: valid(r) and r["code"][1:3] == "33",
        HOSPITAL_RATES,
    )
    p.correct("consumable", "医用耗材", 350, valid, HOSPITAL_RATES)
    p.correct("service", "医疗服务项目", 410, valid)
    for system, category, where in (
        ("drug", drug, x_ok), ("drug", drug, x_ok), ("drug", drug, z_ok),
        ("consumable", "医用耗材", valid), ("consumable", "医用耗材", valid),
        ("service", "医疗服务项目", valid), ("service", "医疗服务项目", valid),
        ("herbal", "中药饮片", valid),
    ):  # fmt: skip
        p.uncoded(system, category, where)
    p.malformed(
        "service", "医疗服务项目", "excel", lambda r: valid(r) and r["code"].startswith("00")
    )
    p.malformed("service", "医疗服务项目", "drop_middle")
    p.malformed("drug", drug, "letter_o", x_ok)
    p.malformed("consumable", "医用耗材", "drop_last", code20)
    p.malformed("herbal", "中药饮片", "cut")
    p.malformed("drug", drug, "drop_last", z_ok)
    p.wrong_system("consumable", "西药", code27)
    p.wrong_system("drug", "医用耗材", x_ok)
    p.wrong_system("consumable", "医疗服务项目", code27)
    p.wrong_system("drug", "中药饮片", z_ok)
    p.unnormalised("drug", drug, "lower", drug_ok)
    p.unnormalised("consumable", "医用耗材", "lower", code27)
    p.unnormalised("service", "医疗服务项目", "trailing")
    p.unnormalised("herbal", "中药饮片", "leading")
    for system, category, where in (
        ("drug", drug, x_ok), ("drug", drug, z_ok), ("service", "医疗服务项目", valid),
        ("consumable", "医用耗材", code20),
    ):  # fmt: skip
        p.unknown(system, category, where)
    for system, category, status, where in (
        ("drug", drug, "revoked", complete),
        ("service", "医疗服务项目", "revoked", any_record),
        ("consumable", "医用耗材", "revoked", any_record),
        ("herbal", "中药饮片", "revoked", any_record),
        ("drug", drug, "future", complete),
        ("consumable", "医用耗材", "future", any_record),
        ("preparation", "医疗机构制剂", "future", any_record),
    ):  # fmt: skip
        p.out_of_date(system, category, status, where)
    for rule, system, category, where in (
        ("ATT001", "drug", drug, drug_ok), ("ATT001", "service", "医疗服务项目", valid),
        ("ATT001", "consumable", "医用耗材", code27),
        ("ATT002", "drug", drug, drug_ok), ("ATT002", "drug", drug, drug_ok),
        ("ATT002", "consumable", "医用耗材", code27),
        ("ATT003", "drug", drug, drug_ok), ("ATT003", "drug", drug, drug_ok),
        ("ATT003", "preparation", "医疗机构制剂", valid),
        ("ATT004", "drug", drug, drug_ok), ("ATT004", "consumable", "医用耗材", code27),
        ("ATT004", "herbal", "中药饮片", valid),
        ("ATT005", "drug", drug, drug_ok), ("ATT005", "drug", drug, drug_ok),
        ("ATT005", "consumable", "医用耗材", code27),
    ):  # fmt: skip
        p.mismatch(rule, system, category, where)
    p.duplicate("drug", drug, drug_ok)
    p.duplicate("consumable", "医用耗材", code27)
    p.two_codes("drug", drug, lambda r: r["generic_name"], drug_ok)
    p.two_codes(
        "service", "医疗服务项目", lambda r: "护理", lambda r: valid(r) and "级护理" in r["name"]
    )
    return p.assign_ids(lambda row: HOSPITAL_ID_PREFIX[row.values["category"]], 100000)


# --- writing --------------------------------------------------------------------------------------

XLSX_PROPERTIES = {
    "created": dt.datetime(2026, 11, 23),
    "author": "mapper sample_catalogs",
    "title": "mapper sample catalog",
}


def cell(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def write_catalog(layout: Layout, rows: list[Row]) -> None:
    fields = list(layout.headers)
    path = HERE / f"{layout.stem}_gbk.csv"
    with path.open("w", encoding="gbk", errors="strict", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(layout.headers.values())
        writer.writerows([cell(row.values[f]) for f in fields] for row in rows)
    workbook = xlsxwriter.Workbook(str(HERE / f"{layout.stem}.xlsx"))
    workbook.set_properties(XLSX_PROPERTIES)
    sheet = workbook.add_worksheet(layout.sheet)
    sheet.write_row(0, 0, list(layout.headers.values()), workbook.add_format({"bold": True}))
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(fields) - 1, 16)
    for r, row in enumerate(rows, start=1):
        for c, fld in enumerate(fields):
            value = row.values[fld]
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif fld == "code" and row.as_number:
                sheet.write_number(r, c, int(value))
            else:
                sheet.write_string(r, c, str(value))  # codes stay text: leading zeros survive
    workbook.close()


def write_lists(layout: Layout, rows: list[Row]) -> tuple[int, int]:
    """``<catalog>_planted.csv`` and ``<catalog>_variants.csv``; returns their row counts."""
    planted = [
        [n, row.values["item_id"], rule, layout.headers[fld], note]
        for n, row in enumerate(rows, start=2)
        for rule, fld, note in sorted(row.planted)
    ]
    variants = [
        [n, row.values["item_id"], layout.headers[fld], kind, before, after]
        for n, row in enumerate(rows, start=2)
        for fld, kind, before, after in row.variants
    ]
    for suffix, header, lines in (
        ("planted", ["row", "item_id", "rule", "field", "note"], planted),
        ("variants", ["row", "item_id", "field", "variation", "reference", "local"], variants),
    ):
        with (HERE / f"{layout.stem}_{suffix}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(lines)
    return len(planted), len(variants)


def write_readme_table(layout: Layout, rows: list[Row]) -> None:
    """Refresh the planted-problem table of README.md between its markers for this catalog."""
    readme = HERE / "README.md"
    start, end = f"<!-- planted:{layout.stem} -->", f"<!-- /planted:{layout.stem} -->"
    table = [
        "| row | item id | name | code on the line | rule | field | what is wrong | fix |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for n, row in enumerate(rows, start=2):
        for rule, fld, note in sorted(row.planted):
            wrong, _, fix = note.partition("; fix: ")
            code = f"`{row.values['code']}`" if row.values["code"] else "(empty)"
            item, name, header = row.values["item_id"], row.values["name"], layout.headers[fld]
            table.append(
                f"| {n} | {item} | {name} | {code} | {rule} | {header} | {wrong} | {fix} |"
            )
    content = readme.read_text(encoding="utf-8")
    head, _, rest = content.partition(start)
    _, _, tail = rest.partition(end)
    readme.write_text("\n".join([head + start, *table, end]) + tail, encoding="utf-8")


RAGGED_EXTRA_ROW, RAGGED_SHORT_ROW = 5, 8  # spreadsheet rows of broken_ragged_rows.csv


def write_broken(drugs: pl.DataFrame) -> None:
    """A ragged CSV (otherwise correct lines), a CSV with no code column, an empty file."""
    fit = drugs.filter(pl.col("status") == "valid").sort("code").to_dicts()
    lines: list[list[str]] = [list(PHARMACY.headers.values())]
    for n, rec in enumerate((r for r in fit if complete(r)), start=2):
        row = [
            f"10001{n:02d}", rec["name"], rec["name"], rec["spec"], rec["dosage_form"],
            rec["manufacturer"], rec["approval_no"], rec["unit"] or "盒", "15.80", "30",
            rec["code"], drug_category(rec["code"]),
        ]  # fmt: skip
        if n == RAGGED_EXTRA_ROW:
            row.append("多余字段")  # 13 fields
        if n == RAGGED_SHORT_ROW:
            row.pop()  # 11 fields: 商品类别 missing
        lines.append(row)
        if n == 10:
            break
    no_code = [
        ["名称", "规格", "单位", "单价", "备注"],
        ["阿莫西林胶囊", "0.25g*24粒", "盒", "12.50", ""],
        ["板蓝根颗粒", "10g*20袋", "袋", "18.00", "促销"],
        ["医用外科口罩", "10只", "包", "6.00", ""],
    ]
    for name, content in (
        ("broken_ragged_rows.csv", lines),
        ("broken_no_code_column.csv", no_code),
    ):
        with (HERE / name).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(content)
    (HERE / "empty.csv").write_bytes(b"")


def main() -> int:
    ref = load_reference()
    for layout, build in ((PHARMACY, pharmacy_rows), (HOSPITAL, hospital_rows)):
        rows = build(ref, random.Random(layout.stem))
        random.Random(layout.stem + "-order").shuffle(rows)
        write_catalog(layout, rows)
        n_planted, n_variants = write_lists(layout, rows)
        write_readme_table(layout, rows)
        with_problems = sum(bool(r.planted) for r in rows)
        print(
            f"{layout.stem}: {len(rows)} rows, {with_problems} with planted problems"
            f" ({n_planted} findings), {n_variants} benign variations"
        )
    write_broken(ref["drug"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
