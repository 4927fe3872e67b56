"""Synthetic reference records for the systems with no public data: herbal pieces, hospital
preparations, consumables and institutions. Names and classes come from snapshot_vocab; codes,
companies, dates and categories are generated from fixed seeds. Every record is ``synthetic:v1``.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import snapshot_vocab as vocab
from snapshot_common import gs1_check_digit, validity, weighted

SOURCE = "synthetic:v1"

# Herbal piece code: T + 2-digit standard source + 2-digit efficacy class + 5-digit name code.
HERBAL_CODE_SHAPE = r"^T\d{2}(0[1-9]|1\d|2[01])\d{5}$"
# Provisional hospital-preparation shape (CODES.md: unconfirmed, "16 chars with a J prefix"):
# J + 2-digit province + 4-digit institution + 2-digit class (01 中药, 02 化学) + 2-digit efficacy
# class (00 for chemical preparations) + 5-digit sequence.
PREPARATION_CODE_SHAPE = r"^J\d{2}\d{4}(01|02)\d{2}\d{5}$"
CONSUMABLE_CODE_SHAPE = r"^C\d{19}(\d{7})?$"
INSTITUTION_CODE_SHAPE = r"^[HP]\d{6}\d{5}$"

PREPARATIONS_PER_HOSPITAL = 28
CATEGORY = {"甲": 0.3, "乙": 0.5, "丙": 0.2}


def build_herbal(stats: Counter[str]) -> list[dict[str, Any]]:
    rng = random.Random("herbal")
    pieces: list[tuple[str, str, str, str | None]] = []  # (name, base herb, class, processing)
    class_of: dict[str, str] = {}
    for klass, (_, herbs) in vocab.HERB_CLASSES.items():
        for herb in herbs:
            class_of[herb] = klass
            pieces.append((herb, herb, klass, None))
    for variant, (herb, processing) in vocab.HERB_VARIANTS.items():
        pieces.append((variant, herb, class_of[herb], processing))
    name_codes = rng.sample(range(1, 100000), len(pieces))
    records = []
    for (name, base, klass, method), name_code in zip(pieces, name_codes, strict=True):
        provinces = rng.sample(vocab.HERB_SOURCES[1:], rng.randint(2, 6))
        for source in ["00", *sorted(provinces)]:
            self_paid = name in vocab.HERB_SELF_PAID or base in vocab.HERB_SELF_PAID
            small_pack = rng.random() < 0.3
            records.append(
                {
                    "code": f"T{source}{klass}{name_code:05d}",
                    "system": "herbal",
                    "name": name,
                    "generic_name": base,
                    "spec": method or rng.choice(vocab.HERB_CUTS),
                    "package": "10g/袋"
                    if small_pack
                    else rng.choice(("1kg/袋", "500g/袋", "250g/袋")),
                    "unit": "袋" if small_pack else "g",
                    "manufacturer": rng.choice(vocab.HERB_COMPANIES),
                    "payment_category": "丙"
                    if self_paid
                    else weighted(rng, {"甲": 0.6, "乙": 0.4}),
                    **validity(
                        rng, revoked=0.02, future=0.005, later=0.1, revoked_status=("停用",)
                    ),
                    "source": SOURCE,
                }
            )
    stats["herbal: distinct piece names"] = len(pieces)
    stats["herbal: processed forms (炮制品)"] = len(vocab.HERB_VARIANTS)
    return records


def _prep_approval(rng: random.Random, abbr: str, letter: str) -> str:
    if rng.random() < 0.7:
        return f"{abbr}药制字{letter}{rng.randint(2005, 2024)}{rng.randint(1, 999):04d}"
    return f"{abbr}药制字{letter}{rng.randint(1, 12):02d}{rng.randint(1, 99999):06d}"


def build_preparation(stats: Counter[str]) -> list[dict[str, Any]]:
    rng = random.Random("preparation")
    stems = list(vocab.PREP_TCM_STEMS)
    records = []
    for province, (abbr, hospitals) in vocab.PREP_PROVINCES.items():
        institutions = sorted(rng.sample(range(1, 10000), len(hospitals)))
        for hospital, institution in zip(hospitals, institutions, strict=True):
            names: dict[str, tuple[str, str, str, str, str, str]] = {}
            for chem in rng.sample(vocab.PREP_CHEM, 5):
                names[chem[0]] = ("02", "00", *chem[1:], "H")
            while len(names) < PREPARATIONS_PER_HOSPITAL:
                stem = rng.choice(stems)
                suffix = rng.choice(list(vocab.PREP_TCM_FORMS))
                form, spec, unit = vocab.PREP_TCM_FORMS[suffix]
                name = f"{rng.choice(vocab.PREP_TCM_PREFIXES)}{stem}{suffix}"
                names.setdefault(name, ("01", vocab.PREP_TCM_STEMS[stem], form, spec, unit, "Z"))
            for seq, name in enumerate(sorted(names), start=1):
                klass, efficacy, form, spec, unit, letter = names[name]
                records.append(
                    {
                        "code": f"J{province}{institution:04d}{klass}{efficacy}{seq:05d}",
                        "system": "preparation",
                        "name": name,
                        "generic_name": name,
                        "spec": spec,
                        "dosage_form": form,
                        "unit": unit,
                        "manufacturer": hospital,
                        "approval_no": _prep_approval(rng, abbr, letter),
                        "payment_category": weighted(rng, {"甲": 0.2, "乙": 0.6, "丙": 0.2}),
                        **validity(
                            rng, revoked=0.02, future=0.01, later=0.2, revoked_status=("停用",)
                        ),
                        "source": SOURCE,
                    }
                )
    stats["preparation: hospitals"] = sum(len(h) for _, h in vocab.PREP_PROVINCES.values())
    return records


# Synthetic level-1 classes keyed by the 2017 device category of the product.
_LEVEL1 = {"02": "02", "03": "01", "08": "11", "10": "09", "13": "03", "14": "14", "16": "06"}


def _device_registration(
    rng: random.Random, category: str, klass: int, imported: bool, abbr: str
) -> str:
    year = rng.randint(2015, 2024)
    serial = f"{rng.randint(1, 9999):04d}"
    if imported:
        return f"国械注进{year}{klass}{category}{serial}"
    issuer = "国" if klass == 3 else abbr
    return f"{issuer}械注准{year}{klass}{category}{serial}"


def _udi_di(rng: random.Random) -> str:
    body = "069" + "".join(str(rng.randrange(10)) for _ in range(10))
    return body + gs1_check_digit(body)


def build_consumable(stats: Counter[str]) -> list[dict[str, Any]]:
    rng = random.Random("consumable")
    enterprise_codes = dict(
        zip(
            [c for c, _ in vocab.CONSUMABLE_COMPANIES] + list(vocab.CONSUMABLE_IMPORTERS),
            (f"{n:05d}" for n in sorted(rng.sample(range(100, 99999), 30))),
            strict=False,
        )
    )
    abbr_of = dict(vocab.CONSUMABLE_COMPANIES)
    level2: Counter[str] = Counter()
    records = []
    for generic, stem, category, klass, specs, unit, import_share in vocab.CONSUMABLE_KINDS:
        level1 = _LEVEL1[category]
        level2[level1] += 1
        classes = f"{level1}{level2[level1]:02d}{rng.randint(1, 9):02d}"
        generic_class = f"{rng.randint(1, 999):03d}"
        n_import = round(import_share * 5)
        companies = rng.sample(
            [c for c, _ in vocab.CONSUMABLE_COMPANIES], rng.randint(8, 14) - n_import
        )
        companies += rng.sample(vocab.CONSUMABLE_IMPORTERS, n_import)
        materials = sorted(rng.sample(vocab.CONSUMABLE_MATERIALS, rng.randint(2, 3)))
        features = sorted(rng.sample(range(1, 1000), rng.randint(3, 4)))
        for company in companies:
            imported = company not in abbr_of
            for material in materials:
                for feature in features:
                    enterprise = enterprise_codes[company]
                    code20 = f"C{classes}{generic_class}{material}{feature:03d}{enterprise}"
                    common = {
                        "system": "consumable",
                        "generic_name": generic,
                        "name": stem,
                        "unit": unit,
                        "manufacturer": company,
                        "approval_no": _device_registration(
                            rng, category, klass, imported, abbr_of.get(company, "")
                        ),
                        "payment_category": weighted(rng, CATEGORY),
                        "source": SOURCE,
                    }
                    records.append(
                        {
                            "code": code20,
                            **common,
                            **validity(
                                rng, revoked=0.02, future=0.01, later=0.2, revoked_status=("停用",)
                            ),
                        }
                    )
                    if rng.random() < 0.5:
                        spec = rng.choice(specs)
                        records.append(
                            {
                                "code": f"{code20}{rng.randint(1, 9999999):07d}",
                                **common,
                                "spec": spec,
                                "package": f"1{unit}/袋"
                                if unit in {"支", "根", "只", "片"}
                                else None,
                                "base_code": _udi_di(rng) if rng.random() < 0.6 else None,
                                **validity(
                                    rng,
                                    revoked=0.02,
                                    future=0.01,
                                    later=0.2,
                                    revoked_status=("停用",),
                                ),
                            }
                        )
    stats["consumable: 20-char codes"] = sum(len(r["code"]) == 20 for r in records)
    stats["consumable: 27-char codes"] = sum(len(r["code"]) == 27 for r in records)
    return records


def build_institution(stats: Counter[str]) -> list[dict[str, Any]]:
    rng = random.Random("institution")
    records = []
    for division, (city, district) in vocab.DIVISIONS.items():
        kinds = rng.sample(vocab.HOSPITAL_KINDS, 5)
        brands = rng.sample(vocab.PHARMACY_BRANDS, 8)
        names = [
            (
                "H",
                f"{city}{district}{kind}"
                if kind not in {"诊所", "门诊部", "卫生院"}
                else f"{district}{rng.choice(vocab.PHARMACY_BRANDS)}{kind}",
            )
            for kind in kinds
        ]
        names += [("P", f"{city[:-1]}{brand}大药房{district}店") for brand in brands]
        seqs = sorted(rng.sample(range(1, 3000), len(names)))
        for (prefix, name), seq in zip(names, seqs, strict=True):
            records.append(
                {
                    "code": f"{prefix}{division}{seq:05d}",
                    "system": "institution",
                    "name": name,
                    **validity(
                        rng,
                        revoked=0.02,
                        future=0.0,
                        later=0.3,
                        revoked_status=("停用",),
                        active_status=None,
                    ),
                    "source": SOURCE,
                }
            )
    stats["institution: H (medical institutions)"] = sum(r["code"][0] == "H" for r in records)
    stats["institution: P (retail pharmacies)"] = sum(r["code"][0] == "P" for r in records)
    return records
