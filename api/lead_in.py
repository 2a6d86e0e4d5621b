"""What the edge tells a lead about the steps before a roster: the contacts carried into the week, and a
forecast that does not start on the team's week start.

`scheduler.with_lead_in` carries the async queues' contacts of the history's last response window
into the week, and silently carries nothing when the history ends before that window (a history a
week old) or has none of a queue's contacts. `carried_in_note` says so in words, naming the day
the history ends. `week_start_note` gives the very words `wfm roster` refuses such a week with.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from common.errors import InvalidInput
from common.timegrid import zone
from scheduler import Team, planning_week


def _when(instant: datetime, tz: str) -> str:
    return f"{instant.astimezone(zone(tz)):%A %Y-%m-%d %H:%M}"


def _hours(hours: float) -> str:
    return f"{hours:g} hour" + ("" if hours == 1 else "s")


def carried_in_note(
    forecast: pd.DataFrame, history: pd.DataFrame, team: Team, planned: pd.DataFrame
) -> str | None:
    """Why no contacts are carried into the week for some async queue, in a lead's words, or None when
    every async queue carries some in (or the team has none).

    Args:
        forecast: the forecast contract (`ds` UTC).
        history: the contact-history contract the contacts were to come from.
        team: the team (its async queues and their `response_hours`; its zone for the days named).
        planned: `with_lead_in(forecast, history, team)`.
    """
    async_queues = [q for q in team.queues if not q.is_live]
    if forecast.empty or not async_queues:
        return None
    carried = (
        set(planned.loc[planned["lead_in"].astype(bool), "queue"].astype(str))
        if "lead_in" in planned
        else set()
    )
    missing = [q for q in async_queues if q.name not in carried]
    if not missing:
        return None
    first = pd.to_datetime(forecast["ds"], utc=True).min().to_pydatetime()
    if history.empty:
        history = pd.DataFrame({"ds": pd.Series(dtype="datetime64[ns, UTC]"), "queue": pd.Series(dtype=str)})
    ds = pd.to_datetime(history["ds"], utc=True)
    reasons = []
    for queue in missing:
        before = ds[(history["queue"].astype(str) == queue.name).to_numpy() & (ds < first).to_numpy()]
        if before.empty:
            reasons.append(
                f"{queue.name}: the history has no {queue.name} contacts before the forecast begins"
            )
            continue
        since = first - timedelta(hours=queue.response_hours)
        reasons.append(
            f"{queue.name}: the history ends on {_when(before.max().to_pydatetime(), team.tz)}, before the "
            f"{_hours(queue.response_hours)} that would be carried in (from {_when(since, team.tz)})"
        )
    return (
        f"nothing is carried into the week for {', '.join(q.name for q in missing)}: the forecast begins on "
        f"{_when(first, team.tz)} ({team.tz}); "
        + "; ".join(reasons)
        + ". Give a history that runs up to the "
        "forecast's start to carry its backlog into the week"
    )


def forecast_first_day(forecast: pd.DataFrame, team: Team) -> date | None:
    """The team-local day a forecast (or requirements) frame begins on (rows marked `lead_in` aside)."""
    rows = forecast
    if "lead_in" in forecast.columns:
        rows = forecast[~forecast["lead_in"].astype(bool).to_numpy()]
    if rows.empty:
        return None
    first: pd.Timestamp = pd.to_datetime(rows["ds"], utc=True).min()
    return first.tz_convert(zone(team.tz).key).date()


def week_start_note(team: Team, first_day: date) -> str | None:
    """What `wfm roster` would say of a week beginning on `first_day` (not the team's week start:
    the days to use), or None when the day is the team's week start."""
    try:
        planning_week(team, first_day)
    except InvalidInput as exc:
        return str(exc)
    return None
