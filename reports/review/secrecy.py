"""保密审查: the points each reviewer confirms before approving (《政府信息公开申请与保密申请审核表》).

Declared once, here: they are the approval form's checkboxes (every one must be ticked to approve),
what the approval's timeline entry keeps (the points' own words at the time, so that a later change
of wording does not rewrite the record) and the rows of the 审核表 PDF.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SecrecyPoint:
    key: str
    label: str  # what the reviewer confirms, as the form and the 审核表 print it


POINTS: tuple[SecrecyPoint, ...] = (
    SecrecyPoint("no_state_secret", "不涉及国家秘密"),
    SecrecyPoint("no_third_party", "不含第三方的个人信息、商业秘密"),
    SecrecyPoint("no_internal", "不含内部事务信息、过程性信息"),
    SecrecyPoint("consistent", "与此前已公开的信息一致"),
)

ALL_POINTS: tuple[str, ...] = tuple(point.key for point in POINTS)
CHOICES = [(point.key, point.label) for point in POINTS]


def missing_points(confirmed: Iterable[str]) -> list[SecrecyPoint]:
    """The points not confirmed, in their order."""
    given = set(confirmed or ())
    return [point for point in POINTS if point.key not in given]


def missing_message(missing: list[SecrecyPoint]) -> str:
    names = "、".join(f"“{point.label}”" for point in missing)
    return f"审核通过前须逐项确认保密审查要点，尚未确认：{names}。"


def confirmed_record(confirmed: Iterable[str]) -> list[dict]:
    """What the approval's timeline entry keeps: each point confirmed, with its words."""
    given = set(confirmed or ())
    return [{"key": point.key, "label": point.label} for point in POINTS if point.key in given]
