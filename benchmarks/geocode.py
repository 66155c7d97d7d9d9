"""Geocoding accuracy on the Ostankino extract: every address of its buildings, written the way a
centre's files write them (abbreviations, the type before or after the name, a leading city, ё as е,
case, the house as ``д. 6А, корп. 2``, a flat, a typo in the street), geocoded offline against the
extract's own address index; the share within 30 m of the building, sent to review, failed, and wrong
(matched more than 30 m away), and the time.

Each address is written ``--forms`` times with forms drawn by a seeded generator, so the figures are
the same on every run. ``python -m benchmarks.geocode --write`` rewrites its section of docs/benchmarks.md.

Map data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright).
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import machine, versions, write_section
from lean_social.domain.model import Location
from lean_social.io.osm_addresses import ATTRIBUTION, read_osm_addresses
from lean_social.travel.geocode import REVIEW_BELOW, AddressIndex, AddressPoint, Candidate

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = ROOT / "tests" / "data" / "osm" / "moscow.osm.gz"
SEED = 2026
#: A match farther than this from its building is wrong: the worker knocks at another house.
NEAR_M = 30.0
#: The share of addresses written with a typo in the street's name.
TYPO_SHARE = 0.25

#: How a centre writes each type, full and short.
TYPE_FORMS = {
    "улица": ("улица", "ул.", "ул", "Ул."),
    "проспект": ("проспект", "пр-т", "просп.", "пр."),
    "переулок": ("переулок", "пер.", "пер"),
    "проезд": ("проезд", "пр-д", "пр."),
    "бульвар": ("бульвар", "б-р", "бульв."),
    "шоссе": ("шоссе", "ш."),
    "площадь": ("площадь", "пл."),
    "набережная": ("набережная", "наб."),
}
CITY_FORMS = ("", "", "г. Москва, ", "Москва, ", "г.Москва, ", "127427, г. Москва, ", "Москва ")
HOUSE_WORDS = (
    ("д. ", ", корп. ", ", стр. "),
    ("", " к", " с"),
    ("дом ", " корпус ", " строение "),
    ("д.", " к.", " стр."),
)
_HOUSE = re.compile(r"^(\d+)\s*([А-Яа-яЁё])?(?:/(\d+))?(?:\s*к\s*([\dА-Яа-я]+))?(?:\s*(?:с|стр)\s*(\d+))?$")


@dataclass(frozen=True, slots=True)
class Outcome:
    near: int
    review: int
    failed: int
    wrong: int
    total: int
    index_s: float
    match_s: float
    objects: int
    addresses: int
    reasons: tuple[tuple[str, int], ...]  # why addresses went to review or failed, most frequent first
    absent: int  # addresses of houses the extract lacks
    absent_taken: int  # of those, matched anyway: each a worker sent to the wrong house

    def share(self, count: int) -> str:
        return f"{100 * count / self.total:.1f} %"


def _typo(word: str, rng: random.Random) -> str:
    """One letter wrong, missing, doubled or swapped with its neighbour, never the first."""
    at = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double", "other"))
    if kind == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    if kind == "double":
        return word[:at] + word[at] + word[at:]
    letters = "аеиоуыэюя" if word[at].lower() in "аеиоуыэюя" else "бвгджзклмнпрстфхцчшщ"
    return word[:at] + rng.choice(letters.replace(word[at].lower(), "")) + word[at + 1 :]


def write_street(street: str, rng: random.Random, *, typo: bool) -> str:
    """The extract's street as a centre might write it: the type short or full, before or after."""
    words = street.split()
    kind = next((w for w in words if w.lower() in TYPE_FORMS), None)
    name = [w for w in words if w != kind]
    if typo:
        long = [i for i, w in enumerate(name) if len(w) >= 5 and not w[0].isdigit()]
        if long:
            i = rng.choice(long)
            name[i] = _typo(name[i], rng)
    if rng.random() < 0.3:
        name = [w.replace("ё", "е").replace("Ё", "Е") for w in name]
    written = " ".join(name)
    if kind is not None:
        form = rng.choice(TYPE_FORMS[kind.lower()])
        written = f"{form} {written}" if rng.random() < 0.5 else f"{written} {form}"
    case = rng.random()
    return written.upper() if case < 0.1 else written.lower() if case < 0.25 else written


def write_house(house: str, rng: random.Random) -> str:
    """``6А к2`` as ``д. 6а, корп. 2``, ``6 А к2``, ``дом 6А корпус 2`` ..."""
    found = _HOUSE.match(house.strip())
    if found is None:
        return house
    number, letter, fraction, korpus, stroenie = found.groups()
    prefix, k_word, s_word = rng.choice(HOUSE_WORDS)
    text = prefix + number
    if letter:
        text += rng.choice((letter.upper(), letter.lower(), f" {letter.lower()}", f"-{letter.lower()}"))
    if fraction:
        text += f"/{fraction}"
    if korpus:
        text += k_word + korpus
    if stroenie:
        text += s_word + stroenie
    return text


def write_address(point: AddressPoint, rng: random.Random) -> str:
    street = write_street(point.street, rng, typo=rng.random() < TYPO_SHARE)
    flat = f", кв. {rng.randint(1, 300)}" if rng.random() < 0.4 else ""
    comma = ", " if rng.random() < 0.8 else " "
    return f"{rng.choice(CITY_FORMS)}{street}{comma}{write_house(point.house, rng)}{flat}"


def _metres(point: AddressPoint, found: Candidate) -> float:
    return 1000 * Location(lat=point.lat, lon=point.lon).km_to(Location(lat=found.lat, lon=found.lon))


def measure(extract: Path, forms: int) -> Outcome:
    started = time.perf_counter()
    read = read_osm_addresses(extract)
    index = AddressIndex(read.points)
    index_s = time.perf_counter() - started
    rng = random.Random(SEED)
    cases = [(p, write_address(p, rng)) for p in read.points for _ in range(forms)]
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    started = time.perf_counter()
    matches = [index.match(text) for _, text in cases]
    match_s = time.perf_counter() - started
    for (point, _), match in zip(cases, matches, strict=True):
        if not match.accepted:
            counts[match.status] += 1
            reasons[re.sub(r"\d+ m", "N m", match.note)] += 1
            continue
        assert match.candidate is not None
        far = _metres(point, match.candidate)
        counts["near" if far <= NEAR_M else "wrong"] += 1
    absent = [
        write_address(AddressPoint(p.street, str(500 + k), p.lat, p.lon), rng)
        for k, p in enumerate({p.street: p for p in read.points}.values())
    ]
    absent_taken = sum(index.match(text).accepted for text in absent)
    return Outcome(
        near=counts["near"],
        review=counts["review"],
        failed=counts["failed"],
        wrong=counts["wrong"],
        total=len(cases),
        index_s=index_s,
        match_s=match_s,
        objects=len(read.points),
        addresses=len(index),
        reasons=tuple(reasons.most_common()),
        absent=len(absent),
        absent_taken=absent_taken,
    )


def section(outcome: Outcome, forms: int) -> list[str]:
    o = outcome
    return [
        "## Geocoding: addresses to the extract's buildings (issue 14)",
        "",
        f"Written by `python -m benchmarks.geocode --forms {forms} --write` on {machine()}; "
        f"{versions('osmium', 'rapidfuzz')}.",
        "",
        f"Every object of `tests/data/osm/moscow.osm.gz` (Ostankino) with `addr:street` and `addr:housenumber`: "
        f"{o.objects} objects, {o.addresses} distinct addresses, each written {forms} ways drawn by a seeded "
        f"generator as a centre's files write them (the type short or full, before or after the name; a leading "
        f"city or postcode; ё as е; upper or lower case; `д. 6А, корп. 2`, `6 а к2`, `дом 6А корпус 2`; a flat; "
        f"a typo in the street's name in {TYPO_SHARE:.0%} of them), {o.total} addresses in all, geocoded offline "
        f"against the extract's own index (fuzzy matches taken from {REVIEW_BELOW:.2f}).",
        "",
        "| outcome | addresses | share |",
        "|---|---:|---:|",
        f"| within {NEAR_M:.0f} m of the building | {o.near} | {o.share(o.near)} |",
        f"| sent to review (coordinates left empty) | {o.review} | {o.share(o.review)} |",
        f"| failed (no candidate) | {o.failed} | {o.share(o.failed)} |",
        f"| wrong (taken, more than {NEAR_M:.0f} m away) | {o.wrong} | {o.share(o.wrong)} |",
        "",
        "Why the others were not taken: "
        + "; ".join(f"{why} ({count})" for why, count in o.reasons)
        + ". Where the extract draws one address as several buildings far apart, no place is the address.",
        "",
        f"Houses the extract lacks (number 500 and up on each of its {o.absent} streets, written the same ways): "
        f"{o.absent_taken} taken. The addresses are the extract's own, so this measures how their written "
        "forms are read, not how complete OpenStreetMap's addresses are where a centre works: a house the "
        "extract lacks goes to review or fails, as these did, and a server (`--geocoder`) may be asked.",
        "",
        f"Reading the extract and building the index: {o.index_s:.2f} s; matching the {o.total} addresses: "
        f"{o.match_s:.2f} s ({1000 * o.match_s / o.total:.2f} ms an address).",
        "",
        f"{ATTRIBUTION}.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", type=Path, default=EXTRACT, help="the OSM extract (default: the test extract)")
    parser.add_argument("--forms", type=int, default=3, help="written forms of each address (default 3)")
    parser.add_argument("--write", action="store_true", help="rewrite the section of docs/benchmarks.md")
    parser.add_argument("--show", type=int, default=0, help="print this many addresses not matched near")
    args = parser.parse_args()
    outcome = measure(args.extract, args.forms)
    lines = section(outcome, args.forms)
    print("\n".join(lines))
    if args.show:
        _show(args.extract, args.forms, args.show)
    if args.write:
        write_section("geocode", "\n".join(lines))


def _show(extract: Path, forms: int, limit: int) -> None:
    """The addresses that did not come back near their building, for tuning the rules."""
    read = read_osm_addresses(extract)
    index = AddressIndex(read.points)
    rng = random.Random(SEED)
    shown = 0
    for point in read.points:
        for _ in range(forms):
            text = write_address(point, rng)
            match = index.match(text)
            near = match.accepted and match.candidate is not None and (_metres(point, match.candidate) <= NEAR_M)
            if not near and shown < limit:
                print(f"{point.street}, {point.house} | {text} | {match}")
                shown += 1


if __name__ == "__main__":
    main()
