"""Build his_workbook.xlsx: a hospital catalog as a HIS system exports it, sheet by sheet.

    python sample_catalogs/make_his_workbook.py

A cover sheet (说明), then 药品目录, 卫生材料 and 诊疗项目, each with its own header: a merged title
row above the drug header, group rows (一、西药 / 二、中成药 merged across the row, a group text
repeated in every cell, 第一类 …), subtotal and total rows (小计, 合计 with an amount, 共 N 条),
no 类别 column, and three spellings of the code header (医保码, 国家码 found only by its values,
医保编码). Items copy records of the reference release 2026-11 that are valid on 2026-11-23; a
few lines carry one planted problem each. Writes, next to this file: the workbook,
``his_workbook_planted.csv`` (sheet,row,item_id,rule,note), ``his_workbook_skipped.csv``
(sheet,row,kind,text: the rows a checker must skip and list) and the tables in README.md.
Seeded: a rerun writes the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from sample_plant import complete, load_reference, valid

HERE = Path(__file__).resolve().parent
STEM = "his_workbook"
PROPERTIES = {"created": dt.datetime(2026, 11, 23), "author": "mapper sample_catalogs"}


@dataclass
class Sheet:
    """A sheet as written: rows of cells (None: empty), what a checker must say of them."""

    name: str
    rows: list[list[Any]] = field(default_factory=list)
    merged: set[int] = field(default_factory=set)  # 0-based rows merged across the sheet
    planted: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, id, rule, note
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # row, kind, text
    numbers: set[tuple[int, int]] = field(default_factory=set)  # cells written as numbers

    def add(self, cells: list[Any]) -> int:
        """Append a row; its spreadsheet row number."""
        self.rows.append(cells)
        return len(self.rows)

    def structure(self, kind: str, text: str, cells: list[Any], merged: bool = False) -> None:
        row = self.add(cells)
        self.skipped.append((row, kind, text))
        if merged:
            self.merged.add(row - 1)


def records(
    ref: dict[str, pl.DataFrame], system: str, rng: random.Random, n: int, prefix: str = ""
) -> list[Any]:
    """``n`` valid records of ``system`` whose code starts with ``prefix``, picked with ``rng``
    from those sorted by code (drugs: only those with every attribute known)."""
    pool = [
        r
        for r in ref[system].sort("code").iter_rows(named=True)
        if valid(r) and r["code"].startswith(prefix) and (system != "drug" or complete(r))
    ]
    return rng.sample(pool, n)


def mistype(code: str, known: set[str]) -> str:
    """The code with its last five digits changed to a value the release does not hold."""
    for k in range(1, 100):
        wrong = code[:-5] + f"{(int(code[-5:]) + 7919 * k) % 100000:05d}"
        if wrong not in known:
            return wrong
    raise AssertionError("no unknown variant")  # pragma: no cover


def drug_sheet(ref: dict[str, pl.DataFrame], rng: random.Random) -> Sheet:
    sheet = Sheet("药品目录")
    width = 9
    sheet.add(["XX市人民医院 药品目录（2026年11月导出）", *[None] * (width - 1)])
    sheet.merged.add(0)
    sheet.add(
        ["序号", "院内编码", "药品名称", "规格", "剂型", "生产企业", "批准文号", "单价", "医保码"]
    )
    known = set(ref["drug"].get_column("code"))
    x = records(ref, "drug", rng, 9, "X")
    z = records(ref, "drug", rng, 9, "Z")
    n = 0
    for group, recs, prefix, subtotal in (
        ("一、西药", x, "XY", "西药小计"),
        ("二、中成药", z, "ZC", "中成药小计"),
    ):
        sheet.structure("section", group, [group, *[None] * (width - 1)], merged=True)
        amount = 0.0
        for i, rec in enumerate(recs):
            n += 1
            item = f"{prefix}{20001 + n}"
            price = round(rng.uniform(2, 180), 2)
            amount += price
            code, planted = rec["code"], None
            if prefix == "XY" and i == 3:
                code, planted = "", ("COD001", "no national code; fix: map it")
            elif prefix == "XY" and i == 6:
                code = rec["code"][:-1]
                planted = ("COD002", f"22 chars, last character lost; fix: {rec['code']}")
            elif prefix == "ZC" and i == 4:
                code = mistype(rec["code"], known)
                planted = (
                    "REF001",
                    f"well-formed but not in the release (last 5 digits mistyped); "
                    f"fix: {rec['code']}",
                )
            row = sheet.add(
                [
                    n, item, rec["name"], rec["spec"], rec["dosage_form"], rec["manufacturer"],
                    rec["approval_no"], price, code,
                ]
            )  # fmt: skip
            sheet.numbers.update({(row - 1, 0), (row - 1, 7)})
            if planted:
                sheet.planted.append((row, item, *planted))
        total = round(amount, 2)
        row_cells = [None, None, subtotal, None, None, None, None, total, None]
        sheet.structure("total", subtotal, row_cells)
        sheet.numbers.add((len(sheet.rows) - 1, 7))
    sheet.structure("total", f"合计：{n} 条", [f"合计：{n} 条", *[None] * (width - 1)], merged=True)
    return sheet


def consumable_sheet(ref: dict[str, pl.DataFrame], rng: random.Random) -> Sheet:
    sheet = Sheet("卫生材料")
    width = 7
    sheet.add(["院内编码", "耗材名称", "规格型号", "生产厂家", "注册证号", "单价", "国家码"])
    pool = [r for r in records(ref, "consumable", rng, 80, "C") if len(r["code"]) == 27][:10]
    amount = 0.0
    group = "(一)一次性医用耗材"
    sheet.structure("section", group, [group] * width)  # the text in every cell of the row
    for i, rec in enumerate(pool):
        item = f"HC{30001 + i}"
        price = round(rng.uniform(0.5, 900), 2)
        amount += price
        code, planted = rec["code"], None
        if i == 2:
            code, planted = "", ("COD001", "no national code; fix: map it")
        elif i == 7:
            code, planted = rec["code"].lower(), ("COD004", "lower case; fix: upper-case it")
        row = sheet.add(
            [item, rec["name"], rec["spec"], rec["manufacturer"], rec["approval_no"], price, code]
        )
        sheet.numbers.add((row - 1, 5))
        if planted:
            sheet.planted.append((row, item, *planted))
        if i == 4:
            group = "(二)植入类耗材"
            sheet.structure("section", group, [None, group, *[None] * (width - 2)])
    sheet.structure("total", "合计", [None, "合计", None, None, None, round(amount, 2), None])
    sheet.numbers.add((len(sheet.rows) - 1, 5))
    return sheet


def service_sheet(ref: dict[str, pl.DataFrame], rng: random.Random) -> Sheet:
    sheet = Sheet("诊疗项目")
    width = 5
    sheet.add(["项目编码", "项目名称", "计价单位", "单价", "医保编码"])
    pool = records(ref, "service", rng, 10, "00")
    group = "第一类 综合医疗服务类"
    sheet.structure("section", group, [group, *[None] * (width - 1)], merged=True)
    for i, rec in enumerate(pool):
        item = f"FW{40001 + i}"
        price = round(rng.uniform(5, 600), 1)
        code, planted = rec["code"], None
        if i == 1:
            code, planted = "", ("COD001", "no national code; fix: map it")
        elif i == 5:
            code = str(int(rec["code"]))
            planted = (
                "COD002",
                f"Excel dropped the leading zeros (a number cell); fix: {rec['code']}, "
                "and format the column as text",
            )
        row = sheet.add([item, rec["name"], rec["unit"], price, code])
        sheet.numbers.add((row - 1, 3))
        if planted and planted[0] == "COD002":
            sheet.numbers.add((row - 1, 4))
        if planted:
            sheet.planted.append((row, item, *planted))
    total = f"共 {len(pool)} 条"
    sheet.structure("total", total, [total, *[None] * (width - 1)], merged=True)
    return sheet


COVER = [
    "XX市人民医院 医保目录导出",
    "导出日期：2026-11-20",
    "说明：本文件含 药品目录、卫生材料、诊疗项目 三个工作表；医保码为国家医保信息业务编码。",
]


def write_workbook(sheets: list[Sheet]) -> None:
    book = xlsxwriter.Workbook(str(HERE / f"{STEM}.xlsx"))
    book.set_properties(PROPERTIES)
    bold = book.add_format({"bold": True})
    cover = book.add_worksheet("说明")
    for r, line in enumerate(COVER):
        cover.write_string(r, 0, line)
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        width = max(len(r) for r in sheet.rows)
        ws.set_column(0, width - 1, 16)
        for r, cells in enumerate(sheet.rows):
            if r in sheet.merged:
                ws.merge_range(r, 0, r, width - 1, cells[0], bold)
                continue
            for c, value in enumerate(cells):
                if value is None or value == "":
                    continue
                if (r, c) in sheet.numbers:
                    ws.write_number(r, c, float(value) if "." in str(value) else int(value))
                else:
                    ws.write_string(r, c, str(value))  # codes stay text: leading zeros survive
    book.close()


def write_lists(sheets: list[Sheet]) -> None:
    with (HERE / f"{STEM}_planted.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["sheet", "row", "item_id", "rule", "note"])
        out.writerows([s.name, *p] for s in sheets for p in s.planted)
    with (HERE / f"{STEM}_skipped.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["sheet", "row", "kind", "text"])
        out.writerows([s.name, *k] for s in sheets for k in s.skipped)


def write_readme(sheets: list[Sheet]) -> None:
    """Refresh the two tables of README.md between their markers."""
    planted = [
        "| sheet | row | item id | rule | what is wrong | fix |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in sheets:
        for row, item, rule, note in s.planted:
            wrong, _, fix = note.partition("; fix: ")
            planted.append(f"| {s.name} | {row} | {item} | {rule} | {wrong} | {fix} |")
    skipped = ["| sheet | row | kind | text |", "| --- | --- | --- | --- |"]
    skipped += [f"| {s.name} | {r} | {k} | {t} |" for s in sheets for r, k, t in s.skipped]
    readme = HERE / "README.md"
    content = readme.read_text(encoding="utf-8")
    for marker, table in (("planted:his_workbook", planted), ("skipped:his_workbook", skipped)):
        start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
        head, _, rest = content.partition(start)
        _, _, tail = rest.partition(end)
        content = "\n".join([head + start, *table, end]) + tail
    readme.write_text(content, encoding="utf-8")


def main() -> int:
    ref = load_reference()
    rng = random.Random(STEM)
    sheets = [drug_sheet(ref, rng), consumable_sheet(ref, rng), service_sheet(ref, rng)]
    write_workbook(sheets)
    write_lists(sheets)
    write_readme(sheets)
    for s in sheets:
        print(f"{s.name}: {len(s.rows)} rows, {len(s.planted)} planted, {len(s.skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
