"""Build release 2026-11 of the reference store (docs/CONTRACTS.md, "Reference store layout").

    python reference_codes/make_snapshot.py [--shared ../shared]

Drug and service records are cleaned real data from ``<shared>/data``; herbal, preparation,
consumable and institution records are synthetic (see README.md in this folder). Every run
rewrites ``reference_codes/2026-11/*.parquet`` and ``reference_codes/manifest.json`` with the
same bytes: all randomness is seeded and ``imported_at`` is the release date.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import snapshot_real as real
import snapshot_synthetic as synthetic
from snapshot_common import IMPORTED_AT, RELEASE, SCHEMA, frame

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# system -> (builder, what it was built from, code shapes every code must match)
Builder = Callable[[Path, Counter[str]], list[dict[str, Any]]]
SYSTEMS: dict[str, tuple[Builder, str, tuple[str, ...]]] = {
    "drug": (
        real.build_drug,
        f"shared/data/{real.DRUG_RECORDS} + shared/data/{real.DRUG_CODES}",
        (real.X_CODE.pattern, real.Z_CODE.pattern),
    ),
    "herbal": (
        lambda _, s: synthetic.build_herbal(s),
        "synthetic:v1 (reference_codes/snapshot_synthetic.py)",
        (synthetic.HERBAL_CODE_SHAPE,),
    ),
    "preparation": (
        lambda _, s: synthetic.build_preparation(s),
        "synthetic:v1 (reference_codes/snapshot_synthetic.py)",
        (synthetic.PREPARATION_CODE_SHAPE,),
    ),
    "consumable": (
        lambda _, s: synthetic.build_consumable(s),
        "synthetic:v1 (reference_codes/snapshot_synthetic.py)",
        (synthetic.CONSUMABLE_CODE_SHAPE,),
    ),
    "service": (
        real.build_service,
        f"shared/data/{real.SERVICE_CODES}",
        (real.SERVICE_CODE.pattern,),
    ),
    "institution": (
        lambda _, s: synthetic.build_institution(s),
        "synthetic:v1 (reference_codes/snapshot_synthetic.py)",
        (synthetic.INSTITUTION_CODE_SHAPE,),
    ),
}


def check(system: str, df: pl.DataFrame, shapes: tuple[str, ...]) -> None:
    """Fail loudly if a frame breaks the contract."""
    if dict(df.schema) != SCHEMA:
        raise SystemExit(f"{system}: schema {df.schema} differs from the contract")
    if df["code"].n_unique() != df.height:
        raise SystemExit(f"{system}: duplicate codes")
    shape = "|".join(f"(?:{s})" for s in shapes)
    bad = df.filter(~pl.col("code").str.contains(shape))
    if bad.height:
        raise SystemExit(
            f"{system}: {bad.height} codes do not match {shape}: {bad['code'].head(3).to_list()}"
        )
    if (df["system"] != system).any():
        raise SystemExit(f"{system}: wrong system column")
    if df.filter(pl.col("valid_to") < pl.col("valid_from")).height:
        raise SystemExit(f"{system}: valid_to before valid_from")
    if df.filter(
        ~pl.col("payment_category").is_in(["甲", "乙", "丙"])
        & pl.col("payment_category").is_not_null()
    ).height:
        raise SystemExit(f"{system}: payment_category outside 甲/乙/丙")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="the shared/ folder holding data/ (default: ../shared next to the repo)",
    )
    args = parser.parse_args(argv)
    shared: Path = args.shared.resolve()
    out_dir = HERE / RELEASE
    out_dir.mkdir(exist_ok=True)
    entries = []
    for system, (build, source_file, shapes) in SYSTEMS.items():
        stats: Counter[str] = Counter()
        df = frame(build(shared, stats))
        check(system, df, shapes)
        path = out_dir / f"{system}.parquet"
        df.write_parquet(path, compression="zstd", compression_level=19, statistics=False)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        entries.append(
            {
                "release": RELEASE,
                "system": system,
                "path": f"{RELEASE}/{system}.parquet",
                "source_file": source_file,
                "sha256": digest,
                "rows": df.height,
                "imported_at": IMPORTED_AT,
            }
        )
        print(
            f"{system:12} {df.height:6} rows  {path.stat().st_size / 1024:7.0f} KiB  {digest[:12]}"
        )
        for key, count in sorted(stats.items()):
            print(f"    {key}: {count}")
        print(
            "    non-null: "
            + ", ".join(
                f"{c}={df.height - n}"
                for c, n in zip(df.columns, df.null_count().row(0), strict=True)
                if c not in {"code", "system", "source"}
            )
        )
    manifest = {"format": 1, "default_release": RELEASE, "entries": entries}
    (HERE / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
