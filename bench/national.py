"""National-scale benchmark data for issue 7 (throughput at scale): seeded, vectorised, no
downloads, cached under ``bench/data/national/`` so reruns reuse the files.

    from bench.national import reference_store, write_catalog
    store = reference_store()                        # 300,000 drugs + 2,000,000 consumables
    catalog = write_catalog(1_000_000, store)        # CSV + Parquet + the planted mix (JSON)

The reference store is :func:`bench.scale_reference.scale_reference` (drugs and consumables at
national scale, ~2 % of them revoked before the check date) plus the shipped release's herbal,
preparation and service records, written as one release a check opens with ``--reference``.

A catalog is what a provincial bureau gets by concatenating many institutions' catalogs:
institutions of log-normal size (median ~4,000 lines), each listing the few thousand products
every hospital has plus a Zipf-like long tail; ~60 % drug, 30 % consumable, 7 % service and 3 %
herbal lines; each institution spells things its own way (full-width brackets, a trade name in
brackets, 毫克/毫升/克 for mg/ml/g, spaces in specs, makers without 有限公司); and the problems a
bureau sees: uncoded lines, malformed codes (truncated, a letter O for a digit, lower case or a
space), well-formed codes not in the reference, another product's spec or maker, excluded goods
(消毒液, 血压计, 保健品 …, uncoded) and duplicate 院内编码 within an institution (院内编码 carries
the institution's code, so ids are unique across institutions otherwise).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.scale_reference import scale_reference, write_store  # noqa: E402
from mapper.reference import load_reference  # noqa: E402
from mapper.reference.schema import REFERENCE_SCHEMA  # noqa: E402

DATA = REPO / "bench" / "data" / "national"
SEED = 20261123
DRUGS = 300_000
CONSUMABLES = 2_000_000
RELEASE = "national"
GENERATOR = "v2"  # part of every cached file's name: bump when the data would change
SHIPPED_SYSTEMS = ("herbal", "preparation", "service")  # taken from the shipped release as is
REVOKED_ON = dt.date(2025, 12, 31)  # before the benchmark's check date (2026-11-23)

# Line types of a catalog and their share of the product lines.
SYSTEM_SHARE = {"drug": 0.60, "consumable": 0.30, "service": 0.07, "herbal": 0.03}
CORE_PRODUCTS = 3_000  # listed by every institution big enough (half its lines at most)
ZIPF_EXPONENT = 0.9  # popularity of the long tail: p(rank r) ~ (r + 1) ** -0.9
MEDIAN_INSTITUTION = 4_000
CHUNK_ROWS = 1_000_000  # generated a chunk of institutions at a time (memory stays flat)
EXCLUDED_SHARE = 0.01
DUPLICATE_SHARE = 0.004
# Problems planted on product lines: (label, share); the rest of the lines are clean.
PROBLEMS = (
    ("uncoded", 0.030),
    ("truncated", 0.007),  # malformed: last two characters missing
    ("bad_char", 0.007),  # malformed: the letter O for the last digit
    ("unnormalised", 0.006),  # lower case with a leading space, or a space inside
    ("unknown", 0.010),  # well formed, not in the reference (last five digits 99999)
    ("wrong_spec", 0.033),  # another product's spec (services have none: ~5 % in all)
    ("wrong_maker", 0.022),  # another product's manufacturer
)
MALFORMED = ("truncated", "bad_char", "unnormalised")
# Institution-specific spellings, each used by this share of institutions.
STYLES = {"fullwidth": 0.30, "trade_name": 0.20, "unit_words": 0.25, "spaces": 0.15}
STYLES_MAKER = 0.30  # makers written without 有限公司 / 股份有限公司
TRADE_ENDINGS = ("欣", "宁", "康", "舒", "平", "安", "乐", "通", "素", "林")
CATEGORY = {
    "drug": "西药",
    "consumable": "医用耗材",
    "service": "医疗服务项目",
    "herbal": "中药饮片",
}
# Goods the payment policies exclude, as tills list them (uncoded): name, spec, maker, category.
# fmt: off
EXCLUDED = (
    ("75%酒精消毒液", "500ml", "河南洁康消毒用品有限公司", "消毒用品"),
    ("84消毒液", "468ml", "郑州清源日化有限公司", "消毒用品"),
    ("免洗手消毒凝胶", "300ml", "山东利安卫生用品有限公司", ""),
    ("医用碘伏消毒液", "100ml", "江西康宁消毒制品有限公司", "消毒用品"),
    ("电子血压计(上臂式)", "BP-680", "深圳康泰医疗电子有限公司", "医疗器械"),
    ("腕式电子血压计", "BW-201", "广东乐康电子科技有限公司", "医疗器械"),
    ("血糖试纸", "50片/盒", "长沙三和生物技术有限公司", "医疗器械"),
    ("医用外科口罩", "17.5cm×9.5cm 10只", "河南华医卫材有限公司", ""),
    ("红外额温枪", "FT-30", "深圳康测电子有限公司", "家用器械"),
    ("深海鱼油软胶囊", "1000mg×100粒", "广州海元健康食品有限公司", "保健食品"),
    ("乳清蛋白粉", "450g", "上海纽康营养品有限公司", "保健食品"),
    ("褪黑素片", "0.3g×60片", "杭州安睡保健品有限公司", "保健食品"),
    ("多种维生素咀嚼片", "1.2g×60片", "江苏汇康营养品有限公司", ""),
    ("阿胶块", "250g", "山东聊城阿胶有限公司", "滋补品"),
    ("西洋参片", "50g", "吉林长白山参业有限公司", "滋补品"),
)
# fmt: on
COLUMNS = (
    "院内编码",
    "项目名称",
    "规格",
    "剂型",
    "生产企业",
    "批准文号",
    "单价",
    "数量",
    "国家医保编码",
    "项目类别",
)


@dataclass(frozen=True)
class Catalog:
    """A generated catalog: the same rows as CSV (UTF-8) and Parquet, and what was planted."""

    csv: Path
    parquet: Path
    mix: dict[str, Any]

    def path(self, fmt: str) -> Path:
        return self.parquet if fmt == "parquet" else self.csv


def _fresh(path: Path) -> Path:
    """A temporary sibling of ``path`` (same filesystem, so a rename publishes it)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _publish(tmp: Path, final: Path) -> None:
    if final.exists():  # someone else finished first: theirs is identical (seeded)
        shutil.rmtree(tmp) if tmp.is_dir() else tmp.unlink()
    else:
        tmp.rename(final)


# --- the reference ------------------------------------------------------------------------


def store_path(
    drugs: int = DRUGS, consumables: int = CONSUMABLES, seed: int = SEED, data: Path = DATA
) -> Path:
    return data / f"store-{GENERATOR}-{drugs}-{consumables}-{seed}"


def build_reference(drugs: int, consumables: int, seed: int = SEED) -> pl.DataFrame:
    """The national-scale reference frame: generated drugs and consumables (some revoked) and
    the shipped release's herbal, preparation and service records."""
    frame = scale_reference(drugs, consumables, seed)
    revoked = np.random.default_rng([seed, 1]).random(frame.height) < 0.4
    frame = frame.with_columns(
        valid_to=pl.when((pl.col("market_status") == "停产") & pl.Series(revoked))
        .then(pl.lit(REVOKED_ON))
        .otherwise(pl.col("valid_to"))
    )
    shipped = (
        load_reference().scan().filter(pl.col("system").is_in(SHIPPED_SYSTEMS)).collect()
    ).select(pl.col(c).cast(t) for c, t in REFERENCE_SCHEMA.items())
    return pl.concat([frame, shipped], how="vertical")


def reference_store(
    drugs: int = DRUGS, consumables: int = CONSUMABLES, seed: int = SEED, data: Path = DATA
) -> Path:
    """The store's folder, built on first use (seeded; reused afterwards)."""
    root = store_path(drugs, consumables, seed, data)
    if (root / "manifest.json").exists():
        return root
    data.mkdir(parents=True, exist_ok=True)
    tmp = _fresh(root)
    write_store(build_reference(drugs, consumables, seed), tmp, release=RELEASE)
    _publish(tmp, root)
    return root


def store_sizes(store: Path) -> dict[str, int]:
    """Records per code system of the store (from its manifest)."""
    manifest = json.loads((store / "manifest.json").read_text("utf-8"))
    return {e["system"]: int(e["rows"]) for e in manifest["entries"]}


# --- the catalog ---------------------------------------------------------------------------


def _products(store: Path, seed: int) -> tuple[pl.DataFrame, dict[str, tuple[int, int]]]:
    """Every product a line can name, per line type in (seeded) popularity order, and each
    type's (offset, count) in that frame."""
    ref = (
        load_reference(store)
        .scan()
        .filter(pl.col("system").is_in(list(SYSTEM_SHARE)))
        .select("code", "system", "name", "spec", "dosage_form", "manufacturer", "approval_no")
        .collect()
    )
    rng = np.random.default_rng([seed, 2])
    parts, spans, offset = [], {}, 0
    for system in SYSTEM_SHARE:
        part = ref.filter(pl.col("system") == system).sort("code")
        parts.append(part[rng.permutation(part.height)])
        spans[system] = (offset, part.height)
        offset += part.height
    return pl.concat(parts).rechunk(), spans  # one chunk: gathers are ~10x faster


def _institution_sizes(rows: int, rng: np.random.Generator) -> np.ndarray:
    median = min(MEDIAN_INSTITUTION, max(50, rows // 20))
    sizes = np.zeros(0, dtype=np.int64)
    while sizes.sum() < rows:
        more = rng.lognormal(np.log(median), 0.9, rows // median + 10)
        sizes = np.concatenate([sizes, np.clip(more, 30, 25 * median).astype(np.int64)])
    ends = np.cumsum(sizes)
    count = int(np.searchsorted(ends, rows)) + 1
    sizes = sizes[:count]
    sizes[-1] -= int(ends[count - 1]) - rows
    return sizes


def _zipf_ranks(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` ranks in [0, size) with p(r) ~ (r + 1) ** -ZIPF_EXPONENT (inverse CDF)."""
    e = 1.0 - ZIPF_EXPONENT
    hi = (size + 1.0) ** e
    ranks: np.ndarray = ((1.0 + rng.random(n) * (hi - 1.0)) ** (1.0 / e) - 1.0).astype(np.int64)
    return ranks.clip(max=size - 1)


def _core(
    spans: dict[str, tuple[int, int]], rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, int]]:
    """The products every institution lists (the most popular of each type), in the order an
    institution adds them, and how many of each type's top ranks they take."""
    taken = {s: min(n, round(CORE_PRODUCTS * SYSTEM_SHARE[s])) for s, (_, n) in spans.items()}
    core = np.concatenate([spans[s][0] + np.arange(k) for s, k in taken.items()])
    return rng.permutation(core), taken


def _chunk(
    products: pl.DataFrame,
    spans: dict[str, tuple[int, int]],
    core: np.ndarray,
    taken: dict[str, int],
    first_institution: int,
    sizes: np.ndarray,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """The lines of ``len(sizes)`` institutions, numbered from ``first_institution``, with
    hidden columns (``_label``, ``_system``, ``_product``, ``_duplicate``) saying what was
    planted."""
    n = int(sizes.sum())
    inst = np.repeat(np.arange(len(sizes)), sizes)
    pos = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    in_core = pos < np.minimum(len(core), sizes // 2)[inst]
    # The long tail: a line type by share, then a Zipf rank among the type's other products.
    kind = rng.choice(len(SYSTEM_SHARE), n, p=list(SYSTEM_SHARE.values()))
    tail = np.zeros(n, dtype=np.int64)
    for k, system in enumerate(SYSTEM_SHARE):
        offset, count = spans[system]
        at = kind == k
        first = min(taken[system], count - 1)
        tail[at] = offset + first + _zipf_ranks(int(at.sum()), count - first, rng)
    product = np.where(in_core, core[np.minimum(pos, len(core) - 1)], tail)
    excluded = rng.random(n) < EXCLUDED_SHARE
    labels = pl.Series([p for p, _ in PROBLEMS] + ["ok"])
    problem = labels[np.searchsorted(np.cumsum([s for _, s in PROBLEMS]), rng.random(n), "right")]
    duplicate = (rng.random(n) < DUPLICATE_SHARE) & (pos > 0)
    odd = rng.random(n) < 0.5  # which variant of a problem
    # Per institution: its code, its spellings, its price level.
    ids = first_institution + np.arange(len(sizes))
    inst_code = pl.Series([f"H41{i % 18 + 1:02d}{i + 1:07d}" for i in ids])
    style = {s: rng.random(len(sizes)) < share for s, share in STYLES.items()}
    short_maker = rng.random(len(sizes)) < STYLES_MAKER
    price_level = rng.uniform(0.9, 1.15, len(sizes))
    ex = rng.integers(0, len(EXCLUDED), n)
    ex_cols = [pl.Series([e[i] or None for e in EXCLUDED], dtype=pl.String)[ex] for i in range(4)]

    lines = products[product].with_columns(
        pos=pl.Series(pos), product=pl.Series(product), excluded=pl.Series(excluded),
        planted=problem, odd=pl.Series(odd), duplicate=pl.Series(duplicate),
        quantity=pl.Series(rng.integers(0, 500, n)), inst_code=inst_code.gather(inst),
        trade_ending=pl.Series(TRADE_ENDINGS).gather(product % len(TRADE_ENDINGS)),
        **{f"style_{s}": pl.Series(v[inst]) for s, v in style.items()},
        short_maker=pl.Series(short_maker[inst]), price_level=pl.Series(price_level[inst]),
        ex_name=ex_cols[0],
        ex_spec=ex_cols[1],
        ex_maker=ex_cols[2],
        ex_category=ex_cols[3],
    )  # fmt: skip
    code, name, spec, maker = pl.col("code"), pl.col("name"), pl.col("spec"), pl.col("manufacturer")
    planted = pl.col("planted")
    # Another product's spec and maker: the previous line's (a random product).
    other_spec, other_maker = spec.shift(1), maker.shift(1)
    new_spec = ((planted == "wrong_spec") & (other_spec != spec)).fill_null(False)
    new_maker = ((planted == "wrong_maker") & (other_maker != maker)).fill_null(False)
    lines = lines.with_columns(
        label=pl.when("excluded").then(pl.lit("excluded"))
        .when(planted.is_in(["wrong_spec", "wrong_maker"]) & ~new_spec & ~new_maker)
        .then(pl.lit("ok"))
        .otherwise(planted),
        spec=pl.when(new_spec).then(other_spec).otherwise(spec),
        manufacturer=pl.when(new_maker).then(other_maker).otherwise(maker),
        category=pl.when(code.str.starts_with("Z")).then(pl.lit("中成药"))
        .otherwise(pl.col("system").replace_strict(CATEGORY, return_dtype=pl.String)),
        price=((pl.col("product") * 2654435761 % 100_000).cast(pl.Float64) / 100 + 0.5)
        * pl.col("price_level"),
    )  # fmt: skip
    label = pl.col("label")
    national_code = (
        pl.when(label.is_in(["uncoded", "excluded"])).then(pl.lit(None, pl.String))
        .when(label == "truncated").then(code.str.head(-2))
        .when(label == "bad_char").then(code.str.head(-1) + pl.lit("O"))
        .when((label == "unnormalised") & pl.col("odd"))
        .then(pl.lit(" ") + code.str.to_lowercase())
        .when(label == "unnormalised").then(code.str.head(4) + pl.lit(" ") + code.str.slice(4))
        .when(label == "unknown").then(code.str.head(-5) + pl.lit("99999"))
        .otherwise(code)
    )  # fmt: skip
    trade = pl.concat_str(pl.lit("("), maker.str.slice(2, 2), "trade_ending", pl.lit(")"))
    styled_name = (
        pl.when(pl.col("style_trade_name") & (pl.col("system") == "drug"))
        .then(name + trade)
        .otherwise(name)
    )
    styled_name = (
        pl.when("style_fullwidth")
        .then(styled_name.str.replace_many(["(", ")"], ["（", "）"]))
        .otherwise(styled_name)
    )
    styled_spec = (
        pl.when("style_unit_words")
        .then(spec.str.replace_many(["mg", "ml", "g"], ["毫克", "毫升", "克"]))
        .otherwise(spec)
    )
    styled_spec = (
        pl.when("style_spaces")
        .then(styled_spec.str.replace_many(["*", "×"], [" * ", " × "]))
        .otherwise(styled_spec)
    )
    styled_maker = (
        pl.when("short_maker")
        .then(maker.str.replace(r"(股份有限公司|有限责任公司|有限公司)$", ""))
        .otherwise(maker)
    )
    local = pl.when("duplicate").then(pl.col("pos")).otherwise(pl.col("pos") + 1)
    on_ex = pl.col("excluded")
    return lines.select(
        院内编码=pl.format("{}-{}", "inst_code", local.cast(pl.String).str.zfill(6)),
        项目名称=pl.when(on_ex).then("ex_name").otherwise(styled_name),
        规格=pl.when(on_ex).then("ex_spec").otherwise(styled_spec),
        剂型=pl.when(on_ex).then(pl.lit(None, pl.String)).otherwise("dosage_form"),
        生产企业=pl.when(on_ex).then("ex_maker").otherwise(styled_maker),
        批准文号=pl.when(on_ex).then(pl.lit(None, pl.String)).otherwise("approval_no"),
        单价=pl.col("price").round(2),
        数量=pl.col("quantity"),
        国家医保编码=national_code,
        项目类别=pl.when(on_ex).then("ex_category").otherwise("category"),
        _label=label,
        _system=pl.when(on_ex).then(pl.lit("excluded")).otherwise("system"),
        _product=pl.col("product"),
        _duplicate=pl.col("duplicate"),
    )


class _Mix:
    """What a catalog holds, summed over its chunks from their hidden columns."""

    def __init__(self, rows: int, institutions: int, products: int, store: Path) -> None:
        self.rows, self.institutions, self.store = rows, institutions, store
        self.seen = np.zeros(products, dtype=bool)
        self.planted: dict[str, int] = {}
        self.by_system: dict[str, int] = {}
        self.duplicates = 0

    def add(self, chunk: pl.DataFrame) -> None:
        for key, counts in (("_label", self.planted), ("_system", self.by_system)):
            for value, count in chunk.group_by(key).len().iter_rows():
                counts[value] = counts.get(value, 0) + count
        lines = chunk.filter(pl.col("_label") != "excluded")
        self.seen[lines["_product"].to_numpy()] = True
        self.duplicates += int(chunk["_duplicate"].sum())

    def as_dict(self) -> dict[str, Any]:
        self.by_system.pop("excluded", None)
        return {
            "rows": self.rows,
            "institutions": self.institutions,
            "products": int(self.seen.sum()),
            "by_system": dict(sorted(self.by_system.items(), key=lambda kv: -kv[1])),
            "planted": dict(sorted(self.planted.items(), key=lambda kv: -kv[1])),
            "duplicate_ids": self.duplicates,
            "store": self.store.name,
        }


def _chunks(rows: int, store: Path, seed: int) -> tuple[_Mix, Iterator[pl.DataFrame]]:
    """The catalog a chunk of institutions at a time (with hidden columns), and its mix."""
    products, spans = _products(store, seed)
    rng = np.random.default_rng([seed, 3])
    sizes = _institution_sizes(rows, rng)
    core, taken = _core(spans, rng)
    mix = _Mix(rows, len(sizes), products.height, store)

    def chunks() -> Iterator[pl.DataFrame]:
        start = 0
        while start < len(sizes):
            stop = start + max(1, int(np.searchsorted(np.cumsum(sizes[start:]), CHUNK_ROWS)))
            chunk_rng = np.random.default_rng([seed, 4, start])
            chunk = _chunk(products, spans, core, taken, start, sizes[start:stop], chunk_rng)
            mix.add(chunk)
            yield chunk
            start = stop

    return mix, chunks()


def catalog_stem(rows: int, store: Path, seed: int = SEED) -> str:
    return f"catalog-{GENERATOR}-{rows}-{seed}-{store.name}"


def generate_catalog(
    rows: int, store: Path, seed: int = SEED, hidden: bool = False
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """A whole catalog in memory (small sizes and tests) and its planted mix; ``hidden``
    keeps the columns saying what was planted on each line."""
    mix, chunks = _chunks(rows, store, seed)
    frame = pl.concat(list(chunks))
    return (frame if hidden else frame.select(COLUMNS)), mix.as_dict()


def write_catalog(rows: int, store: Path, seed: int = SEED, data: Path = DATA) -> Catalog:
    """The catalog as CSV (UTF-8, Chinese headers) and Parquet, built on first use (reused
    afterwards), with its planted mix in a JSON file next to them."""
    stem = catalog_stem(rows, store, seed)
    csv, parquet, meta = (data / f"{stem}.{ext}" for ext in ("csv", "parquet", "json"))
    if csv.exists() and parquet.exists() and meta.exists():
        return Catalog(csv, parquet, json.loads(meta.read_text("utf-8")))
    data.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    parts = _fresh(data / f"{stem}.parts")
    parts.mkdir()
    try:
        mix, chunks = _chunks(rows, store, seed)
        with _fresh(csv).open("wb") as handle:
            for k, chunk in enumerate(chunks):
                lines = chunk.select(COLUMNS)
                lines.write_csv(handle, include_header=k == 0)
                lines.write_parquet(parts / f"{k:04d}.parquet")
        written = sorted(parts.glob("*.parquet"))
        if len(written) == 1:
            written[0].rename(_fresh(parquet))
        else:
            pl.scan_parquet(written).sink_parquet(_fresh(parquet))
    except BaseException:
        for tmp in (_fresh(csv), _fresh(parquet)):
            tmp.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(parts)
    info = mix.as_dict() | {"generated_seconds": time.perf_counter() - t0}
    _fresh(parquet).rename(parquet)
    _fresh(csv).rename(csv)
    meta.write_text(json.dumps(info, ensure_ascii=False, indent=1), "utf-8")
    return Catalog(csv, parquet, info)


def describe_mix(mix: dict[str, Any]) -> str:
    """One sentence: the catalog's institutions, line types and planted problems."""
    rows = mix["rows"]
    planted = mix["planted"]
    lines = sum(mix["by_system"].values()) or 1

    def pct(count: int, of: int = rows) -> str:
        return f"{100 * count / of:.1f} %"

    types = ", ".join(
        f"{pct(c, lines)} {s}" for s, c in sorted(mix["by_system"].items(), key=lambda x: -x[1])
    )
    malformed = sum(planted.get(k, 0) for k in MALFORMED)
    return (
        f"{mix['institutions']:,} institutions, {mix['products']:,} distinct products; "
        f"product lines {types}; uncoded {pct(planted.get('uncoded', 0))}, malformed "
        f"{pct(malformed)}, unknown {pct(planted.get('unknown', 0))}, another product's spec "
        f"or maker {pct(planted.get('wrong_spec', 0) + planted.get('wrong_maker', 0))}, excluded "
        f"goods {pct(planted.get('excluded', 0))} (uncoded), duplicate 院内编码 "
        f"{pct(mix['duplicate_ids'])}"
    )
