"""``lean-social geocode``: clients' and workers' coordinates from their addresses.

A centre knows its clients' addresses, not their coordinates. This fills ``lat,lon`` of ``clients.csv``
from its ``address`` column and ``start_lat,start_lon`` of ``workers.csv`` from an optional ``address``
column there (the place a worker's day starts: the centre, or home; the data folder's reader ignores the
column), offline from an OpenStreetMap extract (``--osm``), or from a server the user names
(``--geocoder``), or both (the extract first, the server for what it did not take). It writes, as one
whole folder (``io.outfolder``):

- ``clients.csv``, ``workers.csv``: the data's files with only the coordinate cells filled, every other
  byte as it was (``io.csv_cells``), ready to review and drop into the data folder;
- ``geocode_review.csv``: one line per row of the two files: ``file,row,id,address,normalised,candidate,
  confidence,status,source,note,candidate_lat,candidate_lon``; status ``matched`` (exact), ``fuzzy`` (taken
  above the threshold), ``review`` (a candidate, coordinates left empty), ``failed`` (none) or ``kept``
  (the row had coordinates; ``overwrite`` geocodes it again);
- ``run.json``: versions, inputs' digests, settings, counts; no address.

Nothing is guessed silently: only matched and fuzzy rows get coordinates; the review file is the only
output that holds addresses, which are logged at DEBUG level at most.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lean_social.app.run import input_hashes
from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.csv_cells import CsvCells, read_csv_cells
from lean_social.io.online_geocoder import GeocoderError, OnlineGeocoder, parse_geocoder
from lean_social.io.osm_addresses import ATTRIBUTION, read_osm_addresses
from lean_social.io.outfolder import OutputFolder
from lean_social.io.writers import atomic_write_bytes, write_csv, write_json
from lean_social.travel.geocode import REVIEW_BELOW, AddressIndex, Match, ParsedAddress, judge_remote, parse_address
from lean_social.version import versions

__all__ = ["DEFAULT_CACHE", "REVIEW_COLUMNS", "STATUSES", "GeocodeResult", "GeocodeRow", "run_geocode"]

log = logging.getLogger(__name__)

REVIEW_FILE = "geocode_review.csv"
REVIEW_COLUMNS = (
    "file",
    "row",
    "id",
    "address",
    "normalised",
    "candidate",
    "confidence",
    "status",
    "source",
    "note",
    "candidate_lat",
    "candidate_lon",
)
STATUSES = ("matched", "fuzzy", "review", "failed", "kept")
#: The cache of a server's answers, beside ``--out`` unless given: it holds addresses (without flats),
#: so it stays with the centre's own files rather than in a user's hidden cache folder.
DEFAULT_CACHE = ".geocode_cache"
#: Consecutive server errors after which the server is not asked again in this run.
MAX_SERVER_ERRORS = 3
#: The files geocoded, their coordinate columns, and whether they must hold an ``address`` column.
_FILES = (("clients.csv", ("lat", "lon"), True), ("workers.csv", ("start_lat", "start_lon"), False))


@dataclass(frozen=True, slots=True)
class GeocodeRow:
    """One row of a data file and what became of it."""

    file: str
    row: int
    id: str
    address: str
    status: str  # one of STATUSES
    match: Match | None  # None for a row kept
    source: str  # "osm", the server's service name, or "" for a row kept or failed before asking

    def review_line(self) -> dict[str, object]:
        match, candidate = self.match, self.match.candidate if self.match else None
        return {
            "file": self.file,
            "row": self.row,
            "id": self.id,
            "address": self.address,
            "normalised": match.normalised if match else "",
            "candidate": candidate.text if candidate else "",
            "confidence": f"{match.confidence:.3f}" if match else "",
            "status": self.status,
            "source": self.source,
            "note": match.note if match else "",
            "candidate_lat": f"{candidate.lat:.6f}" if candidate else "",
            "candidate_lon": f"{candidate.lon:.6f}" if candidate else "",
        }


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    rows: tuple[GeocodeRow, ...]
    counts: Mapping[str, int]  # status → rows
    requests: int  # requests actually sent to a server (the cache answered the rest)
    out_dir: Path
    files: tuple[Path, ...]


def _coordinate(text: str, limit: float) -> float | None:
    try:
        value = float(text.strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def _has_coordinates(cells: Mapping[str, str], columns: tuple[str, str]) -> bool:
    lat, lon = _coordinate(cells.get(columns[0], ""), 90), _coordinate(cells.get(columns[1], ""), 180)
    return lat is not None and lon is not None and (lat, lon) != (0.0, 0.0)


def _decimal_comma(table: CsvCells, columns: tuple[str, str]) -> bool:
    """Whether the file writes its coordinates with a decimal comma, as Excel does in a Russian locale
    with ``;`` between cells: the new cells are then written the same way."""
    if table.delimiter == ",":
        return False
    written = [cells.get(c, "") for _, cells in table.rows() for c in columns]
    return any("," in w for w in written) and not any("." in w for w in written)


class _Geocoder:
    """The extract's index and the server, in that order, for one run."""

    def __init__(self, index: AddressIndex | None, server: OnlineGeocoder | None, city: str) -> None:
        self.index, self.server, self.city = index, server, city
        self.server_errors = 0

    def geocode(self, address: str) -> tuple[Match, str]:
        parsed = parse_address(address, self.index.cities if self.index else ())
        offline = self.index.match_parsed(parsed) if self.index is not None else None
        if offline is not None and offline.accepted:
            return offline, "osm"
        if self.server is None:
            assert offline is not None
            return offline, "osm"
        remote = self._ask(parsed)
        if offline is None or (remote.status != "failed" and remote.confidence >= offline.confidence):
            return remote, self.server.spec.service
        return offline, "osm"

    def _ask(self, parsed: ParsedAddress) -> Match:
        assert self.server is not None
        if not parsed.street.words or parsed.house is None:
            return Match("failed", 0.0, parsed.normalised, note="no street or house number to ask for")
        if self.server_errors >= MAX_SERVER_ERRORS:
            return Match("failed", 0.0, parsed.normalised, note="the geocoder did not answer; not asked")
        try:
            key = f"{parsed.normalised}; {self.city.strip().lower()}"
            answer = self.server.lookup(parsed.query(self.city), key=key)
        except GeocoderError as exc:
            self.server_errors += 1
            return Match("failed", 0.0, parsed.normalised, note=str(exc))
        self.server_errors = 0
        if answer is None:
            return Match("failed", 0.0, parsed.normalised, note="the geocoder found nothing")
        return judge_remote(parsed, answer.street, answer.house, answer.lat, answer.lon)


def _geocode_file(
    table: CsvCells, columns: tuple[str, str], geocoder: _Geocoder, *, overwrite: bool
) -> tuple[list[GeocodeRow], dict[int, dict[str, str]]]:
    rows: list[GeocodeRow] = []
    changes: dict[int, dict[str, str]] = {}
    comma = _decimal_comma(table, columns)
    for number, cells in table.rows():
        ident, address = cells.get("id", "").strip(), cells.get("address", "").strip()
        if _has_coordinates(cells, columns) and not overwrite:
            rows.append(GeocodeRow(table.name, number, ident, address, "kept", None, ""))
            continue
        if not address:
            match = Match("failed", 0.0, "", note="no address")
            rows.append(GeocodeRow(table.name, number, ident, address, "failed", match, ""))
            continue
        match, source = geocoder.geocode(address)
        log.debug("%s row %d: %s -> %s (%.3f)", table.name, number, address, match.status, match.confidence)
        rows.append(GeocodeRow(table.name, number, ident, address, match.status, match, source))
        if match.accepted and match.candidate is not None:
            lat, lon = f"{match.candidate.lat:.6f}", f"{match.candidate.lon:.6f}"
            if comma:
                lat, lon = lat.replace(".", ","), lon.replace(".", ",")
            changes[number] = {columns[0]: lat, columns[1]: lon}
    return rows, changes


def _read_tables(data_dir: Path) -> list[tuple[CsvCells, tuple[str, str] | None]]:
    """The files to geocode, checked before anything is asked or written: clients.csv must exist with
    ``id`` and ``address`` columns; workers.csv is geocoded only if it has an ``address`` column."""
    problems: list[InputProblem] = []
    tables: list[tuple[CsvCells, tuple[str, str] | None]] = []
    for name, columns, required in _FILES:
        path = data_dir / name
        if not required and not path.is_file():
            continue
        try:
            table = read_csv_cells(path)
        except InvalidInputError as exc:
            problems.extend(exc.problems)
            continue
        shown = table.delimiter.join(table.header)
        for column in ("id", "address") if required else ("id",):
            if column not in table.header:
                problems.append(
                    InputProblem(
                        file=name,
                        row=1,
                        column=column,
                        value=shown,
                        expected=f"a column named '{column}' in the header",
                    )
                )
        tables.append((table, columns if "address" in table.header else None))
    if problems:
        raise InvalidInputError(problems)
    return tables


def run_geocode(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    osm: str | Path | None = None,
    geocoder: str | None = None,
    user_agent: str | None = None,
    city: str = "",
    cache: str | Path | None = None,
    overwrite: bool = False,
    min_delay_s: float = 1.0,
    csv_sep: str = ",",
) -> GeocodeResult:
    """Geocode ``data_dir``'s clients (and workers, where workers.csv has an address column) from the
    extract ``osm`` and/or the server ``geocoder`` (``nominatim:URL``, ``photon:URL``, or ``...:public``
    with ``user_agent``), and write the files to ``out_dir``.

    ``cache`` (default ``.geocode_cache`` beside ``out_dir``) keeps the server's answers, so no address
    is sent twice; ``city`` is added to what the server is sent. Raises ValueError for settings (neither
    source, a bad geocoder), InvalidInputError for the data or the extract, OutputFolderError for
    ``out_dir``, all before anything is written or sent."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    if osm is None and geocoder is None:
        msg = "give an OpenStreetMap extract (--osm) or a geocoder (--geocoder), or both"
        raise ValueError(msg)
    spec = parse_geocoder(geocoder, user_agent=user_agent) if geocoder is not None else None
    with OutputFolder(out_dir, data_dir=data_dir, data_may_hold_out=False) as folder:
        hashes = input_hashes(data_dir)
        tables = _read_tables(data_dir)
        clock = time.perf_counter()
        index = AddressIndex(read_osm_addresses(osm).points) if osm is not None else None
        index_s = time.perf_counter() - clock
        cache_dir = Path(cache) if cache is not None else out_dir.resolve().parent / DEFAULT_CACHE
        server = OnlineGeocoder(spec, cache_dir, user_agent=user_agent, min_delay_s=min_delay_s) if spec else None
        rows: list[GeocodeRow] = []
        written: list[tuple[str, bytes]] = []
        clock = time.perf_counter()
        try:
            coder = _Geocoder(index, server, city)
            for table, columns in tables:
                if columns is None:  # workers.csv without addresses: copied as it is
                    written.append((table.name, (data_dir / table.name).read_bytes()))
                    continue
                found, changes = _geocode_file(table, columns, coder, overwrite=overwrite)
                rows += found
                written.append((table.name, table.with_cells(changes)))
        finally:
            if server is not None:
                server.close()
        match_s = time.perf_counter() - clock
        counts = Counter(row.status for row in rows)
        stage = folder.stage()
        files = [atomic_write_bytes(stage / name, data) for name, data in written]
        files.append(write_csv(stage / REVIEW_FILE, [r.review_line() for r in rows], REVIEW_COLUMNS, sep=csv_sep))
        run_info = {
            **versions(),
            "data_dir": str(data_dir),
            "inputs_sha256": hashes,
            "settings": {
                "osm": None if osm is None else str(osm),
                "geocoder": None if spec is None else spec.key,
                "cache": None if spec is None else str(cache_dir),
                "city": city,
                "overwrite": overwrite,
                "review_below": REVIEW_BELOW,
            },
            "counts": {status: counts.get(status, 0) for status in STATUSES},
            "requests_sent": 0 if server is None else server.requests,
            "timings_s": {"index_s": round(index_s, 3), "geocode_s": round(match_s, 3)},
        }
        if osm is not None:
            run_info["attribution"] = ATTRIBUTION
        files.append(write_json(stage / "run.json", run_info))
        final = folder.commit()
    log.info(
        "geocoded %d rows: %s",
        len(rows),
        ", ".join(f"{s} {counts.get(s, 0)}" for s in STATUSES),
    )
    return GeocodeResult(
        rows=tuple(rows),
        counts={s: counts.get(s, 0) for s in STATUSES},
        requests=0 if server is None else server.requests,
        out_dir=final,
        files=tuple(final / f.relative_to(stage) for f in files),
    )
