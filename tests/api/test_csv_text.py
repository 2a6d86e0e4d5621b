"""CSV exports open right in a spreadsheet (UTF-8 marked, times it reads as times, no live formula)
and still read back: by our readers, by pandas, by Python's csv module, after a spreadsheet saved them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from api.csv_text import CSV_ENCODING, delimiter_of
from api.exports import comparison_csv_bytes, frame_csv_bytes, roster_csv_bytes
from api.formats import (
    ROSTER_COLUMNS,
    ROSTER_CSV_COLUMNS,
    coverage_csv_frame,
    read_requirements,
    read_roster,
    write_frame_csv,
    write_roster_csv,
)
from api.schemas import team_from_mapping
from scheduler import Roster, Shift, Team
from tests.api.service.conftest import tiny_team

BOM = b"\xef\xbb\xbf"
MONDAY = date(2027, 3, 22)  # Lisbon's clocks go forward on Sunday 28 March, 01:00 UTC
FORMULA_NAME = '=HYPERLINK("http://evil.example","x")'


def team(first_name: str = "Andrés Muñoz") -> Team:
    mapping = tiny_team()
    mapping["tz"] = "Europe/Lisbon"
    mapping["agents"][0].update(name=first_name, tz="Europe/Lisbon")
    mapping["agents"][1].update(name="João Conceição", tz="America/Bogota")
    return team_from_mapping(mapping)


def roster(the_team: Team) -> Roster:
    return Roster(
        the_team.name,
        MONDAY,
        (
            # Sunday of the change: 06:00-14:00 in Lisbon, now on summer time
            Shift("a1", date(2027, 3, 28), datetime(2027, 3, 28, 5, tzinfo=UTC), datetime(2027, 3, 28, 13, tzinfo=UTC), "email"),
            # Bogota: 20:00 on Tuesday to 04:00 on Wednesday
            Shift("a2", date(2027, 3, 23), datetime(2027, 3, 24, 1, tzinfo=UTC), datetime(2027, 3, 24, 9, tzinfo=UTC), "email"),
        ),
    )  # fmt: skip


def test_a_roster_csv_is_utf8_with_a_byte_order_mark_and_reads_back(tmp_path: Path) -> None:
    the_team = team()
    path = tmp_path / "roster.csv"
    write_roster_csv(roster(the_team), the_team, path)
    data = path.read_bytes()
    assert data.startswith(BOM + b"agent_id,")
    assert "Andrés Muñoz" in data.decode("utf-8-sig")
    assert data == roster_csv_bytes(roster(the_team), the_team)  # the CLI's file is the service's
    assert read_roster(path, the_team).shifts == roster(the_team).shifts
    assert tuple(pd.read_csv(path).columns) == ROSTER_CSV_COLUMNS  # pandas drops the mark itself
    with path.open(encoding=CSV_ENCODING, newline="") as text:
        assert next(csv.DictReader(text))["agent_name"] == "Andrés Muñoz"


def test_local_times_are_each_agents_wall_clock_as_a_spreadsheet_reads_a_date_and_time() -> None:
    frame = pd.read_csv(io.BytesIO(roster_csv_bytes(roster(team()), team())), dtype=str)
    shifts = {str(r["agent_id"]): r for r in frame[frame["activity"] == "shift"].to_dict("records")}
    assert [shifts["a1"][c] for c in ("start", "local_start", "local_end")] == [
        "2027-03-28T06:00:00+01:00",
        "2027-03-28 06:00",
        "2027-03-28 14:00",
    ]
    assert [shifts["a2"][c] for c in ("local_date", "local_start", "local_end")] == [
        "2027-03-23",
        "2027-03-23 20:00",
        "2027-03-24 04:00",
    ]
    assert list(frame.columns[: len(ROSTER_COLUMNS)]) == list(ROSTER_COLUMNS)  # the contract comes first


def test_a_roster_a_spreadsheet_saved_with_semicolons_reads_back(tmp_path: Path) -> None:
    """Excel in a decimal-comma locale saves ';' between fields and its own date format for the
    times it read; the ISO columns it kept as text are what is read."""
    the_team = team()
    frame = pd.read_csv(io.BytesIO(roster_csv_bytes(roster(the_team), the_team)), dtype=str)
    frame["local_start"] = pd.to_datetime(frame["local_start"]).dt.strftime("%d/%m/%Y %H:%M")
    path = tmp_path / "edited.csv"
    path.write_bytes(frame.to_csv(index=False, sep=";").encode(CSV_ENCODING))
    assert read_roster(path, the_team).shifts == roster(the_team).shifts
    path.write_bytes(frame.to_csv(index=False, sep=";").encode("utf-8"))  # without the mark too
    assert read_roster(path, the_team).shifts == roster(the_team).shifts


@pytest.mark.parametrize(
    ("line", "separator"),
    [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("a;b,c", ","), ("only", ","), ('"x;y",z', ",")],
)
def test_the_separator_is_the_one_that_splits_the_header_most(line: str, separator: str) -> None:
    assert delimiter_of(line) == separator


def test_every_cell_of_a_roster_csv_stays_text_in_a_spreadsheet() -> None:
    the_team = team(FORMULA_NAME)
    text = roster_csv_bytes(roster(the_team), the_team).decode(CSV_ENCODING)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + FORMULA_NAME in cells
    assert FORMULA_NAME not in cells


def test_coverage_csv_shows_each_interval_on_the_teams_wall_clock(tmp_path: Path) -> None:
    ds = pd.to_datetime(["2027-03-28T00:45:00Z", "2027-03-28T01:00:00Z"], utc=True)
    coverage = pd.DataFrame({"queue": "email", "ds": ds, "need": [1.5, 2.25]})
    path = tmp_path / "coverage.csv"
    write_frame_csv(coverage_csv_frame(coverage, "Europe/Lisbon"), path)
    assert path.read_bytes().startswith(BOM + b"queue,ds,local_ds,need\n")
    back = pd.read_csv(path, dtype=str)
    assert back["ds"].tolist() == ["2027-03-28T00:45:00Z", "2027-03-28T01:00:00Z"]
    assert back["local_ds"].tolist() == ["2027-03-28 00:45", "2027-03-28 02:00"]  # the clocks went forward


def test_every_csv_writer_marks_utf8_and_our_readers_read_it(tmp_path: Path) -> None:
    requirements = pd.DataFrame(
        {
            "queue": ["email"],
            "ds": pd.to_datetime(["2027-03-22T09:00:00Z"], utc=True),
            "volume": [4.0],
            "aht_s": [300.0],
            "required": [1.0],
            "scheduled_needed": [1.25],
        }
    )
    path = tmp_path / "requirements.csv"
    write_frame_csv(requirements, path)
    assert path.read_bytes().startswith(BOM)
    assert read_requirements(path)["scheduled_needed"].tolist() == [1.25]
    assert frame_csv_bytes(requirements).startswith(BOM + b"queue,ds,")
    comparison = comparison_csv_bytes(
        [{"scenario": "Sofía +20 %", "depth": "staffing", "service_level": 0.8}]
    )
    assert comparison.startswith(BOM + b"scenario,depth,service_level")
    assert "Sofía" in comparison.decode(CSV_ENCODING)
