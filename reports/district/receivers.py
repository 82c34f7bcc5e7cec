"""What reporting years do when the district's bodies change (agencies knows nothing of reports)."""

from django.dispatch import receiver

from agencies.signals import body_created

from .services import reports_for_new_body


@receiver(body_created)
def _reports_for_new_body(sender, body, by, **kwargs):
    return reports_for_new_body(body=body, by=by)
