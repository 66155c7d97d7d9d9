"""Russian addresses to coordinates: the written form normalised, then matched against an address index.

No file and no network here (``io.osm_addresses`` reads an OpenStreetMap extract into ``AddressPoint``s,
``io.online_geocoder`` asks a server): only the rules of how a planner writes an address and how sure a
match is, stated once so that the extract's addresses and the clients' are read by the same rules.

An address is cut into the street (its name and its type: улица, проспект, переулок ...) and the house
(number, letter, fraction, корпус, строение); what is around them (the flat, a postcode, the region, a
leading city) is dropped. ``улица Академика Королёва, д. 6А, корп. 2`` and ``г. Москва, Академика
Королева ул. 6а к2 кв. 15`` both normalise to ``академика королева улица, 6а к2``.

Matching is exact on (street, house) first; then fuzzy on the street (rapidfuzz) with the house exact,
scored in [0, 1]. Nothing is guessed silently: below ``REVIEW_BELOW``, or when two streets score alike,
or when only another house of the street is known, the match goes to review with its best candidate and
no coordinates.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

__all__ = [
    "REVIEW_BELOW",
    "AddressIndex",
    "AddressPoint",
    "Candidate",
    "House",
    "Match",
    "ParsedAddress",
    "Status",
    "judge_remote",
    "parse_address",
    "parse_house",
    "parse_street",
]

Status = Literal["matched", "fuzzy", "review", "failed"]

#: A fuzzy match scoring less is not taken: a one-letter typo in a street of eight letters scores about
#: 0.94, a wrong type (улица for переулок) on the same name 0.8, two different streets sharing a word 0.6.
REVIEW_BELOW = 0.85
#: A street scoring less is no candidate at all: the address fails rather than show an unrelated street.
CANDIDATE_FROM = 0.6
#: Two streets within this of the best are a tie: the planner chooses, not the matcher.
TIE_MARGIN = 0.04
#: The street's type as written against the one found: улица Добролюбова and переулок Добролюбова are
#: two streets, so a wrong type costs enough to send an otherwise perfect match to review.
WRONG_TYPE_FACTOR = 0.8
#: Objects of one address this far apart are two places (a data error in the extract): review.
SAME_PLACE_M = 60.0

#: Street types: every written form (lower case, ё as е, no dot) → the full word.
_TYPES: dict[str, str] = {
    **dict.fromkeys(("ул", "улица", "у"), "улица"),
    **dict.fromkeys(("пр-т", "пр-кт", "просп", "проспект", "пркт", "прт", "пр-тт"), "проспект"),
    **dict.fromkeys(("пер", "переулок", "пер-к"), "переулок"),
    **dict.fromkeys(("пр-д", "проезд", "пр-зд", "прд"), "проезд"),
    **dict.fromkeys(("б-р", "бульв", "бульвар", "бул", "бр"), "бульвар"),
    **dict.fromkeys(("ш", "шоссе", "ш-се"), "шоссе"),
    **dict.fromkeys(("пл", "площадь", "пл-дь"), "площадь"),
    **dict.fromkeys(("наб", "набережная", "наб-я"), "набережная"),
    **dict.fromkeys(("туп", "тупик"), "тупик"),
    **dict.fromkeys(("ал", "аллея"), "аллея"),
    **dict.fromkeys(("линия", "лин"), "линия"),
    **dict.fromkeys(("мкр", "мкрн", "микрорайон", "мкр-н"), "микрорайон"),
    **dict.fromkeys(("кв-л", "квартал"), "квартал"),
    **dict.fromkeys(("пр", "пр-"), "пр"),  # проспект or проезд: both are tried
}
#: ``пр.`` is written for проспект and for проезд alike.
_AMBIGUOUS_TYPES = {"пр": ("проспект", "проезд")}
#: Full words a typo in the type may still be recognised from (one letter off in a word of five or more).
_TYPE_WORDS = sorted({v for v in _TYPES.values() if v != "пр"})

#: Words of a name written short or in another gender: one key for each (большая/большой/б → б).
_NAME_WORDS: dict[str, str] = {
    **dict.fromkeys(("б", "бол", "большая", "большой", "большое"), "б"),
    **dict.fromkeys(("м", "мал", "малая", "малый", "малое"), "м"),
    **dict.fromkeys(("ср", "средняя", "средний"), "ср"),
    **dict.fromkeys(("верх", "верхняя", "верхний"), "верх"),
    **dict.fromkeys(("ниж", "нижняя", "нижний"), "ниж"),
    **dict.fromkeys(("акад", "академика"), "академика"),
    **dict.fromkeys(("ген", "генерала"), "генерала"),
    **dict.fromkeys(("марш", "маршала"), "маршала"),
    **dict.fromkeys(("проф", "профессора"), "профессора"),
    **dict.fromkeys(("адм", "адмирала"), "адмирала"),
    **dict.fromkeys(("им", "имени"), ""),
}
#: A part of the address that names the country or a region, never the street.
_REGION_WORDS = frozenset(
    ("россия", "рф", "обл", "область", "край", "респ", "республика", "р-н", "район", "ао", "округ", "мо")
)
#: Words that say the next word is a settlement (г. Москва, пос. Мирный): the pair is dropped.
_SETTLEMENT_WORDS = frozenset(
    (
        "г",
        "гор",
        "город",
        "пгт",
        "пос",
        "поселок",
        "п",
        "ст-ца",
        "станица",
        "х",
        "хутор",
        "село",
        "с",
        "д",
        "дер",
        "деревня",
    )
)
#: A flat, an office, a floor or an entrance: after the house, never part of it.
_FLAT_RE = re.compile(
    r"[\s,]*\b(?:кв|квартира|комн|комната|оф|офис|пом|помещение|эт|этаж|под|подъезд)\b(?!-)\.?\s*№?\s*[\dа-я/-]*",
)
_POSTCODE_RE = re.compile(r"(?<!\d)\d{6}(?!\d)")
#: The house at the end of the address: ``д. 17``, ``17В``, ``17 в``, ``29/16``, ``6А к2``, ``4 стр. 3``,
#: ``вл. 17``; ``14-1`` is Moscow's short form of ``14 к1``.
_HOUSE_RE = re.compile(
    r"(?:^|[\s,])(?:(?:д|дом|вл|влд|владение)\.?\s*|в(?=\d))?"
    r"(?P<num>\d+)\s*-?\s*(?P<let>[а-я]{1,2}(?![а-я]))?"
    r"(?:\s*/\s*(?P<frac>\d+[а-я]?))?(?:-(?P<dash>\d+))?"
    r"(?P<rest>(?:[\s,]*(?:корпус|корп|к|строение|стр|с)\.?\s*-?\s*[\dа-я]{1,3}(?![\dа-я]))*)"
    r"[\s,.]*$"
)
_PART_RE = re.compile(r"(?P<kind>корпус|корп|к|строение|стр|с)\.?\s*-?\s*(?P<value>[\dа-я]{1,3})(?![\dа-я])")
_ORDINAL_RE = re.compile(r"^(\d+)-?(?:й|ый|ий|ой|я|ая|яя|е|ое|ее|го)$")
_SPLIT_RE = re.compile(r"[\s.;:()\"'«»]+")


#: Latin letters drawn like Cyrillic ones (17A typed on a Latin layout is 17А).
_LATIN_LOOKALIKES = str.maketrans("AaBCcEeHKkMOoPpTXxy", "АаВСсЕеНКкМОоРрТХху")


def _plain(text: str) -> str:
    """Lower case, ё as е, Latin lookalikes as Cyrillic, one kind of dash: what every comparison starts from."""
    text = unicodedata.normalize("NFKC", text).translate(_LATIN_LOOKALIKES).lower().replace("ё", "е").replace("№", " ")
    return re.sub(r"[‐-―−]", "-", text)


@dataclass(frozen=True, slots=True)
class House:
    """A house number cut into its parts: ``6А к2`` is number 6, letter а, корпус 2."""

    number: str
    letter: str = ""
    fraction: str = ""  # 29/16: a corner house, numbered on both streets
    korpus: str = ""
    stroenie: str = ""

    @property
    def key(self) -> str:
        """``6а к2``, ``29/16``, ``4 с3``: one form for every way of writing the house."""
        text = self.number + self.letter + (f"/{self.fraction}" if self.fraction else "")
        return text + (f" к{self.korpus}" if self.korpus else "") + (f" с{self.stroenie}" if self.stroenie else "")

    @property
    def base(self) -> str:
        """The number and letter alone: another корпус of the same house is a candidate, not a match."""
        return self.number + self.letter


def _house_of(found: re.Match[str]) -> House:
    korpus, stroenie = found.group("dash") or "", ""
    for part in _PART_RE.finditer(found.group("rest") or ""):
        if part.group("kind") in ("к", "корп", "корпус"):
            korpus = korpus or part.group("value")
        else:
            stroenie = stroenie or part.group("value")
    return House(
        number=str(int(found.group("num"))),
        letter=found.group("let") or "",
        fraction=found.group("frac") or "",
        korpus=korpus,
        stroenie=stroenie,
    )


def parse_house(text: str) -> House | None:
    """A house number written alone (an extract's ``addr:housenumber``), or None if it is not one."""
    found = _HOUSE_RE.search(" " + _plain(text).strip())
    return None if found is None or found.start() > 1 else _house_of(found)


@dataclass(frozen=True, slots=True)
class Street:
    """A street's name words (short forms expanded, ordinals as numbers) and its type."""

    words: tuple[str, ...]
    kind: str  # the type's full word, "пр" for проспект-or-проезд, "" when not written
    written: tuple[str, ...] = ()  # the name's words as written (lower case), for a server to read

    @property
    def key(self) -> str:
        """The name's words sorted: the type before or after the name, or the words swapped, is one street."""
        return " ".join(sorted(self.words))

    @property
    def numbers(self) -> frozenset[str]:
        """Numbers in the name (2-я Новоостанкинская): a typo is forgiven, another number never."""
        return frozenset(w for w in self.words if w.isdigit())

    @property
    def kinds(self) -> tuple[str, ...]:
        return _AMBIGUOUS_TYPES.get(self.kind, (self.kind,) if self.kind else ())

    def text(self) -> str:
        return " ".join((*self.words, self.kind)).strip()


def _type_of(token: str) -> str | None:
    if token in _TYPES:
        return _TYPES[token]
    if len(token) >= 4 and not token[0].isdigit():
        for word in _TYPE_WORDS:
            if len(word) >= 5 and Levenshtein.distance(token, word, score_cutoff=1) <= 1:
                return word
    return None


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for raw in _SPLIT_RE.split(text):
        token = raw.strip("-,")
        if not token:
            continue
        ordinal = _ORDINAL_RE.match(token)
        if ordinal:
            out.append(str(int(ordinal.group(1))))
        elif "-" not in token or token in _TYPES or token in _REGION_WORDS or token in _SETTLEMENT_WORDS:
            out.append(token)
        else:
            out.extend(t for t in token.split("-") if t)
    return out


def parse_street(text: str, cities: Iterable[str] = ()) -> Street:
    """The street of ``text`` (no house in it): settlement words and a leading known city dropped, the
    type found wherever it is written (a typo in it forgiven), the name's short forms expanded."""
    tokens = _tokens(_plain(text).replace(",", " "))
    tokens = _drop_settlement(tokens, frozenset(cities))
    kinds = [(i, kind) for i, t in enumerate(tokens) if (kind := _type_of(t)) is not None]
    kind = ""
    if kinds:  # the type at an edge of the street's words; another type word is part of the name
        edges = [(i, k) for i, k in kinds if i in (0, len(tokens) - 1)] or kinds[-1:]
        at, kind = next(((i, k) for i, k in edges if k == "улица"), edges[-1])
        named = dict(kinds)
        tokens = ["" if i == at else named.get(i, t) for i, t in enumerate(tokens)]
    words = tuple(w for t in tokens if t and (w := _NAME_WORDS.get(t, t)))
    return Street(words=words, kind=kind, written=tuple(t for t in tokens if t and _NAME_WORDS.get(t) != ""))


def _drop_settlement(tokens: list[str], cities: frozenset[str]) -> list[str]:
    """``г москва ул королева`` → ``ул королева``; ``москва академика королева`` → ``академика королева``
    when Москва is a city of the index."""
    out = list(tokens)
    i = 0
    while i < len(out) - 1:
        if out[i] in _SETTLEMENT_WORDS and not out[i + 1].isdigit() and _type_of(out[i + 1]) is None:
            del out[i : i + 2]
            continue
        i += 1
    for city in sorted(cities, key=len, reverse=True):
        words = city.split()
        if words and out[: len(words)] == words and len(out) > len(words):
            return out[len(words) :]
    return out


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    """An address as the matcher reads it; ``normalised`` is what the review file shows and the online
    geocoder's cache is keyed by (no flat, no name: only the street and the house)."""

    street: Street
    house: House | None

    @property
    def normalised(self) -> str:
        return f"{self.street.text()}, {self.house.key}" if self.house else self.street.text()

    def query(self, city: str = "") -> str:
        """What an online geocoder is sent: the street's type and name as written (a server expands its
        own short forms), the house, the city if given; never a person's name, never the flat."""
        kind = "" if self.street.kind in _AMBIGUOUS_TYPES else self.street.kind
        street = " ".join((kind, *self.street.written)).strip()
        house = f" {self.house.key}" if self.house else ""
        return f"{street}{house}" + (f", {_plain(city).strip()}" if city.strip() else "")


def parse_address(text: str, cities: Iterable[str] = ()) -> ParsedAddress:
    """``г. Москва, ул. Академика Королёва, д. 6А, корп. 2, кв. 15`` → street академика королева (улица),
    house 6а к2. Parts naming a region or the country are dropped, and every part before the street's."""
    plain = _POSTCODE_RE.sub(" ", _FLAT_RE.sub(" ", _plain(text)))
    found = _HOUSE_RE.search(plain)
    house = _house_of(found) if found else None
    rest = plain[: found.start()] if found else plain
    parts = [p for p in (p.strip() for p in rest.split(",")) if p]
    with_type = [i for i, p in enumerate(parts) if any(_type_of(t) for t in _tokens(p))]
    parts = [p for i, p in enumerate(parts) if i in with_type or not _REGION_WORDS & set(_tokens(p))]
    with_type = [i for i, p in enumerate(parts) if any(_type_of(t) for t in _tokens(p))]
    street_part = parts[with_type[-1]] if with_type else (parts[-1] if parts else "")
    return ParsedAddress(street=parse_street(street_part, cities), house=house)


@dataclass(frozen=True, slots=True)
class AddressPoint:
    """One object of an address index: a building's centroid, an entrance, an address node."""

    street: str
    house: str
    lat: float
    lon: float
    city: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """The best place found for an address, as the extract writes it."""

    street: str
    house: str
    lat: float
    lon: float

    @property
    def text(self) -> str:
        return f"{self.street}, {self.house}"


@dataclass(frozen=True, slots=True)
class Match:
    """What became of one address: ``matched`` (exact) and ``fuzzy`` (above the threshold) carry
    coordinates to write; ``review`` (a candidate to check) and ``failed`` (none) do not."""

    status: Status
    confidence: float
    normalised: str
    candidate: Candidate | None = None
    note: str = ""

    @property
    def accepted(self) -> bool:
        return self.status in ("matched", "fuzzy")


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * 111_195.0
    dx = (a[1] - b[1]) * 111_195.0 * math.cos(lat)
    return math.hypot(dx, dy)


@dataclass(frozen=True, slots=True)
class _Place:
    street: str
    house: str
    lat: float
    lon: float
    spread_m: float  # how far apart the objects of this address lie


def _place(points: Sequence[AddressPoint]) -> _Place:
    lat = sum(p.lat for p in points) / len(points)
    lon = sum(p.lon for p in points) / len(points)
    spread = max(_metres((p.lat, p.lon), (lat, lon)) for p in points) * 2
    return _Place(street=points[0].street, house=points[0].house, lat=lat, lon=lon, spread_m=spread)


class AddressIndex:
    """Every (street, house) of an extract, normalised, with the place it stands at.

    ``match`` reads an address as a planner writes it; ``cities`` (the extract's ``addr:city`` values)
    lets a leading city without ``г.`` be recognised and dropped."""

    def __init__(self, points: Iterable[AddressPoint]) -> None:
        grouped: dict[tuple[str, str, str], list[AddressPoint]] = defaultdict(list)
        cities: set[str] = set()
        streets: dict[tuple[str, str], Street] = {}
        for point in points:
            house = parse_house(point.house)
            street = parse_street(point.street)
            if house is None or not street.words:
                continue
            grouped[(street.key, street.kind, house.key)].append(point)
            streets[(street.key, street.kind)] = street
            if point.city.strip():
                cities.add(" ".join(_tokens(_plain(point.city))))
        self.cities = frozenset(cities)
        self._places = {key: _place(points) for key, points in grouped.items()}
        self._streets = streets
        #: house key → streets holding it; a corner house 29/16 also answers to 29
        self._by_house: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self._by_base: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self._houses: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # street → house key → full key
        for street_key, kind, house_key in self._places:
            house = parse_house(house_key)
            assert house is not None  # a key is a parsed house written back
            self._by_house[house_key].add((street_key, kind))
            self._houses[(street_key, kind)][house_key] = house_key
            if house.fraction:
                alias = House(house.number, house.letter, "", house.korpus, house.stroenie).key
                self._houses[(street_key, kind)].setdefault(alias, house_key)
                self._by_house[alias].add((street_key, kind))
            self._by_base[house.base].add((street_key, kind))
        self._kinds_of: dict[str, list[str]] = defaultdict(list)
        for street_key, kind in streets:
            self._kinds_of[street_key].append(kind)

    def __len__(self) -> int:
        return len(self._places)

    def match(self, address: str) -> Match:
        return self.match_parsed(parse_address(address, self.cities))

    def match_parsed(self, parsed: ParsedAddress) -> Match:
        house, street = parsed.house, parsed.street
        if not street.words:
            return Match("failed", 0.0, parsed.normalised, note="no street found in the address")
        if house is None:
            return Match("failed", 0.0, parsed.normalised, note="no house number found in the address")
        exact = self._exact(street, house)
        if exact is not None:
            return exact
        scored = [s for s in self._scored(street, self._by_house.get(house.key, set())) if s[0] >= CANDIDATE_FROM]
        if scored:
            return self._fuzzy(parsed, scored)
        return self._other_house(parsed)

    def _result(
        self,
        parsed: ParsedAddress,
        street: tuple[str, str],
        house_key: str,
        status: Status,
        score: float,
        note: str = "",
    ) -> Match:
        place = self._places[(*street, self._houses[street][house_key])]
        candidate = Candidate(street=place.street, house=place.house, lat=place.lat, lon=place.lon)
        if status in ("matched", "fuzzy") and place.spread_m > SAME_PLACE_M:
            status, note = "review", f"the extract has this address at places {place.spread_m:.0f} m apart"
        return Match(status, round(score, 3), parsed.normalised, candidate, note)

    def _exact(self, street: Street, house: House) -> Match | None:
        parsed = ParsedAddress(street, house)
        kinds = street.kinds or tuple(self._kinds_of.get(street.key, ()))
        hits = [(street.key, k) for k in kinds if house.key in self._houses.get((street.key, k), {})]
        if len(hits) > 1:
            return self._result(parsed, hits[0], house.key, "review", 0.5, "streets of one name and different types")
        if not hits:
            return None
        full = self._houses[hits[0]][house.key]
        written = street.kind and street.kind not in _AMBIGUOUS_TYPES
        score = (1.0 if written else 0.95) * (1.0 if full == house.key else 0.95)
        status: Status = "matched" if full == house.key else "fuzzy"
        return self._result(parsed, hits[0], house.key, status, score, "" if full == house.key else "corner house")

    def _scored(self, street: Street, among: Iterable[tuple[str, str]]) -> list[tuple[float, tuple[str, str]]]:
        """Each street of ``among`` scored against ``street``: name similarity, times the type's factor."""
        choices = [s for s in among if self._streets[s].numbers == street.numbers]
        if not choices:
            return []
        names = process.extract(street.key, [c[0] for c in choices], scorer=fuzz.token_sort_ratio, limit=None)
        scored = []
        for _, ratio, i in names:
            kind = choices[i][1]
            factor = 1.0 if not street.kinds or kind in street.kinds else WRONG_TYPE_FACTOR
            scored.append((ratio / 100 * factor, choices[i]))
        return sorted(scored, key=lambda s: (-s[0], s[1]))

    def _fuzzy(self, parsed: ParsedAddress, scored: list[tuple[float, tuple[str, str]]]) -> Match:
        assert parsed.house is not None
        best, street = scored[0]
        if best < REVIEW_BELOW:
            return self._result(parsed, street, parsed.house.key, "review", best, "street not certain")
        if len(scored) > 1 and scored[1][0] >= best - TIE_MARGIN:
            return self._result(parsed, street, parsed.house.key, "review", best, "two streets alike")
        return self._result(parsed, street, parsed.house.key, "fuzzy", best)

    def _other_house(self, parsed: ParsedAddress) -> Match:
        """No street holds this house: the street's house of the same number (another корпус or
        строение), for review."""
        assert parsed.house is not None
        base = parsed.house.base
        scored = self._scored(parsed.street, self._by_base.get(base, set()))
        if not scored or scored[0][0] < CANDIDATE_FROM:
            return Match("failed", 0.0, parsed.normalised, note="no such house in the address index")
        best, street = scored[0]
        same_number = sorted(k for k, full in self._houses[street].items() if k == full and _base_of(k) == base)
        return self._result(
            parsed, street, same_number[0], "review", best * 0.6, "this house number is not in the index"
        )


def _base_of(house_key: str) -> str:
    house = parse_house(house_key)
    return house.base if house is not None else ""


def judge_remote(parsed: ParsedAddress, street: str, house: str, lat: float, lon: float) -> Match:
    """A server's answer checked against the address asked: its house must be the one asked, its street
    alike, or the answer goes to review (a street-level answer lies anywhere along the street)."""
    found = parse_house(house) if house else None
    candidate = Candidate(street=street, house=house, lat=lat, lon=lon)
    if found is None or parsed.house is None:
        return Match("review", 0.3, parsed.normalised, candidate, "the server found the street, not the house")
    answer = parse_street(street)
    if answer.numbers != parsed.street.numbers:
        return Match("review", 0.3, parsed.normalised, candidate, "the server found another street")
    score = fuzz.token_sort_ratio(parsed.street.key, answer.key) / 100
    if parsed.street.kinds and answer.kind and answer.kind not in parsed.street.kinds:
        score *= WRONG_TYPE_FACTOR
    if found.key != parsed.house.key:
        return Match("review", round(score * 0.6, 3), parsed.normalised, candidate, "the server found another house")
    if score < REVIEW_BELOW:
        return Match("review", round(score, 3), parsed.normalised, candidate, "street not certain")
    status: Status = "matched" if score == 1.0 else "fuzzy"
    return Match(status, round(score, 3), parsed.normalised, candidate)
