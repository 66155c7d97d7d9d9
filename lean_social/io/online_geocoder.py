"""A geocoding server the user names (Nominatim or Photon, self-hosted), asked through geopy: rate
limited, and with a persistent cache so that no address is ever sent twice.

Nothing here runs unless asked: the library makes no network call by default. A public server is used
only when named as ``nominatim:public`` or ``photon:public`` and with a ``user_agent`` of the user's own
(Nominatim's usage policy: an identifying agent, at most one request a second). What is sent is the
normalised address (street and house, and the city if given): never a client's name, never the flat.

Addresses are personal data: they are logged at DEBUG level at most. geopy's RateLimiter logs the
arguments of a call it retries or swallows at WARNING, so it is used with neither (``max_retries=0``,
``swallow_exceptions=False``) and the errors are counted here instead; and the requests are made with
the standard library (geopy's URLLibAdapter), since urllib3 under requests logs the URL of a request it
retries, the address in its query, at WARNING.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from geopy.adapters import URLLibAdapter
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim, Photon

from lean_social.version import __version__

__all__ = ["CACHE_FILE", "Answer", "GeocoderError", "GeocoderSpec", "OnlineGeocoder", "parse_geocoder"]

log = logging.getLogger(__name__)

#: The cache's file in the cache folder.
CACHE_FILE = "geocode_cache.sqlite"
#: The public servers, asked only when named outright.
PUBLIC = {"nominatim": "https://nominatim.openstreetmap.org", "photon": "https://photon.komoot.io"}
#: A public server's rate, whatever is asked: Nominatim's policy allows one request a second.
PUBLIC_MIN_DELAY_S = 1.0


class GeocoderError(Exception):
    """The server did not answer (unreachable, timed out, refused the request)."""


@dataclass(frozen=True, slots=True)
class GeocoderSpec:
    """``nominatim:http://host:8080`` read: the service, its scheme and address, and whether it is public."""

    service: str
    url: str
    public: bool

    @property
    def key(self) -> str:
        """What the cache's answers belong to: one server's answer is not another's."""
        return f"{self.service}:{self.url}"


def parse_geocoder(spec: str, *, user_agent: str | None = None) -> GeocoderSpec:
    """Read ``nominatim:URL``, ``photon:URL``, ``nominatim:public`` or ``photon:public``; ValueError with
    what is expected otherwise, and for a public server without ``user_agent``."""
    service, _, where = spec.partition(":")
    service = service.strip().lower()
    if service not in PUBLIC or not where:
        msg = f"a geocoder as nominatim:URL or photon:URL (a server of your own), got {spec!r}"
        raise ValueError(msg)
    if where == "public":
        if not user_agent or not user_agent.strip():
            msg = (
                f"{service}:public needs --user-agent naming your application and a contact (the public "
                "server's usage policy); better, run a server of your own"
            )
            raise ValueError(msg)
        return GeocoderSpec(service=service, url=PUBLIC[service], public=True)
    parts = urlsplit(where)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        msg = f"the server's address as http://HOST[:PORT][/PATH] or https://..., got {where!r}"
        raise ValueError(msg)
    return GeocoderSpec(service=service, url=where.rstrip("/"), public=False)


@dataclass(frozen=True, slots=True)
class Answer:
    """The server's best place: its street and house as the server writes them, and where it is."""

    street: str
    house: str
    lat: float
    lon: float


def _answer(service: str, raw: dict[str, Any], lat: float, lon: float) -> Answer:
    if service == "photon":
        props = raw.get("properties", {})
        street = props.get("street") or ""
        return Answer(street=street, house=props.get("housenumber") or "", lat=lat, lon=lon)
    address = raw.get("address", {})
    street = address.get("road") or address.get("pedestrian") or address.get("place") or ""
    return Answer(street=street, house=address.get("house_number") or "", lat=lat, lon=lon)


class OnlineGeocoder:
    """One server, asked at most once per (server, query) ever: answers, "nothing found" included, are
    kept in ``cache_dir/geocode_cache.sqlite``. ``requests`` counts what was actually sent."""

    def __init__(
        self,
        spec: GeocoderSpec,
        cache_dir: str | Path,
        *,
        user_agent: str | None = None,
        min_delay_s: float = 1.0,
        timeout_s: float = 10.0,
    ) -> None:
        self.spec = spec
        self.requests = 0
        parts = urlsplit(spec.url)
        agent = user_agent or f"lean-social/{__version__}"
        kind = Photon if spec.service == "photon" else Nominatim
        self._geocoder = kind(
            domain=parts.netloc + parts.path,
            scheme=parts.scheme,
            user_agent=agent,
            timeout=timeout_s,
            adapter_factory=URLLibAdapter,  # requests' urllib3 logs a retried URL, address and all, at WARNING
        )
        delay = max(min_delay_s, PUBLIC_MIN_DELAY_S) if spec.public else max(min_delay_s, 0.0)
        self._call = RateLimiter(
            self._geocoder.geocode,
            min_delay_seconds=delay,
            max_retries=0,
            error_wait_seconds=delay,
            swallow_exceptions=False,
        )
        cache = Path(cache_dir)
        cache.mkdir(mode=0o700, parents=True, exist_ok=True)  # addresses: readable by their owner only
        self.cache_path = cache / CACHE_FILE
        self.cache_path.touch(mode=0o600, exist_ok=True)
        self._db = sqlite3.connect(self.cache_path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS answers (server TEXT NOT NULL, address TEXT NOT NULL, answer TEXT, "
            "PRIMARY KEY (server, address))"
        )
        self._db.commit()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    def __enter__(self) -> OnlineGeocoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, query: str, *, key: str | None = None) -> Answer | None:
        """The server's answer to ``query`` (None: nothing found), from the cache if ``key`` (the
        normalised address, by default the query itself) was ever asked. Raises GeocoderError when the
        server does not answer; that is not cached, so a later run asks again."""
        key = query if key is None else key
        row = self._db.execute(
            "SELECT answer FROM answers WHERE server = ? AND address = ?", (self.spec.key, key)
        ).fetchone()
        if row is not None:
            log.debug("geocoder cache hit: %s", key)
            return None if row[0] is None else Answer(**json.loads(row[0]))
        self.requests += 1
        log.debug("geocoder request: %s", query)
        options: dict[str, Any] = {"exactly_one": True}
        if self.spec.service == "nominatim":
            options.update(addressdetails=True, language="ru")
        try:
            found = self._call(query, **options)
        except GeopyError as exc:
            raise GeocoderError(f"{self.spec.service} server did not answer ({type(exc).__name__})") from None
        answer = None if found is None else _answer(self.spec.service, found.raw, found.latitude, found.longitude)
        stored = (
            None
            if answer is None
            else json.dumps(
                {"street": answer.street, "house": answer.house, "lat": answer.lat, "lon": answer.lon},
                ensure_ascii=False,
            )
        )
        self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)", (self.spec.key, key, stored))
        self._db.commit()
        return answer
