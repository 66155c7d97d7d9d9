"""The data's ``clients.csv`` with new lists written into its ``worker_id`` column, every other cell as
it was, so that a planner can review the redraw with a diff and drop the file into the data folder."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.folder import csv_delimiter, decode_csv

__all__ = ["clients_csv_with_lists"]


def clients_csv_with_lists(path: str | Path, lists: Mapping[str, str]) -> bytes:
    """The bytes of ``path`` (a clients.csv the reader accepted) with ``worker_id`` set from ``lists``
    (client id → worker id).

    The file is read by the reader's rules (first non-blank record is the header, names compared
    stripped and lower-cased, short rows padded) so that every file the reader takes can be rewritten,
    and written back with the file's own separator as UTF-8 with a BOM, which Excel in a Russian locale
    opens as Cyrillic. Cells are not formula-escaped: this is data to read back, not a report. Raises
    InvalidInputError if a client of ``lists`` is not in the file, rather than write a file that
    silently disagrees with lists.csv."""
    path = Path(path)
    text = decode_csv(path.read_bytes())

    def refuse(expected: str) -> InvalidInputError:
        return InvalidInputError([InputProblem(file=path.name, row=None, column=None, value="", expected=expected)])

    if text is None:
        raise refuse("UTF-8 or Windows-1251 text")
    lines = [line for line in text.splitlines() if line.strip().strip(",;\t")]
    if not lines:
        raise refuse("a header row and records")
    delimiter = csv_delimiter(lines[0])
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    start = next(i for i, record in enumerate(records) if any(cell.strip() for cell in record))
    names = [cell.strip().lower() for cell in records[start]]
    if "id" not in names:
        raise refuse("a column named 'id' in the header")
    key = names.index("id")
    if "worker_id" not in names:
        records[start] = [*records[start], "worker_id"]
        names.append("worker_id")
    column = names.index("worker_id")
    written: set[str] = set()
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for i, record in enumerate(records):
        if i > start and any(cell.strip() for cell in record):
            record = record + [""] * (len(names) - len(record))
            client_id = record[key].strip()
            if client_id in lists:
                record[column] = lists[client_id]
                written.add(client_id)
        writer.writerow(record)
    missing = sorted(set(lists) - written)
    if missing:
        raise refuse(f"a row for every client of the new lists (missing: {', '.join(missing[:5])})")
    return out.getvalue().encode("utf-8-sig")
