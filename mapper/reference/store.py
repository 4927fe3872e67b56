"""The versioned reference store: one Parquet file per release and code system, plus a manifest.

Layout (``reference_codes/`` ships the default store)::

    manifest.json                 {"format": 1, "default_release": ..., "entries": [...]}
    <release>/<system>.parquet    one file per code system of that release
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from mapper.errors import InputError
from mapper.reference.schema import conform

MANIFEST = "manifest.json"
ENV_VAR = "MAPPER_REFERENCE"


@dataclass(frozen=True)
class ManifestEntry:
    """One Parquet file of the store."""

    release: str
    system: str
    path: str
    rows: int
    sha256: str = ""
    source_file: str = ""
    imported_at: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ManifestEntry:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


@dataclass
class Reference:
    """One release of the national reference, all systems in one lazy frame."""

    root: Path
    release: str
    entries: list[ManifestEntry]

    def scan(self) -> pl.LazyFrame:
        """All records of the release (every system), in the reference schema."""
        frames = [conform(pl.scan_parquet(self.root / e.path)) for e in self.entries]
        return pl.concat(frames, how="vertical")

    @property
    def systems(self) -> list[str]:
        return [e.system for e in self.entries]

    @property
    def rows(self) -> int:
        return sum(e.rows for e in self.entries)


def default_root() -> Path:
    """Where the shipped store is: $MAPPER_REFERENCE, the source checkout, or ./reference_codes."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2] / "reference_codes"
    if (checkout / MANIFEST).exists():
        return checkout
    return Path.cwd() / "reference_codes"


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not path.exists():
        raise InputError(
            "is not a reference store: manifest.json is missing (参考库缺少manifest.json)",
            file=str(root),
        )
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"manifest.json is not valid JSON: {exc}", file=str(root)) from None
    return data


def releases(root: Path | None = None) -> list[str]:
    """The releases a store holds, oldest first."""
    data = read_manifest(root or default_root())
    return sorted({e["release"] for e in data.get("entries", [])})


def load_reference(root: str | Path | None = None, release: str | None = None) -> Reference:
    """Open one release of a reference store (default: the shipped store's default release)."""
    base = Path(root) if root is not None else default_root()
    data = read_manifest(base)
    entries = [ManifestEntry.from_json(e) for e in data.get("entries", [])]
    known = sorted({e.release for e in entries})
    chosen = release or data.get("default_release") or (known[-1] if known else None)
    picked = [e for e in entries if e.release == chosen]
    if not picked:
        raise InputError(
            f"has no release '{chosen}'; releases are: " + (", ".join(known) or "none"),
            file=str(base),
        )
    for e in picked:
        if not (base / e.path).exists():
            raise InputError(f"manifest lists {e.path} but the file is missing", file=str(base))
    return Reference(root=base, release=str(chosen), entries=picked)
