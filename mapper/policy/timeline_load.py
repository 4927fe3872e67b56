"""Reading a profile's ``[timeline]``: the points and guidance, validated, every problem one
:class:`~mapper.errors.ConfigError` naming the file."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from mapper.errors import ConfigError
from mapper.policy.moments import as_moment, china_date, clock, parse_moment, stated_moments
from mapper.policy.timeline import GUIDANCE_PHASES, KINDS, ONCE, Guidance, Timeline, TimelinePoint


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
        shown = clock(moment)
    else:
        ok = moment in {s.date() for s in stated}
        shown = moment.isoformat()
    if stated and not ok:
        said = ", ".join(sorted(clock(s) for s in stated))
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
        raise ConfigError(f"{where}: until {clock(until)} must be after at {clock(at)}")
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
            f"{where}: settlement_suspended ({clock(start.at)}) must come before go_live "
            f"({clock(live.at)})"
        )
    if start.until is not None and start.until < live.at:
        raise ConfigError(
            f"{where}: settlement_suspended ends ({clock(start.until)}) before go_live "
            f"({clock(live.at)}): real-time settlement resumes on the new platform"
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
        if g.deadline and g.deadline < china_date(go_live):
            raise ConfigError(f"{where} guidance {g.id}: deadline {g.deadline} is before go-live")
    return Timeline(points, guidance)
