"""``import_release``: read, validate and add one published release file to a store.

A file with any rejected row is rejected whole by default (nothing is written): a release is
an official list, and a partial copy would make codes silently "unknown". ``skip_bad_rows``
imports the rows that passed; the rejected ones are in the result's report either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from mapper.errors import InputError
from mapper.reference.layouts import LAYOUTS
from mapper.reference.manifest import Manifest, ManifestEntry
from mapper.reference.release_file import read_release
from mapper.reference.store import import_root, release_date
from mapper.reference.validate import validate
from mapper.reference.writing import open_store, write_system_file

RELEASE_NAME = r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}"


@dataclass
class ImportResult:
    """What an import did: the manifest entry written (None if rejected) and the problems."""

    file: str
    release: str
    system: str
    rows_read: int
    problems: pl.DataFrame  # row, column, value, reason
    entry: ManifestEntry | None
    encoding: str = ""

    @property
    def imported(self) -> bool:
        return self.entry is not None

    @property
    def rows_rejected(self) -> int:
        return int(self.problems.get_column("row").n_unique())


def _published(release: str, published: date | None, manifest: Manifest) -> date | None:
    known = manifest.published
    if release in known:
        current = known[release]
        if published is not None and current is not None and published != current:
            raise InputError(
                f"release {release} is published {current}, not {published}: one release has "
                "one date in force"
            )
        return current or published
    chosen = published or release_date(release)
    if chosen is None:
        raise InputError(f"release name '{release}' spells no date: give --published YYYY-MM-DD")
    return chosen


def import_release(
    path: str | Path,
    system: str,
    release: str,
    *,
    store: str | Path | None = None,
    published: date | None = None,
    skip_bad_rows: bool = False,
    replace: bool = False,
    encoding: str | None = None,
    sheet: str | None = None,
) -> ImportResult:
    """Import one published release file of ``system`` as ``release`` into ``store``.

    ``published`` is the date the release is in force from (default: the date its name
    spells, 2026-12 → 2026-12-01). Raises :class:`~mapper.errors.InputError` for an unreadable
    file, a missing required column, or a release+system the store already holds (unless
    ``replace``). Rows that fail validation are reported in the result, never dropped
    silently; see the module docstring for the reject-whole default.
    """
    if system not in LAYOUTS:
        raise InputError(f"unknown code system '{system}'; use one of {', '.join(LAYOUTS)}")
    if not re.fullmatch(RELEASE_NAME, release):
        raise InputError(f"'{release}' is not a release name (letters, digits, '.', '-', '_')")
    root = import_root(Path(store) if store is not None else None)

    def settle(manifest: Manifest) -> date | None:
        if not replace and manifest.find(release, system) is not None:
            raise InputError(
                f"already holds {system} of release {release}; pass --replace to overwrite it",
                file=str(root),
            )
        return _published(release, published, manifest)

    settle(open_store(root))  # fail fast, before reading the file; again under the lock
    file = read_release(path, system, encoding=encoding, sheet=sheet)
    name = Path(path).name
    records, problems = validate(file, source=f"nhsa:{name}")
    result = ImportResult(
        file=str(path),
        release=release,
        system=system,
        rows_read=file.frame.height,
        problems=problems,
        entry=None,
        encoding=file.encoding,
    )
    if (problems.height and not skip_bad_rows) or records.is_empty():
        return result
    result.entry = write_system_file(
        root, records, release=release, system=system, source_file=name, settle=settle
    )
    return result
