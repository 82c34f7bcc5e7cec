"""The redline: what changed since the version a reviewer returned, and which comments it answers.

The returned version is read off the sections' history (simple-history: the last record of each
section saved before the return); the current version is the sections as they are. Cells are
compared as shown (formatted numbers), text parts character by character with difflib — Chinese
has no spaces, so a word diff would mark whole paragraphs.
"""

import difflib
from dataclasses import dataclass, field

from reports.models import AnnualReport, ReportEvent
from reports.services import section_changes, section_text

from .selectors import comments_of, last_return, target_of


@dataclass
class Segment:
    op: str  # "equal", "insert", "delete"
    text: str


@dataclass
class Change:
    key: str
    kind: str  # "cell" / "part"
    section_key: str
    section_title: str
    label: str
    before: str
    after: str
    segments: list[Segment] = field(default_factory=list)  # text parts only
    answers: list = field(default_factory=list)  # ReviewComment rows this change answers


@dataclass
class Redline:
    return_event: ReportEvent
    changes: list[Change]
    unanswered: list  # comments of the return that no change addresses

    @property
    def cell_changes(self):
        return [c for c in self.changes if c.kind == "cell"]

    @property
    def text_changes(self):
        return [c for c in self.changes if c.kind != "cell"]


def text_segments(before: str, after: str) -> list[Segment]:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    segments = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", before[i1:i2]))
            continue
        if op in ("delete", "replace"):
            segments.append(Segment("delete", before[i1:i2]))
        if op in ("insert", "replace"):
            segments.append(Segment("insert", after[j1:j2]))
    return segments


def _section_as_of(section, moment):
    return section.history.filter(history_date__lte=moment).order_by("-history_date", "-history_id").first()


def report_redline(report: AnnualReport, since: ReportEvent | None = None) -> Redline | None:
    """None when the report was never returned."""
    event = since or last_return(report)
    if event is None:
        return None
    fmt = report.format
    comments = comments_of(event)
    changes = []
    for section in report.sections.order_by("key"):
        old = _section_as_of(section, event.created_at)
        before = section_text(fmt, old) if old is not None else {}
        for key, (was, now) in section_changes(before, section_text(fmt, section)).items():
            try:
                target = target_of(fmt, key)
            except KeyError:
                continue
            change = Change(key=key, kind="cell" if target.kind == "cell" else "part",
                            section_key=section.key, section_title=fmt.section(section.key).title,
                            label=target.label, before=was, after=now)
            if change.kind == "part":
                change.segments = text_segments(was, now)
            changes.append(change)
    order = {cell_id: i for i, cell_id in enumerate(fmt.cells())}
    parts = {p.key: i for i, p in enumerate(fmt.text_parts())}
    changes.sort(key=lambda c: (c.section_key, c.kind != "part", order.get(c.key, parts.get(c.key, 0))))
    answered = set()
    for change in changes:
        for comment in comments:
            if comment.target == change.key or (comment.target_kind == "section"
                                                and comment.target == change.section_key):
                change.answers.append(comment)
                answered.add(comment.pk)
    return Redline(event, changes, [c for c in comments if c.pk not in answered])
