"""Who may retry a failed publication and reopen a published report for a correction (更正)."""

import rules

from agencies.permissions import is_admin_of_body_district
from reports.permissions import is_report_viewer


@rules.predicate
def is_admin_of_report_district(user, report):
    return report is not None and is_admin_of_body_district(user, report.body)


rules.add_perm("publishing.retry_publish", is_admin_of_report_district)
rules.add_perm("publishing.reopen_report", is_admin_of_report_district)
rules.add_perm("publishing.view_render_status", is_report_viewer)
