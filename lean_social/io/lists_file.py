"""A data file with one column rewritten, every other cell as it was, so that a planner can review the
change with a diff and drop the file into the data folder: ``clients.csv`` with new lists in its
``worker_id`` column, ``services.csv`` with calibrated norms in its ``norm_min`` column."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.folder import csv_delimiter, decode_csv

__all__ = ["clients_csv_with_lists", "csv_with_column", "services_csv_with_norms"]


def clients_csv_with_lists(path: str | Path, lists: Mapping[str, str]) -> bytes:
    """``clients.csv`` with ``worker_id`` set from ``lists`` (client id → worker id)."""
    return csv_with_column(path, "id", "worker_id", lists, what="client of the new lists")


def services_csv_with_norms(path: str | Path, norms: Mapping[str, int]) -> bytes:
    """``services.csv`` with ``norm_min`` set from ``norms`` (service code → minutes)."""
    return csv_with_column(path, "code", "norm_min", {k: str(v) for k, v in norms.items()}, what="service")


def csv_with_column(path: str | Path, key_column: str, column: str, values: Mapping[str, str], *, what: str) -> bytes:
    """The bytes of ``path`` (a file the reader accepted) with ``column`` set from ``values`` (the row's
    ``key_column`` → the new cell).

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
    if key_column not in names:
        raise refuse(f"a column named '{key_column}' in the header")
    key = names.index(key_column)
    if column not in names:
        records[start] = [*records[start], column]
        names.append(column)
    at = names.index(column)
    written: set[str] = set()
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for i, record in enumerate(records):
        if i > start and any(cell.strip() for cell in record):
            record = record + [""] * (len(names) - len(record))
            ident = record[key].strip()
            if ident in values:
                record[at] = values[ident]
                written.add(ident)
        writer.writerow(record)
    missing = sorted(set(values) - written)
    if missing:
        raise refuse(f"a row for every {what} (missing: {', '.join(missing[:5])})")
    return out.getvalue().encode("utf-8-sig")
