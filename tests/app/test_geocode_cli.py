"""``lean-social geocode``: real addresses of the Ostankino extract, written as centres write them, come
back to their buildings; what is not certain goes to review; the data files change only in their
coordinates; a server is asked once per address ever; bad input is refused with nothing written; and
no address reaches the log. Offline throughout: the server is a local one started by the test.

The extract (tests/data/osm/moscow.osm.gz) is © OpenStreetMap contributors, ODbL 1.0."""

from __future__ import annotations

import csv
import itertools
import json
import logging
import math
import shutil
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import osmium
import pytest

from conftest import DATA
from lean_social import read_folder
from lean_social.app.cli import main
from lean_social.app.geocode import run_geocode
from lean_social.domain.model import Location

EXTRACT = DATA / "osm" / "moscow.osm.gz"
TINY = DATA / "tiny"
NEAR_M = 30.0

pytestmark = pytest.mark.skipif(not EXTRACT.is_file(), reason=f"the test extract {EXTRACT} is not in this checkout")

#: How a centre's file writes a street's type, by the extract's full word.
SHORT = {"улица": "ул.", "проезд": "пр-д", "переулок": "пер.", "бульвар": "б-р", "шоссе": "ш.", "проспект": "пр-т"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _buildings() -> list[tuple[str, str, float, float]]:
    """The extract's buildings with an address of their own (no other object has it): street, house and
    the centroid of the outline, read here with pyosmium directly, apart from the code under test."""
    found: list[tuple[int, str, str, float, float]] = []
    seen: Counter[tuple[str, str]] = Counter()
    for obj in osmium.FileProcessor(str(EXTRACT)).with_locations():
        street, house = obj.tags.get("addr:street"), obj.tags.get("addr:housenumber")
        if not street or not house:
            continue
        seen[(street, house)] += 1
        if obj.is_way() and "building" in obj.tags and obj.is_closed():
            found.append((obj.id, street, house, *_area_centroid([(n.lat, n.lon) for n in obj.nodes])))
    return [(s, h, lat, lon) for _, s, h, lat, lon in sorted(found) if seen[(s, h)] == 1]


def _area_centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    """The centroid of a closed outline's area (the shoelace formula, degrees of longitude shrunk by the
    latitude's cosine; a building is small enough to be flat)."""
    lat0, lon0 = ring[0]
    scale = math.cos(math.radians(lat0))
    xy = [((lon - lon0) * scale, lat - lat0) for lat, lon in ring]
    area = x = y = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(xy):
        cross = x1 * y2 - x2 * y1
        area, x, y = area + cross, x + (x1 + x2) * cross, y + (y1 + y2) * cross
    return lat0 + y / (3 * area), lon0 + x / (3 * area) / scale


def _typo(word: str) -> str:
    """Two inner letters swapped: the commonest slip of a typist."""
    at = len(word) // 2
    return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]


def _written(street: str, house: str, i: int) -> str:
    """The extract's address as the i-th of eight ways a centre writes it."""
    words = street.split()
    kind = next((w for w in words if w.lower() in SHORT), "")
    name = " ".join(w for w in words if w != kind)
    short = SHORT.get(kind.lower(), kind)
    number, _, rest = house.partition(" ")
    house_words = f"{number}, корп. {rest[1:]}" if rest.startswith("к") else house
    house_words = f"{number}, стр. {rest[1:]}" if rest.startswith("с") else house_words
    forms = [
        f"г. Москва, {name} {short}, д. {house_words}",  # the type after the name, short
        f"{short} {name}, {house}".upper(),  # all capitals
        f"Москва {short} {name} {house}",  # a leading city without a comma
        f"{kind} {name.replace('ё', 'е')}, д. {house}, кв. 12",  # ё as е, and a flat
        f"{short} {' '.join(_typo(w) if len(w) >= 6 else w for w in name.split())}, {house}",  # a typo
        f"127427, г. Москва, {name} {kind}, дом {house_words.replace('корп.', 'корпус')}",  # a postcode
        f"{short}{name}, д.{house}".lower(),  # no space after the dot, lower case
        f"{name}, {house}",  # no type at all
    ]
    return forms[i % len(forms)]


def _data(tmp_path: Path, addresses: list[str], *, workers: list[str] | None = None) -> Path:
    """The tiny data folder with these clients' addresses and no coordinates (and, given, the workers'
    addresses in an address column)."""
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    clients = _rows(TINY / "clients.csv")
    with (data / "clients.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["id", "name", "address", "lat", "lon", "department", "available", "worker_id", "notes"])
        for k, address in enumerate(addresses):
            base = clients[k % len(clients)]
            ident = base["id"] if k < len(clients) else f"X{k}"
            writer.writerow([ident, base["name"], address, "", "", "D1", base["available"], "", base["notes"]])
    if workers is not None:
        rows = _rows(TINY / "workers.csv")
        with (data / "workers.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, [*rows[0], "address"], lineterminator="\n")
            writer.writeheader()
            for row, address in zip(rows, workers, strict=True):
                writer.writerow({**row, "start_lat": "", "start_lon": "", "address": address})
    return data


def test_fifty_real_addresses_written_eight_ways_come_back_to_their_buildings(tmp_path: Path) -> None:
    buildings = _buildings()
    assert len(buildings) >= 200
    sample = buildings[:: len(buildings) // 50][:50]
    addresses = [_written(street, house, i) for i, (street, house, _, _) in enumerate(sample)]
    out = tmp_path / "out"
    result = run_geocode(_data(tmp_path, addresses), out, osm=EXTRACT)
    by_row = {row.row: row for row in result.rows}
    near = 0
    for k, (street, house, lat, lon) in enumerate(sample):
        row = by_row[k + 2]
        assert row.status in ("matched", "fuzzy", "review"), (street, house, row.address, row.match)
        if row.status == "review":
            continue
        assert row.match is not None and row.match.candidate is not None
        found = row.match.candidate
        metres = 1000 * Location(lat=lat, lon=lon).km_to(Location(lat=found.lat, lon=found.lon))
        assert metres <= NEAR_M, (street, house, row.address, metres)  # nothing taken is wrong
        near += 1
    assert near >= 48  # a typo may send a short name to review; at most two of fifty
    written = {r["id"]: r for r in _rows(out / "clients.csv")}
    assert sum(1 for r in written.values() if r["lat"]) == near


def test_the_cli_fills_coordinates_the_reader_takes_and_changes_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    addresses = [
        "г. Москва, ул. Академика Королёва, д. 12, кв. 5",  # exact
        "ул. Гончарова, д. 4, стр. 3",  # exact, строение spelt out
        "Выдуманная ул., д. 5",  # made up: failed, no coordinates
        "ул. Академика Королёва, 8 к5",  # a корпус the extract lacks: review, no coordinates
    ]
    data = _data(tmp_path, addresses, workers=["ул. Руставели, д. 3", ""])
    out = tmp_path / "out"
    caplog.set_level(logging.INFO)
    assert main(["geocode", str(data), "--osm", str(EXTRACT), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "найдено 3" in err and "на проверку 1" in err and "не найдено 2" in err  # 2 clients, 1 worker
    for address in [*addresses, "Руставели"]:  # no address on stderr nor in the log at INFO
        assert address not in err and address not in caplog.text
    review = _rows(out / "geocode_review.csv")
    assert [(r["file"], r["id"], r["status"]) for r in review] == [
        ("clients.csv", "C1", "matched"),
        ("clients.csv", "C2", "matched"),
        ("clients.csv", "C3", "failed"),
        ("clients.csv", "C4", "review"),
        ("workers.csv", "W1", "matched"),
        ("workers.csv", "W2", "failed"),
    ]
    assert review[3]["candidate"] == "улица Академика Королёва, 8 к2" and review[3]["candidate_lat"]
    assert review[1]["normalised"] == "гончарова улица, 4 с3"
    # Only the coordinate cells changed: blank them again and the file is the data's, byte for byte.
    original = (data / "clients.csv").read_bytes()
    geocoded = (out / "clients.csv").read_bytes()
    filled = [r for r in _rows(out / "clients.csv") if r["lat"]]
    assert len(filled) == 2
    for row in filled:
        geocoded = geocoded.replace(f",{row['lat']},{row['lon']},".encode(), b",,,")
    assert geocoded == original
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"] == {"matched": 3, "fuzzy": 0, "review": 1, "failed": 2, "kept": 0}
    assert "OpenStreetMap" in run["attribution"] and "Королёва" not in json.dumps(run, ensure_ascii=False)
    # Dropped into the data folder, the files read back; the made-up and the doubtful rows are what remain
    # to fix, named by the reader as missing coordinates.
    for name in ("clients.csv", "workers.csv"):
        shutil.copy(out / name, data / name)
    with pytest.raises(Exception, match="lat") as caught:
        read_folder(data)
    problems = caught.value.problems  # type: ignore[attr-defined]
    assert {(p.file, p.row) for p in problems} == {("clients.csv", 4), ("clients.csv", 5), ("workers.csv", 3)}


def test_rows_with_coordinates_are_kept_unless_overwrite(tmp_path: Path) -> None:
    data = _data(tmp_path, ["ул. Академика Королёва, д. 12"])
    text = (data / "clients.csv").read_text(encoding="utf-8").replace('12",,,', '12",55.1,37.2,')
    (data / "clients.csv").write_text(text, encoding="utf-8")
    kept = run_geocode(data, tmp_path / "kept", osm=EXTRACT)
    assert [r.status for r in kept.rows] == ["kept"]
    assert (tmp_path / "kept" / "clients.csv").read_bytes() == (data / "clients.csv").read_bytes()
    redone = run_geocode(data, tmp_path / "redone", osm=EXTRACT, overwrite=True)
    assert [r.status for r in redone.rows] == ["matched"]
    assert _rows(tmp_path / "redone" / "clients.csv")[0]["lat"].startswith("55.82")


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (lambda data, tmp: ["--osm", str(tmp / "missing.osm.pbf")], "missing.osm.pbf"),  # no such extract
        (lambda data, tmp: ["--osm", str(_corrupt(tmp))], "pyosmium can read"),  # not an extract
        (lambda data, tmp: ["--osm", str(EXTRACT), *_no_address(data)], "'address'"),  # nothing to geocode from
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], break_it: object, expected: str
) -> None:
    data = _data(tmp_path, ["ул. Академика Королёва, д. 12"])
    out = tmp_path / "out"
    args = break_it(data, tmp_path)  # type: ignore[operator]
    assert main(["geocode", str(data), *args, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not out.exists()


def _corrupt(tmp: Path) -> Path:
    path = tmp / "broken.osm.gz"
    path.write_bytes(b"\x1f\x8b not really gzip")
    return path


def _no_address(data: Path) -> list[str]:
    rows = _rows(data / "clients.csv")
    with (data / "clients.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [c for c in rows[0] if c != "address"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return []


def test_neither_an_extract_nor_a_geocoder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _data(tmp_path, ["ул. Академика Королёва, д. 12"])
    assert main(["geocode", str(data), "--out", str(tmp_path / "out")]) == 2
    assert "--osm" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_a_public_server_needs_a_user_agent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _data(tmp_path, ["ул. Академика Королёва, д. 12"])
    out = tmp_path / "out"
    assert main(["geocode", str(data), "--geocoder", "nominatim:public", "--out", str(out)]) == 2
    assert "--user-agent" in capsys.readouterr().err and not out.exists()


class _Nominatim(BaseHTTPRequestHandler):
    """A Nominatim of two buildings: Королёва 12 (a house), Гончарова (the street alone)."""

    asked: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query).get("q", [""])[0]
        type(self).asked[query] += 1
        places = []
        if "королева" in query and "12" in query:
            address = {"road": "улица Академика Королёва", "house_number": "12", "city": "Москва"}
            places = [{"lat": "55.8229", "lon": "37.6063", "display_name": "12, улица", "address": address}]
        elif "гончарова" in query:
            address = {"road": "улица Гончарова", "city": "Москва"}
            places = [{"lat": "55.8140", "lon": "37.5860", "display_name": "улица Гончарова", "address": address}]
        body = json.dumps(places).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # the test's stderr stays quiet
        return


@pytest.fixture
def nominatim(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    _Nominatim.asked = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"nominatim:http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_named_server_is_asked_once_per_address_ever(tmp_path: Path, nominatim: str) -> None:
    addresses = [
        "Москва, Академика Королёва ул., 12",
        "ул. Гончарова, д. 99",
        "ул. Выдуманная, 1",
        "ул. Акад. Королева, дом 12, кв. 7",  # the first address written another way: not sent again
    ]
    data = _data(tmp_path, addresses)
    cache = tmp_path / "cache"
    first = run_geocode(data, tmp_path / "first", geocoder=nominatim, cache=cache, min_delay_s=0, city="Москва")
    assert [r.status for r in first.rows] == ["matched", "review", "failed", "matched"]
    assert first.requests == 3 and sum(_Nominatim.asked.values()) == 3
    assert all(q.endswith(", москва") for q in _Nominatim.asked)  # the city given, no flat, no name
    again = run_geocode(data, tmp_path / "again", geocoder=nominatim, cache=cache, min_delay_s=0, city="Москва")
    assert again.requests == 0 and sum(_Nominatim.asked.values()) == 3  # the cache answered everything
    assert [r.status for r in again.rows] == [r.status for r in first.rows]
    assert _rows(tmp_path / "again" / "clients.csv")[0]["lat"] == "55.822900"


def test_the_extract_first_and_the_server_only_for_what_it_did_not_take(tmp_path: Path, nominatim: str) -> None:
    data = _data(tmp_path, ["ул. Гончарова, д. 4, стр. 3", "ул. Выдуманная, 1"])
    result = run_geocode(data, tmp_path / "out", osm=EXTRACT, geocoder=nominatim, cache=tmp_path / "c", min_delay_s=0)
    assert [(r.status, r.source) for r in result.rows] == [("matched", "osm"), ("failed", "osm")]
    assert list(_Nominatim.asked) == ["улица выдуманная 1"]  # the matched address was never sent


def test_a_server_that_does_not_answer_fails_the_rows_without_a_traceback_or_an_address_logged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = _data(tmp_path, ["ул. Академика Королёва, д. 12", "ул. Гончарова, 4", "ул. Руставели, 3", "пр. Мира 1"])
    out = tmp_path / "out"
    args = ["geocode", str(data), "--geocoder", f"nominatim:http://127.0.0.1:{port}", "--min-delay", "0"]
    caplog.set_level(logging.INFO)
    assert main([*args, "--cache", str(tmp_path / "c"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "не найдено 4" in err and "Traceback" not in err
    for seen in (err, caplog.text):  # neither the address nor its URL-encoded form (Королёва: %D0%9A...)
        assert "оролёв" not in seen and "оролев" not in seen and "%D0" not in seen.upper()
    notes = [r["note"] for r in _rows(out / "geocode_review.csv")]
    assert notes[-1] == "the geocoder did not answer; not asked"  # three errors, then it stops asking
    assert all("did not answer" in n for n in notes)


class _Photon(BaseHTTPRequestHandler):
    """A Photon that knows one house, as GeoJSON."""

    def do_GET(self) -> None:
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [37.6063, 55.8229]},
            "properties": {"street": "улица Академика Королёва", "housenumber": "12", "name": "12"},
        }
        body = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def test_a_photon_server_is_read_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Photon)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        data = _data(tmp_path, ["ул. Академика Королёва, 12", "ул. Академика Королёва, 14"])
        spec = f"photon:http://127.0.0.1:{server.server_address[1]}"
        result = run_geocode(data, tmp_path / "out", geocoder=spec, cache=tmp_path / "c", min_delay_s=0)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert [r.status for r in result.rows] == ["matched", "review"]  # 14 asked, 12 answered: not taken


@pytest.mark.parametrize("spec", ["google:http://x", "nominatim:", "nominatim:ftp://host", "photon:host:2322"])
def test_a_geocoder_not_named_as_expected_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spec: str
) -> None:
    data = _data(tmp_path, ["ул. Академика Королёва, д. 12"])
    assert main(["geocode", str(data), "--geocoder", spec, "--out", str(tmp_path / "out")]) == 2
    assert "lean-social geocode:" in capsys.readouterr().err and not (tmp_path / "out").exists()
