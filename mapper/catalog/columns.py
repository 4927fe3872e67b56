"""Which catalog column holds which field: header aliases plus user overrides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mapper.errors import InputError
from mapper.fields import FIELD_NAMES, FIELDS, normalise_header

# Columns mapper adds to every catalog; a source column of the same name is renamed.
RESERVED = frozenset({"row", *FIELD_NAMES})


def resolve_columns(
    headers: Sequence[str], overrides: Mapping[str, str] | None, file: str
) -> dict[str, str]:
    """Map field name → source header. Overrides win; then the first alias present."""
    overrides = dict(overrides or {})
    for field_name, header in overrides.items():
        if field_name not in FIELD_NAMES:
            raise InputError(
                f"--column names an unknown field '{field_name}'; fields are: "
                + ", ".join(FIELD_NAMES),
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
    for header in headers:
        folded.setdefault(normalise_header(header), header)
    for field in FIELDS:
        if field.name in mapping:
            continue
        for alias in field.aliases:
            found = folded.get(normalise_header(alias))
            if found is not None and found not in taken:
                mapping[field.name] = found
                taken.add(found)
                break
    if "code" not in mapping:
        raise InputError(
            "no column holds the national code (找不到医保编码列); headers found: "
            + ", ".join(headers)
            + ". Name it with --column code=<header>",
            file=file,
        )
    return mapping


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
