"""Adding one system's file of a release to a store, atomically.

The Parquet file is written into a temporary folder inside the store, then moved into place
with one rename (the whole release folder when it is new), then the manifest is replaced with
one rename. If anything fails, the moves are undone, so a reader never sees a file the manifest
does not list and a failed import leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from mapper.errors import InputError
from mapper.reference.store import (
    MANIFEST,
    ManifestEntry,
    published_dates,
    read_manifest,
    release_order,
)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_store(root: Path) -> dict[str, Any]:
    """The manifest of a store, or a new empty one where ``root`` is missing or empty."""
    if (root / MANIFEST).exists():
        return read_manifest(root)
    if root.exists() and any(root.iterdir()):
        raise InputError(
            "is neither a reference store (no manifest.json) nor an empty folder", file=str(root)
        )
    return {"format": 1, "default_release": None, "entries": []}


def _write_manifest(root: Path, data: dict[str, Any]) -> None:
    tmp = root / f".{MANIFEST}.{uuid.uuid4().hex}.tmp"
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, root / MANIFEST)
    finally:
        tmp.unlink(missing_ok=True)


def updated_manifest(
    data: dict[str, Any], entry: ManifestEntry, published: date | None
) -> dict[str, Any]:
    """The manifest with ``entry`` added (replacing the same release+system) and the
    release's published date; the default release becomes the newest release."""
    entries = [
        e
        for e in data.get("entries", [])
        if (e["release"], e["system"]) != (entry.release, entry.system)
    ]
    entries.append(entry.__dict__.copy())
    entries.sort(key=lambda e: (e["release"], e["system"]))
    listed = dict(data.get("releases") or {})
    if published is not None:
        listed[entry.release] = {"published": published.isoformat()}
    out = {**data, "entries": entries, "releases": dict(sorted(listed.items()))}
    dates = published_dates(out)
    out["default_release"] = max(dates, key=lambda r: release_order(r, dates[r]))
    return out


def write_system_file(
    root: Path,
    records: pl.DataFrame,
    *,
    release: str,
    system: str,
    source_file: str,
    published: date | None,
) -> ManifestEntry:
    """Write ``records`` as ``<release>/<system>.parquet`` of the store and list it."""
    data = open_store(root)
    created_root = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".import-{uuid.uuid4().hex}"
    staging.mkdir()
    target_dir = root / release
    target = target_dir / f"{system}.parquet"
    moved_dir = moved_file = False
    backup = staging / "previous.parquet"
    try:
        staged = staging / f"{system}.parquet"
        records.write_parquet(staged, compression="zstd", statistics=True)
        entry = ManifestEntry(
            release=release,
            system=system,
            path=f"{release}/{system}.parquet",
            rows=records.height,
            sha256=sha256_of(staged),
            source_file=source_file,
            imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        manifest = updated_manifest(data, entry, published)
        if not target_dir.exists():
            release_dir = staging / "release"
            release_dir.mkdir()
            os.replace(staged, release_dir / staged.name)
            os.rename(release_dir, target_dir)
            moved_dir = True
        else:
            if target.exists():
                os.replace(target, backup)
            os.replace(staged, target)
            moved_file = True
        _write_manifest(root, manifest)
        return entry
    except BaseException:
        if moved_dir:
            shutil.rmtree(target_dir, ignore_errors=True)
        elif backup.exists():
            os.replace(backup, target)  # the file this import replaced comes back
        elif moved_file:
            target.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created_root and not (root / MANIFEST).exists():
            shutil.rmtree(root, ignore_errors=True)
