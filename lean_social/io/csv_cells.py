"""A data file read with each cell's place in the text, so that some cells can be replaced and every
other byte written back as it was: the geocoder's ``clients.csv`` differs from the planner's only in the
coordinates it filled, whatever the file's encoding, separator, quoting or line endings.

The cells are found by the ``csv`` module's own rules (a double quote opens a quoted cell only at its
start, ``""`` inside is one quote) and checked against ``csv.reader``: a file the two read differently
is refused rather than rewritten wrongly.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.folder import csv_delimiter

__all__ = ["CsvCells", "read_csv_cells"]

#: Byte order marks, longest first (UTF-32's begins with UTF-16's), and the codec of what follows.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF8, "utf-8"),
)


@dataclass(frozen=True, slots=True)
class Cell:
    value: str
    start: int  # where the cell's text begins in the file's text, its quotes included
    end: int


@dataclass(frozen=True, slots=True)
class Record:
    number: int  # the spreadsheet's row: records counted from 1, blank ones included
    cells: tuple[Cell, ...]
    end: int  # where the record's last cell ends, before its line break


@dataclass(frozen=True, slots=True)
class CsvCells:
    """A CSV file's records, their cells and where each lies, and how to write it back."""

    name: str
    text: str
    bom: bytes
    encoding: str
    delimiter: str
    header: tuple[str, ...]  # names stripped and lower-cased, as the data folder's reader compares them
    header_record: int  # index in ``records``
    records: tuple[Record, ...]

    def rows(self) -> list[tuple[int, dict[str, str]]]:
        """(row number, column → cell) of every record below the header that is not blank."""
        out = []
        for record in self.records[self.header_record + 1 :]:
            if any(c.value.strip() for c in record.cells):
                values = {
                    name: (record.cells[i].value if i < len(record.cells) else "") for i, name in enumerate(self.header)
                }
                out.append((record.number, values))
        return out

    def with_cells(self, changes: Mapping[int, Mapping[str, str]]) -> bytes:
        """The file with ``changes`` (row number → column → new text) written in, every other byte as it
        was; a column the header lacks is added at the end of the header and of each changed row."""
        columns = list(self.header)
        added = sorted({c for row in changes.values() for c in row if c not in columns}, key=_order)
        columns += added
        pieces: list[str] = []
        at = 0
        for i, record in enumerate(self.records):
            edits: dict[int, str] = {}
            if i == self.header_record:
                tail = "".join(self.delimiter + name for name in added)
                if tail:
                    pieces.append(self.text[at : record.end] + tail)
                    at = record.end
                continue
            row = changes.get(record.number)
            if not row:
                continue
            for column, value in row.items():
                edits[columns.index(column)] = value
            for index in sorted(edits):
                if index < len(record.cells):
                    cell = record.cells[index]
                    pieces.append(self.text[at : cell.start] + edits[index])
                    at = cell.end
            beyond = [k for k in edits if k >= len(record.cells)]
            if beyond:
                pieces.append(self.text[at : record.end])
                at = record.end
                cells = [""] * (max(beyond) + 1 - len(record.cells))
                for k in beyond:
                    cells[k - len(record.cells)] = edits[k]
                pieces.append("".join(self.delimiter + c for c in cells))
        pieces.append(self.text[at:])
        text = "".join(pieces)
        return self.bom + text.encode(self.encoding)


def _order(column: str) -> int:
    return {"lat": 0, "lon": 1, "start_lat": 0, "start_lon": 1}.get(column, 2)


def _decode(raw: bytes) -> tuple[bytes, str, str]:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return bom, raw[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError:
                msg = f"valid {encoding.upper()} text, as its byte order mark says"
                raise ValueError(msg) from None
    if b"\x00" in raw:
        msg = "text (the file holds NUL bytes: a binary file, or UTF-16 saved without its mark)"
        raise ValueError(msg)
    for encoding in ("utf-8", "cp1251"):
        try:
            return b"", raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    msg = "text in UTF-8 or Windows-1251 (or UTF-16 with a byte order mark)"
    raise ValueError(msg)


def _scan(text: str, delimiter: str) -> list[tuple[list[Cell], int]]:
    """Records as (cells, end of the last cell), by the csv module's default rules."""
    records: list[tuple[list[Cell], int]] = []
    i, n = 0, len(text)
    while i < n:
        cells: list[Cell] = []
        if text[i] in "\r\n":  # a blank line: a record with no cells
            i += 2 if text.startswith("\r\n", i) else 1
            records.append((cells, i))
            continue
        while True:
            start = i
            value: list[str] = []
            if i < n and text[i] == '"':
                i += 1
                while i < n:
                    if text[i] == '"':
                        if i + 1 < n and text[i + 1] == '"':
                            value.append('"')
                            i += 2
                            continue
                        i += 1
                        break
                    value.append(text[i])
                    i += 1
            while i < n and text[i] != delimiter and text[i] not in "\r\n":
                value.append(text[i])
                i += 1
            cells.append(Cell("".join(value), start, i))
            if i < n and text[i] == delimiter:
                i += 1
                continue
            break
        end = i
        if i < n:
            i += 2 if text.startswith("\r\n", i) else 1
        records.append((cells, end))
    return records


def read_csv_cells(path: str | Path) -> CsvCells:
    """``path``'s records and cells. Raises InvalidInputError naming the file when it is missing, not
    text, empty, or a CSV this scanner and Python's csv module read differently."""
    path = Path(path)

    def refuse(value: str, expected: str) -> InvalidInputError:
        return InvalidInputError([InputProblem(file=path.name, row=None, column=None, value=value, expected=expected)])

    if not path.is_file():
        raise refuse(str(path), "the file to exist in the data folder")
    raw = path.read_bytes()
    try:
        bom, text, encoding = _decode(raw)
    except ValueError as exc:
        raise refuse("", str(exc)) from None
    lines = [line for line in text.splitlines() if line.strip().strip(",;\t")]
    if not lines:
        raise refuse("", "a header row and records (the file is empty)")
    delimiter = csv_delimiter(lines[0])
    scanned = _scan(text, delimiter)
    try:
        expected = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise refuse("", f"a well-formed CSV file ({exc})") from None
    if [[c.value for c in cells] for cells, _ in scanned] != expected:
        raise refuse("", "a CSV file whose cells can be rewritten one by one (it mixes quotes and line breaks)")
    records = tuple(Record(number=k, cells=tuple(cells), end=end) for k, (cells, end) in enumerate(scanned, 1))
    start = next(i for i, r in enumerate(records) if any(c.value.strip() for c in r.cells))
    header = tuple(c.value.strip().lower() for c in records[start].cells)
    return CsvCells(
        name=path.name,
        text=text,
        bom=bom,
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        header_record=start,
        records=records,
    )
