"""What an export may show: a plan and its problem with every personal value taken out, in one place.

Pseudonymous client ids keep one pseudonym per person under one key; without a key a fresh random one is
drawn, so exports of different runs cannot be linked. ``pseudonymised`` turns a plan and its problem into
copies that exports read instead of the originals: client ids become pseudonyms; client names, addresses
and notes are dropped; the free text of client and worker absences ("hospital: cardiology ward 3") gives
way to its category, which the reasons already say ("client is away ...", "is absent ..."); coordinates
are rounded to about 100 m. Worker ids stay: they are staff codes, and a planner needs them to act on the
plan. Worker names go.

Reasons were written by the planners from the real data, so free text is scrubbed too, by value: every
known personal value of the problem is replaced wherever it occurs, whatever the wording around it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lean_social.domain.model import Location, Problem
from lean_social.record import record_from_dict, record_to_dict
from lean_social.schedule import Route, Schedule
from lean_social.validate import Violation

__all__ = [
    "CLIENT_AWAY",
    "COORDINATE_DECIMALS",
    "REMOVED",
    "WORKER_ABSENT",
    "ExportView",
    "as_is",
    "pseudonymised",
    "pseudonymiser",
]

#: What a client absence's free text becomes where it cannot simply be left out.
CLIENT_AWAY = "client away"
#: What a worker absence's free text becomes where it cannot simply be left out.
WORKER_ABSENT = "absent"
#: What a client's (or worker's) name, address or notes become if they turn up in free text.
REMOVED = "[removed]"
#: Decimals kept of a latitude or longitude: 0.001° is about 110 m north-south, less east-west.
COORDINATE_DECIMALS = 3
#: Free-text values shorter than this are not searched for in other text: they cannot single anyone
#: out, and replacing every "1" or "ok" would garble the reasons. Ids are always replaced.
MIN_SCRUBBED_LENGTH = 3


def pseudonymiser(key: str | bytes | None = None) -> Callable[[str], str]:
    """Client id → ``P-`` and 10 hex digits of an HMAC-SHA256 under ``key`` (a random key if None)."""
    secret = secrets.token_bytes(32) if key is None else (key.encode() if isinstance(key, str) else key)

    def pseudonym(client_id: str) -> str:
        digest = hmac.new(secret, client_id.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"P-{digest[:10]}"

    return pseudonym


def _same(text: str) -> str:
    return text


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ExportView:
    """The plan and problem every export is made from, and how text made from the real ones (a change,
    a violation) is shown beside them."""

    schedule: Schedule
    problem: Problem
    #: Free text as the export may show it: identity for a plain export.
    text: Callable[[str], str] = _same
    #: A client id as the export may show it, known to the problem or not: identity for a plain export.
    client: Callable[[str], str] = _same

    def row(self, row: Mapping[str, object]) -> dict[str, object]:
        """A row built from the real plan (``changes.csv``, say): its ``client_id`` through ``client``,
        every other text cell through ``text``."""
        return {
            k: (self.client(v) if k == "client_id" and v else self.text(v)) if isinstance(v, str) else v
            for k, v in row.items()
        }

    def violation(self, violation: Violation) -> str:
        """A broken rule in words, for ``run.json``; its client may be one the problem does not know."""
        message = self.text(str(violation))
        if violation.client_id:
            message = message.replace(violation.client_id, self.client(violation.client_id))
        return message


def as_is(schedule: Schedule, problem: Problem) -> ExportView:
    """Exports with the personal data in: the planner's own files."""
    return ExportView(schedule=schedule, problem=problem)


def pseudonymised(schedule: Schedule, problem: Problem, pseudonym: Callable[[str], str]) -> ExportView:
    """Copies of ``schedule`` and ``problem`` that carry no personal data (see the module's docstring),
    and the scrubber of text that made them."""
    # A plan may name a client the problem no longer has (a re-plan's published plan): scrubbed alike.
    ids = {c.id for c in problem.clients} | {s.client_id for _, s in schedule.stops}
    pseudonyms = {i: pseudonym(i) for i in ids | {u.client_id for u in schedule.unassigned}}
    if len(set(pseudonyms.values())) != len(pseudonyms):
        msg = "two clients got the same pseudonym; use another pseudonym key"
        raise ValueError(msg)
    text = _scrubber(problem, pseudonyms)
    clients = tuple(
        dataclasses.replace(c, id=pseudonyms[c.id], name="", address="", notes="", location=_rounded(c.location))
        for c in problem.clients
    )
    shown = dataclasses.replace(
        problem,
        clients=clients,
        programmes=tuple(dataclasses.replace(p, client_id=pseudonyms[p.client_id]) for p in problem.programmes),
        workers=tuple(dataclasses.replace(w, name="", start=_rounded(w.start)) for w in problem.workers),
        absences=tuple(dataclasses.replace(a, reason="") for a in problem.absences),
        client_absences=tuple(
            dataclasses.replace(a, client_id=pseudonyms[a.client_id], reason="") for a in problem.client_absences
        ),
    )

    def client(client_id: str) -> str:
        return pseudonyms.get(client_id) or pseudonym(client_id)

    plan = Schedule(
        routes=tuple(_route(r, client, text) for r in schedule.routes),
        unassigned=tuple(
            dataclasses.replace(u, client_id=client(u.client_id), visit_id=text(u.visit_id), reason=text(u.reason))
            for u in schedule.unassigned
        ),
        info=record_from_dict(_deep(record_to_dict(schedule.info), text)),
    )
    return ExportView(schedule=plan, problem=shown, text=text, client=client)


def _rounded(location: Location) -> Location:
    return Location(
        lat=round(location.lat, COORDINATE_DECIMALS),
        lon=round(location.lon, COORDINATE_DECIMALS),
    )


def _route(route: Route, client: Callable[[str], str], text: Callable[[str], str]) -> Route:
    stops = tuple(dataclasses.replace(s, client_id=client(s.client_id), visit_id=text(s.visit_id)) for s in route.stops)
    return dataclasses.replace(route, stops=stops)


def _deep(value: Any, text: Callable[[str], str]) -> Any:
    """The plan's record in its JSON form (settings and summaries), scrubbed all the same, keys included."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, Mapping):
        return {text(k) if isinstance(k, str) else k: _deep(v, text) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_deep(v, text) for v in value]
    return value


def _scrubber(problem: Problem, pseudonyms: Mapping[str, str]) -> Callable[[str], str]:
    """Text → the same text with every personal value of ``problem`` replaced, in one pass.

    An absence's free text in brackets, as the planners write it into reasons ("client is away
    2026-12-09..2026-12-20 (hospital)"), goes with its brackets: the words around it are its category.
    Any other occurrence of an absence's text becomes its category, and of a name, address or note
    ``[removed]``. Client ids become their pseudonyms where they stand as a word of their own (``C1`` in
    ``C10`` is another client). Where values overlap the longest wins, so a value inside another goes
    with it; one pass, so that nothing put in is searched again.
    """
    replacement: dict[str, str] = {}
    for reason in [*(a.reason for a in problem.client_absences), *(a.reason for a in problem.absences)]:
        if reason:
            replacement[f" ({reason})"] = ""
    for value in _values(a.reason for a in problem.client_absences):
        replacement[value] = CLIENT_AWAY
    for value in _values(a.reason for a in problem.absences):
        replacement[value] = WORKER_ABSENT
    names = [*(c.name for c in problem.clients), *(w.name for w in problem.workers)]
    for value in _values([*names, *(c.address for c in problem.clients)]):
        replacement[value] = REMOVED
    for value in _values(c.notes for c in problem.clients):
        replacement[value] = REMOVED
    replacement.update(pseudonyms)
    if not replacement:
        return _same

    def pattern(value: str) -> str:
        if value not in pseudonyms:
            return re.escape(value)
        # An id is a word of its own only at an edge where it has a word character.
        before = r"(?<!\w)" if re.match(r"\w", value[0]) else ""
        after = r"(?!\w)" if re.match(r"\w", value[-1]) else ""
        return before + re.escape(value) + after

    found = re.compile("|".join(pattern(v) for v in sorted(replacement, key=len, reverse=True)))

    def scrub(text: str) -> str:
        return found.sub(lambda m: replacement[m.group()], text)

    return scrub


def _values(texts: Iterable[str]) -> set[str]:
    return {t for t in texts if len(t.strip()) >= MIN_SCRUBBED_LENGTH}
