"""The versioned reference store: one Parquet file per release and code system, plus a manifest.

Layout (``reference_codes/`` ships the default store)::

    manifest.json                 {"format": 1, "default_release": ..., "entries": [...],
                                   "releases": {"<release>": {"published": "YYYY-MM-DD"}}}
    <release>/<system>-<hash>.parquet   one file per code system of that release, named by
                                  the first 16 hex digits of its SHA-256 (the shipped store's
                                  files are plain ``<system>.parquet``; the manifest names each)

A release may hold only some systems. The release *in force* on a date is chosen per system:
the newest release published on or before that date that holds the system. A release without
a ``published`` date (like the shipped 2026-11, built before releases had dates) counts as in
force since always, so it is the base every dated release supersedes.

Opening a release verifies each of its files against the manifest
(:mod:`~mapper.reference.integrity`); writing is :mod:`~mapper.reference.writing`'s job.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import polars as pl

from mapper import normalize
from mapper.errors import ConfigError, InputError
from mapper.reference.integrity import verify_entries
from mapper.reference.manifest import MANIFEST, ManifestEntry, read_manifest
from mapper.reference.schema import conform

ENV_VAR = "MAPPER_REFERENCE"


@dataclass
class Reference:
    """One release of the national reference, all systems in one lazy frame."""

    root: Path
    release: str
    entries: list[ManifestEntry]

    def scan(self, extra: Sequence[str] = ()) -> pl.LazyFrame:
        """All records of the release (every system), in the reference schema (then the
        ``extra`` columns every file has, such as :meth:`folded` keys).

        When the release was picked per system (``--as-of``), each system's records come
        from the release in force for it.
        """
        frames = [conform(pl.scan_parquet(self.root / e.path), extra) for e in self.entries]
        return pl.concat(frames, how="vertical")

    def folded(self) -> list[str]:
        """The comparison-key columns import folded into every file of the release under the
        current folding (:data:`mapper.normalize.KEYS_STAMP`); none if any file lacks them."""
        for entry in self.entries:
            metadata = pl.read_parquet_metadata(self.root / entry.path)
            if metadata.get(normalize.KEYS_METADATA) != normalize.KEYS_STAMP:
                return []
        return [
            name
            for column, kind in normalize.REFERENCE_FOLDS.items()
            for name in normalize.folded_names(column, kind)
        ]

    @property
    def systems(self) -> list[str]:
        return [e.system for e in self.entries]

    @property
    def rows(self) -> int:
        return sum(e.rows for e in self.entries)


def default_root() -> Path:
    """Where the default store is: ``$MAPPER_REFERENCE``, else the store shipped with mapper.

    The shipped store is package data of an installed mapper (``mapper/reference_codes/``,
    copied there by the build, see setup.py), or ``reference_codes/`` of the source checkout
    for an editable install. The working directory is never guessed: a store elsewhere is
    named with ``--reference``, ``$MAPPER_REFERENCE`` or ``reference =`` in the config.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    shipped = [Path(__file__).resolve().parents[2] / "reference_codes"]
    packaged = resources.files("mapper") / "reference_codes"
    if isinstance(packaged, Path):  # an installed wheel, unpacked on disk
        shipped.insert(0, packaged)
    return next((p for p in shipped if (p / MANIFEST).is_file()), shipped[0])


def import_root(store: Path | None) -> Path:
    """Where an import writes: ``store``, else :func:`default_root` unless that is the store
    shipped inside an installed mapper (package data is replaced by the next upgrade and is
    often read-only: an import there would be lost or fail half-way)."""
    if store is not None:
        return store
    root = default_root()
    packaged = resources.files("mapper") / "reference_codes"
    if os.environ.get(ENV_VAR) is None and isinstance(packaged, Path) and root == packaged:
        raise ConfigError(
            f"{root}: is the reference store shipped inside the installed mapper; import into a "
            "store of your own with --store DIR or $MAPPER_REFERENCE=DIR, then check with "
            '--reference DIR or reference = "DIR" in the config '
            "(请用 --store 指定自己的参考库目录)"
        )
    return root


def release_date(release: str) -> date | None:
    """The date a release name spells: ``2026-12`` → 2026-12-01, ``2026-12-15``; else None."""
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", release)
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return None


def release_order(release: str, published: date | None) -> tuple[date, str]:
    """Sort key of releases, oldest first: the published date (or the name's date), then name."""
    return (published or release_date(release) or date.min, release)


def releases(root: Path | None = None) -> list[str]:
    """The releases a store holds, oldest first."""
    return read_manifest(root or default_root()).releases


def load_reference(root: str | Path | None = None, release: str | None = None) -> Reference:
    """Open one release of a reference store (default: the shipped store's default release)."""
    base = Path(root) if root is not None else default_root()
    manifest = read_manifest(base)
    known = manifest.releases
    chosen = release or manifest.default_release or (known[-1] if known else None)
    picked = [e for e in manifest.entries if e.release == chosen]
    if not picked:
        raise InputError(
            f"has no release '{chosen}'; releases are: " + (", ".join(known) or "none"),
            file=str(base),
        )
    verify_entries(base, picked)
    return Reference(root=base, release=str(chosen), entries=picked)


def reference_in_force(root: str | Path | None, as_of: date) -> Reference:
    """The reference in force on ``as_of``: per system, the newest release published on or
    before that date that holds the system (undated releases count as in force since always).
    """
    base = Path(root) if root is not None else default_root()
    manifest = read_manifest(base)
    published = manifest.published
    chosen: dict[str, ManifestEntry] = {}
    for e in manifest.entries:
        day = published[e.release]
        if day is not None and day > as_of:
            continue
        current = chosen.get(e.system)
        if current is None or release_order(e.release, day) > release_order(
            current.release, published[current.release]
        ):
            chosen[e.system] = e
    if not chosen:
        dated = sorted(d for d in published.values() if d is not None)
        first = f"; the first is published {dated[0]}" if dated else ""
        raise InputError(f"has no release in force on {as_of}{first}", file=str(base))
    picked = list(chosen.values())
    verify_entries(base, picked)
    names = sorted({e.release for e in picked})
    label = (
        names[0]
        if len(names) == 1
        else " + ".join(
            f"{r} ({', '.join(e.system for e in picked if e.release == r)})" for r in names
        )
    )
    return Reference(root=base, release=label, entries=picked)


def open_reference(
    reference: str | Path | None = None,
    release: str | None = None,
    as_of: date | None = None,
) -> Reference:
    """Open a reference the way ``mapper check --reference`` names it.

    ``reference`` is a store folder or a release name of the default store; with no release
    named, ``as_of`` picks the release in force on that date (per system), and without
    either the store's default release is used.
    """
    root: Path | None = None
    if reference is not None:
        path = Path(reference)
        if path.is_dir():
            root = path
        elif release is not None and str(reference) != release:
            raise InputError(
                f"'{reference}' is neither a store folder nor the --release given ('{release}')"
            )
        else:
            named = str(reference)
            if named not in releases(default_root()):
                raise InputError(
                    f"'{named}' is neither a store folder nor a release of the default store; "
                    "releases are: " + ", ".join(releases(default_root()))
                )
            release = named
    if release is None and as_of is not None:
        return reference_in_force(root, as_of)
    return load_reference(root, release)
