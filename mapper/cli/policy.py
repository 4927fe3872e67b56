"""``mapper policies``: the payment policy profiles and the notice sentences they rest on."""

from __future__ import annotations

import click

from mapper.cli.common import reports_errors
from mapper.policy import REASONS, load_policy, shipped_profiles


@click.command("policies")
@click.argument("profile", required=False)
@reports_errors
def policies(profile: str | None) -> None:
    """List the payment policy profiles, or show one (name or .toml path) rule by rule."""
    if profile is None:
        for name in shipped_profiles():
            p = load_policy(name)
            go_live = p.go_live.isoformat() if p.go_live else "—"
            click.echo(f"{p.name:<14} go-live {go_live:<26} {p.title}")
        return
    p = load_policy(profile)
    click.echo(f"{p.name}: {p.title}\nregion: {p.region}\nfile: {p.path}")
    if p.go_live:
        click.echo(f"go-live: {p.go_live.isoformat()}  “{p.go_live_quote}”")
    for rule in p.rules:
        pairs = (("统筹基金", rule.pooled_fund), ("个人账户", rule.personal_account))
        funds = [fund for fund, ok in pairs if not ok]
        zh, en = REASONS[rule.reason]
        target = f"{rule.when}" + (f" {','.join(rule.classes)}" if rule.classes else "")
        denied = "/".join(funds) or "—"
        click.echo(f"\n[{rule.id}] {target} → 不可用 {denied} ({rule.reason}: {zh} / {en})")
        click.echo(f"  “{rule.quote}”\n  — {rule.source}")
