"""Who may see and change a report, from the role predicates of agencies.permissions."""

import rules

from agencies.permissions import (
    is_admin_of_body_district,
    is_city_admin_of_body,
    is_dept_head_of_body,
    is_director_of_body,
    is_district_admin,
    is_filler,
    is_filler_of_body,
    is_reviewer,
)


@rules.predicate
def is_report_filler(user, report):
    return report is not None and is_filler_of_body(user, report.body)


@rules.predicate
def is_report_viewer(user, report):
    if report is None:
        return False
    body = report.body
    return (is_filler_of_body(user, body) or is_dept_head_of_body(user, body) or is_director_of_body(user, body)
            or is_admin_of_body_district(user, body) or is_city_admin_of_body(user, body)
            or is_designated_reader(user, report))


def is_designated_reader(user, report) -> bool:
    """A reviewer of another body whom a district administrator handed this report's review
    (指定审核人) may read it."""
    if not is_reviewer(user):
        return False
    from .timeline import designated_report_ids

    return designated_report_ids(user).filter(report_id=report.pk).exists()


@rules.predicate
def is_editable(user, report):
    return report is not None and report.is_editable


rules.add_perm("reports.view_report", is_report_viewer)
rules.add_perm("reports.edit_report", is_report_filler & is_editable)
rules.add_perm("reports.list_reports", is_filler | is_reviewer | is_district_admin)
