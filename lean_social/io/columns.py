"""Which known column an unknown header cell was meant to be, so that a renamed column is an error.

A renamed optional column is the worst kind of input error: the reader finds no ``days`` column, takes
every row's fixed days as empty and plans without a word. So an unknown name that is the same as a
known one but for spacing, underscores, a byte order mark or a Cyrillic letter that looks Latin
(``wоrker_id`` typed on a Russian keyboard), or that is close to one in spelling (``day``, ``lunch_break``,
``time``), is taken for that column misspelled, not for an extra column of the planner's own.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["looks_like", "unseen_letters"]

#: Two names this alike (difflib's ratio) are one misspelled: ``day``/``days`` 0.86, ``time``/``times``
#: 0.89, ``worker``/``worker_id`` 0.8; unrelated extras planners add stay below (``surname``/``name`` 0.73).
SIMILARITY = 0.75

# Letters of other scripts drawn like Latin ones; a planner on a Russian layout types them unseen.
_LOOKALIKES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "і": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "ԁ": "d",
        "һ": "h",
        "α": "a",
        "ο": "o",
        "ρ": "p",
        "ι": "i",
    }
)
# A byte order mark inside a header: as text, and as a UTF-8 BOM reads in Windows-1251 and Latin-1.
_BOMS = ("\ufeff", "п»ї", "ï»¿")


def _normal(name: str) -> str:
    for bom in _BOMS:
        name = name.replace(bom, "")
    name = unicodedata.normalize("NFKC", name).lower().translate(_LOOKALIKES)
    return re.sub(r"[\s\-_.]+", "_", name).strip("_")


def looks_like(name: str, known: Iterable[str]) -> str | None:
    """The column of ``known`` that ``name`` (not itself a known name) was most likely meant to be, or
    None when it looks like none of them: then it is a column of the planner's own."""
    candidates = {_normal(k): k for k in known}
    if not candidates:
        return None
    typed = _normal(name)
    if not typed:
        return None
    squeezed = {n.replace("_", ""): k for n, k in candidates.items()}
    if typed.replace("_", "") in squeezed:  # worker id, workerid, wоrker_id, \ufeffid
        return squeezed[typed.replace("_", "")]
    words = typed.split("_")
    for normal, column in candidates.items():
        parts = normal.split("_")
        if words[: len(parts)] == parts or parts[: len(words)] == words:  # lunch_break, worker, max_visits
            return column
    close = difflib.get_close_matches(typed, list(candidates), n=1, cutoff=SIMILARITY)
    return candidates[close[0]] if close else None


def unseen_letters(name: str) -> str:
    """What a planner cannot see in ``name``: letters outside ASCII (a Cyrillic ``с`` in ``lunсh``) and
    invisible characters, named by code point; empty if there are none."""
    odd = dict.fromkeys(c for c in name if not c.isascii() or not c.isprintable())
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in odd)
