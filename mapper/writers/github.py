"""GitHub Actions workflow commands: each finding becomes an annotation on the catalog file,
at the catalog row (``::error file=…,line=…,title=…::message``)."""

from __future__ import annotations

from pathlib import Path

from mapper.result import CATALOG, CheckResult
from mapper.rules import RULES
from mapper.writers import register
from mapper.writers.base import Writer

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (GitHub's rules: %, CR and LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as a message, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(catalog: str, finding: dict[str, object], docs_url: str | None = None) -> str:
    """One finding as a workflow command on ``catalog`` (or the finding's own ``catalog``
    when a result holds several files), linking its rule's page under ``docs_url``."""
    catalog = str(finding.get(CATALOG) or catalog)
    rule = RULES.get(str(finding["rule"]))
    name = f" {rule.name}" if rule else ""
    url = f" (see {rule.url(docs_url)})" if rule else ""
    item = f"item {finding['item_id']}: " if finding["item_id"] else ""
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in (
            ("file", catalog),
            ("line", finding["row"]),
            ("title", f"{finding['rule']}{name}"),
        )
    )
    command = COMMAND.get(str(finding["severity"]), "warning")
    message = f"{item}{finding['message']}{url}"
    return f"::{command} {props}::{escape_data(message)}"


@register
class GithubWriter(Writer):
    name = "github"
    description = "annotations.txt: GitHub Actions workflow commands, one per finding"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        path = out_dir / "annotations.txt"
        path.write_text(self.render(result), encoding="utf-8")
        return [path]

    def render(self, result: CheckResult) -> str:
        return "".join(
            annotation(result.catalog, row, result.docs_url) + "\n"
            for row in result.findings.iter_rows(named=True)
        )
