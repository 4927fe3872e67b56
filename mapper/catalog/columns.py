"""Which catalog column holds which field: header aliases plus user overrides."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from mapper.errors import InputError
from mapper.fields import FIELD_NAMES, FIELDS, normalise_header

# Columns mapper adds to every catalog; a source column of the same name is renamed.
RESERVED = frozenset({"row", *FIELD_NAMES})
# Fields the reader fills itself (the workbook sheet), never from a header.
READER_FIELDS = frozenset({"sheet"})


def resolve_columns(
    headers: Sequence[str], overrides: Mapping[str, str] | None, file: str
) -> dict[str, str]:
    """Map field name → source header. Overrides win; then the first alias present. The code
    field may be missing: :func:`mapper.catalog.code_column.choose_code_column` looks at the
    values then."""
    overrides = dict(overrides or {})
    for field_name, header in overrides.items():
        if field_name not in FIELD_NAMES:
            raise InputError(
                f"--column names an unknown field '{field_name}'; fields are: "
                + ", ".join(FIELD_NAMES),
                file=file,
            )
        if field_name in READER_FIELDS:
            raise InputError(
                f"--column {field_name}: this field is filled by the reader, not from a column",
                file=file,
            )
        if header not in headers:
            raise InputError(
                f"--column {field_name}={header}: no such column; headers are: "
                + ", ".join(headers),
                file=file,
                column=header,
            )
    mapping: dict[str, str] = dict(overrides)
    taken = set(mapping.values())
    folded: dict[str, str] = {}
    for header in headers:  # exact folds first, then looser ones (qualifier, _2 suffix)
        folded.setdefault(normalise_header(header), header)
    for header in headers:
        for key in header_keys(header)[1:]:
            folded.setdefault(key, header)
    for field in FIELDS:
        if field.name in mapping:
            continue
        for alias in field.aliases:
            found = folded.get(normalise_header(alias))
            if found is not None and found not in taken:
                mapping[field.name] = found
                taken.add(found)
                break
    return mapping  # the code column, when no header names it: code_column.choose_code_column


def unique_headers(headers: Sequence[str]) -> list[str]:
    """Give blank headers a name and make repeated ones unique (列名_2)."""
    seen: dict[str, int] = {}
    out = []
    for idx, header in enumerate(headers, start=1):
        name = header.strip() or f"column_{idx}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


HEADER_SCAN_ROWS = 30
_ALIASES = frozenset(normalise_header(a) for f in FIELDS for a in f.aliases)


def header_score(cells: Sequence[object]) -> int:
    """How many cells of a row are known header names (医保编码, 通用名称 …)."""
    return sum(1 for c in cells if c is not None and normalise_header(str(c)) in _ALIASES)


def find_header_row(rows: Sequence[Sequence[object]]) -> int:
    """Index of the row that looks most like the header (title lines above it are skipped).

    The first row wins ties and when no row has a known header name, so a file with its
    header in row 1 is read as it is.
    """
    best, best_score = 0, 0
    for idx, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = header_score(cells)
        if score > best_score:
            best, best_score = idx, score
    return best


def header_keys(header: str) -> list[str]:
    """Keys a header matches aliases by: folded; without a bracketed qualifier
    (医保编码（国家） → 医保编码); without the _2 that makes a repeated header unique."""
    keys = [normalise_header(header)]
    bare = re.sub(r"[（(\[【].*?[)）\]】]", "", header)
    bare = re.sub(r"_\d+$", "", bare)
    if bare != header and bare.strip():
        keys.append(normalise_header(bare))
    return keys


def code_candidates(headers: Sequence[str]) -> list[str]:
    """Every header that could be the national-code column, in header order."""
    code_aliases = {normalise_header(a) for f in FIELDS if f.name == "code" for a in f.aliases}
    return [h for h in headers if any(k in code_aliases for k in header_keys(h))]
