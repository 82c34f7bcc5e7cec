"""Sent after the transaction of an import commits, with `report_id` and `event_id`.

Publishing connects to it (in its AppConfig.ready) to snapshot the imported content, reading it
with reports.importing.services.imported_report_content(report); importing never imports publishing.
"""

from django.dispatch import Signal

report_imported = Signal()  # kwargs: report_id, event_id
