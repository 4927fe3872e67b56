"""The cut-over timeline of a notice, as data: when services pause, when real-time settlement
stops and starts again, when the new platform goes live, and what a patient does meanwhile —
each point with the sentence of the notice it comes from.

Where a check's moment falls on it (:func:`position`) decides what a sale means: before the
suspension, prepare (findings as today, payment judged by the rules after go-live); inside the
window nothing settles in real time (every sale is cash, reason ``PAY005``); from the end of the
window, the payment rules. How moments are written and read: :mod:`mapper.policy.moments`;
how a profile's ``[timeline]`` is read and checked: :mod:`mapper.policy.timeline_load`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import polars as pl

from mapper.policy.moments import CHINA, as_moment, clock

# What can happen at a point of the timeline: (中文, English).
KINDS = {
    "services_paused": ("业务暂停", "services paused"),
    "settlement_suspended": ("暂停医保实时结算", "real-time settlement suspended"),
    "go_live": ("新平台上线", "the new platform goes live"),
}
ONCE = ("settlement_suspended", "go_live")  # every timeline has exactly one of each
GUIDANCE_PHASES = ("before", "window")  # before the suspension starts / inside the window

SUSPENDED_REASON = "PAY005"
SUSPENDED_TEXT = ("结算暂停期间：全额现金结算", "settlement suspended: the sale is paid in cash")
SUSPENDED_RULE = "settlement_suspended"  # the policy-rule column's value inside the window


@dataclass(frozen=True)
class TimelinePoint:
    """One dated statement of a notice: from ``at`` (until ``until``, where it says) ``kind``."""

    kind: str
    at: datetime
    quote: str
    source: str
    until: datetime | None = None
    what: str = ""  # which services, in the profile's words

    @property
    def label(self) -> tuple[str, str]:
        return KINDS[self.kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "at": self.at.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "what": self.what,
            "quote": self.quote,
            "source": self.source,
        }


@dataclass(frozen=True)
class Guidance:
    """What the notice tells a patient to do ``phase`` (before the suspension or inside the
    window): how they pay, which documents to keep, how the sale is settled afterwards."""

    id: str
    phase: str
    who: str
    does: str
    quote: str
    source: str
    keep: tuple[str, ...] = ()  # documents, each as the notice names them
    claim: str = ""  # how it is settled afterwards (零星报销, 手工报销, 补录 …), the notice's word
    deadline: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "phase": self.phase,
            "who": self.who,
            "does": self.does,
            "keep": list(self.keep),
            "claim": self.claim,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "quote": self.quote,
            "source": self.source,
        }


@dataclass(frozen=True)
class Timeline:
    """A cut-over's points in time order, and the notice's guidance for the window."""

    points: tuple[TimelinePoint, ...]
    guidance: tuple[Guidance, ...] = ()

    def point(self, kind: str) -> TimelinePoint:
        return next(p for p in self.points if p.kind == kind)

    @property
    def suspension(self) -> TimelinePoint:
        return self.point("settlement_suspended")

    @property
    def go_live(self) -> TimelinePoint:
        return self.point("go_live")

    @property
    def resumes(self) -> datetime:
        """When real-time settlement is back: the suspension's end, else go-live."""
        return self.suspension.until or self.go_live.at

    def events(self) -> list[tuple[datetime, str, TimelinePoint]]:
        """Every start and end in time order: (moment, "start" or "end", point)."""
        out = [(p.at, "start", p) for p in self.points]
        out += [(p.until, "end", p) for p in self.points if p.until]
        return sorted(out, key=lambda e: (e[0], e[1] == "start"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "points": [p.to_dict() for p in self.points],
            "guidance": [g.to_dict() for g in self.guidance],
        }


class Phase(StrEnum):
    """Where a moment falls on a cut-over timeline."""

    BEFORE = "before_suspension"
    SUSPENDED = "settlement_suspended"
    AFTER = "after_go_live"


def _in(days: int | None, moment: datetime) -> tuple[str, str]:
    """How far ahead ``moment`` is: "in 3 days (…)" / "today at 20:00", Chinese and English."""
    if days == 0:
        hour = clock(moment)[11:]
        return f"：今天 {hour}", f"today at {hour}"
    return f"还有 {days} 天（{clock(moment)}）", f"in {days} days ({clock(moment)})"


def _days(start: datetime, end: datetime) -> int:
    """Calendar days (in China) from ``start`` to ``end``: 0 when both are the same day."""
    return (end.astimezone(CHINA).date() - start.astimezone(CHINA).date()).days


@dataclass(frozen=True)
class Position:
    """Where a check's moment falls on a timeline, and what that means for a sale."""

    timeline: Timeline
    moment: datetime

    @property
    def phase(self) -> Phase:
        if self.moment < self.timeline.suspension.at:
            return Phase.BEFORE
        return Phase.SUSPENDED if self.moment < self.timeline.resumes else Phase.AFTER

    @property
    def suspended(self) -> bool:
        return self.phase is Phase.SUSPENDED

    @property
    def days_to_suspension(self) -> int | None:
        """Calendar days until real-time settlement stops (None once it has)."""
        start = self.timeline.suspension.at
        return _days(self.moment, start) if self.moment < start else None

    @property
    def days_to_go_live(self) -> int | None:
        go_live = self.timeline.go_live.at
        return _days(self.moment, go_live) if self.moment < go_live else None

    def paused(self) -> list[TimelinePoint]:
        """Services paused at this moment (a pause with no stated end lasts until go-live)."""
        return [
            p
            for p in self.timeline.points
            if p.kind == "services_paused"
            and p.at <= self.moment < (p.until or self.timeline.go_live.at)
        ]

    def later_today(self) -> list[tuple[datetime, str, TimelinePoint]]:
        """Starts and ends later on the moment's own day: a plain date is 00:00, so a
        boundary at 20:00 that day is still ahead, and the report says so."""
        today = self.moment.astimezone(CHINA).date()
        return [
            e
            for e in self.timeline.events()
            if e[0] > self.moment and e[0].astimezone(CHINA).date() == today
        ]

    def guidance(self) -> list[Guidance]:
        """The notice's guidance for this phase (none after go-live)."""
        phase = {Phase.BEFORE: "before", Phase.SUSPENDED: "window"}.get(self.phase)
        return [g for g in self.timeline.guidance if g.phase == phase]

    def headline(self) -> tuple[str, str]:
        """One sentence in Chinese and one in English: where the moment falls."""
        t = self.timeline
        start, resumes, live = clock(t.suspension.at), clock(t.resumes), clock(t.go_live.at)
        if self.phase is Phase.BEFORE:
            stop_zh, stop_en = _in(self.days_to_suspension, t.suspension.at)
            live_zh, live_en = _in(self.days_to_go_live, t.go_live.at)
            return (
                f"切换准备期：暂停医保实时结算{stop_zh}，新平台上线{live_zh}。"
                "在此之前照常结算；支付按上线后的规则判断。",
                f"Before the cut-over: real-time settlement stops {stop_en}, the new platform "
                f"goes live {live_en}. Sales settle as usual until then; payment is judged by "
                "the rules after go-live.",
            )
        if self.phase is Phase.SUSPENDED:
            live_zh, live_en = _in(self.days_to_go_live, t.go_live.at)
            after_zh = f"，新平台上线{live_zh}" if self.days_to_go_live is not None else ""
            after_en = f"; go-live {live_en}" if self.days_to_go_live is not None else ""
            return (
                f"医保结算暂停期间（{start} 至 {resumes}）：任何商品都不能医保实时结算，"
                f"每笔销售须全额现金结算{after_zh}。",
                f"Real-time settlement is suspended ({start} to {resumes}): no item settles "
                f"with medical insurance in real time, every sale is paid in full in cash"
                f"{after_en}.",
            )
        back_zh = "实时结算已恢复" if resumes == live else f"实时结算已恢复（{resumes}）"
        back_en = "" if resumes == live else f", real-time settlement back since {resumes}"
        return (
            f"新平台已上线（{live}），{back_zh}：按上线后的支付规则。",
            f"Live since {live}{back_en}: the payment rules after go-live apply.",
        )

    def countdown(self) -> tuple[str, str]:
        """The readiness banner's countdown: to the suspension first, then to go-live."""
        t = self.timeline
        stop_zh, stop_en = _in(self.days_to_suspension, t.suspension.at)
        live_zh, live_en = _in(self.days_to_go_live, t.go_live.at)
        if self.phase is Phase.BEFORE:
            return (
                f"暂停医保实时结算{stop_zh} · 新平台上线{live_zh}",
                f"real-time settlement stops {stop_en} · go-live {live_en}",
            )
        if self.phase is Phase.SUSPENDED:
            zh = f"医保实时结算暂停中（至 {clock(t.resumes)}）"
            en = f"real-time settlement suspended until {clock(t.resumes)}"
            if self.days_to_go_live is not None:
                zh, en = f"{zh} · 新平台上线{live_zh}", f"{en} · go-live {live_en}"
            return zh, en
        return f"新平台已上线（{clock(t.go_live.at)}）", f"live since {clock(t.go_live.at)}"

    def notes(self) -> list[str]:
        """What else the moment means: boundaries later the same day, services paused now."""
        out = []
        for moment, edge, point in self.later_today():
            zh, en = point.label
            if edge == "end":
                zh, en = f"{zh}结束", f"end of: {en}"
            out.append(f"今天 {clock(moment)[11:]} 起{zh} / later today at "
                       f"{clock(moment)[11:]}: {en}")  # fmt: skip
        for point in self.paused():
            end = clock(point.until) if point.until else "另行通知 / to be announced"
            out.append(f"业务暂停中 services paused (至 until {end}): {point.what}".rstrip(": "))
        return out

    def to_dict(self) -> dict[str, Any]:
        zh, en = self.headline()
        return {
            "moment": self.moment.isoformat(),
            "phase": self.phase.value,
            "settles_in_real_time": not self.suspended,
            "suspension_start": self.timeline.suspension.at.isoformat(),
            "suspension_end": self.timeline.resumes.isoformat(),
            "go_live": self.timeline.go_live.at.isoformat(),
            "days_to_suspension": self.days_to_suspension,
            "days_to_go_live": self.days_to_go_live,
            "headline": zh,
            "headline_en": en,
            "countdown": self.countdown()[0],
            "countdown_en": self.countdown()[1],
            "notes": self.notes(),
            "suspension_quote": self.timeline.suspension.quote,
            "suspension_source": self.timeline.suspension.source,
            "guidance": [g.to_dict() for g in self.guidance()],
        }


def position(timeline: Timeline | None, when: date | datetime) -> Position | None:
    """Where ``when`` falls on ``timeline`` (None without a timeline)."""
    return Position(timeline, as_moment(when)) if timeline else None


def suspended_columns(funds: Sequence[str]) -> list[pl.Expr]:
    """Every fund's payability inside the window: not payable, ``PAY005``, for every item."""
    return [
        expr
        for fund in funds
        for expr in (
            pl.lit(False).alias(f"{fund}_payable"),
            pl.lit(SUSPENDED_REASON, pl.String).alias(f"{fund}_reason"),
            pl.lit(SUSPENDED_RULE, pl.String).alias(f"{fund}_policy_rule"),
        )
    ]
