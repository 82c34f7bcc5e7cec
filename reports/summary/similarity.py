"""内容雷同 between two texts, pure Python (no database): whitespace removed, more than 90 % the same by
difflib's ratio. Each text is prepared once (`_Text`: shingles and character counts), and `_similar`
finds the most similar of many candidates while computing the expensive ratio for few (the bounds
explained there). comparison.py applies it to the parts of a year's reports."""

from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import repeat
from operator import sub

MIN_TEXT_LENGTH = 30  # "无。" or a one-line 无其他需要报告的事项 is the same everywhere, and rightly so
SHINGLE = 3
BUCKETS = 32  # the ten digits (the numbers and names a copied template differs by) fall apart


def _shingles(text: str) -> set[str]:
    text = "".join(text.split())
    return {text[i:i + SHINGLE] for i in range(max(len(text) - SHINGLE + 1, 1))}


def similarity(a: str, b: str) -> float:
    return _ratio("".join(a.split()), "".join(b.split()))


# When a part's texts change (year_similar), the ratios between the texts nobody changed are the same
# as at the last load: a process keeps the last few thousand it computed (pure functions of the two
# texts; ~1.5 KB each with its key, a few MB at most).
@lru_cache(maxsize=4096)
def _ratio(flat_a: str, flat_b: str) -> float:
    return SequenceMatcher(None, flat_a, flat_b, autojunk=False).ratio()


class _Text:
    """A text as the comparison reads it, prepared once however many texts it is compared with, and
    only as far as a comparison asks: `flat` at once, the character counts and the shingles when a
    candidate gets past the bounds that need less (most are passed over on their length or their
    buckets, and a report's page compares its own texts with every text of the year)."""

    __slots__ = ("flat", "long_enough", "_chars", "_buckets", "_shingles")

    def __init__(self, flat: str, long_enough: bool):
        self.flat = flat  # without whitespace (what similarity() compares)
        self.long_enough = long_enough
        self._chars: dict[str, int] | None = None
        self._buckets: tuple[int, ...] | None = None
        self._shingles: frozenset[str] | None = None

    @classmethod
    def of(cls, text: str) -> "_Text":
        return cls("".join(text.split()), len(text.strip()) >= MIN_TEXT_LENGTH)

    @property
    def chars(self) -> dict[str, int]:
        """Character -> occurrences."""
        if self._chars is None:
            self._chars = Counter(self.flat)
        return self._chars

    @property
    def buckets(self) -> tuple[int, ...]:
        """The same, characters counted together by their code point modulo BUCKETS."""
        if self._buckets is None:
            buckets = [0] * BUCKETS
            for char, n in self.chars.items():
                buckets[ord(char) % BUCKETS] += n
            self._buckets = tuple(buckets)
        return self._buckets

    @property
    def shingles(self) -> frozenset[str]:
        if self._shingles is None:
            self._shingles = frozenset(_shingles(self.flat))
        return self._shingles


def _common_chars(a: dict[str, int], b: dict[str, int]) -> int:
    if len(a) > len(b):
        a, b = b, a
    return sum(map(min, a.values(), map(b.get, a, repeat(0))))


def _common_bound(a: tuple[int, ...], b: tuple[int, ...], total: int) -> int:
    """At least _common_chars (characters put together never differ by more than each apart),
    in a few machine steps: the texts' lengths less what their buckets differ by, halved."""
    return (total - sum(map(abs, map(sub, a, b)))) // 2


def _similar(mine: _Text, others: Iterable[tuple[str, _Text]], threshold: float) -> tuple[str, float] | None:
    """The most similar of `others` (label, text) above the threshold, the first of equals, or None.

    The same answer as similarity() with every candidate, computed for few: the ratio is 2·M/T (M the
    characters of its matching blocks, T both lengths), so it cannot exceed 2·min(lengths)/T nor
    2·(characters in common)/T (difflib's real_quick_ratio and quick_ratio); a candidate whose bound
    does not beat the best so far (or the threshold) is passed over, and the same text is 1.0, which
    nothing beats."""
    if not mine.long_enough:
        return None
    best, bar = None, threshold
    for label, theirs in others:
        if not theirs.long_enough:
            continue
        total = len(mine.flat) + len(theirs.flat)
        if (2.0 * min(len(mine.flat), len(theirs.flat)) / total <= bar
                or 2.0 * _common_bound(mine.buckets, theirs.buckets, total) / total <= bar):
            continue
        # |A∩B| / max(|A|,|B|) bounds what the ratio can be; skip what cannot reach the threshold.
        shared = len(mine.shingles & theirs.shingles)
        if shared / max(len(mine.shingles), len(theirs.shingles)) < threshold - 0.2:
            continue
        if mine.flat == theirs.flat:
            ratio = 1.0
        elif 2.0 * _common_chars(mine.chars, theirs.chars) / total <= bar:
            continue
        else:
            ratio = _ratio(mine.flat, theirs.flat)
        if ratio > bar:
            best, bar = (label, ratio), ratio
            if ratio == 1.0:
                break
    return best
