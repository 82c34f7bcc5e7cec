"""Ranking and snippets of the portal's search, on the texts that were published (see
reports/publishing/search.py): plain Python, the same on PostgreSQL and SQLite."""

import re
from dataclasses import dataclass

MAX_TERMS = 5
CONTEXT_BEFORE, CONTEXT_AFTER = 24, 40
SENTENCE_ENDS = ("。", "！", "？", "；", "”", "…")  # a paragraph's last character; headings and labels have none


def terms(query: str) -> list[str]:
    """The words of a query (space-separated; a Chinese phrase is one word), at most MAX_TERMS."""
    return list(dict.fromkeys(query.split()))[:MAX_TERMS]


def _pattern(words: list[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)


def matches(text: str, words: list[str]) -> bool:
    folded = text.casefold()
    return bool(words) and all(w.casefold() in folded for w in words)


@dataclass(frozen=True)
class Hit:
    """Why a report was found: by its name, and how often the words occur in its text."""

    by_name: bool
    occurrences: int
    snippet: tuple[tuple[str, bool], ...]  # (text, is it a match) in reading order

    @property
    def rank(self) -> tuple:
        return (self.by_name, self.occurrences)


def hit(*, name: str, text: str, words: list[str]) -> Hit:
    """How a report matches; its snippet is the content line (not the name or title, the first two
    lines of a search text) with the most different words; among those a sentence of the text
    before a heading or a table label, then the first."""
    pattern = _pattern(words)
    found: dict[int, set[str]] = {}  # the content lines that hold a word (by where they start): the words
    occurrences, content = 0, _content_start(text)
    for match in pattern.finditer(text):  # one pass over the text, however long; most lines hold none
        occurrences += 1
        if match.start() >= content:
            found.setdefault(text.rfind("\n", 0, match.start()) + 1, set()).add(match.group().casefold())
    best, best_key = "", (0, False)
    for start, held in found.items():
        end = text.find("\n", start)
        line = text[start:end if end >= 0 else len(text)]
        key = (len(held), line.endswith(SENTENCE_ENDS))
        if key > best_key:
            best, best_key = line, key
    return Hit(by_name=matches(name, words), occurrences=occurrences, snippet=snippet(best, pattern) if best else ())


def _content_start(text: str) -> int:
    """Where the third line (the first after the name and the title) starts."""
    first = text.find("\n")
    second = text.find("\n", first + 1) if first >= 0 else -1
    return second + 1 if second >= 0 else len(text) + 1


def snippet(line: str, pattern: re.Pattern) -> tuple[tuple[str, bool], ...]:
    """The line around its first match, cut at CONTEXT_* characters either side, matches marked."""
    first = pattern.search(line)
    start = max(0, first.start() - CONTEXT_BEFORE)
    end = min(len(line), first.end() + CONTEXT_AFTER)
    window = line[start:end]
    parts: list[tuple[str, bool]] = [("…", False)] if start else []
    position = 0
    for found in pattern.finditer(window):
        if found.start() > position:
            parts.append((window[position:found.start()], False))
        parts.append((found.group(), True))
        position = found.end()
    if position < len(window):
        parts.append((window[position:], False))
    if end < len(line):
        parts.append(("…", False))
    return tuple(parts)
