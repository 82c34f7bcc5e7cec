"""Run by test_sqlite.py in a subprocess on SQLite, the demo's database: publishes a report and prints,
as JSON, what the portal answers. (The rest of the suite runs on PostgreSQL.)"""

import json
import sys

import django

django.setup()

from django.core.management import call_command  # noqa: E402  (after django.setup())
from django.test import Client  # noqa: E402

HUGE = "9" * 20


def main() -> dict:
    call_command("migrate", verbosity=0)
    from reports.publishing.tasks import publish
    from tests.factories import make_district_with_people
    from tests.report_factories import AnnualReportFactory, ReportingYearFactory

    people = make_district_with_people()
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.body, approved=True)
    section = report.sections.get(key="s1")
    section.texts = {**section.texts, "s1.p2": "本年度开展了政务公开标准化建设。"}
    section.save()
    assert publish(report.pk) == "published"
    client = Client(raise_request_exception=False)
    paths = [f"/portal/reports/{report.pk}/", f"/portal/reports/{HUGE}/", f"/portal/reports/{HUGE}/v1.pdf",
             f"/portal/reports/{report.pk}/v{HUGE}.pdf", f"/portal/reports/{HUGE}/data.json",
             f"/portal/reports/{HUGE}/data.csv", f"/portal/years/{HUGE}/data.csv", f"/portal/?year={HUGE}"]
    statuses = {path: client.get(path).status_code for path in paths}
    from pyquery import PyQuery

    searches = {}
    for query in ("标准化建设", "监督保障", "values", "s3", "texts"):
        rows = PyQuery(client.get("/portal/", {"q": query}).content)("#report-list tbody th")
        searches[query] = [[row.find("a").text(), row.find(".search-snippet mark").text()] for row in rows.items()]
    client.force_login(people.admin)
    statuses[f"/publishing/{HUGE}/status/"] = client.get(f"/publishing/{HUGE}/status/").status_code
    return {"report": report.pk, "body_name": report.body_name, "statuses": statuses, "searches": searches}


if __name__ == "__main__":
    json.dump(main(), sys.stdout, ensure_ascii=False)
