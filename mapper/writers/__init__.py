"""Report writers, registered by format name (``--format NAME``; ``--out DIR`` writes all)."""

from __future__ import annotations

from mapper.errors import ConfigError
from mapper.writers.base import Writer

WRITERS: dict[str, Writer] = {}


def register(cls: type[Writer]) -> type[Writer]:
    """Class decorator: add a writer to the registry under its name."""
    WRITERS[cls.name] = cls()
    return cls


def get_writer(name: str) -> Writer:
    try:
        return WRITERS[name]
    except KeyError:
        raise ConfigError(f"unknown format '{name}'; formats are: " + ", ".join(WRITERS)) from None


from mapper.writers import (  # noqa: E402  (registration)
    csv,
    github,
    html,
    json,
    jsonl,
    junit,
    parquet,
    sarif,
    text,
    xlsx,
)

__all__ = [
    "WRITERS",
    "Writer",
    "csv",
    "get_writer",
    "github",
    "html",
    "json",
    "jsonl",
    "junit",
    "parquet",
    "register",
    "sarif",
    "text",
    "xlsx",
]
