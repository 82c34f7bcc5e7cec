"""A claim on one render attempt: which version of which report a worker is rendering.

Its own module so that selectors (which find a pending claim) and services (which make one) both
use it without importing each other.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    pdf_id: int
    report_id: int
    version: int
    attempt: int
