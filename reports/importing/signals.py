"""Sent after the transaction of an import commits, with `report_id` and `event_id`.

Publishing connects to it (reports/publishing/receivers.py) to render the imported report's PDF from
its stored content; importing never imports publishing.
"""

from django.dispatch import Signal

report_imported = Signal()  # kwargs: report_id, event_id
