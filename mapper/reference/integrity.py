"""Checking a store's files against its manifest before anything is checked against them.

Every file a check opens is hashed and compared with the SHA-256 the manifest names, then its
Parquet footer is read: a file replaced, truncated or damaged on disk is one clear line naming
it, never wrong findings or a reader's traceback. Hashing runs at disk speed and a process
hashes each file once (keyed on its inode, size and modification time), so a server opening
the same release for every job pays for it once; docs/BENCHMARKS.md has the cost.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import polars as pl

from mapper.errors import InputError
from mapper.reference.manifest import ManifestEntry

_verified: dict[tuple[str, int, int, int], str] = {}
_lock = threading.Lock()


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _hash_once(path: Path, stat: os.stat_result) -> str:
    key = (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _lock:
        known = _verified.get(key)
    if known is None:
        known = sha256_of(path)
        with _lock:
            _verified[key] = known
    return known


def verify_entry(root: Path, entry: ManifestEntry) -> None:
    """Raise :class:`InputError` naming the file unless it is the one the manifest lists."""
    path = root / entry.path
    name = str(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise InputError(
            "is listed in the store's manifest but missing (参考库文件缺失)", file=name
        ) from None
    if not path.is_file():
        raise InputError("is listed in the store's manifest but is not a file", file=name)
    if entry.sha256 and _hash_once(path, stat) != entry.sha256:
        raise InputError(
            "does not match the SHA-256 the store's manifest names (参考库文件已损坏或被替换); "
            "re-import the release or restore the store",
            file=name,
        )
    try:
        names = pl.read_parquet_schema(path)
    except Exception as exc:  # polars raises several types for a damaged footer
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"is not a readable Parquet file (参考库文件损坏): {first}", file=name
        ) from None
    if "code" not in names:
        raise InputError("is not a reference file: it has no 'code' column", file=name)


def verify_entries(root: Path, entries: list[ManifestEntry]) -> None:
    """:func:`verify_entry` for each entry."""
    for entry in entries:
        verify_entry(root, entry)


def verify_store(root: Path) -> pl.DataFrame:
    """Every file of every release checked (``mapper reference verify``): one row per file,
    ``release``, ``system``, ``path``, ``ok`` and ``problem`` (empty when ok)."""
    from mapper.reference.manifest import read_manifest

    rows = []
    for entry in read_manifest(root).entries:
        try:
            verify_entry(root, entry)
            problem = ""
        except InputError as exc:
            problem = exc.detail
        rows.append((entry.release, entry.system, entry.path, not problem, problem))
    return pl.DataFrame(
        rows,
        schema={"release": pl.String, "system": pl.String, "path": pl.String,
                "ok": pl.Boolean, "problem": pl.String},
        orient="row",
    )  # fmt: skip
