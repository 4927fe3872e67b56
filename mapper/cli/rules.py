"""``mapper rules`` and ``mapper rule CODE``: the rule catalogue and its pages."""

from __future__ import annotations

import click

from mapper.cli.common import reports_errors
from mapper.rules import RULES, get_rule
from mapper.rules.docs import rule_page, rules_markdown


@click.command("rules")
@click.option("--markdown", is_flag=True, help="Print the full rules page (docs/rules.md).")
def list_rules(markdown: bool) -> None:
    """List every rule: code, name, severity and what it checks."""
    if markdown:
        click.echo(rules_markdown(), nl=False)
        return
    for cls in sorted(RULES.values(), key=lambda c: c.code):
        click.echo(f"{cls.code}  {cls.name:<30} {cls.severity.value:<8} {cls.summary()}")


@click.command("rule")
@click.argument("code")
@reports_errors
def show_rule(code: str) -> None:
    """Print the documentation page of one rule (by code or name)."""
    click.echo(rule_page(get_rule(code)), nl=False)
