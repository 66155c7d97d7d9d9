"""The data's ``clients.csv`` with new lists written into its ``worker_id`` column, every other cell as
it was, so that a planner can review the redraw with a diff and drop the file into the data folder."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.folder import _decode, _delimiter

__all__ = ["clients_csv_with_lists"]


def clients_csv_with_lists(path: str | Path, lists: Mapping[str, str]) -> str:
    """The text of ``path`` (a clients.csv the reader accepted) with ``worker_id`` set from ``lists``
    (client id → worker id) for the clients it names. Written back as UTF-8 with the file's own
    separator; cells are not formula-escaped, since this file is data to read back, not a report."""
    path = Path(path)
    text = _decode(path.read_bytes())
    if text is None:
        raise InvalidInputError(
            [InputProblem(file=path.name, row=None, column=None, value="", expected="UTF-8 or Windows-1251 text")]
        )
    delimiter = _delimiter(text.split("\n", 1)[0])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [cell.strip() for cell in rows[0]]
    if "id" not in header:
        raise InvalidInputError(
            [InputProblem(file=path.name, row=1, column="id", value="", expected="a column named id")]
        )
    key = header.index("id")
    if "worker_id" not in header:
        header.append("worker_id")
        rows = [header] + [[*row, ""] for row in rows[1:]]
    column = header.index("worker_id")
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        if row and len(row) > max(key, column) and row[key].strip() in lists:
            row = [*row]
            row[column] = lists[row[key].strip()]
        writer.writerow(row)
    return out.getvalue()
