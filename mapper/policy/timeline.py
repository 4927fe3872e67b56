"""The cut-over timeline of a notice, as data: when services pause, when real-time settlement
stops and starts again, when the new platform goes live, and what a patient does meanwhile —
each point with the sentence of the notice it comes from.

Where a check's moment falls on it (:func:`position`) decides what a sale means: before the
suspension, prepare (findings as today, payment judged by the rules after go-live); inside the
window nothing settles in real time (every sale is cash, reason ``PAY005``); from the end of the
window, the payment rules. Times are China Standard Time (UTC+8) unless they carry an offset,
and a plain date means 00:00 of that day, so ``2021-10-22`` is before a suspension at 20:00.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from typing import Any

import polars as pl

from mapper.errors import ConfigError

CHINA = timezone(timedelta(hours=8), "UTC+8")

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

# A moment as the notices write it: 2022年2月14日24时, 2021年10月22日20时起, 2022年2月15日起.
NOTICE_MOMENT = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:(\d{1,2})时)?")


def parse_moment(text: str) -> date | datetime:
    """``YYYY-MM-DD`` as a date; ``YYYY-MM-DDTHH:MM[:SS][±HH:MM]`` (or a space for the T) as a
    date-time. ``24:00`` is the end of the day, as the notices write it (2022-02-14T24:00 is
    2022-02-15T00:00). Raises ValueError with what is accepted."""
    value = text.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        day, sep, clock = value.replace(" ", "T", 1).partition("T")
        if sep and re.match(r"24:00(:00)?(?![\d:])", clock):
            rest = clock[5:].removeprefix(":00")
            moment = datetime.fromisoformat(f"{day}T00:00{rest}")
            return moment + timedelta(days=1)
        if not sep:
            raise ValueError
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"'{text}' is not a date (YYYY-MM-DD) or a date-time (YYYY-MM-DDTHH:MM, "
            "optionally with an offset such as +08:00)"
        ) from None


def as_moment(value: date | datetime) -> datetime:
    """A date or date-time as an aware date-time: a plain date is 00:00 of that day and a
    date-time without an offset is China Standard Time (UTC+8), the notices' clock."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=CHINA)
    return datetime.combine(value, time(), CHINA)


def china_date(value: date | datetime) -> date:
    """The calendar day of ``value`` in China (code validity is judged by day)."""
    return as_moment(value).astimezone(CHINA).date()


def stated_moments(quote: str) -> set[datetime]:
    """The moments a notice sentence states (``2022年2月14日24时`` is 2022-02-15 00:00)."""
    found = set()
    for year, month, day, hour in NOTICE_MOMENT.findall(quote):
        try:
            start = datetime(int(year), int(month), int(day), tzinfo=CHINA)
        except ValueError:
            continue
        found.add(start + timedelta(hours=int(hour or 0)))
    return found


def _clock(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


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
        clock = _clock(moment)[11:]
        return f"：今天 {clock}", f"today at {clock}"
    return f"还有 {days} 天（{_clock(moment)}）", f"in {days} days ({_clock(moment)})"


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
        start, resumes, live = _clock(t.suspension.at), _clock(t.resumes), _clock(t.go_live.at)
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
            zh = f"医保实时结算暂停中（至 {_clock(t.resumes)}）"
            en = f"real-time settlement suspended until {_clock(t.resumes)}"
            if self.days_to_go_live is not None:
                zh, en = f"{zh} · 新平台上线{live_zh}", f"{en} · go-live {live_en}"
            return zh, en
        return f"新平台已上线（{_clock(t.go_live.at)}）", f"live since {_clock(t.go_live.at)}"

    def notes(self) -> list[str]:
        """What else the moment means: boundaries later the same day, services paused now."""
        out = []
        for moment, edge, point in self.later_today():
            zh, en = point.label
            if edge == "end":
                zh, en = f"{zh}结束", f"end of: {en}"
            out.append(f"今天 {_clock(moment)[11:]} 起{zh} / later today at "
                       f"{_clock(moment)[11:]}: {en}")  # fmt: skip
        for point in self.paused():
            end = _clock(point.until) if point.until else "另行通知 / to be announced"
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


# --- reading a profile's [timeline] -------------------------------------------------------


def _moment(value: Any, where: str, key: str) -> datetime:
    if isinstance(value, str):
        try:
            value = parse_moment(value)
        except ValueError as exc:
            raise ConfigError(f"{where}: {key}: {exc}") from None
    if not isinstance(value, date):
        raise ConfigError(
            f"{where}: {key} must be a date-time such as 2022-02-10T23:00:00+08:00, not {value!r}"
        )
    return as_moment(value)


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} is required (the notice's sentence and its source)")
    return value


def _stated(moment: datetime | date, quote: str, where: str, key: str) -> None:
    """A point's moment must be one its quote states, where the quote states any."""
    stated = stated_moments(quote)
    if isinstance(moment, datetime):
        ok = moment in stated
        shown = _clock(moment)
    else:
        ok = moment in {s.date() for s in stated}
        shown = moment.isoformat()
    if stated and not ok:
        said = ", ".join(sorted(_clock(s) for s in stated))
        raise ConfigError(f"{where}: {key} {shown} is not what its quote says ({said})")


def _point(data: dict[str, Any], where: str) -> TimelinePoint:
    kind = data.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    where = f"{where} ({kind})"
    if "at" not in data:
        raise ConfigError(f"{where}: at is required (when it happens)")
    at = _moment(data["at"], where, "at")
    until = _moment(data["until"], where, "until") if "until" in data else None
    quote, source = _text(data, "quote", where), _text(data, "source", where)
    if until is not None and until <= at:
        raise ConfigError(f"{where}: until {_clock(until)} must be after at {_clock(at)}")
    _stated(at, quote, where, "at")
    if until is not None:
        _stated(until, quote, where, "until")
    return TimelinePoint(kind, at, quote, source, until, str(data.get("what", "")))


def _guidance(data: dict[str, Any], where: str) -> Guidance:
    where = f"{where} {data.get('id', '?')}"
    phase = data.get("phase", "window")
    if phase not in GUIDANCE_PHASES:
        raise ConfigError(f"{where}: phase must be one of {', '.join(GUIDANCE_PHASES)}")
    quote, source = _text(data, "quote", where), _text(data, "source", where)
    keep = data.get("keep", [])
    if not isinstance(keep, list) or not all(isinstance(k, str) for k in keep):
        raise ConfigError(f"{where}: keep must be a list of documents")
    # Documents and the way to claim are quoted, never paraphrased: each must be in the quote.
    for said in [*keep, data.get("claim", "")]:
        if said not in quote:
            raise ConfigError(f"{where}: '{said}' is not in its quote; name it as the notice does")
    deadline = data.get("deadline")
    if deadline is not None:
        if isinstance(deadline, datetime) or not isinstance(deadline, date):
            raise ConfigError(f"{where}: deadline must be a date such as 2022-12-31")
        _stated(deadline, quote, where, "deadline")
    return Guidance(
        id=_text(data, "id", where),
        phase=phase,
        who=_text(data, "who", where),
        does=_text(data, "does", where),
        quote=quote,
        source=source,
        keep=tuple(keep),
        claim=str(data.get("claim", "")),
        deadline=deadline,
    )


def _ordered(points: Iterable[TimelinePoint], where: str) -> tuple[TimelinePoint, ...]:
    points = tuple(sorted(points, key=lambda p: p.at))
    for kind in ONCE:
        count = sum(p.kind == kind for p in points)
        if count != 1:
            raise ConfigError(f"{where}: a timeline needs exactly one {kind} point (has {count})")
    timeline = Timeline(points)
    start, live = timeline.suspension, timeline.go_live
    if not start.at < live.at:
        raise ConfigError(
            f"{where}: settlement_suspended ({_clock(start.at)}) must come before go_live "
            f"({_clock(live.at)})"
        )
    if start.until is not None and start.until < live.at:
        raise ConfigError(
            f"{where}: settlement_suspended ends ({_clock(start.until)}) before go_live "
            f"({_clock(live.at)}): real-time settlement resumes on the new platform"
        )
    return points


def load_timeline(data: Any, where: str) -> Timeline | None:
    """The ``[timeline]`` table of a profile (``where`` names the file), validated."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: timeline must be a table with [[timeline.points]]")
    where = f"{where}: timeline"
    raw_points, raw_guidance = data.get("points", []), data.get("guidance", [])
    points = _ordered((_point(p, f"{where} point {i}") for i, p in enumerate(raw_points, 1)), where)
    guidance = tuple(_guidance(g, f"{where} guidance") for g in raw_guidance)
    go_live = Timeline(points).go_live.at
    for g in guidance:
        if g.deadline and g.deadline < go_live.astimezone(CHINA).date():
            raise ConfigError(f"{where} guidance {g.id}: deadline {g.deadline} is before go-live")
    return Timeline(points, guidance)
