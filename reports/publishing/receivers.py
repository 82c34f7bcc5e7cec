"""The seam with review: after the final approval commits, queue the render."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from ..signals import report_approved
from .services import enqueue_render


@receiver(report_approved, dispatch_uid="publishing.render_on_approval")
def render_on_approval(sender, report_id, **kwargs):
    # The signal is sent after the approval committed; on_commit keeps it so if a caller sends it
    # from inside a transaction (the task must never read a row before it is committed).
    transaction.on_commit(partial(enqueue_render, report_id))
