"""The release's records with their comparison keys, computed once and kept on disk.

Keying a national release (names, specs, makers, approval numbers and 本位码 folded, 300,000
records and more) is most of what building the blocking index costs, and it depends on nothing
but the release's files and the folding code. So the keyed records are written once to
``<cache>/suggest-keys-<digest>.parquet`` and read back by every later ``suggest`` in any
process; the check date only filters them. The digest covers each store file (its recorded
SHA-256, else its size and modification time) and the source of the modules that fold the
values, so a new release or a changed rule never meets stale keys.

``<cache>`` is ``$MAPPER_CACHE``, else ``$XDG_CACHE_HOME/mapper``, else ``~/.cache/mapper``;
``MAPPER_CACHE=off`` turns caching off. A cache that cannot be read or written is passed over
(the keys are computed as without one): it only ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import polars as pl

import mapper.normalize
from mapper.reference import Reference
from mapper.suggest.files import atomic_path

ENV_VAR = "MAPPER_CACHE"
# Source files whose code decides the keys: a change to any of them is a new cache entry.
HERE = Path(__file__).parent
FOLDING = (
    Path(str(mapper.normalize.__file__)),
    *(HERE / name for name in ("keys.py", "spec.py", "identifiers.py", "index.py")),
)


def cache_dir() -> Path | None:
    """Where keyed releases are kept, None when caching is off."""
    chosen = os.environ.get(ENV_VAR)
    if chosen is not None:
        return None if chosen.strip().lower() in {"", "off", "0", "no"} else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mapper"


def cached_keys(
    reference: Reference, columns: list[str], compute: Callable[[pl.DataFrame], pl.DataFrame]
) -> pl.DataFrame:
    """``compute(records)`` for the release's records (``columns`` of its scan), read from the
    cache when it is there, else computed and stored."""
    folder = cache_dir()
    path = (
        None if folder is None else folder / f"suggest-keys-{_digest(reference, columns)}.parquet"
    )
    if path is not None and path.is_file():
        try:
            return pl.read_parquet(path)
        except (OSError, pl.exceptions.PolarsError):
            pass  # a torn or foreign file: compute again and replace it
    keyed = compute(reference.scan().select(columns).collect())
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(path) as tmp:
                keyed.write_parquet(tmp, compression="lz4")
        except OSError:
            pass  # a read-only home: no cache, nothing else changes
    return keyed


def _digest(reference: Reference, columns: list[str]) -> str:
    """What the keyed records depend on: the store files, the columns, the folding code."""
    files = []
    for entry in reference.entries:
        file = reference.root / entry.path
        stamp = entry.sha256 or _stat(file)
        files.append([entry.release, entry.system, entry.path, entry.rows, stamp])
    code = hashlib.sha256()
    for source in FOLDING:
        code.update(source.read_bytes())
    payload = json.dumps([files, columns, code.hexdigest(), pl.__version__], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _stat(file: Path) -> str:
    try:
        info = file.stat()
    except OSError:
        return "missing"
    return f"{info.st_size}:{info.st_mtime_ns}"
