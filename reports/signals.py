"""Domain signals between the parts of the reports app, so that review and publishing never import
each other's services.

- `report_approved` is sent after the transaction of the final (主管主任) approval commits, with
  `report_id`; publishing listens and enqueues the render.
- `report_published` (a new version is public: `report`, `version`) and `report_reopened` (a
  published report goes back for a correction, 更正: `report`, `by`, `reason`) are sent inside
  the transaction of the change; the review listens and writes the notices to the filler and the
  reviewers in that same transaction (so they exist exactly when the change committed).
"""

from django.dispatch import Signal

report_approved = Signal()  # kwargs: report_id
report_published = Signal()  # kwargs: report, version
report_reopened = Signal()  # kwargs: report, by, reason
