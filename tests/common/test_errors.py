"""An error over many rows reads as a lead would want it: one line for a run of rows with one problem."""

from __future__ import annotations

from common.errors import InputIssue, InvalidInput


def test_a_run_of_rows_with_one_problem_is_one_line_with_its_count_and_first_values() -> None:
    reason = "not an ISO-8601 time; give its format with --time-format"
    bad = [
        InputIssue(reason, "export.csv", row, "Created at", f"{20 + row % 5}/07/2026 00:09")
        for row in range(2, 202)
    ]
    text = str(InvalidInput([*bad, InputIssue("unknown queue", "export.csv", 7, "Channel", "Fax")]))
    assert text.splitlines() == [
        "export.csv, rows 2–201 (200 rows), column 'Created at': not an ISO-8601 time; give its format with "
        "--time-format (values '22/07/2026 00:09', '23/07/2026 00:09', …)",
        "export.csv, row 7, column 'Channel': unknown queue (value 'Fax')",
    ]


def test_a_few_rows_keep_a_line_each_and_rows_apart_are_listed() -> None:
    two = [InputIssue("empty", "f.csv", row, "ds") for row in (2, 3)]
    assert str(InvalidInput(two)).splitlines() == [
        "f.csv, row 2, column 'ds': empty",
        "f.csv, row 3, column 'ds': empty",
    ]
    apart = [InputIssue("empty", "f.csv", row, "ds") for row in (2, 5, 9, 11)]
    assert str(InvalidInput(apart)) == "f.csv, rows 2, 5, 9, … (4 rows), column 'ds': empty"
