"""The month view of meetings: which month is asked for, its weeks (Monday first, as in
Germany), and the meetings in it that the visitor may see, in one query whatever their
number."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sw_gremien.i18n import local_to_utc, to_local
from sw_gremien.meetings import services
from sw_gremien.meetings.models import Meeting

MONTH_PARAMETER = re.compile(r"(\d{4})-(\d{1,2})")
# Months outside these years are not offered (nor asked for by anything but a typo).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_month(value: str | None, today: dt.date) -> dt.date:
    """The first day of the month in ``?monat=2026-11``; the current month for anything else."""
    match = MONTH_PARAMETER.fullmatch((value or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return dt.date(year, month, 1)
    return today.replace(day=1)


def shift_month(first: dt.date, months: int) -> dt.date | None:
    """The first day of the month ``months`` away, None outside the offered years."""
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1) if FIRST_YEAR <= year <= LAST_YEAR else None


def month_weeks(first: dt.date) -> list[list[dt.date]]:
    """The weeks that show the month, Monday to Sunday, with the neighbouring months' days."""
    return calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(first.year, first.month)


def month_meetings(request, first: dt.date) -> list[Meeting]:
    """The month's meetings (by Stuttgart's calendar) that the visitor may see."""
    after = shift_month(first, 1) or dt.date(first.year + 1, 1, 1)
    return list(request.dbsession.scalars(
        select(Meeting).where(
            Meeting.starts_at >= local_to_utc(first), Meeting.starts_at < local_to_utc(after),
            services.visible_condition(request),
        ).options(selectinload(Meeting.body)).order_by(Meeting.starts_at, Meeting.id)
    ))


def by_day(meetings: list[Meeting]) -> dict[dt.date, list[Meeting]]:
    days = defaultdict(list)
    for meeting in meetings:
        days[to_local(meeting.starts_at).date()].append(meeting)
    return dict(days)
