"""Adding one system's file of a release to a store: locked, all or nothing, even under SIGKILL.

Every write holds the store's lock (:data:`LOCK`, an OS file lock the kernel releases when the
process dies), so two imports into one store run one after the other and neither loses the
other's release. Under the lock, in this order (the names are :data:`STEPS`):

1. ``locked``: the manifest is re-read (another import may have just committed) and the
   import's own checks run again on it; staging folders and files no manifest lists, left by
   a killed import, are removed.
2. ``staged``: the Parquet file is written and fsynced inside ``.import-<random>/``.
3. ``moved``: it is renamed to ``<release>/<system>-<sha256 prefix>.parquet``. The name is
   new (content-addressed), so the file a ``--replace`` supersedes is still there and still
   listed: a reader sees the old release, whole.
4. ``manifest-written``: the new manifest is written to a temporary file and fsynced.
5. ``committed``: ``os.replace`` puts it in place, the one step that switches readers from
   the old release to the new one; the folder is fsynced.
6. ``cleaned``: the superseded file and the staging folder are removed.

A kill before step 5 leaves the old manifest and every file it lists untouched (the new file is
an orphan, removed by the next import); a kill after it leaves the new release complete. An
exception before step 5 removes what this import added.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
from filelock import FileLock, Timeout

from mapper import normalize
from mapper.errors import InputError
from mapper.reference.integrity import sha256_of
from mapper.reference.manifest import MANIFEST, Manifest, ManifestEntry, read_manifest
from mapper.reference.store import release_order

LOCK = ".mapper-store.lock"
STAGING = ".import-"
LOCK_TIMEOUT = 300.0  # seconds an import waits for another one to finish
STEPS = ("locked", "staged", "moved", "manifest-written", "committed", "cleaned")
RELEASE_DIR = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")
# Tests replace this to stop the importer at a step (tests/reference/test_store_crash.py).
on_step: Callable[[str], None] = lambda step: None  # noqa: E731


def _step(name: str) -> None:
    on_step(name)


def _is_bookkeeping(path: Path) -> bool:
    return path.name == LOCK or path.name.startswith((STAGING, f".{MANIFEST}."))


def open_store(root: Path) -> Manifest:
    """The manifest of a store, or a new empty one where ``root`` is missing or empty."""
    if (root / MANIFEST).exists():
        return read_manifest(root)
    if root.exists() and any(not _is_bookkeeping(p) for p in root.iterdir()):
        raise InputError(
            "is neither a reference store (no manifest.json) nor an empty folder", file=str(root)
        )
    return Manifest()


@contextlib.contextmanager
def store_lock(root: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the store's write lock; :class:`InputError` after ``timeout`` seconds waiting."""
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(root / LOCK, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise InputError(
            f"another import is writing this store (lock {LOCK} held for over "
            f"{timeout:.0f} s); try again when it has finished",
            file=str(root),
        ) from None
    try:
        yield
    finally:
        lock.release()


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _write_manifest(root: Path, manifest: Manifest) -> None:
    """Write the manifest to a temporary file, fsync it, then ``os.replace`` it into place."""
    tmp = root / f".{MANIFEST}.{uuid.uuid4().hex}.tmp"
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(manifest.to_json(), fh, ensure_ascii=False, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        _step("manifest-written")
        os.replace(tmp, root / MANIFEST)
        _fsync_dir(root)
    finally:
        tmp.unlink(missing_ok=True)


def clean_store(root: Path, manifest: Manifest) -> list[Path]:
    """Remove what killed imports left: staging folders, temporary manifests, Parquet files
    the manifest does not list and release folders left empty. Call with the lock held."""
    listed = {(root / e.path).resolve() for e in manifest.entries}
    removed: list[Path] = []
    for path in sorted(root.iterdir()):
        if path.name.startswith(STAGING) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        elif path.name.startswith(f".{MANIFEST}.") and path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)
            removed.append(path)
        elif path.is_dir() and RELEASE_DIR.fullmatch(path.name):
            for file in sorted(path.glob("*.parquet")):
                if file.resolve() not in listed:
                    file.unlink(missing_ok=True)
                    removed.append(file)
            with contextlib.suppress(OSError):  # only an empty folder is removed
                path.rmdir()
                removed.append(path)
    return removed


def updated_manifest(manifest: Manifest, entry: ManifestEntry, published: date | None) -> Manifest:
    """The manifest with ``entry`` added (replacing the same release+system) and the
    release's published date; the default release becomes the newest release."""
    entries = [
        e for e in manifest.entries if (e.release, e.system) != (entry.release, entry.system)
    ]
    entries.append(entry)
    entries.sort(key=lambda e: (e.release, e.system))
    dates = {r: d for r, d in manifest.published.items() if any(e.release == r for e in entries)}
    if published is not None or entry.release not in dates:
        dates[entry.release] = published
    default = max(dates, key=lambda r: release_order(r, dates[r]))
    return Manifest(entries=entries, published=dates, default_release=default)


def write_system_file(
    root: Path,
    records: pl.DataFrame,
    *,
    release: str,
    system: str,
    source_file: str,
    settle: Callable[[Manifest], date | None],
    lock_timeout: float = LOCK_TIMEOUT,
) -> ManifestEntry:
    """Write ``records`` as ``release``'s ``system`` file of the store and list it.

    ``settle`` runs under the lock on the current manifest: it raises when the import may not
    go ahead (the release+system is there and no ``--replace``) and returns the release's
    published date.
    """
    created_root = not root.exists()
    try:
        with store_lock(root, lock_timeout):
            _step("locked")
            manifest = open_store(root)
            published = settle(manifest)
            clean_store(root, manifest)
            entry = _commit(root, manifest, records, release, system, source_file, published)
            old = manifest.find(release, system)
            if old is not None and old.path != entry.path:
                (root / old.path).unlink(missing_ok=True)
            _step("cleaned")
            return entry
    finally:
        if created_root and not (root / MANIFEST).exists():
            shutil.rmtree(root, ignore_errors=True)


def write_records(records: pl.DataFrame, path: Path) -> None:
    """A release file: the records and their comparison keys, folded once here for every
    check to read (:func:`mapper.normalize.reference_keys`), stamped with the folding they
    were made by."""
    normalize.reference_keys(records).write_parquet(
        path,
        compression="zstd",
        statistics=True,
        metadata={normalize.KEYS_METADATA: normalize.KEYS_STAMP},
    )


def _commit(
    root: Path,
    manifest: Manifest,
    records: pl.DataFrame,
    release: str,
    system: str,
    source_file: str,
    published: date | None,
) -> ManifestEntry:
    staging = root / f"{STAGING}{uuid.uuid4().hex}"
    staging.mkdir()
    release_dir = root / release
    made_dir = not release_dir.exists()
    target: Path | None = None
    committed = False
    try:
        staged = staging / f"{system}.parquet"
        write_records(records, staged)
        _fsync_file(staged)
        digest = sha256_of(staged)
        entry = ManifestEntry(
            release=release,
            system=system,
            path=f"{release}/{system}-{digest[:16]}.parquet",
            rows=records.height,
            sha256=digest,
            source_file=source_file,
            imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        _step("staged")
        release_dir.mkdir(exist_ok=True)
        target = root / entry.path
        os.replace(staged, target)
        _fsync_dir(release_dir)
        _step("moved")
        _write_manifest(root, updated_manifest(manifest, entry, published))
        committed = True
        _step("committed")
        return entry
    except BaseException:
        if not committed:
            listed = {e.path for e in manifest.entries}
            if target is not None and f"{release}/{target.name}" not in listed:
                target.unlink(missing_ok=True)
            if made_dir:
                with contextlib.suppress(OSError):
                    release_dir.rmdir()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
