"""The store's manifest: read, validated and written in one place.

``manifest.json`` is the store's table of contents and its commit record: a file of the store
counts only once the manifest lists it (see :mod:`~mapper.reference.writing`). Everything a
manifest may say is checked here, so a damaged one is one clear line naming the file, never a
``KeyError`` deep inside a check::

    {"format": 1, "default_release": "2027-01",
     "entries": [{"release": "2027-01", "system": "drug",
                  "path": "2027-01/drug-<sha256 prefix>.parquet", "sha256": "<hex>",
                  "rows": 301, "source_file": "...", "imported_at": "..."}, ...],
     "releases": {"2027-01": {"published": "2027-01-01"}}}
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from mapper.errors import InputError

MANIFEST = "manifest.json"
FORMAT = 1
SHA256 = re.compile(r"[0-9a-f]{64}")


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


@dataclass
class Manifest:
    """A validated manifest: its entries, the releases' published dates, the default."""

    entries: list[ManifestEntry] = field(default_factory=list)
    published: dict[str, date | None] = field(default_factory=dict)
    default_release: str | None = None

    @property
    def releases(self) -> list[str]:
        return sorted({e.release for e in self.entries})

    def find(self, release: str, system: str) -> ManifestEntry | None:
        return next((e for e in self.entries if (e.release, e.system) == (release, system)), None)

    def to_json(self) -> dict[str, Any]:
        listed = {r: {"published": d.isoformat()} for r, d in self.published.items() if d}
        return {
            "format": FORMAT,
            "default_release": self.default_release,
            "entries": [asdict(e) for e in self.entries],
            "releases": dict(sorted(listed.items())),
        }


def read_manifest(root: Path) -> Manifest:
    """The manifest of the store at ``root``; :class:`InputError` naming the file when it is
    missing, not JSON, or says something a store cannot mean."""
    path = root / MANIFEST
    if not path.exists():
        raise InputError(
            "is not a reference store: manifest.json is missing (参考库缺少manifest.json); "
            'name a store with --reference DIR, $MAPPER_REFERENCE=DIR or reference = "DIR" '
            "in [tool.mapper] / mapper.toml",
            file=str(root),
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"is not valid JSON (清单文件损坏): {exc}", file=str(path)) from None
    except RecursionError:
        raise InputError("is nested too deeply to be a manifest", file=str(path)) from None
    return parse_manifest(data, str(path))


def _kind(value: Any) -> str:
    kinds = {list: "a list", dict: "an object", str: "a string", bool: "true/false"}
    return "null" if value is None else kinds.get(type(value), "a number")


def _bad(file: str, what: str) -> InputError:
    return InputError(f"is not a valid store manifest (清单文件无效): {what}", file=file)


def _text(value: Any, what: str, file: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(file, f"{what} must be a non-empty string, not {json.dumps(value)[:60]}")
    return value


def _entry(raw: Any, number: int, file: str) -> ManifestEntry:
    where = f"entry {number}"
    if not isinstance(raw, dict):
        raise _bad(file, f"{where} is not an object")
    release = _text(raw.get("release"), f"{where} 'release'", file)
    system = _text(raw.get("system"), f"{where} 'system'", file)
    path = _text(raw.get("path"), f"{where} 'path'", file)
    parts = PurePosixPath(path).parts
    if path.startswith(("/", "\\")) or ".." in parts or ":" in path or "\\" in path:
        raise _bad(file, f"{where} path '{path}' is not a file inside the store")
    rows = raw.get("rows", 0)
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        raise _bad(file, f"{where} 'rows' must be a count, not {json.dumps(rows)[:60]}")
    sha = raw.get("sha256") or ""
    if not isinstance(sha, str) or (sha and not SHA256.fullmatch(sha)):
        raise _bad(file, f"{where} 'sha256' is not 64 hex digits")
    extra = {k: raw.get(k) or "" for k in ("source_file", "imported_at")}
    if not all(isinstance(v, str) for v in extra.values()):
        raise _bad(file, f"{where} 'source_file' and 'imported_at' must be strings")
    return ManifestEntry(release, system, path, rows, sha, **extra)


def _published(raw: Any, releases: set[str], file: str) -> dict[str, date | None]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _bad(file, "'releases' is not an object")
    out: dict[str, date | None] = dict.fromkeys(sorted(releases))
    for release, info in raw.items():
        text = info.get("published") if isinstance(info, dict) else None
        if text is None:
            continue
        try:
            out[release] = date.fromisoformat(text)
        except (TypeError, ValueError):
            raise _bad(
                file, f"release {release} 'published' {json.dumps(text)[:40]} is not YYYY-MM-DD"
            ) from None
    return {r: d for r, d in out.items() if r in releases}


def parse_manifest(data: Any, file: str) -> Manifest:
    """Validate a manifest's parsed JSON (see the module docstring for its shape)."""
    if not isinstance(data, dict):
        raise _bad(file, f"it is {_kind(data)}, not an object")
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        raise _bad(file, f"format {json.dumps(fmt)[:20]} is not {FORMAT} (a newer mapper's?)")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        raise _bad(file, "'entries' is not a list")
    entries = [_entry(raw, n, file) for n, raw in enumerate(raw_entries, start=1)]
    seen: set[tuple[str, str]] = set()
    for e in entries:
        if (e.release, e.system) in seen:
            raise _bad(file, f"it lists {e.system} of release {e.release} twice")
        seen.add((e.release, e.system))
    published = _published(data.get("releases"), {e.release for e in entries}, file)
    default = data.get("default_release")
    if default is not None and not isinstance(default, str):
        raise _bad(file, "'default_release' is not a string")
    return Manifest(entries=entries, published=published, default_release=default)
