"""A national-scale reference built from the shipped release's vocabulary: seeded, no downloads.

    from bench.scale_reference import scale_reference, write_store
    frame = scale_reference(drugs=300_000, consumables=20_000, seed=7)
    write_store(frame, Path("/tmp/store"))       # a store mapper.load_reference() can open

Names are the shipped drug names plus new ones spliced from their stems and dosage-form
endings (about 14 records per name, as in the real table); manufacturers the shipped ones plus
spliced ones; specs and packages drawn from those seen with the same dosage form. Consumables
(vectorised, 2,000,000 in a few seconds) take the shipped names with a variant and a spec
shaped like real 规格型号 (sizes, Fr, volumes, models), made by spliced device makers. Every code is
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
from mapper.reference.writing import write_records  # noqa: E402

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
    # maintain_order and a sorted mode: the same seed gives the same frame on every run
    real = vocab.group_by("name", maintain_order=True).agg(
        pl.col("dosage_form").drop_nulls().mode().sort().first()
    )
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
    specs = (
        vocab.drop_nulls(["spec", "dosage_form"])
        .group_by("dosage_form", maintain_order=True)
        .agg(pl.col("spec"))
    )
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


def _gtin_series(bodies: np.ndarray, width: int) -> pl.Series:
    """Vectorised :func:`_gtin`: ``bodies`` are non-negative integers written with ``width``
    digits (leading zeros kept); each gets its GS1 mod-10 check digit appended."""
    rest = bodies.astype(np.int64)
    total = np.zeros(len(rest), dtype=np.int64)
    for position in range(width):  # from the right: weight 3, 1, 3, 1 ...
        total += (rest % 10) * (3 if position % 2 == 0 else 1)
        rest //= 10
    check = (10 - total % 10) % 10
    return pl.Series(bodies.astype(np.int64) * 10 + check).cast(pl.String).str.zfill(width + 1)


# Consumable names and specs: the shipped release has few names and mostly empty specs, so
# records get a name variant and a spec shaped like the real 规格型号 (sizes, gauges, models).
NAME_SUFFIXES = ("", "", "(灭菌型)", "(非灭菌型)", "套装", "(加强型)")
DIAMETERS = ("2.0", "2.25", "2.5", "2.75", "3.0", "3.5", "4.0")
LETTERS = np.array(list("ABCDEFGHJKLMNPRSTVWXZ"))
DEVICE_FIRM_WORDS = ("医疗器械", "医用材料", "医疗科技", "生物科技", "医疗用品")


def _device_makers(
    vocab: pl.DataFrame, words: list[str], count: int, rng: np.random.Generator
) -> pl.Series:
    """``count`` distinct device makers: the shipped ones, then city + word + trade + legal
    form (about 250,000 combinations with the drug makers' words)."""
    known = vocab["manufacturer"].drop_nulls().unique(maintain_order=True)
    parts = [pl.Series(x) for x in (CITIES, words, DEVICE_FIRM_WORDS, LEGAL)]
    if count > known.len() + 0.8 * np.prod([p.len() for p in parts]):
        raise ValueError(f"cannot make {count:,} distinct device makers")
    out = known
    while out.len() < count:
        picks = [p.gather(pl.Series(rng.integers(0, p.len(), 2 * count))) for p in parts]
        out = pl.concat([out, picks[0] + picks[1] + picks[2] + picks[3]])
        out = out.unique(maintain_order=True)
    return out.head(count)


def _consumables(
    vocab: pl.DataFrame, n: int, rng: np.random.Generator, words: list[str]
) -> pl.DataFrame:
    base = vocab.select("name", "generic_name", "spec", "unit")
    makers = _device_makers(vocab, words, max(50, n // 40), rng)
    pick = rng.integers(0, base.height, n)
    mi = rng.integers(0, len(makers), n)
    # Each product family has its usual kind of spec (sizes for stents, Fr for catheters ...).
    families = sorted(base["generic_name"].drop_nulls().unique().to_list())
    family_kind = base["generic_name"].replace_strict(
        {f: k % 6 for k, f in enumerate(families)}, default=0, return_dtype=pl.Int64
    )
    kind = np.where(rng.random(n) < 0.8, family_kind.to_numpy()[pick], rng.integers(0, 6, n))
    a, b = rng.integers(0, 1000, n), rng.integers(0, 1000, n)
    model = (
        pl.Series(LETTERS[a % len(LETTERS)]) + pl.Series(LETTERS[b % len(LETTERS)])
        + "-" + pl.Series(a * 10 + b % 10).cast(pl.String).str.zfill(4)
    )  # fmt: skip
    i = pl.int_range(n, dtype=pl.Int64, eager=True)
    frame = base[pick].with_columns(
        i=i, mi=pl.Series(mi), kind=pl.Series(kind), a=pl.Series(a), b=pl.Series(b),
        model=model, manufacturer=makers.gather(pl.Series(mi)),
    )  # fmt: skip
    a_, b_ = pl.col("a"), pl.col("b")
    spec = (
        pl.when(pl.col("kind") == 0).then(pl.coalesce("spec", "model"))
        .when(pl.col("kind") == 1).then(pl.format(
            "{}×{}mm", pl.lit(pl.Series(DIAMETERS)).gather(a_ % len(DIAMETERS)), b_ % 16 * 2 + 8))
        .when(pl.col("kind") == 2).then(pl.format("Fr{}", a_ % 10 * 2 + 6))
        .when(pl.col("kind") == 3).then(pl.format("{}ml", pl.lit(pl.Series([1, 2, 5, 10, 20, 50]))
                                                   .gather(a_ % 6)))
        .when(pl.col("kind") == 4).then(pl.format("{}cm×{}cm", a_ % 20 + 5, b_ % 20 + 5))
        .otherwise(pl.concat_str(pl.col("spec").fill_null(""), pl.lit(" "), "model"))
        .str.strip_chars()
    )  # fmt: skip
    name = pl.col("name") + pl.lit(pl.Series(NAME_SUFFIXES)).gather(b_ % len(NAME_SUFFIXES))
    code = pl.concat_str(
        pl.lit("C"), (pl.col("i") % 99 + 1).cast(pl.String).str.zfill(2),
        (pl.col("i") // 99 % 100).cast(pl.String).str.zfill(2), pl.lit("01"),
        pl.col("i").cast(pl.String).str.zfill(8),
        (pl.col("mi") % 100000).cast(pl.String).str.zfill(5),
    )  # fmt: skip
    frame = frame.with_columns(
        name=name, spec=spec, code=code,
        approval_no=pl.format("国械注准{}", pl.col("i") + 20150000000),
    )  # fmt: skip
    bodies = np.arange(n, dtype=np.int64) + 695000000000
    return frame.select("name", "generic_name", "spec", "unit", "manufacturer", "code",
                        "approval_no").with_columns(
        system=pl.lit("consumable"), base_code=_gtin_series(bodies, 13)
    )  # fmt: skip


def scale_reference(drugs: int, consumables: int = 0, seed: int = SEED) -> pl.DataFrame:
    """``drugs`` drug records and ``consumables`` consumable records in the reference schema,
    built from the shipped release's vocabulary with ``seed`` (same seed, same frame).
    """
    rng = np.random.default_rng(seed)
    vocab = _vocabulary()
    parts = [_drugs(vocab["drug"], drugs, rng)]
    if consumables:
        words = sorted({m[2:4] for m in vocab["drug"]["manufacturer"].drop_nulls() if len(m) > 6})
        words = [w for w in words if _cjk(w)]
        parts.append(_consumables(vocab["consumable"], consumables, rng, words))
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
        write_records(part, path)  # with its comparison keys, as `mapper reference import`
        entries.append({
            "release": release, "system": system, "path": f"{release}/{system}.parquet",
            "rows": part.height, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "source_file": "bench/scale_reference.py",
            "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        })  # fmt: skip
    manifest = {"format": 1, "default_release": release, "entries": entries}
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return root
