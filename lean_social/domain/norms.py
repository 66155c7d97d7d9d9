"""Time norms: how long a visit takes, from the regional norms of the services it carries."""

from __future__ import annotations

from collections.abc import Iterable

from lean_social.domain.model import Service

__all__ = ["visit_duration_min", "visit_duration_s"]


def visit_duration_min(services: Iterable[Service]) -> int:
    """A visit lasts the sum of its services' norms: the norms already include the small talk."""
    return sum(service.norm_min for service in services)


def visit_duration_s(services: Iterable[Service]) -> int:
    return 60 * visit_duration_min(services)
