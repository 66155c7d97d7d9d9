"""Generate the synthetic demo data set: a home-service centre in Volgodonsk.

Standard library only. Deterministic: the same seed writes byte-identical files.

    python data/generate_demo.py                  # seed 20261207 -> data/volgodonsk/
    python data/generate_demo.py --seed 7 --out /tmp/demo

Nobody in these files is real: names are drawn from lists of common surnames and first names,
house and flat numbers are random, and the coordinates are random points inside boxes around the
city's residential districts (they do not geocode the addresses).

How the weekly plan is kept feasible: every client's visits ride on fixed weekdays, chosen
greedily (most constrained clients first) so that each worker's day passes two checks --
the planning rule of thumb ``sum of visit minutes + 15 min travel per visit + 45 min lunch
<= shift - MARGIN_MIN`` and a small constructive schedule (travel 15 min, lunch inside its
window, every visit inside the client's window and the shift). Monthly services count on
every weekday they may ride on (the worst week, e.g. the first Monday of a month).
A client who does not fit the own worker's week moves to the least loaded colleague.
Unassigned clients are then placed by the same schedule check into the department's spare
capacity. Where no weekday pattern fits, the programme is made lighter (monthly item dropped,
3 -> 2 visits, a service less, the lightest package, at last the client's hours widened); the
numbers of moves and of such repairs are printed.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

DEFAULT_SEED = 20261207
DEFAULT_OUT = Path(__file__).resolve().parent / "volgodonsk"

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TRAVEL_MIN = 15  # rule-of-thumb travel to each visit
LUNCH = (12 * 60, 14 * 60, 45)  # window start, window end, minutes
LUNCH_TEXT = "12:00-14:00 45"
MARGIN_MIN = 75  # kept free in every worker-day beyond visits, travel and lunch
KEEP_FREE_VISITS = 1  # visits per worker-day kept free (max_visits_per_day) for unassigned clients
KEEP_FREE_MIN = 45  # minutes per worker-day kept free of assigned clients for unassigned ones

# --------------------------------------------------------------------------------------------
# Catalogue. norm_min: sourced where DOMAIN.md has a figure, else assumed (see data/README.md).
# --------------------------------------------------------------------------------------------
SERVICES: tuple[tuple[str, str, int, str, str], ...] = (
    # code, name, norm_min, skill, errand
    (
        "FOOD",
        "Покупка за счёт средств получателя и доставка на дом продуктов питания (до 7 кг)",
        40,
        "",
        "shop",
    ),
    ("COOK", "Помощь в приготовлении пищи", 45, "", ""),
    ("DISH", "Мытьё посуды", 10, "", ""),
    (
        "GOODS",
        "Покупка и доставка на дом промышленных товаров первой необходимости (до 5 кг)",
        35,
        "",
        "shop",
    ),
    ("LAUNDRY", "Сдача вещей в стирку, химчистку, ремонт и обратная их доставка", 40, "", ""),
    ("POST", "Отправка за счёт средств получателя почтовой корреспонденции и посылок", 30, "", "post"),
    ("ESCORT", "Сопровождение вне дома, в том числе к врачу", 80, "", ""),
    ("TALK", "Проведение санитарно-просветительской беседы", 30, "nurse", ""),
    ("CLEAN", "Уборка жилого помещения (влажная уборка, вынос мусора)", 40, "", ""),
    ("BILLS", "Оплата за счёт средств получателя жилищно-коммунальных услуг и услуг связи", 30, "", "post"),
    ("MEDS", "Покупка и доставка на дом лекарственных препаратов и медицинских изделий", 30, "", "pharmacy"),
    ("BP", "Измерение артериального давления и температуры тела", 10, "nurse", ""),
    ("PILLS", "Контроль за приёмом лекарств, помощь в приёме лекарств", 10, "nurse", ""),
    ("DOCTOR", "Запись на приём к врачу, вызов врача на дом", 15, "", ""),
    ("WALK", "Сопровождение на прогулке", 30, "", ""),
)
# Services of villages without running water or gas: the rural district's catalogue adds them (not the demo's).
RURAL_SERVICES: tuple[tuple[str, str, int, str, str], ...] = (
    ("WATER", "Доставка воды (для проживающих в жилых помещениях без центрального водоснабжения)", 20, "", ""),
    ("STOVE", "Топка печей (для проживающих в жилых помещениях без центрального отопления)", 30, "", ""),
)
NORM = {code: norm for code, _, norm, _, _ in SERVICES + RURAL_SERVICES}
NURSE_SERVICES = frozenset(code for code, _, _, skill, _ in SERVICES if skill == "nurse")

# Weekly packages (services on every visit) with a weight; nurse packages need a nurse.
PACKAGES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("FOOD", "DISH"), 18),
    (("MEDS", "DISH"), 8),
    (("CLEAN", "DISH"), 10),
    (("COOK", "DISH"), 8),
    (("FOOD", "MEDS"), 8),
    (("FOOD", "WALK"), 4),
    (("FOOD", "CLEAN"), 5),
    (("FOOD", "MEDS", "DISH"), 3),
    (("FOOD", "COOK"), 3),
    (("FOOD", "COOK", "DISH"), 3),
    (("MEDS", "CLEAN"), 3),
)
NURSE_PACKAGES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("FOOD", "BP"), 6),
    (("MEDS", "BP", "PILLS"), 6),
    (("FOOD", "BP", "PILLS"), 4),
    (("COOK", "DISH", "BP"), 2),
    (("BP", "PILLS", "DISH"), 4),
)
# Monthly items: code, times a month, weight.
MONTHLY: tuple[tuple[str, int, int], ...] = (
    ("LAUNDRY", 1, 5),
    ("GOODS", 2, 5),
    ("BILLS", 1, 6),
    ("POST", 1, 2),
    ("ESCORT", 1, 2),
    ("DOCTOR", 1, 3),
)
LIGHTEST_PACKAGE = ("MEDS", "DISH")  # last resort when a programme does not fit
FULL_WEEK = "mon-fri 09:00-18:00"
MONTHLY_SHARE = 0.35
THREE_VISITS_SHARE = 0.2


# --------------------------------------------------------------------------------------------
# Places. Boxes keep points inside the residential districts and off the reservoir and the
# Sukho-Solenovsky bay between the Old and the New Town (approximate, synthetic).
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class District:
    department: str
    office: tuple[float, float]
    lat_box: tuple[float, float]
    lon_box: tuple[float, float]
    streets: tuple[str, ...]
    private_house_share: float  # share of addresses without a flat number


DISTRICTS = (
    District(
        "D1",
        (47.5125, 42.1505),
        (47.5065, 47.5190),
        (42.1320, 42.1680),
        (
            "ул. Ленина",
            "ул. Морская",
            "ул. Гагарина",
            "ул. Пионерская",
            "ул. Максима Горького",
            "ул. Волгодонская",
            "ул. Черникова",
            "ул. 50 лет СССР",
            "ул. Пушкина",
            "ул. Советская",
        ),
        0.15,
    ),
    District(
        "D2",
        (47.5335, 42.1900),
        (47.5265, 47.5410),
        (42.1700, 42.2120),
        (
            "Октябрьское ш.",
            "пр. Строителей",
            "ул. 30 лет Победы",
            "пр. Мира",
            "ул. Степная",
            "ул. Энтузиастов",
            "ул. Молодёжная",
        ),
        0.0,
    ),
    District(
        "D3",
        (47.5495, 42.1930),
        (47.5420, 47.5585),
        (42.1720, 42.2130),
        (
            "пр. Курчатова",
            "ул. Академика Королёва",
            "бул. Великой Победы",
            "ул. Маршала Кошевого",
            "ул. Дружбы",
            "пр. Лазоревый",
        ),
        0.0,
    ),
)
# A second version of the norms (norms.csv, see lean_social/domain/norms.py): what `lean-social norms
# data/volgodonsk --observed data/observed/observed_visits.csv` proposes from the demo's 1,000 observed
# visits (seed 0), for the services whose evidence is enough to change them. It takes effect on
# 2027-01-01, a Friday, so the weeks from 2027-01-04 use it; the demo's December weeks keep the
# catalogue's norms unless a plan asks for it (`--norms calibrated-2026-11`).
NORM_VERSION = ("calibrated-2026-11", "2027-01-01", "calibration run on observed_visits.csv sha256 a6f41009")
CALIBRATED_NORMS = (("FOOD", 47), ("CLEAN", 52), ("BILLS", 23), ("MEDS", 25), ("BP", 8))
NORMS_HEADER = ["version", "effective", "source", "code", "norm_min"]

CLIENTS_PER_DEPARTMENT = 100
ASSIGNED_SHARE = 0.85
SPREAD_KM = 0.9  # standard deviation of client points around the office


# --------------------------------------------------------------------------------------------
# Names (fictional combinations of common Russian names).
# --------------------------------------------------------------------------------------------
def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = words(
    "Абрамов Агафонов Аксёнов Алексеев Андреев Антонов Архипов Афанасьев Баранов Белов Беляев "
    "Беспалов Бирюков Блохин Богданов Борисов Брагин Быков Васильев Виноградов Власов Волков "
    "Воробьёв Воронин Гаврилов Галкин Герасимов Гордеев Горбунов Горшков Григорьев Гришин Гусев "
    "Давыдов Дементьев Дмитриев Доронин Дроздов Евдокимов Егоров Емельянов Ермаков Ефимов Жданов "
    "Жуков Зайцев Захаров Зимин Зуев Игнатьев Ильин Исаев Кабанов Калашников Калинин Капустин "
    "Карпов Киселёв Князев Ковалёв Козлов Колесников Комаров Кондратьев Кононов Копылов Королёв "
    "Костин Котов Крюков Кудряшов Кузнецов Кузьмин Кулагин Лапин Ларионов Лебедев Левицкий Лобанов "
    "Логинов Лукин Макаров Максимов Мартынов Маслов Медведев Михайлов Михеев Моисеев Молчанов "
    "Морозов Мухин Назаров Наумов Некрасов Нестеров Никитин Николаев Новиков Носков Овчинников "
    "Одинцов Орехов Орлов Осипов Павлов Панов Панфилов Пахомов Петров Поляков Пономарёв Попов "
    "Потапов Прохоров Родионов Рожков Романов Рыбаков Савельев Савин Самойлов Сафонов Селезнёв "
    "Семёнов Сергеев Сидоров Симонов Ситников Смирнов Соколов Соловьёв Сорокин Степанов Стрельцов "
    "Субботин Суворов Тарасов Терентьев Тихонов Третьяков Трофимов Устинов Фадеев Федосеев Филатов "
    "Филиппов Фомин Фролов Фёдоров Харитонов Хохлов Чернов Чернышёв Шаров Шилов Шубин Щукин Юдин "
    "Яковлев Бондаренко Ковалевский Коваленко Кравченко Литвиненко Ткаченко Шевченко Черных Седых"
)
FEMALE_NAMES = words(
    "Александра Алла Анна Антонина Валентина Вера Галина Евдокия Екатерина Елена Зинаида "
    "Капитолина Клавдия Лариса Лидия Любовь Людмила Мария Надежда Нина Ольга Раиса Римма "
    "Светлана Таисия Тамара Татьяна Юлия"
)
MALE_NAMES = words(
    "Александр Алексей Анатолий Борис Василий Виктор Владимир Геннадий Григорий Иван Леонид "
    "Михаил Николай Пётр Сергей Степан Юрий Фёдор"
)
WORKER_FEMALE_NAMES = words(
    "Алёна Анастасия Валентина Галина Дарья Елена Ирина Ксения Лариса Марина Наталья Оксана "
    "Ольга Светлана Татьяна Юлия Людмила Надежда Екатерина Инна"
)
WORKER_MALE_NAMES = words("Андрей Денис Дмитрий Евгений Игорь Максим Роман Сергей")
# father's name -> (male patronymic, female patronymic)
PATRONYMICS = (
    ("Иванович", "Ивановна"),
    ("Петрович", "Петровна"),
    ("Николаевич", "Николаевна"),
    ("Васильевич", "Васильевна"),
    ("Михайлович", "Михайловна"),
    ("Александрович", "Александровна"),
    ("Викторович", "Викторовна"),
    ("Анатольевич", "Анатольевна"),
    ("Григорьевич", "Григорьевна"),
    ("Фёдорович", "Фёдоровна"),
    ("Алексеевич", "Алексеевна"),
    ("Сергеевич", "Сергеевна"),
    ("Степанович", "Степановна"),
    ("Семёнович", "Семёновна"),
    ("Павлович", "Павловна"),
    ("Дмитриевич", "Дмитриевна"),
    ("Яковлевич", "Яковлевна"),
    ("Андреевич", "Андреевна"),
    ("Егорович", "Егоровна"),
    ("Юрьевич", "Юрьевна"),
    ("Владимирович", "Владимировна"),
    ("Геннадьевич", "Геннадьевна"),
    ("Евгеньевич", "Евгеньевна"),
    ("Олегович", "Олеговна"),
)

NOTES = (
    "домофон не работает, звонить заранее",
    "4 этаж без лифта",
    "5 этаж без лифта",
    "собака, звонить перед приходом",
    "плохо слышит, стучать громко",
    "ключ у соседки из кв. 3",
    "сахарный диабет, продукты без сахара",
    "передвигается с ходунками",
)
FORMULA_NOTE = "=звонить дочери"  # exercises spreadsheet formula-injection safety
DIALYSIS_NOTE = {
    "mon": "по понедельникам диализ",
    "tue": "по вторникам диализ",
    "wed": "по средам диализ",
    "thu": "по четвергам диализ",
    "fri": "по пятницам диализ",
}

HOLIDAYS = (
    ("01-01", "Новогодние каникулы"),
    ("01-02", "Новогодние каникулы"),
    ("01-03", "Новогодние каникулы"),
    ("01-04", "Новогодние каникулы"),
    ("01-05", "Новогодние каникулы"),
    ("01-06", "Новогодние каникулы"),
    ("01-07", "Рождество Христово"),
    ("01-08", "Новогодние каникулы"),
    ("02-23", "День защитника Отечества"),
    ("03-08", "Международный женский день"),
    ("05-01", "Праздник Весны и Труда"),
    ("05-09", "День Победы"),
    ("06-12", "День России"),
    ("11-04", "День народного единства"),
)
HOLIDAY_YEARS = (2026, 2027)
ABSENCES = (  # worker index (1-based), from, to, reason; keeps 2026-12-07/08 free
    (5, "2026-12-09", "2026-12-11", "больничный"),
    (17, "2026-12-14", "2026-12-25", "ежегодный отпуск"),
    (24, "2026-12-16", "2026-12-16", "курсы повышения квалификации"),
)


# --------------------------------------------------------------------------------------------
# Weekly patterns: "mon-fri 09:00-18:00; sat 10:00-12:00" <-> {day: [(start_min, end_min)]}
# --------------------------------------------------------------------------------------------
Week = dict[str, list[tuple[int, int]]]


def parse_minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def parse_days(text: str) -> list[str]:
    days: list[str] = []
    for part in text.split("+"):
        if "-" in part:
            first, last = part.split("-")
            days.extend(DAYS[DAYS.index(first) : DAYS.index(last) + 1])
        else:
            days.append(part)
    return days


def parse_week(text: str) -> Week:
    week: Week = {}
    for part in text.split(";"):
        day_text, window = part.split()
        start, end = window.split("-")
        for day in parse_days(day_text):
            week.setdefault(day, []).append((parse_minutes(start), parse_minutes(end)))
    return {day: sorted(windows) for day, windows in week.items()}


def join_days(days: list[str]) -> str:
    return "+".join(sorted(days, key=DAYS.index))


def intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if s < e:
                out.append((s, e))
    return sorted(out)


# --------------------------------------------------------------------------------------------
# Day feasibility: a small constructive schedule.
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DayVisit:
    duration: int
    windows: tuple[tuple[int, int], ...]  # client at home ∩ shift


def _simulate(order: list[DayVisit], shift: tuple[int, int], lunch_at: int, travel_min: int) -> bool:
    """Serve visits in this order from the shift start, lunch before visit number lunch_at."""
    lunch_start, lunch_end, lunch_len = LUNCH
    t = shift[0]
    for i in range(len(order) + 1):
        if i == lunch_at:
            begin = max(t, lunch_start)
            if begin + lunch_len > lunch_end:
                return False
            t = begin + lunch_len
        if i == len(order):
            break
        visit = order[i]
        arrive = t + travel_min
        for w_start, w_end in visit.windows:
            start = max(arrive, w_start)
            if start + visit.duration <= w_end:
                t = start + visit.duration
                break
        else:
            return False
    return t <= shift[1]


def day_feasible(visits: list[DayVisit], shift: tuple[int, int], travel_min: int = TRAVEL_MIN) -> bool:
    """True if some simple ordering with lunch fits; False may be a false negative."""
    if not visits:
        return True
    orders = [
        sorted(visits, key=lambda v: (max(e for _, e in v.windows), v.windows[0][0], -v.duration)),
        sorted(visits, key=lambda v: (min(e for _, e in v.windows), v.windows[0][0], -v.duration)),
        sorted(visits, key=lambda v: (v.windows[0][0], max(e for _, e in v.windows))),
    ]
    for order in orders:
        for lunch_at in range(len(order) + 1):
            if _simulate(order, shift, lunch_at, travel_min):
                return True
    return False


def rule_load(durations: list[int], travel_min: int = TRAVEL_MIN) -> int:
    """Planning rule of thumb: visit minutes + travel to each (15 min in a town) + 45 min lunch."""
    return sum(durations) + travel_min * len(durations) + LUNCH[2]


# --------------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------------
@dataclass
class Worker:
    id: str
    name: str
    department: str
    start: tuple[float, float]
    shift_text: str
    skills: str
    mode: str
    max_visits: int
    home: bool = False
    shift: Week = field(default_factory=dict)
    # Rule of thumb for the way: minutes to each visit, and a day's drive out to the villages and back
    # (0 in a town, where the worker is among the clients from the start).
    travel_min: int = TRAVEL_MIN
    trip_min: int = 0

    @property
    def nurse(self) -> bool:
        return "nurse" in self.skills.split("+")

    def span(self, day: str) -> tuple[int, int] | None:
        windows = self.shift.get(day)
        return (windows[0][0], windows[-1][1]) if windows else None

    def limit(self, day: str) -> int:
        span = self.span(day)
        assert span is not None
        return span[1] - span[0] - MARGIN_MIN - self.trip_min

    def load(self, durations: list[int]) -> int:
        return rule_load(durations, self.travel_min)

    def visiting_span(self, day: str) -> tuple[int, int]:
        """The part of the shift among the clients: half the day's trip out, half back."""
        span = self.span(day)
        assert span is not None
        return span[0] + self.trip_min // 2, span[1] - (self.trip_min - self.trip_min // 2)


@dataclass
class Client:
    id: str
    name: str
    address: str
    lat: float
    lon: float
    department: str
    available_text: str = ""
    worker_id: str = ""
    notes: str = ""
    available: Week = field(default_factory=dict)
    weekly: tuple[str, ...] = ()
    monthly: tuple[str, int] | None = None  # code, times
    monthly_day: str = ""
    visits: int = 2
    days: tuple[str, ...] = ()
    narrow: bool = False
    day_out: str = ""  # a weekday the client is away (the note says why)
    route_days: tuple[str, ...] = DAYS  # weekdays the worker comes to the client's village

    def duration(self, day: str) -> int:
        minutes = sum(NORM[c] for c in self.weekly)
        if self.monthly is not None and day == self.monthly_day:
            minutes += NORM[self.monthly[0]]
        return minutes

    def max_duration(self) -> int:
        return sum(NORM[c] for c in self.weekly) + (NORM[self.monthly[0]] if self.monthly else 0)

    def needs_nurse(self) -> bool:
        return any(code in NURSE_SERVICES for code in self.weekly)


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------
def weighted(rng: random.Random, items: Sequence[tuple[T, int]]) -> T:
    values = [item for item, _ in items]
    weights = [weight for _, weight in items]
    return rng.choices(values, weights=weights, k=1)[0]


def person_name(rng: random.Random, female: bool, full: bool, first_names: Sequence[str]) -> str:
    surname = rng.choice(SURNAMES)
    if female:
        if surname.endswith(("ов", "ев", "ёв", "ин")):
            surname += "а"
        elif surname.endswith("ский"):
            surname = surname[:-4] + "ская"
    first = rng.choice(first_names)
    patronymic = rng.choice(PATRONYMICS)[1 if female else 0]
    if full:
        return f"{surname} {first} {patronymic}"
    return f"{surname} {first[0]}. {patronymic[0]}."


def km_to_deg(lat: float) -> tuple[float, float]:
    return 1 / 111.2, 1 / (111.2 * math.cos(math.radians(lat)))


def point_near(
    rng: random.Random, district: District, centre: tuple[float, float], sigma_km: float
) -> tuple[float, float]:
    dlat, dlon = km_to_deg(centre[0])
    while True:
        lat = centre[0] + rng.gauss(0, sigma_km) * dlat
        lon = centre[1] + rng.gauss(0, sigma_km) * dlon
        if district.lat_box[0] <= lat <= district.lat_box[1] and district.lon_box[0] <= lon <= district.lon_box[1]:
            return round(lat, 6), round(lon, 6)


def make_workers(rng: random.Random) -> list[Worker]:
    workers: list[Worker] = []
    surnames: set[str] = set()
    # Per department (index within department 0..9): special shifts, nurses, modes, home starts.
    plan = {
        "D1": {
            "short": {3},
            "tuesat": {7},
            "nurse": {1, 4, 8},
            "bike": {2, 6},
            "car": set(),
            "transit": {5, 9},
            "home": {6},
        },
        "D2": {
            "short": {5},
            "tuesat": {2},
            "nurse": {0, 3, 6, 9},
            "bike": {8},
            "car": {4},
            "transit": {1, 2, 5, 7},
            "home": {8, 1},
        },
        "D3": {
            "short": {1},
            "tuesat": {8},
            "nurse": {2, 5, 7},
            "bike": {3},
            "car": {6},
            "transit": {0, 4, 8, 9},
            "home": {3},
        },
    }
    number = 0
    for district in DISTRICTS:
        spec = plan[district.department]
        for i in range(10):
            number += 1
            female = rng.random() < 0.88
            while True:
                pool = WORKER_FEMALE_NAMES if female else WORKER_MALE_NAMES
                name = person_name(rng, female, True, pool)
                stem = name.split()[0].rstrip("а").replace("ская", "ский")
                if stem not in surnames:  # colleagues do not share a surname
                    surnames.add(stem)
                    break
            if i in spec["short"]:
                shift = "mon-fri 08:00-16:00"
            elif i in spec["tuesat"]:
                shift = "tue-sat 09:00-18:00"
            else:
                shift = "mon-fri 08:00-17:00"
            mode = (
                "car"
                if i in spec["car"]
                else "bike"
                if i in spec["bike"]
                else "transit"
                if i in spec["transit"]
                else "foot"
            )
            max_visits = 6 if i in spec["short"] else rng.choice((7, 8))
            worker = Worker(
                id=f"W{number:02d}",
                name=name,
                department=district.department,
                start=district.office,
                shift_text=shift,
                skills="nurse" if i in spec["nurse"] else "",
                mode=mode,
                max_visits=max_visits,
                home=i in spec["home"],
            )
            worker.shift = parse_week(shift)
            workers.append(worker)
    return workers


def make_clients(
    rng: random.Random,
    districts: Sequence[District] = DISTRICTS,
    per_department: int = CLIENTS_PER_DEPARTMENT,
    prefix: str = "",
) -> list[Client]:
    clients: list[Client] = []
    names: set[str] = set()
    houses: set[tuple[str, str]] = set()
    number = 0
    for district in districts:
        for _ in range(per_department):
            number += 1
            female = rng.random() < 0.72
            while True:
                name = person_name(rng, female, False, FEMALE_NAMES if female else MALE_NAMES)
                if name not in names:
                    names.add(name)
                    break
            while True:
                street = rng.choice(district.streets)
                house = str(rng.randint(1, 140))
                if rng.random() < 0.08:
                    house += rng.choice("аб")
                if (street, house) not in houses:
                    houses.add((street, house))
                    break
            if rng.random() < district.private_house_share:
                address = f"{street}, д. {house}"
            else:
                address = f"{street}, д. {house}, кв. {rng.randint(1, 180)}"
            lat, lon = point_near(rng, district, district.office, SPREAD_KM)
            clients.append(
                Client(
                    id=f"{prefix}C{number:03d}",
                    name=name,
                    address=address,
                    lat=lat,
                    lon=lon,
                    department=district.department,
                )
            )
    return clients


def assign_workers(
    rng: random.Random, clients: list[Client], workers: list[Worker], districts: Sequence[District] = DISTRICTS
) -> None:
    """Territories: contiguous sectors around the office, sized by shift length; a few
    clients kept by another worker (lists grow historically); ~15 % unassigned."""
    for district in districts:
        staff = [w for w in workers if w.department == district.department]
        own = [c for c in clients if c.department == district.department]
        n_assigned = round(ASSIGNED_SHARE * len(own))
        assigned = sorted(rng.sample(own, n_assigned), key=lambda c: c.id)
        capacity = [sum(w.limit(d) for d in w.shift) for w in staff]
        total = sum(capacity)
        sizes = [math.floor(n_assigned * cap / total) for cap in capacity]
        for k in range(n_assigned - sum(sizes)):
            sizes[k % len(sizes)] += 1
        assigned.sort(key=lambda c: (math.atan2(c.lat - district.office[0], c.lon - district.office[1]), c.id))
        offset = rng.randrange(len(assigned))
        assigned = assigned[offset:] + assigned[:offset]
        order = list(range(len(staff)))
        rng.shuffle(order)
        cursor = 0
        for k in order:
            for client in assigned[cursor : cursor + sizes[k]]:
                client.worker_id = staff[k].id
            cursor += sizes[k]
        # historical lists: swap a few clients between workers
        for _ in range(len(assigned) // 10):
            a, b = rng.sample(assigned, 2)
            a.worker_id, b.worker_id = b.worker_id, a.worker_id
        # workers starting from home live inside their own territory
        for w in staff:
            if w.home:
                mine = [c for c in assigned if c.worker_id == w.id]
                lat = sum(c.lat for c in mine) / len(mine)
                lon = sum(c.lon for c in mine) / len(mine)
                w.start = point_near(rng, district, (lat, lon), 0.25)


def availability(rng: random.Random, client: Client, worker: Worker | None) -> None:
    """Most clients are at home on weekdays 09-18; about a fifth are restricted."""
    tuesat = worker is not None and "sat" in worker.shift
    short = worker is not None and worker.span("mon") == (8 * 60, 16 * 60)
    r = rng.random()
    dialysis_day = ""
    if tuesat and r < 0.45:
        text = "mon-sat 09:00-18:00" if rng.random() < 0.6 else "mon-fri 09:00-18:00; sat 10:00-14:00"
    elif r < 0.80 or (tuesat and r < 0.85):
        text = FULL_WEEK
    else:
        kinds = ["morning", "dialysis", "split", "saturday", "late"]
        if not short:
            kinds.append("afternoon")
        kind = rng.choice(kinds)
        if kind == "morning":
            text = "mon-fri 09:00-12:00"
        elif kind == "afternoon":
            text = "mon-fri 14:00-18:00"
        elif kind == "dialysis":
            dialysis_day = rng.choice(DAYS[:5])
            text = join_days([d for d in DAYS[:5] if d != dialysis_day]) + " 09:00-18:00"
        elif kind == "split":
            text = "mon-fri 09:00-12:00; mon-fri 15:00-18:00"
        elif kind == "saturday":
            text = "mon-fri 09:00-13:00; sat 10:00-12:00"
        else:
            text = "mon-fri 10:00-16:00"
        client.narrow = kind in ("morning", "afternoon", "split", "saturday")
    client.available_text = text
    client.available = parse_week(text)
    if dialysis_day:
        client.notes = DIALYSIS_NOTE[dialysis_day]
        client.day_out = dialysis_day


def widest_window(client: Client, worker: Worker | None) -> int:
    lengths: list[int] = []
    for day, windows in client.available.items():
        if worker is not None:
            if day not in worker.shift:
                continue
            windows = intersect(windows, worker.shift[day])
        lengths.extend(e - s for s, e in windows)
    return max(lengths) if lengths else 0


def make_programme(
    rng: random.Random,
    client: Client,
    worker: Worker | None,
    packages: Sequence[tuple[tuple[str, ...], int]] = PACKAGES,
    nurse_packages: Sequence[tuple[tuple[str, ...], int]] = NURSE_PACKAGES,
    three_visits_share: float = THREE_VISITS_SHARE,
) -> None:
    nurse_ok = worker is None or worker.nurse
    client.weekly = weighted(rng, list(packages) + (list(nurse_packages) if nurse_ok else []))
    client.visits = 3 if rng.random() < three_visits_share else 2
    client.monthly = None
    if rng.random() < MONTHLY_SHARE:
        code, times = weighted(rng, [((c, t), w) for c, t, w in MONTHLY])
        client.monthly = (code, times)
    # never a visit longer than the client's usable window minus half an hour
    room = widest_window(client, worker) - 30
    while client.max_duration() > room:
        if client.monthly is not None:
            client.monthly = None
        elif len(client.weekly) > 2:
            client.weekly = client.weekly[:-1]
        else:
            raise RuntimeError(f"no package fits the windows of client {client.id}")


CONSECUTIVE_PENALTY = 1000


def day_patterns(k: int, days: list[str]) -> list[tuple[tuple[str, ...], int]]:
    """Candidate fixed days with a spacing penalty (consecutive days are poor practice)."""
    out = []
    for combo in itertools.combinations(days, k):
        idx = [DAYS.index(d) for d in combo]
        gaps = [b - a for a, b in itertools.pairwise(idx)] + [idx[0] + 7 - idx[-1]]
        penalty = CONSECUTIVE_PENALTY * sum(1 for g in gaps if g < 2) + max(gaps) - min(gaps)
        out.append((combo, penalty))
    return out


def client_days(client: Client, worker: Worker | None, department_days: list[str]) -> list[str]:
    days = []
    for day in DAYS:
        if day not in client.available or day not in client.route_days:
            continue
        if worker is not None:
            span = worker.shift.get(day)
            if not span:
                continue
            windows = intersect(client.available[day], span)
        else:
            if day not in department_days:
                continue
            windows = client.available[day]
        if any(e - s >= client.max_duration() + 15 for s, e in windows):
            days.append(day)
    return days


def day_visits(worker: Worker, day: str, clients: list[Client]) -> list[DayVisit]:
    span = worker.shift[day]
    out = []
    for c in clients:
        if day in c.days:
            out.append(DayVisit(c.duration(day), tuple(intersect(c.available[day], span))))
    return out


def worker_day_ok(worker: Worker, day: str, clients: list[Client], spare_visits: int, spare_min: int) -> bool:
    mine = [c for c in clients if day in c.days]
    if len(mine) > worker.max_visits - spare_visits:
        return False
    if worker.load([c.duration(day) for c in mine]) > worker.limit(day) - spare_min:
        return False
    return day_feasible(day_visits(worker, day, mine), worker.visiting_span(day), worker.travel_min)


def downgrade(client: Client) -> bool:
    """Make a programme lighter; False when nothing is left to drop."""
    if client.monthly is not None:
        client.monthly = None
    elif client.visits == 3:
        client.visits = 2
    elif len(client.weekly) > 2:
        client.weekly = client.weekly[:-1]
    elif client.weekly != LIGHTEST_PACKAGE:
        client.weekly = LIGHTEST_PACKAGE
    elif client.available_text != FULL_WEEK:
        client.available_text, client.available, client.narrow = FULL_WEEK, parse_week(FULL_WEEK), False
        if client.day_out:
            client.notes, client.day_out = "", ""
    else:
        return False
    return True


def place(rng: random.Random, worker: Worker, placed: list[Client], c: Client) -> bool:
    """Give client c the best fixed days with this worker; append to placed if it fits."""
    best = None
    for combo, penalty in day_patterns(c.visits, client_days(c, worker, [])):
        for monthly_day in combo if c.monthly else ("",):
            c.days, c.monthly_day = combo, monthly_day
            trial = [*placed, c]
            if not all(worker_day_ok(worker, d, trial, KEEP_FREE_VISITS, KEEP_FREE_MIN) for d in combo):
                continue
            spans = {d: worker.limit(d) + MARGIN_MIN for d in worker.shift}
            loads = [worker.load([x.duration(d) for x in trial if d in x.days]) - spans[d] for d in worker.shift]
            counts = [sum(1 for x in trial if d in x.days) for d in worker.shift]
            key = (
                penalty // CONSECUTIVE_PENALTY,  # visits on consecutive days only when forced
                max(loads),
                sum(v * v for v in loads) + 400 * sum(n * n for n in counts) + 50 * penalty,
                rng.random(),
            )
            if best is None or key < best[0]:
                best = (key, combo, monthly_day)
    if best is None:
        c.days, c.monthly_day = (), ""
        return False
    c.days, c.monthly_day = best[1], best[2]
    placed.append(c)
    return True


def weekly_ratio(worker: Worker, placed: list[Client]) -> float:
    used = sum(worker.load([x.duration(d) for x in placed if d in x.days]) for d in worker.shift)
    return used / sum(worker.limit(d) for d in worker.shift)


def choose_days_assigned(
    rng: random.Random, staff: list[Worker], clients: list[Client], waiting_list: bool = False
) -> tuple[int, int]:
    """Greedy fixed days for a department's assigned clients, most constrained first.

    A client who does not fit the own worker's week goes to the least loaded colleague who
    can serve it (caseloads are rebalanced this way in practice); failing that, the
    programme is made lighter. Where even the lightest does not fit, the client is an error,
    or with ``waiting_list`` left open (no worker, no days) for the unassigned pass.
    Returns (moves, downgrades).
    """
    by_id = {w.id: w for w in staff}
    placed: dict[str, list[Client]] = {w.id: [] for w in staff}
    moves = downgrades = 0

    def tightness(c: Client) -> tuple[int, bool, int, float]:
        return (
            len(client_days(c, by_id[c.worker_id], [])),
            not c.narrow,
            -c.max_duration() * c.visits,
            rng.random(),
        )

    for c in sorted(clients, key=tightness):
        own = by_id[c.worker_id]
        if place(rng, own, placed[own.id], c):
            continue
        others = sorted(
            (w for w in staff if w is not own and (w.nurse or not c.needs_nurse())),
            key=lambda w: (weekly_ratio(w, placed[w.id]), w.id),
        )
        for w in others:
            if place(rng, w, placed[w.id], c):
                c.worker_id = w.id
                moves += 1
                break
        else:
            while True:
                if not downgrade(c):
                    if waiting_list:
                        c.worker_id = ""
                        break
                    raise RuntimeError(f"cannot place client {c.id} with worker {own.id}")
                downgrades += 1
                if place(rng, own, placed[own.id], c):
                    break
    return moves, downgrades


def insert_unassigned(
    staff: list[Worker], load: dict[tuple[str, str], list[Client]], day: str, c: Client
) -> str | None:
    """Worker id that can take client c on day (most spare minutes first), or None."""
    candidates = []
    for w in staff:
        if day not in w.shift or (c.needs_nurse() and not w.nurse):
            continue
        mine = load[(w.id, day)]
        spare = w.limit(day) - w.load([x.duration(day) for x in mine])
        candidates.append((-spare, w.id, w))
    for _, _, w in sorted(candidates):
        trial = [*load[(w.id, day)], c]
        if worker_day_ok(w, day, trial, 0, 0):
            return w.id
    return None


def choose_days_unassigned(
    rng: random.Random, staff: list[Worker], assigned: list[Client], free: list[Client], waiting_list: bool = False
) -> int:
    """Fixed days for the open clients in the department's spare time; with ``waiting_list`` a client
    that no day fits keeps no days (the caller leaves them out: the centre's waiting list)."""
    downgrades = 0
    department_days = sorted({d for w in staff for d in w.shift}, key=DAYS.index)
    load: dict[tuple[str, str], list[Client]] = {
        (w.id, d): [c for c in assigned if c.worker_id == w.id and d in c.days] for w in staff for d in w.shift
    }
    order = sorted(
        free,
        key=lambda c: (
            not c.needs_nurse(),
            len(client_days(c, None, department_days)),
            not c.narrow,
            -c.max_duration() * c.visits,
            rng.random(),
        ),
    )
    for c in order:
        while True:
            best = None
            for combo, penalty in day_patterns(c.visits, client_days(c, None, department_days)):
                for monthly_day in combo if c.monthly else ("",):
                    c.days, c.monthly_day = combo, monthly_day
                    takers = [insert_unassigned(staff, load, d, c) for d in combo]
                    if any(t is None for t in takers):
                        continue
                    # spread the department's load evenly over its working days
                    used = [
                        sum(w.load([x.duration(d) for x in load[(w.id, d)]]) for w in staff if d in w.shift)
                        + (c.duration(d) + TRAVEL_MIN if d in combo else 0)
                        for d in department_days
                    ]
                    key = (sum(u * u for u in used) / 1000 + 2 * penalty, rng.random())
                    if best is None or key < best[0]:
                        best = (key, combo, monthly_day, takers)
            if best is not None:
                c.days, c.monthly_day = best[1], best[2]
                for d, taker in zip(c.days, best[3], strict=True):
                    load[(taker, d)].append(c)  # type: ignore[index]
                break
            c.days, c.monthly_day = (), ""
            if not downgrade(c):
                if waiting_list:
                    break
                raise RuntimeError(f"cannot place unassigned client {c.id}")
            downgrades += 1
    return downgrades


def add_notes(rng: random.Random, clients: list[Client], notes: Sequence[str] = NOTES) -> None:
    """Most notes are empty; each stock note goes to two clients, one client gets FORMULA_NOTE."""
    plain = [c for c in clients if not c.notes]
    chosen = sorted(rng.sample(plain, 2 * len(notes) + 1), key=lambda c: c.id)
    formula = chosen.pop(len(chosen) // 2)
    formula.notes = FORMULA_NOTE
    for k, c in enumerate(chosen):
        c.notes = notes[k % len(notes)]


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------
def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def fmt(x: float) -> str:
    return f"{x:.6f}"


def fix_days(
    rng: random.Random,
    workers: list[Worker],
    clients: list[Client],
    departments: Sequence[str],
    waiting_list: bool = False,
) -> tuple[int, int]:
    """Fixed days for every client, department by department: (clients moved, programmes lightened).
    With ``waiting_list`` a client no week fits is left without days instead of stopping the run."""
    moves = downgrades = 0
    for department in departments:
        staff = [w for w in workers if w.department == department]
        own = [c for c in clients if c.department == department]
        moved, lightened = choose_days_assigned(rng, staff, [c for c in own if c.worker_id], waiting_list)
        moves += moved
        downgrades += lightened
        downgrades += choose_days_unassigned(
            rng, staff, [c for c in own if c.worker_id], [c for c in own if not c.worker_id], waiting_list
        )
    return moves, downgrades


Table = tuple[list[str], list[list[object]]]  # header, rows


def tables(
    services: Sequence[tuple[str, str, int, str, str]],
    workers: list[Worker],
    clients: list[Client],
    absences: Sequence[tuple[str, str, str, str]],
) -> dict[str, Table]:
    """The data folder's files as rows, in the order written: the one shape both the CSV files and
    the region benchmark's in-memory problems are made from, so the two cannot drift apart."""
    programme_rows: list[list[object]] = []
    for c in clients:
        days = join_days(list(c.days))
        for code in sorted(c.weekly):
            programme_rows.append([c.id, code, c.visits, "week", days])
        if c.monthly is not None:
            programme_rows.append([c.id, c.monthly[0], c.monthly[1], "month", c.monthly_day])
    return {
        "services.csv": (["code", "name", "norm_min", "skill", "errand"], [list(s) for s in services]),
        "workers.csv": (
            [
                "id",
                "name",
                "department",
                "start_lat",
                "start_lon",
                "shift",
                "lunch",
                "skills",
                "mode",
                "max_visits_per_day",
            ],
            [
                [
                    w.id,
                    w.name,
                    w.department,
                    fmt(w.start[0]),
                    fmt(w.start[1]),
                    w.shift_text,
                    LUNCH_TEXT,
                    w.skills,
                    w.mode,
                    w.max_visits,
                ]
                for w in workers
            ],
        ),
        "clients.csv": (
            ["id", "name", "address", "lat", "lon", "department", "available", "worker_id", "notes"],
            [
                [
                    c.id,
                    c.name,
                    c.address,
                    fmt(c.lat),
                    fmt(c.lon),
                    c.department,
                    c.available_text,
                    c.worker_id,
                    c.notes,
                ]
                for c in clients
            ],
        ),
        "programmes.csv": (["client_id", "service_code", "times", "per", "days"], programme_rows),
        "holidays.csv": (
            ["date", "name"],
            [[f"{year}-{md}", name] for year in HOLIDAY_YEARS for md, name in HOLIDAYS],
        ),
        "absences.csv": (["worker_id", "from", "to", "reason"], [list(a) for a in absences]),
    }


def write_tables(out: Path, files: dict[str, Table]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in files.items():
        write_csv(out / name, header, rows)


def generate(seed: int, out: Path) -> dict[str, int]:
    rng = random.Random(seed)
    workers = make_workers(rng)
    by_id = {w.id: w for w in workers}
    clients = make_clients(rng)
    assign_workers(rng, clients, workers)
    for c in clients:
        worker = by_id.get(c.worker_id)
        availability(rng, c, worker)
        make_programme(rng, c, worker)
    moves, downgrades = fix_days(rng, workers, clients, [d.department for d in DISTRICTS])
    add_notes(rng, clients)
    absences = [(f"W{n:02d}", start, end, reason) for n, start, end, reason in ABSENCES]
    files = tables(SERVICES, workers, clients, absences)
    write_tables(out, files)
    write_csv(out / "norms.csv", NORMS_HEADER, [[*NORM_VERSION, code, minutes] for code, minutes in CALIBRATED_NORMS])
    return {
        "services": len(SERVICES),
        "workers": len(workers),
        "clients": len(clients),
        "programme_rows": len(files["programmes.csv"][1]),
        "moved_clients": moves,
        "lightened_programmes": downgrades,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the synthetic Volgodonsk demo data set.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output folder (default: data/volgodonsk next to this script)",
    )
    args = parser.parse_args(argv)
    counts = generate(args.seed, args.out)
    print(", ".join(f"{k}={v}" for k, v in counts.items()), f"-> {args.out}")


if __name__ == "__main__":
    main()
