"""`wfm team init` names the row of the sheet of agents a bad name is on, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli import app
from api.importers.agents import name_problem


def init(agents: Path, out: Path) -> tuple[int, str]:
    """`wfm team init` of the sheet `agents` into `out`."""
    args = [
        "team",
        "init",
        "--agents",
        str(agents),
        "--name",
        "T",
        "--tz",
        "Europe/London",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


LAST_WEEKS = "the team file of last week\n"


def init_over_last_weeks(tmp_path: Path, rows: str) -> tuple[Path, Path, int, str]:
    """`wfm team init` of a CSV sheet of `rows` over last week's team file: the sheet, the team file,
    the exit code and the output."""
    sheet = tmp_path / "agents.csv"
    sheet.write_text(rows, encoding="utf-8")
    out = tmp_path / "team.yaml"
    out.write_text(LAST_WEEKS, encoding="utf-8")
    return sheet, out, *init(sheet, out)


def test_a_name_with_a_direction_override_names_the_input_row_and_writes_nothing(tmp_path: Path) -> None:
    sheet, out, code, output = init_over_last_weeks(
        tmp_path, "name,id,skills\nDora,a1,email\nAna\u202eRTL,a2,email\n"
    )
    assert code == 2
    assert (
        f"{sheet}, row 3, column 'name': holds a control or invisible character ('\\u202e', character 4): "
        "write it on one line, without tabs, line breaks, direction marks or zero-width spaces "
        "(value 'Ana\\u202eRTL')"
    ) in " ".join(output.split())
    assert "Value error" not in output
    assert "agents.1" not in output
    assert str(out) not in output
    assert "\u202e" not in output  # the override is shown escaped, never applied to the terminal
    assert out.read_text(encoding="utf-8") == LAST_WEEKS


def test_a_bad_name_in_a_workbook_names_the_sheet_row_and_header(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Agents"
    book.active.append(["Name", "Zone", "Skills"])
    book.active.append(["Maya", "Europe/Londn", "email"])
    book.active.append(["Bob\u200bZW", "Europe/Londn", "email"])
    sheet = tmp_path / "agents.xlsx"
    book.save(sheet)
    out = tmp_path / "team.yaml"
    code, output = init(sheet, out)
    assert code == 2
    text = " ".join(output.split())
    assert f"{sheet}, sheet 'Agents', row 3, column 'Name': holds a control or invisible character" in text
    assert "Maya: unknown time zone" in text
    # the row's other issues name the agent without repeating the bad name
    assert f"{sheet}, sheet 'Agents', row 3, column 'Zone': agent: unknown time zone" in text
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Maya López", None),
        ("\u3164", "is blank (nothing a reader sees): give a name"),
        ("Tab\there", "holds a control or invisible character ('\\t', character 4)"),
        ("x" * 201, "must be at most 200 characters"),
    ],
)
def test_names_are_checked_by_the_team_files_rules(name: str, problem: str | None) -> None:
    found = name_problem(name)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert found.startswith(problem)


def test_a_team_file_that_would_not_read_is_not_written_over_the_last_one(tmp_path: Path) -> None:
    """An id the sheet's check lets by and the team file refuses (it must start with a letter or digit)."""
    _, out, code, output = init_over_last_weeks(tmp_path, "name,id,skills\nDora,-a1,email\n")
    assert code == 2
    assert f"{out} (not written)" in output
    assert out.read_text(encoding="utf-8") == LAST_WEEKS
