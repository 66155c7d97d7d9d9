"""Pseudonymous client ids for exports: the same person keeps one pseudonym under one key.

Without a key a fresh random one is drawn, so exports of different runs cannot be linked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

__all__ = ["pseudonymiser"]


def pseudonymiser(key: str | bytes | None = None) -> Callable[[str], str]:
    secret = secrets.token_bytes(32) if key is None else (key.encode() if isinstance(key, str) else key)

    def pseudonym(client_id: str) -> str:
        digest = hmac.new(secret, client_id.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"P-{digest[:10]}"

    return pseudonym
