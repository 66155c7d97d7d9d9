"""Shops, pharmacies and post offices for errands on the way (``domain.errands``), read from an
OpenStreetMap extract (``.osm``, ``.osm.gz``, ``.osm.pbf``) with pyosmium, offline.

What counts as each kind, from the tags a social worker's errand needs:

* ``shop``: where groceries and everyday goods are bought (the FOOD and GOODS services): ``shop`` =
  supermarket, convenience, grocery, general, greengrocer, department_store, variety_store, mall. A
  florist, a car dealer or a hairdresser is no place for an errand;
* ``pharmacy``: ``amenity=pharmacy`` (or ``healthcare=pharmacy``), where prescriptions are filled; a
  ``shop=chemist`` sells no medicines in Russia and is left out;
* ``post``: ``amenity=post_office``.

A place mapped as a point is taken where it is; one mapped as a building outline (a way) at the mean of
its corners, which is inside any building of ordinary shape. Places mapped as multipolygon relations
(large malls) are not read: in a town they are few, and their shops are usually mapped as points too.

Ids are the OpenStreetMap ones (``osm-n123``, ``osm-w456``) so a place on a plan can be looked up on
the map; names are the ``name`` tag (empty where there is none). The data is © OpenStreetMap
contributors, ODbL: a plan or a places.csv made from it carries that attribution.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import osmium

from lean_social.domain.model import Errand, ErrandPlace, Location
from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.osm_addresses import centroid

__all__ = ["GROCERY_SHOPS", "places_from_osm"]

#: ``shop=`` values where a worker buys a client's groceries and everyday goods.
GROCERY_SHOPS: Final = frozenset(
    {
        "supermarket",
        "convenience",
        "grocery",
        "general",
        "greengrocer",
        "department_store",
        "variety_store",
        "mall",
    }
)


def _kind(tags: Any) -> Errand | None:
    if tags.get("amenity") == "pharmacy" or tags.get("healthcare") == "pharmacy":
        return "pharmacy"
    if tags.get("amenity") == "post_office":
        return "post"
    if tags.get("shop") in GROCERY_SHOPS:
        return "shop"
    return None


def places_from_osm(path: str | Path) -> tuple[ErrandPlace, ...]:
    """Every shop, pharmacy and post office of the extract at ``path``, by id; InvalidInputError naming
    the file when it is missing or not an extract pyosmium can read."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError([_problem(path, "an OpenStreetMap extract that exists")])
    found: list[ErrandPlace] = []
    keys = osmium.filter.KeyFilter("shop", "amenity", "healthcare")
    try:
        for obj in osmium.FileProcessor(str(path)).with_locations().with_filter(keys):
            if not isinstance(obj, osmium.osm.Node | osmium.osm.Way):
                continue  # a relation (a mall as a multipolygon): see the module's docstring
            kind = _kind(obj.tags)
            if kind is None:
                continue
            if isinstance(obj, osmium.osm.Node):
                where = (obj.location.lat, obj.location.lon) if obj.location.valid() else None
                ident = f"osm-n{obj.id}"
            else:
                where, ident = _centre(obj), f"osm-w{obj.id}"
            if where is not None:
                location = Location(lat=round(where[0], 7), lon=round(where[1], 7))
                name = obj.tags.get("name") or obj.tags.get("brand") or _address(obj.tags)
                found.append(ErrandPlace(id=ident, name=name, kind=kind, location=location))
    except RuntimeError as exc:  # libosmium's errors: not an OSM file, a truncated one
        raise InvalidInputError([_problem(path, f"an OpenStreetMap extract pyosmium can read ({exc})")]) from None
    return tuple(sorted(found, key=lambda p: p.id))


def _centre(way: osmium.osm.Way) -> tuple[float, float] | None:
    """Where a shop drawn as a building stands: its outline's centroid, as an address's building is placed
    (``io.osm_addresses.centroid``); None with no located corner."""
    outline = [(n.location.lat, n.location.lon) for n in way.nodes if n.location.valid()]
    return centroid(outline) if outline else None


def _problem(path: Path, expected: str) -> InputProblem:
    return InputProblem(file=str(path), row=None, column=None, value=path.name, expected=expected)


def _address(tags: osmium.osm.TagList) -> str:
    """A place without a name is told by its address (``улица, дом``), else it stays nameless: a worker
    finds a shop by what is written over its door or on its wall, never by an OSM id."""
    street, house = tags.get("addr:street") or "", tags.get("addr:housenumber") or ""
    return ", ".join(part for part in (street, house) if part)
