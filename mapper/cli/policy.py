"""``mapper policies``: the payment policy profiles, their cut-over timelines and the notice
sentences they rest on."""

from __future__ import annotations

import click

from mapper.cli.common import reports_errors
from mapper.policy import REASONS, Policy, load_policy, shipped_profiles
from mapper.policy.moments import clock
from mapper.policy.timeline import Timeline


class _Policies(click.Group):
    """``mapper policies PROFILE`` (the form before ``show`` existed) still shows one."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().resolve_command(ctx, args)


@click.group("policies", cls=_Policies, invoke_without_command=True)
@click.pass_context
@reports_errors
def policies(ctx: click.Context) -> None:
    """List the payment policy profiles with their cut-over dates (`mapper policies show
    NAME` prints one: its timeline and its rules)."""
    if ctx.invoked_subcommand is not None:
        return
    for name in shipped_profiles():
        p = load_policy(name)
        if p.timeline is not None:
            window = f"suspended {clock(p.timeline.suspension.at)} → {clock(p.timeline.resumes)}"
        else:
            window = ""
        go_live = clock(p.go_live) if p.go_live else "—"
        click.echo(f"{p.name:<14} go-live {go_live:<17} {window:<48} {p.title}".rstrip())


@policies.command("show")
@click.argument("profile")
@reports_errors
def show(profile: str) -> None:
    """Show one profile (name or .toml path): its cut-over timeline, what a patient does in
    the suspension window, and its payment rules, each with the notice sentence it rests on."""
    p = load_policy(profile)
    click.echo(f"{p.name}: {p.title}\nregion: {p.region}\nfile: {p.path}")
    if p.timeline is not None:
        _timeline(p.timeline)
    elif p.go_live:
        click.echo(f"go-live: {clock(p.go_live)}  “{p.go_live_quote}”")
    _rules(p)


def _timeline(timeline: Timeline) -> None:
    click.echo("\n时间线 timeline (UTC+8)")
    for moment, edge, point in timeline.events():
        zh, en = point.label
        if edge == "end":
            zh, en = f"{zh}结束", f"end of: {en}"
        click.echo(f"  {clock(moment)}  {zh} / {en}")
        if edge == "start":  # an end is stated in its start's quote
            indent = " " * 20
            for line in (point.what, f"“{point.quote}”", f"— {point.source}"):
                if line:
                    click.echo(f"{indent}{line}")
    if timeline.suspension.until is None:
        click.echo(f"  (the suspension ends at go-live, {clock(timeline.go_live.at)})")
    for phase, title in (("before", "停机前 before the suspension"),
                         ("window", "暂停期间 inside the window")):  # fmt: skip
        guidance = [g for g in timeline.guidance if g.phase == phase]
        if guidance:
            click.echo(f"\n{title}: what a patient does")
        for g in guidance:
            click.echo(f"  [{g.id}] {g.who}: {g.does}")
            if g.keep:
                click.echo(f"    保留 keep: {'、'.join(g.keep)}")
            if g.deadline:
                click.echo(f"    最迟 by: {g.deadline.isoformat()}")
            click.echo(f"    “{g.quote}”\n    — {g.source}")


def _rules(p: Policy) -> None:
    click.echo("\n支付规则 payment rules after go-live")
    for rule in p.rules:
        pairs = (("统筹基金", rule.pooled_fund), ("个人账户", rule.personal_account))
        funds = [fund for fund, ok in pairs if not ok]
        zh, en = REASONS[rule.reason]
        target = f"{rule.when}" + (f" {','.join(rule.classes)}" if rule.classes else "")
        denied = "/".join(funds) or "—"
        click.echo(f"\n[{rule.id}] {target} → 不可用 {denied} ({rule.reason}: {zh} / {en})")
        click.echo(f"  “{rule.quote}”\n  — {rule.source}")
