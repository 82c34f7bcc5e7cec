"""The Celery app of the kill -9 tests' workers: the project's app, with the first render attempt of
each report slowed down so that a test can kill the worker in the middle of it.

Loaded only by those workers (`celery -A tests.publishing.slow_worker worker`); production code has
no hook for it. The delay sits where the real render would be, after the claim was recorded.
"""

import os
import time

from config.celery_app import app  # noqa: F401  (the app this worker runs)
from reports.publishing import pdf

SECONDS = float(os.environ.get("SLOW_RENDER_SECONDS", "120"))
_render = pdf.render


def _first_attempt_slowly(template_name, context):
    from reports.publishing.models import ReportPdf

    claimed = ReportPdf.objects.filter(report=context["document"].report, status=ReportPdf.Status.RENDERING).first()
    if claimed is not None and claimed.attempts == 1:
        time.sleep(SECONDS)
    return _render(template_name, context)


pdf.render = _first_attempt_slowly
