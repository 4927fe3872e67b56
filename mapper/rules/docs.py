"""Rule documentation generated from the rule classes (docs/rules.md, `mapper rule CODE`)."""

from __future__ import annotations

import inspect

from mapper.rules import RULES, Rule


def rule_page(cls: type[Rule]) -> str:
    """One rule's page: heading, metadata line, then its docstring."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    title, _, body = doc.partition("\n")
    aliases = f" · aliases: {', '.join(cls.aliases)}" if cls.aliases else ""
    return (
        f"## {cls.code} {cls.name}\n\n"
        f"**{title.strip()}**\n\n"
        f"severity: `{cls.severity.value}` · field: `{cls.field}`{aliases}\n\n"
        f"Message: {cls.message}\n"
        f"{body.replace('## ', '### ')}\n"
    )


def rules_markdown() -> str:
    """The whole rules page, rules in code order."""
    ordered = sorted(RULES.values(), key=lambda c: c.code)
    index = "\n".join(
        f"| [{c.code}](#{c.code.lower()}-{c.name}) | {c.name} | {c.severity.value} | "
        f"{c.summary()} |"
        for c in ordered
    )
    pages = "\n".join(rule_page(c) for c in ordered)
    return (
        "# Rules\n\n"
        "Generated from the rule classes by `make docs` (`mapper rules --markdown`); "
        "do not edit by hand.\n\n"
        "| code | name | severity | what it checks |\n| --- | --- | --- | --- |\n"
        f"{index}\n\n{pages}"
    )
