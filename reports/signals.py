"""Domain signals between the parts of the reports app, so that review never imports publishing.

`report_approved` is sent after the transaction of the final (主管主任) approval commits, with
`report_id`; publishing listens and enqueues the render. `report_reopened` is sent when a
published report is reopened for a correction (更正).
"""

from django.dispatch import Signal

report_approved = Signal()  # kwargs: report_id
report_reopened = Signal()  # kwargs: report_id, reason
