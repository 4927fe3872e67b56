"""Helpers shared by the tests: build small reference stores and catalogs on disk."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from mapper.reference.schema import REFERENCE_SCHEMA

HERE = Path(__file__).parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"


def write_store(root: Path, releases: dict[str, list[dict[str, Any]]]) -> Path:
    """Write a reference store (one parquet per release and system) and its manifest."""
    entries = []
    for release, records in releases.items():
        frame = pl.DataFrame(
            [{k: r.get(k) for k in REFERENCE_SCHEMA} for r in records], schema=REFERENCE_SCHEMA
        )
        for (system,), part in frame.group_by("system"):
            path = root / release / f"{system}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            part.write_parquet(path)
            entries.append(
                {
                    "release": release,
                    "system": system,
                    "path": f"{release}/{system}.parquet",
                    "rows": part.height,
                    "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                    "source_file": "tests",
                    "imported_at": "2026-11-23T00:00:00+00:00",
                }
            )
    manifest = {"format": 1, "default_release": list(releases)[-1], "entries": entries}
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return root


def fixture_records() -> tuple[str, list[dict[str, Any]]]:
    data = yaml.safe_load((HERE / "fixtures" / "reference.yaml").read_text("utf-8"))
    records = []
    for rec in data["records"]:
        rec = dict(rec)
        for key in ("valid_from", "valid_to"):
            if isinstance(rec.get(key), str):
                rec[key] = dt.date.fromisoformat(rec[key])
        records.append(rec)
    return str(data["release"]), records


def write_catalog_csv(path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8") -> Path:
    """Write catalog rows (dicts with Chinese headers) as CSV in the given encoding."""
    headers: list[str] = []
    for row in rows:
        headers.extend(h for h in row if h not in headers)
    lines = [",".join(headers)]
    for row in rows:
        lines.append(",".join(_cell(row.get(h)) for h in headers))
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
