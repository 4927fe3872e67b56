"""The rule registry. Importing this package registers every rule family."""

from __future__ import annotations

from collections.abc import Iterable

from mapper.errors import ConfigError
from mapper.rules.base import (
    DOC_SECTIONS,
    FINDINGS_SCHEMA,
    ROW_KEYS,
    CheckContext,
    Rule,
    Severity,
    render_message,
)

RULES: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule to the registry under its code."""
    if cls.code in RULES:
        raise ValueError(f"rule code {cls.code} registered twice")
    RULES[cls.code] = cls
    return cls


def get_rule(key: str) -> type[Rule]:
    """Find a rule by code (``REF002``), name (``revoked-code``) or alias."""
    wanted = key.strip()
    for cls in RULES.values():
        if wanted.upper() == cls.code or wanted.lower() == cls.name or wanted in cls.aliases:
            return cls
    raise ConfigError(f"unknown rule '{key}'; `mapper rules` lists them")


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """Rules to run: all, or those whose code starts with a ``select`` prefix, minus ``ignore``.

    Prefixes work like ruff's: ``REF`` selects every REF rule, ``ATT003`` just one.
    """

    def matches(cls: type[Rule], keys: list[str]) -> bool:
        return any(cls.code.startswith(k.upper()) or cls.name == k.lower() for k in keys)

    chosen, dropped = list(select), list(ignore)
    for key in chosen + dropped:
        if not any(matches(cls, [key]) for cls in RULES.values()):
            raise ConfigError(f"--select/--ignore: no rule matches '{key}'")
    return [
        cls()
        for cls in sorted(RULES.values(), key=lambda c: c.code)
        if (not chosen or matches(cls, chosen)) and not matches(cls, dropped)
    ]


# Registration happens on import; keep these after the registry is defined.
from mapper.rules import attributes, catalog, codes, reference  # noqa: E402

__all__ = [
    "DOC_SECTIONS",
    "FINDINGS_SCHEMA",
    "ROW_KEYS",
    "RULES",
    "CheckContext",
    "Rule",
    "Severity",
    "attributes",
    "catalog",
    "codes",
    "get_rule",
    "reference",
    "register",
    "render_message",
    "select_rules",
]
