"""The district and the plan of benchmarks/peak.py: bodies, two years of reports, the people (each
signed in, their session handed to the Locust users), the reports waiting at the start, the burst of
approvals a few seconds into the load, and the placeholder PDFs of the published versions."""

from common import generate_district

CSRF = "peakcsrftokenpeakcsrftokenpeakcs"
YEAR = 2025



def _user(username, name, role, *, bodies=(), district=None):
    from agencies.models import Role, RoleAssignment, User

    user = User.objects.create_user(username, password="Peak-Passw0rd!", full_name=name)
    if role == Role.DISTRICT_ADMIN:
        RoleAssignment.objects.create(user=user, role=role, district=district)
    else:
        RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=role, body=b) for b in bodies])
    return user


def _session(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _placeholder_pdfs():
    """One small real PDF (WeasyPrint), written through the storage API for every published version."""
    import hashlib

    import weasyprint
    from django.core.files.base import ContentFile

    from reports.publishing.models import ReportPdf

    data = weasyprint.HTML(string="<html lang='zh-Hans'><body><h1>政府信息公开工作年度报告</h1></body></html>").write_pdf()
    digest = hashlib.sha256(data).hexdigest()
    storage = ReportPdf._meta.get_field("file").storage
    versions = list(ReportPdf.objects.filter(status=ReportPdf.Status.DONE).select_related("report"))
    for pdf in versions:
        pdf.file.name = storage.save(f"bench/{pdf.report_id}-v{pdf.version}.pdf", ContentFile(data))
        pdf.sha256, pdf.size, pdf.page_count = digest, len(data), 1
        pdf.search_text = f"{pdf.report.body_name} " + " ".join(pdf.content.get("texts", {}).values())
    ReportPdf.objects.bulk_update(versions, ["file", "sha256", "size", "page_count", "search_text"], batch_size=500)
    return [(pdf.report_id, pdf.version) for pdf in versions]


def _section_cells(fmt, key, values):
    """The section's cells a person types (computed ones left out), as the page posts them."""
    section = next(s for s in fmt.sections if s.key == key)
    ids = [c.id for t in section.tables for c in t.cells() if not c.computed]
    return {cell_id: str(values[cell_id]) for cell_id in ids if values.get(cell_id) is not None}


def _explain_warnings(reports):
    """Each report's soft warnings explained (预警说明), as a filler does before submitting; anything
    else that would block the submission is a fault of the generated data."""
    from reports.review.selectors import submission_problems
    from reports.selectors import report_check

    for report in reports:
        report.explanations = {w.rule_id: "本年度情况特殊，已核实无误。" for w in report_check(report).soft_warnings}
        report.save(update_fields=["explanations"])
        problems = submission_problems(report)
        if problems:
            raise RuntimeError(f"generated report {report.pk} cannot be submitted: "
                               + "; ".join(f"{p.section_title}: {p.message}" for p in problems[:5]))


def generate(args):
    """The district and the plan handed to the Locust users (sessions, reports, URLs)."""
    import random

    from agencies.models import Role
    from reports.generate import as_json, plausible_values
    from reports.models import AnnualReport, ReportingYear, ReportSection
    from reports.publishing.models import ReportPdf
    from reports.review.notifications import mail_muted
    from reports.review.secrecy import ALL_POINTS
    from reports.review.services import report_approve, report_submit

    n_bodies = args.drafts + args.pending + args.published + args.backlog
    district = generate_district(n_bodies, years=[YEAR - 1, YEAR])
    everyone = list(AnnualReport.objects.filter(reporting_year__year=YEAR).select_related("body").order_by("body__code"))
    reports, burst = everyone[:n_bodies - args.backlog], everyone[n_bodies - args.backlog:]
    working = reports[:args.drafts + args.pending]
    ReportPdf.objects.filter(report__in=working + burst).delete()
    AnnualReport.objects.filter(pk__in=[r.pk for r in working + burst]).update(status="draft")
    published = _placeholder_pdfs()

    bodies = [r.body for r in reports]
    fillers = {b.pk: _user(f"peak.f{i:03d}", f"填报人{i}", Role.FILLER, bodies=[b]) for i, b in enumerate(bodies)}
    heads, directors = [], []
    for g in range(args.groups):
        group = bodies[g::args.groups]
        heads.append(_user(f"peak.head{g}", f"部门负责人{g}", Role.DEPT_HEAD, bodies=group))
        directors.append(_user(f"peak.director{g}", f"主管主任{g}", Role.DIRECTOR, bodies=group))
    admin = _user("peak.admin", "区管理员", Role.DISTRICT_ADMIN, district=district)

    _explain_warnings(working + burst)
    # The burst's reports wait for their 主管主任, who is none of the Locust reviewers (whose inbox and
    # approvals stay as they were); peak.py approves them during the load (approve_burst).
    burst_bodies = [r.body for r in burst]
    burst_filler = _user("peak.burst.filler", "填报人（集中审批）", Role.FILLER, bodies=burst_bodies)
    burst_head = _user("peak.burst.head", "部门负责人（集中审批）", Role.DEPT_HEAD, bodies=burst_bodies)
    burst_director = _user("peak.burst.director", "主管主任（集中审批）", Role.DIRECTOR, bodies=burst_bodies)
    # The e-mails of what was done before the load went out then: none waits for the workers.
    with mail_muted():
        for report in burst:
            report.refresh_from_db()
            report_submit(report=report, by=burst_filler)
            report_approve(report=report, by=burst_head, comment="同意。", confirmed=ALL_POINTS)
        # Waiting at the start: the real services, as the people would have done it.
        pending = working[args.drafts:]
        for i, report in enumerate(pending):
            report.refresh_from_db()
            report_submit(report=report, by=fillers[report.body_id])
            if i % 2:
                head = heads[bodies.index(report.body) % args.groups]
                report_approve(report=report, by=head, comment="同意。", confirmed=ALL_POINTS)

    # The board's refresh earlier that day checked each report's content as it then was and kept
    # the outcomes (reports.health.selectors.year_health); during the load a refresh checks again
    # only the reports saved since.
    from reports.health.selectors import year_health

    year = ReportingYear.objects.get(district=district, year=YEAR)
    year_health(year)
    fmt = year.format
    rng = random.Random(7)
    drafts = []
    for report in working[:args.drafts]:
        own = ReportSection.objects.get(report=report, key="s3").values
        other = as_json(fmt, plausible_values(fmt, rng))
        drafts.append({
            "report": report.pk, "section": "s3", "note": "s3.note", "session": _session(fillers[report.body_id]),
            "cells": _section_cells(fmt, "s3", own), "paste": _section_cells(fmt, "s3", other),
            "submit_chance": 0.3,
        })
    last_year = ReportingYear.objects.get(district=district, year=YEAR - 1)
    board, summary = f"/district/years/{year.pk}/board/", f"/summary/years/{last_year.pk}/"
    _seen_earlier(admin, board, summary)
    return {
        "csrf": CSRF,
        "fillers": drafts,
        "reviewers": [_session(u) for pair in zip(heads, directors) for u in pair],
        "admin": _session(admin),
        "board": board,
        "summary": summary,
        "year": YEAR - 1,
        "published": published,
        "queries": ["街道", "第1", "申请", "公开", "第2街道办事处"],
        "burst": {"director": burst_director.pk, "reports": [r.pk for r in burst]},
    }


def _seen_earlier(admin, *urls):
    """The 区管理员's board and summary, loaded once before the load, as on any day of the reporting
    season: what they keep in the shared cache (each part's 内容雷同, the summary's figures) is there
    at the peak, as it is in production, where the cache outlives the web processes. The web
    processes of the load start cold all the same, and everything saved during the load is
    compared and checked again."""
    from django.test import Client

    client = Client()
    client.force_login(admin)
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} before the load")


def approve_burst(plan):
    """The 主管主任's burst: every report of the backlog approved, one after another (each approval
    commits and queues its render, as the approve page does)."""
    from agencies.models import User
    from reports.models import AnnualReport
    from reports.review.secrecy import ALL_POINTS
    from reports.review.services import report_approve

    director = User.objects.get(pk=plan["burst"]["director"])
    for report in AnnualReport.objects.filter(pk__in=plan["burst"]["reports"]).order_by("pk"):
        report_approve(report=report, by=director, comment="经保密审查，同意公开。", confirmed=ALL_POINTS)
