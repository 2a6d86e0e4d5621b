"""The one exception hierarchy of the libraries (forecasting/ and scheduler/ raise these)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

MAX_VALUE_CHARS = 200  # a bad value is shown at most this long: a 15 MB cell is not echoed back
MAX_REASON_CHARS = 2_000  # a reason quoting a value is cut the same way


def cut_short(text: str, limit: int) -> str:
    """`text`, or its first `limit` characters less one and "…" when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class InputIssue:
    """One thing wrong with an input: where it is and why it is wrong.

    `row` is the row as a spreadsheet shows it: the header is row 1, the first data row is 2.
    `sheets` lists a workbook's sheets when the issue is which one to read (so a caller can offer them).
    """

    reason: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    sheets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # an issue is stored, logged and sent back: its texts are bounded whatever the input held
        object.__setattr__(self, "reason", cut_short(self.reason, MAX_REASON_CHARS))
        if self.value is not None:
            object.__setattr__(self, "value", cut_short(self.value, MAX_VALUE_CHARS))
        if self.column is not None:
            object.__setattr__(self, "column", cut_short(self.column, MAX_VALUE_CHARS))
        if self.file is not None:
            object.__setattr__(self, "file", cut_short(self.file, MAX_VALUE_CHARS))

    def located(self, file: str) -> InputIssue:
        """The same issue, naming the file it came from."""
        return replace(self, file=file)

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        place = ", ".join(where)
        shown = f" (value {self.value!r})" if self.value is not None else ""
        return f"{place}: {self.reason}{shown}" if place else f"{self.reason}{shown}"


class WfmError(Exception):
    """Base of every error the libraries raise on purpose."""


MAX_LINES = 20  # an error's message lists at most this many lines
RUN_AS_ONE_LINE = 3  # this many rows in a row with the same column and reason are said in one line


def _runs(issues: Sequence[InputIssue]) -> list[list[InputIssue]]:
    """The issues in runs of the same file, column and reason (each a row's), in their order."""
    runs: list[list[InputIssue]] = []
    for issue in issues:
        last = runs[-1][-1] if runs else None
        same = last is not None and (last.file, last.column, last.reason) == (
            issue.file,
            issue.column,
            issue.reason,
        )
        if same and issue.row is not None and last is not None and last.row is not None:
            runs[-1].append(issue)
        else:
            runs.append([issue])
    return runs


def _run_lines(run: list[InputIssue]) -> list[str]:
    """A run of rows with one problem in one line ("rows 2–201 (200 rows), column 'Created at': …
    (values '20/07/2026 00:09', '21/07/2026 01:13', …)"), or each issue's own line when few."""
    if len(run) < RUN_AS_ONE_LINE:
        return [str(i) for i in run]
    first = run[0]
    rows = [i.row for i in run if i.row is not None]
    contiguous = rows == list(range(rows[0], rows[0] + len(rows)))
    where = f"rows {rows[0]}–{rows[-1]}" if contiguous else f"rows {', '.join(map(str, rows[:3]))}, …"
    place = ", ".join(p for p in (first.file, f"{where} ({len(rows):,} rows)") if p)
    if first.column is not None:
        place += f", column '{first.column}'"
    values = [i.value for i in run[:2] if i.value is not None]
    shown = f" (values {', '.join(repr(v) for v in values)}, …)" if values else ""
    return [f"{place}: {first.reason}{shown}"]


class InvalidInput(WfmError):
    """Input is malformed or inconsistent; the message says where and what to do."""

    def __init__(self, issues: Sequence[InputIssue] | str) -> None:
        self.issues: tuple[InputIssue, ...] = (
            (InputIssue(issues),) if isinstance(issues, str) else tuple(issues)
        )
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [line for run in _runs(self.issues) for line in _run_lines(run)]
        shown = lines[:MAX_LINES]
        more = len(lines) - len(shown)
        if more > 0:
            shown.append(f"... and {more} more")
        return "\n".join(shown)

    def located(self, file: str) -> InvalidInput:
        """The same error with every issue naming `file`."""
        return InvalidInput([i.located(file) for i in self.issues])


class Infeasible(WfmError):
    """The hard rules cannot all hold; `conflicts` says which, in a lead's words."""

    def __init__(self, conflicts: Sequence[str]) -> None:
        self.conflicts: tuple[str, ...] = tuple(conflicts)
        super().__init__("The hard rules cannot all hold:\n" + "\n".join(f"- {c}" for c in self.conflicts))


class TimeTooShort(Infeasible):
    """No roster keeping every hard rule was found in the time allowed (the rules may well hold):
    the message says how long the search would need."""

    def __init__(self, reason: str, needed_s: float) -> None:
        self.needed_s = needed_s
        self.conflicts = (reason,)
        WfmError.__init__(self, reason)
