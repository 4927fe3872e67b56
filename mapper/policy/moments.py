"""Moments on a cut-over timeline: how ``--as-of`` and the notices write them.

Times are China Standard Time (UTC+8), the notices' clock, unless they carry an offset; a plain
date is 00:00 of that day, so ``2021-10-22`` is before a suspension at 20:00 that day; ``24:00``
(24时) is the end of a day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "UTC+8")

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
        day, sep, hours = value.replace(" ", "T", 1).partition("T")
        if sep and re.match(r"24:00(:00)?(?![\d:])", hours):
            rest = hours[5:].removeprefix(":00")
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


def clock(moment: datetime) -> str:
    """``2021-10-22 20:00``: a moment as China reads it."""
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
