"""Catalog lines built from reference records: correct ones, with benign variations, and ones
with one planted problem each. Every planted line records the rule code(s) a checker must report.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import sample_text as text

REFERENCE = Path(__file__).resolve().parent.parent / "reference_codes" / "2026-11"
CHECK_DATE = dt.date(2026, 11, 23)
SYSTEMS = ("drug", "herbal", "preparation", "consumable", "service")

Record = dict[str, Any]
Predicate = Callable[[Record], bool]
Category = str | Callable[[Record], str]  # a catalog category, or how to pick it per record
ATTRIBUTE_FIELDS = ("name", "spec", "form", "maker", "approval")
REF_FIELD = {
    "name": "name",
    "spec": "spec",
    "form": "dosage_form",
    "maker": "manufacturer",
    "approval": "approval_no",
}
ATT_RULE = {
    "ATT001": "name",
    "ATT002": "spec",
    "ATT003": "form",
    "ATT004": "maker",
    "ATT005": "approval",
}
SIMPLE_STRENGTH = re.compile(r"^(每[袋支粒片丸瓶包]?[装重])?(\d+(?:\.\d+)?)(mg|g|ml)$")
OTHER_FORM = {
    "片剂": "胶囊剂", "胶囊剂": "片剂", "颗粒剂": "丸剂", "合剂": "糖浆剂", "糖浆剂": "合剂",
    "硬胶囊": "片剂", "大蜜丸": "颗粒剂", "薄膜衣片": "胶囊剂", "栓剂": "软膏剂", "散剂": "颗粒剂",
}  # fmt: skip


@dataclass
class Row:
    """One catalog line: its local values by field, and what a checker must say about it."""

    values: dict[str, Any]
    planted: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, field, note)
    variants: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # field, kind, ref, local
    as_number: bool = False  # the code was turned into a number by Excel
    pair: str | None = None  # rows with the same pair key share one local id (CAT001/CAT002)


def load_reference() -> dict[str, pl.DataFrame]:
    """Each system's records with a ``status`` column: valid / revoked / future on CHECK_DATE."""
    status = (
        pl.when(pl.col("valid_to") < CHECK_DATE)
        .then(pl.lit("revoked"))
        .when(pl.col("valid_from") > CHECK_DATE)
        .then(pl.lit("future"))
        .otherwise(pl.lit("valid"))
    )
    return {
        s: pl.read_parquet(REFERENCE / f"{s}.parquet").with_columns(status=status) for s in SYSTEMS
    }


def valid(rec: Record) -> bool:
    return bool(rec["status"] == "valid")


def complete(rec: Record) -> bool:
    """All five attributes a checker compares are known."""
    return all(rec[REF_FIELD[f]] is not None for f in ATTRIBUTE_FIELDS)


def is_x(rec: Record) -> bool:
    return bool(rec["code"].startswith("X"))


def drug_category(code: str) -> str:
    return "西药" if code.startswith("X") else "中成药"


def unrelated(a: str, b: str) -> bool:
    """Two names that no normalisation could take for the same thing."""
    a, b = text.short_maker(a), text.short_maker(b)
    return a not in b and b not in a and a[:2] != b[:2]


class Pool:
    """A system's reference records handed out without repeats, in a seeded order."""

    def __init__(self, df: pl.DataFrame, rng: random.Random) -> None:
        self.records: list[Record] = df.to_dicts()
        rng.shuffle(self.records)
        self.used: set[str] = set()

    def take(self, n: int, where: Predicate) -> list[Record]:
        candidates = (r for r in self.records if r["code"] not in self.used and where(r))
        found = list(itertools.islice(candidates, n))
        if len(found) < n:
            raise SystemExit(f"reference pool ran out: wanted {n}, found {len(found)}")
        self.used.update(r["code"] for r in found)
        return found

    def one(self, where: Predicate) -> Record:
        return self.take(1, where)[0]


class Planter:
    """Builds a catalog's lines from the reference; ``decorate`` adds catalog-specific values."""

    def __init__(
        self,
        ref: dict[str, pl.DataFrame],
        rng: random.Random,
        decorate: Callable[[Row, Record], None],
    ) -> None:
        self.ref, self.rng, self.decorate = ref, rng, decorate
        self.pools = {s: Pool(df, rng) for s, df in ref.items()}
        self.known = {s: set(df["code"]) for s, df in ref.items()}
        self.rows: list[Row] = []
        self._others: dict[tuple[str, str], list[Record]] = {}

    # correct lines -------------------------------------------------------------------------------
    def line(self, rec: Record, category: Category, **values: Any) -> Row:
        """A line copied from a reference record, as the catalog would hold it."""
        row = Row(
            {
                "name": rec["name"],
                "spec": rec["spec"] or "",
                "form": rec["dosage_form"] or "",
                "maker": rec["manufacturer"] or "",
                "approval": rec["approval_no"] or "",
                "unit": rec["unit"] or "盒",
                "code": rec["code"],
                "category": category if isinstance(category, str) else category(rec),
                "price": round(self.rng.uniform(3, 150), 2),
            }
        )
        row.values.update(values)
        self.decorate(row, rec)  # after the overrides: a trade name follows a planted wrong name
        return row

    def correct(
        self, system: str, category: Category, n: int, where: Predicate,
        rates: dict[str, float] | None = None,
    ) -> None:  # fmt: skip
        """``n`` correct lines, each with the benign variations drawn from ``rates``."""
        for rec in self.pools[system].take(n, where):
            self.rows.append(vary(self.line(rec, category), rec, self.rng, rates or {}))

    # planted problems ----------------------------------------------------------------------------
    def plant(
        self, rec: Record, category: Category, rule: str, fld: str, note: str, **values: Any
    ) -> Row:
        row = self.line(rec, category, **values)
        row.planted.append((rule, fld, note))
        self.rows.append(row)
        return row

    def uncoded(self, system: str, category: Category, where: Predicate = valid) -> None:
        rec = self.pools[system].one(where)
        self.plant(rec, category, "COD001", "code", "no national code; fix: map it", code="")

    def malformed(
        self, system: str, category: Category, how: str, where: Predicate = valid
    ) -> None:
        rec = self.pools[system].one(where)
        code = rec["code"]
        damage: dict[str, Callable[[], tuple[str, str]]] = {
            "drop_last": lambda: (
                code[:-1],
                f"{len(code) - 1} chars, last character lost; fix: {code}",
            ),
            "drop_middle": lambda: (
                code[:7] + code[8:],
                f"{len(code) - 1} chars, a digit lost; fix: {code}",
            ),
            "letter_o": lambda: (letter_o(code), f"letter O for a digit 0; fix: {code}"),
            "cut": lambda: (code[:8], f"cut to 8 characters; fix: {code}"),
            "excel": lambda: (
                code.lstrip("0"),
                f"Excel dropped the leading zeros of {code} (a number in the XLSX too);"
                f" fix: {code}, and format the column as text",
            ),
        }
        bad, note = damage[how]()
        row = self.plant(rec, category, "COD002", "code", note, code=bad)
        row.as_number = how == "excel"

    def wrong_system(self, system: str, category: Category, where: Predicate = valid) -> None:
        rec = self.pools[system].one(where)
        line_type = category if isinstance(category, str) else category(rec)
        note = (
            f"{system} code on a {line_type} line (the other values are the {system} record's,"
            " so only COD003 fires); fix: correct the line's category, or map the item to a"
            " code of its own system"
        )
        self.plant(rec, category, "COD003", "code", note)

    def unnormalised(
        self, system: str, category: Category, how: str, where: Predicate = valid
    ) -> None:
        rec = self.pools[system].one(where)
        code = rec["code"]
        bad, note = {
            "lower": (code.lower(), "lower case; fix: upper-case it"),
            "spaces": (f" {code}  ", "surrounding spaces; fix: trim"),
            "trailing": (code + "  ", "trailing spaces; fix: trim"),
            "leading": (" " + code, "leading space; fix: trim"),
        }[how]
        self.plant(rec, category, "COD004", "code", note, code=bad)

    def unknown(self, system: str, category: Category, where: Predicate = valid) -> None:
        rec = self.pools[system].one(where)
        while (code := rec["code"][:-5] + f"{self.rng.randint(0, 99999):05d}") in self.known[
            system
        ]:
            pass
        note = f"well-formed but not in the release (last 5 digits mistyped); fix: {rec['code']}"
        self.plant(rec, category, "REF001", "code", note, code=code)

    def out_of_date(self, system: str, category: Category, status: str, where: Predicate) -> None:
        """A revoked or not-yet-valid code with its record's own attributes: REF002/REF003 only."""
        rec = self.pools[system].one(lambda r: r["status"] == status and where(r))
        if status == "revoked":
            rule = "REF002"
            note = f"valid until {rec['valid_to']} ({rec['market_status']}); fix: map to the code"
            note += " that replaced it, or stop billing the item"
        else:
            rule = "REF003"
            note = f"valid only from {rec['valid_from']} ({rec['market_status']}); fix: keep the"
            note += " code in use until then"
        self.plant(rec, category, rule, "code", note)

    def mismatch(
        self, rule: str, system: str, category: Category, where: Predicate = valid
    ) -> None:
        """One attribute changed to a value no normalisation can reconcile."""
        fld = ATT_RULE[rule]
        column = REF_FIELD[fld]
        rec = self.pools[system].one(
            lambda r: where(r) and r[column] is not None and self._changed(fld, r) is not None
        )
        new = self._changed(fld, rec)
        note = f"the line says '{new}', the reference '{rec[column]}'; fix: correct either"
        self.plant(rec, category, rule, fld, note, **{fld: new})

    def _changed(self, fld: str, rec: Record) -> str | None:
        column = REF_FIELD[fld]
        value = rec[column]
        if fld == "form":
            return OTHER_FORM.get(value)
        if fld == "spec" and (m := SIMPLE_STRENGTH.match(value)):
            head, num, unit = m.groups()
            return f"{head or ''}{float(num) * 2:g}{unit}"
        key = (rec["system"], column)
        if key not in self._others:
            df = self.ref[rec["system"]].filter(pl.col(column).is_not_null())
            self._others[key] = df.sample(fraction=1.0, shuffle=True, seed=1).to_dicts()
        for other in self._others[key]:
            o = other[column]
            same_kind = other["generic_name"] == rec["generic_name"]
            if fld == "spec" and same_kind and _numbers(o) != _numbers(value):
                return str(o)
            same_issuer = (other["approval_no"] or "")[:4] == (rec["approval_no"] or "")[:4]
            if fld in {"name", "maker"} and unrelated(o, value) and (fld == "name" or same_issuer):
                return str(o)
            if fld == "approval" and o[:5] == value[:5] and o != value:
                return str(o)
        return None

    def duplicate(self, system: str, category: Category, where: Predicate = valid) -> None:
        """The same line twice: same local id, same code. CAT001 on both."""
        rec = self.pools[system].one(where)
        row = self.plant(rec, category, "CAT001", "item_id", "the same line twice; fix: delete one")
        row.pair = f"dup-{rec['code']}"
        self.rows.append(Row(dict(row.values), list(row.planted), pair=row.pair))

    def two_codes(
        self, system: str, category: Category, key: Callable[[Record], Any], where: Predicate,
    ) -> None:  # fmt: skip
        """One local id on two lines with two valid codes sharing ``key``: CAT002 on both."""
        pool = self.pools[system]
        groups: dict[Any, list[Record]] = {}
        for rec in pool.records:
            if rec["code"] not in pool.used and where(rec):
                groups.setdefault(key(rec), []).append(rec)
                if len(groups[key(rec)]) == 2:
                    break
        pair = next(g for g in groups.values() if len(g) == 2)
        for rec in pair:
            pool.used.add(rec["code"])
            note = (
                f"one local id, two codes ({pair[0]['code']}, {pair[1]['code']}); fix: one id each"
            )
            self.plant(rec, category, "CAT002", "code", note).pair = f"two-{pair[0]['code']}"

    def assign_ids(self, prefix: Callable[[Row], str], start: int) -> list[Row]:
        """A fresh local id per row (prefix + digits); rows with the same pair key share one."""
        numbers = iter(self.rng.sample(range(start, start * 10), len(self.rows)))
        shared: dict[str, str] = {}
        for row in self.rows:
            new = f"{prefix(row)}{next(numbers)}"
            row.values["item_id"] = shared.setdefault(row.pair, new) if row.pair else new
        return self.rows


def _numbers(spec: str) -> list[str]:
    """The quantities in a spec: '每瓶装100ml' and '100ml/瓶' both give ['100']."""
    return re.findall(r"\d+(?:\.\d+)?", spec)


def letter_o(code: str) -> str:
    """Replace the last digit 0 by the letter O (only digits are allowed there)."""
    i = code.rindex("0")
    return code[:i] + "O" + code[i + 1 :]


def vary(row: Row, rec: Record, rng: random.Random, rates: dict[str, float]) -> Row:
    """Apply the benign variations in ``rates`` (name -> probability), recording each one."""
    v = row.values

    def change(fld: str, kind: str, new: str) -> None:
        row.variants.append((fld, kind, str(v[fld]), new))
        v[fld] = new

    if rng.random() < rates.get("fullwidth", 0):
        for fld in ("name", "spec", "form", "maker"):
            if "(" in v[fld]:
                change(fld, "full-width brackets", text.fullwidth_brackets(v[fld]))
    spec = v["spec"]
    if spec and rng.random() < rates.get("drop_head", 0) and text.drop_head(spec) != spec:
        change("spec", "每…装/重 head dropped", text.drop_head(spec))
    if v["spec"] and rng.random() < rates.get("alt_units", 0) and text.has_alt_units(v["spec"]):
        change("spec", "unit spelt the other way (mg/毫克 g/克 ml/毫升)", text.alt_units(v["spec"]))
    if v["spec"] and rec.get("package") and rng.random() < rates.get("pack", 0):
        change("spec", "pack size appended (*N单位)", text.with_pack(v["spec"], rec["package"]))
    if v["form"] in text.SHORT_FORMS and rng.random() < rates.get("short_form", 0):
        change("form", "trailing 剂 dropped", text.SHORT_FORMS[v["form"]])
    if text.can_shorten_maker(v["maker"]) and rng.random() < rates.get("short_maker", 0):
        change("maker", "legal form dropped (…有限公司)", text.short_maker(v["maker"]))
    if v["approval"].startswith(text.APPROVAL_PREFIX) and rng.random() < rates.get(
        "bare_approval", 0
    ):
        change("approval", "国药准字 prefix dropped", text.bare_approval(v["approval"]))
    if "trade_name" in v:
        v["trade_name"] = v["name"]
    return row
