"""Policy profiles: which items each fund pays for after go-live, as data (TOML).

A profile lists rules checked in order; for each fund (pooled fund 统筹基金, personal account
个人账户) the first rule that applies to an item and denies that fund gives the reason. A
profile may ``extends`` another: its own rules come first, then the parent's (a rule with the
same ``id`` replaces the parent's).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from mapper.errors import ConfigError
from mapper.paths import regular_file
from mapper.policy.moments import as_moment
from mapper.policy.timeline import SUSPENDED_REASON, SUSPENDED_TEXT, Timeline
from mapper.policy.timeline_load import load_timeline

CONDITIONS = ("uncoded", "invalid_code", "self_paid", "class")
REASONS = {
    "PAY001": ("未对码：没有国家医保编码", "uncoded: no national code"),
    "PAY002": (
        "国家编码无效（格式错误、不在编码库、已停用或未生效）",
        "the national code is not valid",
    ),
    "PAY003": ("自费（丙类）项目", "self-paid (丙类) item"),
    "PAY004": ("属于不予支付的商品类别", "in a class of goods the policy excludes"),
    SUSPENDED_REASON: SUSPENDED_TEXT,  # given by the timeline inside the window, not by a rule
}


@dataclass(frozen=True)
class PolicyRule:
    """One statement of a notice: which items it covers and which funds it denies."""

    id: str
    when: str
    pooled_fund: bool
    personal_account: bool
    reason: str
    quote: str
    source: str
    classes: tuple[str, ...] = ()
    coded: bool = False  # class rules: also for items with a valid national code


@dataclass(frozen=True)
class Policy:
    """A named set of payment rules with the go-live moment they take effect."""

    name: str
    title: str
    region: str
    rules: tuple[PolicyRule, ...]
    go_live: datetime | None = None
    go_live_quote: str = ""
    path: str = ""
    extends: str | None = None
    timeline: Timeline | None = None  # the cut-over: suspension window, go-live, guidance

    @property
    def go_live_date(self) -> date | None:
        return self.go_live.date() if self.go_live else None


def shipped_profiles() -> list[str]:
    """Names of the profiles shipped with mapper."""
    folder = resources.files("mapper.policy") / "profiles"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def _read(name_or_path: str | Path) -> tuple[dict[str, Any], str]:
    path = Path(name_or_path)
    if path.suffix == ".toml":
        if not path.exists():
            raise ConfigError(f"{path}: no such policy file")
        regular_file(path, "policy file")
        try:
            text, where = path.read_text("utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read policy file: {exc}") from None
    else:
        resource = resources.files("mapper.policy") / "profiles" / f"{name_or_path}.toml"
        if not resource.is_file():
            raise ConfigError(
                f"unknown policy '{name_or_path}'; shipped profiles: "
                + ", ".join(shipped_profiles())
                + " (or give a path to your own .toml)"
            )
        text, where = resource.read_text("utf-8"), f"mapper/policy/profiles/{name_or_path}.toml"
    try:
        return tomllib.loads(text), where
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{where}: not valid TOML: nested too deeply") from None


def _rules(data: dict[str, Any], where: str) -> list[PolicyRule]:
    """The profile's [[rules]] tables, each checked; a clear error for any other shape."""
    rules = data.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise ConfigError(f"{where}: rules must be a list of [[rules]] tables")
    return [_rule(r, where) for r in rules]


def _rule(data: dict[str, Any], where: str) -> PolicyRule:
    for key in ("id", "quote", "source"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(f"{where}: a rule's {key} must be a string, not {data[key]!r}")
    for key in ("when", "reason"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(
                f"{where}: rule {data.get('id', '?')}: {key} must be a string, not {data[key]!r}"
            )
    classes = data.get("classes", [])
    if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
        raise ConfigError(
            f"{where}: rule {data.get('id', '?')}: classes must be a list of class names"
        )
    missing = {"id", "when", "pooled_fund", "personal_account", "reason", "quote"} - set(data)
    if missing:
        raise ConfigError(f"{where}: rule {data.get('id', '?')} lacks {', '.join(sorted(missing))}")
    if data["when"] not in CONDITIONS:
        raise ConfigError(
            f"{where}: rule {data['id']}: when must be one of {', '.join(CONDITIONS)}"
        )
    if data["reason"] not in REASONS:
        raise ConfigError(f"{where}: rule {data['id']}: reason must be one of {', '.join(REASONS)}")
    if data["reason"] == SUSPENDED_REASON:  # the timeline's, for every item inside the window
        raise ConfigError(f"{where}: rule {data['id']}: {SUSPENDED_REASON} comes from [timeline]")
    for key in ("pooled_fund", "personal_account", "coded"):
        if key in data and not isinstance(data[key], bool):
            raise ConfigError(
                f"{where}: rule {data['id']}: {key} must be true or false, not {data[key]!r}"
            )
    from mapper.policy.classify import lexicon  # the lexicon names the classes

    known = {c.key for c in lexicon()}
    unknown = [c for c in data.get("classes", ()) if c not in known]
    if unknown:
        raise ConfigError(
            f"{where}: rule {data['id']}: unknown class {', '.join(map(str, unknown))}; "
            f"classes are {', '.join(sorted(known))}"
        )
    if data["when"] == "class" and not data.get("classes"):
        raise ConfigError(f"{where}: rule {data['id']}: a class rule needs classes = [...]")
    return PolicyRule(
        id=data["id"],
        when=data["when"],
        pooled_fund=data["pooled_fund"],
        personal_account=data["personal_account"],
        reason=data["reason"],
        quote=data["quote"],
        source=data.get("source", ""),
        classes=tuple(data.get("classes", ())),
        coded=data.get("coded", False),
    )


def load_policy(
    name_or_path: str | Path | Policy | None = None, _seen: tuple[str, ...] = ()
) -> Policy:
    """Load a shipped profile by name (``huzhou-2022``) or a user's profile from a .toml path."""
    if isinstance(name_or_path, Policy):
        return name_or_path
    data, where = _read(name_or_path or "national")
    name = str(data.get("name", Path(str(name_or_path)).stem))
    if name in _seen:
        raise ConfigError(f"{where}: 'extends' loops back to {name}")
    rules = _rules(data, where)
    parent = data.get("extends")
    if parent is not None and not isinstance(parent, str):
        raise ConfigError(f"{where}: extends must name a profile or a .toml file")
    if parent:
        inherited = load_policy(parent, (*_seen, name)).rules
        own = {r.id for r in rules}
        rules.extend(r for r in inherited if r.id not in own)
    go_live = data.get("go_live")
    if go_live is not None and not isinstance(go_live, datetime):
        raise ConfigError(f"{where}: go_live must be a date-time such as 2022-02-15T00:00:00+08:00")
    go_live_quote = str(data.get("go_live_quote", ""))
    timeline = load_timeline(data.get("timeline"), where)
    if timeline is None and go_live is None and parent:  # the parent's cut-over, if any
        timeline = load_policy(parent, (*_seen, name)).timeline
    if timeline is not None:  # go-live is a point of the timeline
        if go_live is not None and as_moment(go_live) != timeline.go_live.at:
            raise ConfigError(
                f"{where}: go_live {go_live.isoformat()} differs from the timeline's go_live "
                f"point {timeline.go_live.at.isoformat()}; give it once, in the timeline"
            )
        go_live, go_live_quote = timeline.go_live.at, timeline.go_live.quote
    return Policy(
        name=name,
        title=str(data.get("title", name)),
        region=str(data.get("region", "")),
        rules=tuple(rules),
        go_live=go_live,
        go_live_quote=go_live_quote,
        path=where,
        extends=parent,
        timeline=timeline,
    )


__all__ = ["REASONS", "Policy", "PolicyRule", "field", "load_policy", "shipped_profiles"]
