"""Writing results so that a crash never leaves half a file, and a spreadsheet never runs a formula.

Every writer builds the whole content in memory, writes it to a temporary file beside the target and
renames it over the target, so no reader ever sees half a file. A run writes into a staging folder that
``lean_social.io.outfolder`` swaps in whole, so no reader sees a mix of two runs either. Files are
created as the user's umask says (0666 masked), like any file the user's programs make: a planner who
wants plans readable by no one else sets ``umask 077``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "CSV_SEPARATORS",
    "atomic_write_bytes",
    "atomic_write_text",
    "csv_text",
    "safe_cell",
    "write_csv",
    "write_json",
]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would take for a formula gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _create_beside(path: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path``, mode 0666 less the umask (``mkstemp`` would make it 0600)."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), tmp
        except FileExistsError:
            continue


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


#: Separators a CSV may take: the comma of the standard, or the semicolon that Excel in a Russian
#: locale expects (its list separator, since the comma is the decimal mark there).
CSV_SEPARATORS = (",", ";")


def csv_text(rows: Iterable[Mapping[str, object]], columns: Sequence[str], *, sep: str = ",") -> str:
    if sep not in CSV_SEPARATORS:
        msg = f"a CSV separator is one of {' '.join(CSV_SEPARATORS)}, got {sep!r}"
        raise ValueError(msg)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n", delimiter=sep)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return buffer.getvalue()


def write_csv(
    path: str | Path, rows: Iterable[Mapping[str, object]], columns: Sequence[str], *, sep: str = ","
) -> Path:
    """UTF-8 with a byte order mark: Excel opens a CSV without one in the locale's code page (cp1251 in
    Russia) and shows Cyrillic as mojibake; every reader of the library's own files takes the mark."""
    return atomic_write_bytes(path, csv_text(rows, columns, sep=sep).encode("utf-8-sig"))


def write_json(path: str | Path, data: Any) -> Path:
    return atomic_write_text(
        path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"
    )
