"""A national-scale reference built from the shipped release's vocabulary: seeded, no downloads.

    from bench.scale_reference import scale_reference, write_store
    frame = scale_reference(drugs=300_000, consumables=20_000, seed=7)
    write_store(frame, Path("/tmp/store"))       # a store mapper.load_reference() can open

Names are the shipped drug names plus new ones spliced from their stems and dosage-form
endings (about 14 records per name, as in the real table); manufacturers the shipped ones plus
spliced ones; specs and packages drawn from those seen with the same dosage form. Every code is
unique and well-formed (X 23 chars / Z 20 chars / C 20 chars), every 本位码 and UDI-DI carries a
valid GS1 check digit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from mapper.reference import load_reference  # noqa: E402
from mapper.reference.schema import REFERENCE_SCHEMA  # noqa: E402

SEED = 20261123
RECORDS_PER_NAME = 14
# Name endings that carry the dosage form, longest first, with the form they imply.
# fmt: off
FORM_ENDINGS = (
    ("口服液", "合剂"), ("注射液", "注射剂"), ("颗粒", "颗粒剂"), ("胶囊", "胶囊剂"),
    ("糖浆", "糖浆剂"),
    ("乳膏", "乳膏剂"), ("分散片", "片剂"), ("含片", "片剂"), ("片", "片剂"), ("丸", "丸剂"),
    ("散", "散剂"), ("栓", "栓剂"), ("膏", "煎膏剂"), ("合剂", "合剂"),
)
CITIES = ("北京", "上海", "广州", "成都", "武汉", "杭州", "南京", "西安", "济南", "长春", "哈尔滨",
          "昆明", "南宁", "石家庄", "郑州", "长沙", "贵阳", "兰州", "太原", "合肥")
FIRM_WORDS = ("药业", "制药", "医药", "生物制药", "药业集团")
LEGAL = ("有限公司", "股份有限公司", "有限责任公司")
# fmt: on


def _gtin(bodies: np.ndarray) -> list[str]:
    """Append the GS1 mod-10 check digit to each digit string."""
    out = []
    for body in bodies:
        total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
        out.append(body + str((10 - total % 10) % 10))
    return out


def _split(name: str) -> tuple[str, str, str]:
    for ending, form in FORM_ENDINGS:
        if name.endswith(ending) and len(name) > len(ending) + 1:
            return name[: -len(ending)], ending, form
    return name, "", ""


def _cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def _vocabulary() -> dict[str, pl.DataFrame]:
    ref = load_reference().scan().collect()
    return {s: ref.filter(pl.col("system") == s) for s in ("drug", "consumable")}


def _names(vocab: pl.DataFrame, count: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """``count`` distinct (name, dosage form): the real ones first, then spliced ones."""
    real = vocab.group_by("name").agg(pl.col("dosage_form").drop_nulls().mode().first())
    out = {n: (f or _split(n)[2] or "片剂") for n, f in real.iter_rows()}
    stems = [s for s in (_split(n)[0] for n in out) if len(s) >= 3 and _cjk(s)]
    while len(out) < count:
        a, b = rng.choice(len(stems), 2)
        ending, form = FORM_ENDINGS[rng.integers(len(FORM_ENDINGS))]
        cut = int(rng.integers(2, max(3, len(stems[a]))))
        name = stems[a][:cut] + stems[b][-2:] + ending
        out.setdefault(name, form)
    return list(out.items())[:count]


def _makers(vocab: pl.DataFrame, count: int, rng: np.random.Generator) -> list[str]:
    out = dict.fromkeys(vocab["manufacturer"].drop_nulls().unique(maintain_order=True).to_list())
    words = [m[2:4] for m in out if len(m) > 6]
    while len(out) < count:
        city, word = CITIES[rng.integers(len(CITIES))], words[rng.integers(len(words))]
        firm, legal = FIRM_WORDS[rng.integers(len(FIRM_WORDS))], LEGAL[rng.integers(len(LEGAL))]
        name = city + word + firm + legal
        out.setdefault(name, None)
    return list(out)[:count]


def _drugs(vocab: pl.DataFrame, n: int, rng: np.random.Generator) -> pl.DataFrame:
    names = _names(vocab, max(50, n // RECORDS_PER_NAME), rng)
    makers = _makers(vocab, max(100, n // 60), rng)
    specs = vocab.drop_nulls(["spec", "dosage_form"]).group_by("dosage_form").agg(pl.col("spec"))
    spec_of = {f: s for f, s in specs.iter_rows()}
    all_specs = vocab["spec"].drop_nulls().to_list()
    packages = vocab["package"].drop_nulls().to_list()
    m = int(n * 1.1) + 10
    # Zipf-like popularity: a few names have many makers, most have a handful.
    weights = 1.0 / np.arange(1, len(names) + 1) ** 0.6
    name_idx = rng.choice(len(names), m, p=weights / weights.sum())
    maker_idx = rng.integers(0, len(makers), m)
    western = rng.random(len(names)) < 0.45
    rows = []
    for i, (ni, mi) in enumerate(zip(name_idx, maker_idx, strict=True)):
        name, form = names[ni]
        pool = spec_of.get(form) or all_specs
        spec_i = int(rng.integers(0, min(len(pool), 6)))
        rows.append((name, form, pool[(ni * 7 + spec_i) % len(pool)], spec_i,
                     packages[int(rng.integers(len(packages)))], int(rng.integers(1, 20)),
                     makers[mi], mi, bool(western[ni]), ni, i))  # fmt: skip
    frame = pl.DataFrame(
        rows,
        schema=["name", "dosage_form", "spec", "spec_i", "package", "pkg_i", "manufacturer",
                "mi", "western", "ni", "i"],
        orient="row",
    )  # fmt: skip
    letters = np.array(list("ABCDGHJLMNRS"))
    cls = pl.Series([f"{letters[k % 12]}{k % 17:02d}{letters[k % 7]}{letters[k % 11]}"
                     for k in range(len(names))])  # fmt: skip
    frame = frame.with_columns(
        cls=cls.gather(pl.Series(frame["ni"])),
        ent=(pl.col("mi") + 10000).cast(pl.String).str.zfill(5),
    )
    x_code = pl.concat_str(
        pl.lit("X"), "cls", pl.lit("A"), (pl.col("ni") % 1000).cast(pl.String).str.zfill(3),
        pl.lit("A"), (pl.col("ni") // 1000 % 1000).cast(pl.String).str.zfill(3),
        (pl.col("spec_i") + 1).cast(pl.String).str.zfill(2),
        pl.col("pkg_i").cast(pl.String).str.zfill(2), "ent",
    )  # fmt: skip
    z_code = pl.concat_str(
        pl.lit("Z"), "cls", pl.lit("X"), (pl.col("ni") % 10000).cast(pl.String).str.zfill(4),
        (pl.col("spec_i") + 1).cast(pl.String).str.zfill(2),
        pl.col("pkg_i").cast(pl.String).str.zfill(2), "ent",
    )  # fmt: skip
    frame = (
        frame.with_columns(code=pl.when("western").then(x_code).otherwise(z_code))
        .unique("code", keep="first", maintain_order=True)
        .head(n)
    )
    product = frame.select(pl.struct("ni", "mi", "spec_i").rank("dense").cast(pl.Int64).alias("p"))[
        "p"
    ]
    bodies = ("869" + frame["ent"] + (product % 100000).cast(pl.String).str.zfill(5)).to_numpy()
    approval = pl.struct("ni", "mi").rank("dense").cast(pl.Int64)
    return frame.with_columns(
        system=pl.lit("drug"),
        generic_name=pl.col("name"),
        unit=pl.lit("盒"),
        approval_no=pl.concat_str(
            pl.lit("国药准字"),
            pl.when("western").then(pl.lit("H")).otherwise(pl.lit("Z")),
            (approval + 20000000).cast(pl.String),
        ),
        base_code=pl.Series(_gtin(bodies)),
    ).drop("spec_i", "pkg_i", "mi", "western", "ni", "i", "cls", "ent")


def _consumables(vocab: pl.DataFrame, n: int, rng: np.random.Generator) -> pl.DataFrame:
    base = vocab.select("name", "generic_name", "spec", "unit").to_dicts()
    makers = _makers(vocab, max(50, n // 40), rng)
    rows = []
    for i in range(n):
        rec = base[int(rng.integers(len(base)))]
        mi = int(rng.integers(len(makers)))
        rows.append({**rec, "manufacturer": makers[mi],
                     "code": f"C{i % 99 + 1:02d}{(i // 99) % 100:02d}01{i:08d}{mi % 100000:05d}",
                     "approval_no": f"国械注准{20150000000 + i}"})  # fmt: skip
    frame = pl.DataFrame(rows)
    bodies = np.array([f"0{6950000000000 + i:012d}"[:13] for i in range(n)])
    return frame.with_columns(system=pl.lit("consumable"), base_code=pl.Series(_gtin(bodies)))


def scale_reference(drugs: int, consumables: int = 0, seed: int = SEED) -> pl.DataFrame:
    """``drugs`` drug records and ``consumables`` consumable records in the reference schema,
    built from the shipped release's vocabulary with ``seed`` (same seed, same frame).
    """
    rng = np.random.default_rng(seed)
    vocab = _vocabulary()
    parts = [_drugs(vocab["drug"], drugs, rng)]
    if consumables:
        parts.append(_consumables(vocab["consumable"], consumables, rng))
    frame = pl.concat(parts, how="diagonal_relaxed")
    status = rng.choice(["上市", "停产"], frame.height, p=[0.95, 0.05])
    category = rng.choice(["甲", "乙", "丙"], frame.height, p=[0.3, 0.5, 0.2])
    frame = frame.with_columns(
        market_status=pl.Series(status),
        payment_category=pl.Series(category),
        valid_from=pl.lit(dt.date(2021, 1, 1)),
        source=pl.lit(f"synthetic:scale_reference(seed={seed})"),
    )
    return frame.select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in REFERENCE_SCHEMA.items()
    )


def write_store(frame: pl.DataFrame, root: Path, release: str = "scale") -> Path:
    """Write ``frame`` as a one-release reference store under ``root`` (manifest included)."""
    entries = []
    for (system,), part in frame.group_by("system", maintain_order=True):
        path = root / release / f"{system}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_parquet(path)
        entries.append({
            "release": release, "system": system, "path": f"{release}/{system}.parquet",
            "rows": part.height, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "source_file": "bench/scale_reference.py",
            "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        })  # fmt: skip
    manifest = {"format": 1, "default_release": release, "entries": entries}
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return root
