"""What is kept in the shared cache (Redis): answers under a digest of what they are computed from, or
one entry a thing under the state it was computed in. Nothing here is needed for correctness: a cache
that cannot be reached keeps nothing and everything is computed, as before it was kept."""

import structlog
from django.core.cache import cache

log = structlog.get_logger(__name__)

KEPT_FOR = 24 * 3600


def kept(keys: list[str]) -> dict:
    """What the shared cache keeps of these keys; nothing when it cannot be reached (then everything
    is computed, as before it was kept: the board does not depend on the cache being up)."""
    try:
        return cache.get_many(keys)
    except Exception as exc:  # redis-py's connection and timeout errors, whatever the backend raises
        log.warning("kept_cache_unavailable", error=f"{type(exc).__name__}: {exc}"[:200])
        return {}


def kept_as_of(states: dict[str, str]) -> dict:
    """Slot -> the value kept in it, for the slots whose value was kept in the given state (`keep`
    stores a slot as (state, value)): one entry a thing, overwritten when its state changes, so the
    shared Redis (also the broker, which evicts nothing) does not grow with every change."""
    found = kept(list(states))
    return {slot: entry[1] for slot, entry in found.items() if entry[0] == states[slot]}


def keep(values: dict) -> None:
    try:
        cache.set_many(values, timeout=KEPT_FOR)
    except Exception as exc:
        log.warning("kept_cache_unavailable", error=f"{type(exc).__name__}: {exc}"[:200])
