"""Where a rule's documentation is: an absolute URL, so a link in a SARIF upload, a GitHub
annotation or a JSON report resolves wherever the report is read.

The documentation base URL comes from ``--docs-url``, ``docs-url`` in the config, or by default
the ``Documentation`` URL of mapper's package metadata (``[project.urls]`` in pyproject.toml:
the one place the project's address is written). A base names the folder holding
``rules.md``; a value with ``{anchor}``, ``{code}`` or ``{name}`` is a template instead, for
documentation hosted another way (``https://docs.example/mapper/rules/{code}.html``).
"""

from __future__ import annotations

from functools import cache
from importlib import metadata

from mapper.errors import ConfigError

PAGE = "rules.md"
FIELDS = ("anchor", "code", "name")


@cache
def default_docs_url() -> str:
    """The Documentation URL mapper was installed with ("docs" when it is not installed)."""
    try:
        urls = metadata.metadata("mapper").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() == "documentation" and url.strip():
            return url.strip()
    return "docs"  # a source tree that was never installed: the repository's own folder


def check_docs_url(value: str, where: str = "--docs-url") -> str:
    """A base URL or a template, refused early when it cannot make a link."""
    if not value.strip():
        raise ConfigError(f"{where}: give a URL, e.g. https://example.org/mapper/docs")
    try:
        value.format(anchor="", code="", name="")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"{where}: '{value}' is not a base URL or a template with "
            + ", ".join("{" + f + "}" for f in FIELDS)
            + f" ({exc})"
        ) from None
    return value.strip()


def rule_url(code: str, name: str, base: str | None = None) -> str:
    """The documentation link of rule ``code`` (``name`` its kebab-case name)."""
    anchor = f"{code.lower()}-{name}"
    base = base or default_docs_url()
    if "{" in base:
        return base.format(anchor=anchor, code=code, name=name)
    return f"{base.rstrip('/')}/{PAGE}#{anchor}"
