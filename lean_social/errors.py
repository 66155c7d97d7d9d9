"""One error hierarchy, so callers can catch the library's failures apart from bugs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "MAX_LINES_PER_KIND",
    "InputProblem",
    "InvalidInputError",
    "LeanSocialError",
    "OutputFolderError",
    "OutputLockedError",
    "SolverError",
]

#: Lines shown for one kind of problem (same file, column and expectation) before the rest are counted:
#: a column shifted by one in a 300-row file is one mistake, and 20 examples of it are plenty to see it.
MAX_LINES_PER_KIND = 20


class LeanSocialError(Exception):
    """Base of every error the library raises on purpose."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InputProblem:
    """One thing wrong with the input, located precisely enough for a planner to fix it in Excel.

    ``row`` counts lines the way a spreadsheet does: the header is row 1, the first record row 2.
    """

    file: str
    row: int | None
    column: str | None
    value: str
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"{where}: {self.expected} (got {shown!r})"


class InvalidInputError(LeanSocialError, ValueError):
    """Every problem found in the input at once: fixing one at a time wastes a planner's afternoon."""

    def __init__(self, problems: Iterable[InputProblem]) -> None:
        self.problems: tuple[InputProblem, ...] = tuple(problems)
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the input:"]
        totals = Counter(_kind(p) for p in self.problems)
        shown: Counter[tuple[str, str | None, str]] = Counter()
        for p in self.problems:  # in reading order; a kind's count follows its last line shown
            kind = _kind(p)
            shown[kind] += 1
            if shown[kind] <= MAX_LINES_PER_KIND:
                lines.append(f"  - {p}")
            if shown[kind] == MAX_LINES_PER_KIND and totals[kind] > MAX_LINES_PER_KIND:
                where = f"{p.file} column {p.column}" if p.column else p.file
                lines.append(f"  ... and {totals[kind] - MAX_LINES_PER_KIND} more such problems in {where}")
        super().__init__("\n".join(lines))


def _kind(problem: InputProblem) -> tuple[str, str | None, str]:
    return (problem.file, problem.column, problem.expected)


class SolverError(LeanSocialError, RuntimeError):
    """The solver failed in a way no input check predicted; the message says what it returned."""


class OutputFolderError(LeanSocialError, ValueError):
    """The output folder cannot take a plan (a file, the data folder, a folder of other files): found
    before planning, so that a mistyped ``--out`` costs seconds, not the whole search."""


class OutputLockedError(OutputFolderError):
    """Another run is writing into the same output folder; a cron job can tell this apart and try later."""
