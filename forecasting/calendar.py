"""Special days: public holidays per region and the user's events and closures.

A region (an IANA zone) keeps the public holidays of its country, found in zone.tab. Where a
country's holidays differ by subdivision and the zone's users live in one of them (or nearly all
in one), the zone keeps that subdivision's holidays: a holiday calendar is named as ISO 3166-2
writes a subdivision, `GB-ENG`, or by the country alone, `PT` (`ZONE_SUBDIVISIONS`).

Zones are mapped only where that choice is clear:

- Europe/London: England (GB-ENG). England and Wales keep the same bank holidays and are nine in
  ten of the UK's people; GB alone holds only the days all four nations share, without Easter
  Monday or the August bank holiday. A team serving Scotland or Northern Ireland names GB-SCT or
  GB-NIR for the region (`holiday_countries`).
- Australia, Canada: each state's or province's own zone, by the zone.tab comment (Sydney: NSW,
  Melbourne: VIC, Vancouver: BC ...). America/Toronto is left to the federal list: it is the clock
  of both Ontario and Quebec, whose holidays differ.
- Islands and enclaves with their own holidays: Madeira (PT-30), the Azores (PT-20), the Canaries
  (ES-CN), the Chatham Islands (NZ-CIT), Büsingen (DE-BW).
- Not mapped: the United States (a zone spans many states, and the federal holidays are the ones
  that move contact volume nationwide), and every zone that is a country's only one or spans
  several subdivisions (Europe/Madrid, Europe/Berlin, America/Sao_Paulo ...): the national list.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from common.errors import InvalidInput
from common.timegrid import UTC, local_day_start_utc, zone

SpecialKind = Literal["closed", "event"]


@dataclass(frozen=True)
class SpecialDay:
    """A day (or part of one) that is not ordinary for a queue, in the team's local time.

    `kind="closed"`: the queue takes no contacts (forecast zero). `kind="event"`: expected
    volume is `multiplier` times an ordinary day (a launch: 1.5). `start`/`end` limit it to
    part of the day (`end` None: until midnight); `queue`/`region` None: every queue/region.
    Past special days are left out of fitting so they do not bend the ordinary pattern.
    """

    day: date
    kind: SpecialKind = "closed"
    multiplier: float = 1.0
    queue: str | None = None
    region: str | None = None
    start: time | None = None
    end: time | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("closed", "event"):
            raise InvalidInput(f"special day {self.day}: kind {self.kind!r} must be 'closed' or 'event'")
        if not self.multiplier >= 0:
            raise InvalidInput(f"special day {self.day}: multiplier {self.multiplier} must be 0 or more")

    def applies_to(self, queue: str, region: str) -> bool:
        """Whether this special day concerns series (`queue`, `region`)."""
        return (self.queue is None or self.queue == queue) and (self.region is None or self.region == region)

    def span_utc(self, team_tz: str) -> tuple[datetime, datetime]:
        """The UTC instants the special day starts and ends, read in the team's zone."""
        tz = zone(team_tz)
        start = (
            local_day_start_utc(self.day, tz)
            if self.start is None
            else datetime.combine(self.day, self.start, tzinfo=tz).astimezone(UTC)
        )
        end = (
            local_day_start_utc(self.day + timedelta(days=1), tz)
            if self.end is None
            else datetime.combine(self.day, self.end, tzinfo=tz).astimezone(UTC)
        )
        if end <= start:
            raise InvalidInput(f"special day {self.day}: end {self.end} must be after start {self.start}")
        return start, end


def tzdata_text(name: str) -> str:
    """A file of the IANA time-zone data (`zone.tab`, `tzdata.zi`), from the tzdata package or the
    system; empty when neither has it."""
    try:
        return importlib.resources.files("tzdata").joinpath("zoneinfo", name).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        path = Path("/usr/share/zoneinfo") / name
        return path.read_text("utf-8") if path.is_file() else ""


@lru_cache(maxsize=1)
def _zone_table() -> tuple[tuple[str, str], ...]:
    """(country code, zone) rows of zone.tab, in its order: by country, most populous zone first
    where geography allows."""
    rows: list[tuple[str, str]] = []
    for line in tzdata_text("zone.tab").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            rows.append((parts[0], parts[2]))
    return tuple(rows)


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    return {tz: country for country, tz in _zone_table()}


def zones_of_country(country: str) -> tuple[str, ...]:
    """The IANA zones of an ISO country code, in zone.tab's order ('GB' → ('Europe/London',))."""
    code = country.upper()
    return tuple(tz for cc, tz in _zone_table() if cc == code)


def country_of_zone(tz: str) -> str | None:
    """The ISO country code whose users keep the clock of zone `tz` ('Europe/London' → 'GB'), if known."""
    return _zone_countries().get(tz)


# zone → the subdivision (as the `holidays` package names it) whose public holidays its users keep,
# where the country's holidays differ by subdivision; see the module's docstring for the choices
ZONE_SUBDIVISIONS: dict[str, str] = {
    "Europe/London": "ENG",
    "Australia/Sydney": "NSW",
    "Australia/Broken_Hill": "NSW",
    "Australia/Lord_Howe": "NSW",
    "Australia/Melbourne": "VIC",
    "Australia/Brisbane": "QLD",
    "Australia/Lindeman": "QLD",
    "Australia/Adelaide": "SA",
    "Australia/Darwin": "NT",
    "Australia/Perth": "WA",
    "Australia/Eucla": "WA",
    "Australia/Hobart": "TAS",
    "America/Vancouver": "BC",
    "America/Edmonton": "AB",
    "America/Regina": "SK",
    "America/Swift_Current": "SK",
    "America/Winnipeg": "MB",
    "America/Halifax": "NS",
    "America/Glace_Bay": "NS",
    "America/Moncton": "NB",
    "America/St_Johns": "NL",
    "America/Goose_Bay": "NL",
    "America/Whitehorse": "YT",
    "America/Dawson": "YT",
    "Atlantic/Madeira": "30",
    "Atlantic/Azores": "20",
    "Atlantic/Canary": "CN",
    "Pacific/Chatham": "CIT",
    "Europe/Busingen": "BW",
}


def holiday_calendar_of_zone(tz: str) -> str | None:
    """The public-holiday calendar of zone `tz`'s users: its country's, or its subdivision's where
    `ZONE_SUBDIVISIONS` names one ('Europe/London' → 'GB-ENG', 'Europe/Lisbon' → 'PT')."""
    country = country_of_zone(tz)
    if country is None:
        return None
    subdivision = ZONE_SUBDIVISIONS.get(tz)
    return country if subdivision is None else f"{country}-{subdivision}"


def split_calendar(calendar: str) -> tuple[str, str | None]:
    """'GB-ENG' → ('GB', 'ENG'); 'PT' → ('PT', None). The country part is upper-cased."""
    country, _, subdivision = calendar.strip().partition("-")
    return country.upper(), subdivision or None


@lru_cache(maxsize=256)
def _holiday_table(
    country: str, subdivision: str | None, first_year: int, last_year: int
) -> tuple[tuple[date, str], ...]:
    import holidays  # imported here: the package is large and only needed when forecasting

    try:
        table = holidays.country_holidays(country, subdiv=subdivision, years=range(first_year, last_year + 1))
    except NotImplementedError as exc:
        # a country the package does not know has no holidays; a subdivision it does not know is a mistake
        if subdivision is None:
            return ()
        raise InvalidInput(
            f"no public holidays are known for subdivision {subdivision!r} of {country}: {exc}"
        ) from exc
    return tuple(sorted((day, str(name)) for day, name in table.items()))


def public_holidays(calendar: str | None, first: date, last: date) -> dict[date, str]:
    """Public holidays of a country ('PT') or a country's subdivision ('GB-ENG', ISO 3166-2) between
    `first` and `last` (inclusive), with their names."""
    if calendar is None:
        return {}
    country, subdivision = split_calendar(calendar)
    table = _holiday_table(country, subdivision, first.year, last.year)
    return {day: name for day, name in table if first <= day <= last}


HolidayAction = Literal["add", "remove"]


@dataclass(frozen=True)
class HolidayChange:
    """A user's change to a region's public holidays: a day added (a local holiday) or removed.

    `region` None: every region. The day is on the region's own calendar.
    """

    day: date
    action: HolidayAction = "add"
    name: str = ""
    region: str | None = None

    def __post_init__(self) -> None:
        if self.action not in ("add", "remove"):
            raise InvalidInput(f"holiday {self.day}: action {self.action!r} must be 'add' or 'remove'")


def region_holidays(
    region: str, first: date, last: date, *, country: str | None, changes: Sequence[HolidayChange] = ()
) -> dict[date, str]:
    """The holidays a region's forecast uses between `first` and `last`: its country's (or the
    country's subdivision's, 'GB-ENG'), as changed."""
    table = public_holidays(country, first, last)
    for change in changes:
        if change.region not in (None, region) or not first <= change.day <= last:
            continue
        if change.action == "add":
            table[change.day] = change.name or "holiday"
        else:
            table.pop(change.day, None)
    return dict(sorted(table.items()))
