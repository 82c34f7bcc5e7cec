"""The seams with review and importing: after a final approval or an import commits, queue the render."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from ..importing.signals import report_imported
from ..signals import report_approved
from .enqueue import enqueue_render


@receiver(report_approved, dispatch_uid="publishing.render_on_approval")
def render_on_approval(sender, report_id, **kwargs):
    # The signal is sent after the approval committed; on_commit keeps it so if a caller sends it
    # from inside a transaction (the task must never read a row before it is committed).
    transaction.on_commit(partial(enqueue_render, report_id))


@receiver(report_imported, dispatch_uid="publishing.render_on_import")
def render_on_import(sender, report_id, **kwargs):
    """Imported history gets its PDF on the portal too (rendered from the numbers as published)."""
    transaction.on_commit(partial(enqueue_render, report_id))
