"""Russian addresses normalised and matched (travel.geocode): every way a centre writes an address reads
as one, and a match the matcher is not sure of goes to review, never to the data."""

from __future__ import annotations

import pytest

from lean_social.travel.geocode import (
    REVIEW_BELOW,
    AddressIndex,
    AddressPoint,
    judge_remote,
    parse_address,
    parse_house,
)

CITIES = ("москва", "волгодонск")


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        # the full form with a city, a house prefix, a корпус and a flat
        ("г. Москва, ул. Академика Королёва, д. 6А, корп. 2, кв. 15", "академика королева улица, 6а к2"),
        # the type after the name, ё as е, the house run together, lower case
        ("Академика Королева ул. 6а к2", "академика королева улица, 6а к2"),
        # the type spelt out before the name, a letter apart from its number
        ("улица Академика Королёва 17 в", "академика королева улица, 17в"),
        # a letter after a dash, upper case everywhere
        ("УЛ. АКАДЕМИКА КОРОЛЁВА, Д. 17-В", "академика королева улица, 17в"),
        # a leading city without г., known to the index
        ("Волгодонск, ул. Морская, д. 114, кв. 18", "морская улица, 114"),
        # a city named by г. with no comma after it
        ("г.Москва ул.Добролюбова д.27А стр.1", "добролюбова улица, 27а с1"),
        # a number inside the street's name is part of the name, not the house
        ("ул. 50 лет СССР, д. 77", "50 лет ссср улица, 77"),
        # an ordinal with its ending: 17-й is 17
        ("17-й проезд Марьиной Рощи, 5", "17 марьиной рощи проезд, 5"),
        # проспект short as пр-т, the house as дом
        ("пр-т Мира, дом 101", "мира проспект, 101"),
        # проспект spelt out after the name
        ("Мира проспект 101", "мира проспект, 101"),
        # пр. alone is проспект or проезд: kept as either
        ("пр. Мира 101", "мира пр, 101"),
        # переулок short, the type first
        ("пер. Добролюбова, 3", "добролюбова переулок, 3"),
        # бульвар as б-р, with a postcode, a city and a district before it
        ("127427, Москва, Останкинский район, Звездный б-р, д.19", "звездный бульвар, 19"),
        # шоссе as ш.
        ("Старомарьинское ш., 14", "старомарьинское шоссе, 14"),
        # площадь as пл. and набережная as наб.
        ("пл. Победы 1", "победы площадь, 1"),
        ("наб. Космонавтов, д. 3", "космонавтов набережная, 3"),
        # Большая short as Б.: one key for every gender and form
        ("Б. Новодмитровская ул., 14 стр. 3", "б новодмитровская улица, 14 с3"),
        # строение spelt out and корпус as к.
        ("ул. Гончарова, 4, строение 3", "гончарова улица, 4 с3"),
        ("ул.Руставели,д.3,корп.4", "руставели улица, 3 к4"),
        # a corner house keeps both numbers
        ("Огородный пр-д, д. 29/16", "огородный проезд, 29/16"),
        # Moscow's 14-1 is house 14, корпус 1
        ("Мурманский проезд, 14-1", "мурманский проезд, 14 к1"),
        # a Latin A typed for the Cyrillic one
        ("ул. Руставели, 12A", "руставели улица, 12а"),
        # a typo in the type word is still the type
        ("улца Руставели 3", "руставели улица, 3"),
        # no type at all, the city known to the index
        ("Москва Руставели 3к4", "руставели, 3 к4"),
        # a street whose name is itself a type word: the type at the edge is the type
        ("Набережная улица 5", "набережная улица, 5"),
    ],
)
def test_written_forms_normalise_alike(written: str, normalised: str) -> None:
    assert parse_address(written, CITIES).normalised == normalised


@pytest.mark.parametrize(
    ("house", "key"),
    [("27А с1", "27а с1"), ("21А кА", "21а ка"), ("29/16", "29/16"), ("17к1", "17 к1"), ("вл15", "15"), ("1АБ", "1аб")],
)
def test_extract_house_numbers_parse(house: str, key: str) -> None:
    parsed = parse_house(house)
    assert parsed is not None and parsed.key == key


def test_a_house_number_that_is_not_one_is_none() -> None:
    assert parse_house("корпус") is None and parse_house("") is None


def _index() -> AddressIndex:
    return AddressIndex(
        [
            AddressPoint("улица Академика Королёва", "12", 55.8229, 37.6063, "Москва"),
            AddressPoint("улица Академика Королёва", "8 к2", 55.8231, 37.6218, "Москва"),
            AddressPoint("улица Добролюбова", "3", 55.8150, 37.5900),
            AddressPoint("переулок Добролюбова", "3", 55.8103, 37.5903),
            AddressPoint("переулок Добролюбова", "7", 55.8105, 37.5910),
            AddressPoint("улица Добролюбова", "29/16", 55.8207, 37.5899),
            AddressPoint("2-я Новоостанкинская улица", "4", 55.8150, 37.6000),
            AddressPoint("3-я Новоостанкинская улица", "4", 55.8160, 37.6010),
            AddressPoint("улица Руставели", "3", 55.8130, 37.5837),
            AddressPoint("Огородный проезд", "17", 55.8140, 37.5980),
            AddressPoint("Огородный проезд", "17", 55.8160, 37.5980),  # the same address 220 m away
        ]
    )


def test_an_exact_address_matches_with_full_confidence() -> None:
    match = _index().match("г. Москва, Академика Королева ул., д. 12, кв. 4")
    assert match.status == "matched" and match.confidence == 1.0
    assert match.candidate is not None and (match.candidate.lat, match.candidate.lon) == (55.8229, 37.6063)


def test_a_typo_in_the_street_is_a_fuzzy_match_above_the_threshold() -> None:
    match = _index().match("ул. Акадмика Королёва 12")
    assert match.status == "fuzzy" and REVIEW_BELOW <= match.confidence < 1.0
    assert match.candidate is not None and match.candidate.street == "улица Академика Королёва"


def test_the_wrong_type_of_street_goes_to_review() -> None:
    match = _index().match("ул. Добролюбова, 7")  # only переулок Добролюбова has a 7
    assert match.status == "review" and match.confidence < REVIEW_BELOW
    assert match.candidate is not None and match.candidate.street == "переулок Добролюбова"


def test_two_streets_of_one_name_without_a_type_go_to_review() -> None:
    match = _index().match("Добролюбова 3")
    assert match.status == "review" and "different types" in match.note


def test_a_type_tells_two_streets_of_one_name_apart() -> None:
    assert _index().match("пер. Добролюбова 3").candidate.lat == 55.8103  # type: ignore[union-attr]
    assert _index().match("Добролюбова ул., 3").candidate.lat == 55.8150  # type: ignore[union-attr]


def test_another_number_in_the_street_is_never_forgiven() -> None:
    match = _index().match("4-я Новоостанкинская ул., 4")
    assert match.status == "failed" and match.candidate is None


def test_a_typo_between_two_numbered_streets_takes_the_number_written() -> None:
    match = _index().match("3-я Новостанкинская ул., 4")
    assert match.status == "fuzzy" and match.candidate is not None
    assert match.candidate.street == "3-я Новоостанкинская улица"


def test_a_made_up_address_fails_with_no_candidate() -> None:
    match = _index().match("Выдуманная ул., д. 5")
    assert match.status == "failed" and match.candidate is None and not match.accepted


def test_a_house_the_index_lacks_goes_to_review_with_the_streets_house_of_that_number() -> None:
    match = _index().match("ул. Академика Королёва, 8 к5")
    assert match.status == "review" and match.candidate is not None and match.candidate.house == "8 к2"


def test_a_corner_house_answers_to_its_first_number() -> None:
    match = _index().match("ул. Добролюбова, 29")
    assert match.status == "fuzzy" and match.candidate is not None and match.candidate.house == "29/16"


def test_an_address_the_extract_has_at_two_places_goes_to_review() -> None:
    match = _index().match("Огородный пр-д, 17")
    assert match.status == "review" and "apart" in match.note


def test_an_address_without_a_house_number_fails() -> None:
    assert _index().match("ул. Руставели").status == "failed"


def test_a_servers_answer_is_judged_by_the_house_and_street_asked() -> None:
    parsed = parse_address("ул. Академика Королёва, д. 12")
    assert judge_remote(parsed, "улица Академика Королёва", "12", 55.8, 37.6).status == "matched"
    assert judge_remote(parsed, "улица Академика Королёва", "", 55.8, 37.6).status == "review"  # street only
    assert judge_remote(parsed, "улица Академика Королёва", "14", 55.8, 37.6).status == "review"
    assert judge_remote(parsed, "улица Гончарова", "12", 55.8, 37.6).status == "review"
