"""Entry views for every role: fillers of the body edit, reviewers and admins read, others get 404."""

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import ReportSection, ReportStatus
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "filler", "head", "director", "admin", "other_filler"]
READERS = {"filler", "head", "director", "admin"}


@pytest.fixture
def report(people):
    return AnnualReportFactory(body=people.body, reporting_year__district=people.district, reporting_year__year=2025)


def _client(people, role, **kwargs):
    client = Client(**kwargs)
    if role != "anonymous":
        client.force_login(getattr(people, role))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", ["reports:overview", "reports:preview", "reports:section"])
def test_reading_a_report(people, report, role, view):
    args = [report.pk, "s3"] if view == "reports:section" else [report.pk]
    response = _client(people, role).get(reverse(view, args=args))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in READERS:
        assert response.status_code == 200
        assert report.body_name in response.content.decode()
    else:
        assert response.status_code == 404  # another body's report does not exist for them


@pytest.mark.parametrize("role", ROLES)
def test_saving_a_section(people, report, role):
    response = _client(people, role).post(
        reverse("reports:section", args=[report.pk, "s3"]), {"version": "1", "cell:s3.R1.A": "4"}
    )
    stored = ReportSection.objects.get(report=report, key="s3")
    if role == "filler":
        assert response.status_code == 302 and stored.values["s3.R1.A"] == 4
        return
    assert stored.values == {} and stored.version == 1
    if role == "anonymous":
        assert response.status_code == 302
    elif role == "other_filler":
        assert response.status_code == 404
    else:  # readers who may not edit get a message, nothing changes
        assert response.status_code == 302


def test_the_list_shows_only_reports_the_person_may_see(people, report):
    other = AnnualReportFactory(body=people.other_body, reporting_year=report.reporting_year)
    page = _client(people, "filler").get(reverse("reports:list")).content.decode()
    assert people.body.name in page and other.body_name not in page
    page = _client(people, "admin").get(reverse("reports:list")).content.decode()
    assert people.body.name in page and other.body_name in page


def test_a_submitted_report_is_read_only_for_its_fillers(people, report):
    report.status = ReportStatus.PENDING_HEAD
    report.save()
    client = _client(people, "filler")
    page = client.get(reverse("reports:section", args=[report.pk, "s3"])).content.decode()
    assert "本页只读" in page and "<fieldset disabled>" in page
    response = client.post(reverse("reports:section", args=[report.pk, "s3"]),
                           {"version": "1", "cell:s3.R1.A": "4"}, follow=True)
    assert "您不能修改" in response.content.decode()
    assert ReportSection.objects.get(report=report, key="s3").values == {}


def test_every_post_needs_the_csrf_token(people, report):
    client = _client(people, "filler", enforce_csrf_checks=True)
    response = client.post(reverse("reports:section", args=[report.pk, "s3"]), {"version": "1", "cell:s3.R1.A": "4"})
    assert response.status_code == 403
    assert ReportSection.objects.get(report=report, key="s3").values == {}


def test_an_unknown_section_is_a_404_not_a_500(people, report):
    assert _client(people, "filler").get(reverse("reports:section", args=[report.pk, "s9"])).status_code == 404


def test_a_stale_form_saves_what_it_changed_and_shows_a_field_both_changed_side_by_side(people, report):
    client = _client(people, "filler")
    url = reverse("reports:section", args=[report.pk, "s3"])
    client.post(url, {"version": "1", "cell:s3.R1.A": "7"})
    response = client.post(url, {"version": "1", "cell:s3.R1.A": "2", "cell:s3.R1.B": "5"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "请逐项选择保留哪一份" in page and "一、本年新收政府信息公开申请数量·自然人" in page
    assert 'name="resolve:s3.R1.A" value="mine"' in page and 'name="conflict:s3.R1.A"' in page
    assert 'name="cell:s3.R1.A" data-cell="s3.R1.A" value="2"' in page  # the input is kept
    values = ReportSection.objects.get(report=report, key="s3").values
    assert values["s3.R1.A"] == 7 and values["s3.R1.B"] == 5  # the other change is saved


def test_autosave_answers_in_json(people, report):
    client = _client(people, "filler")
    url = reverse("reports:section", args=[report.pk, "s3"])
    ok = client.post(url, {"version": 1, "cells": {"s3.R1.A": "x"}}, content_type="application/json",
                     headers={"X-Requested-With": "fetch"})
    assert ok.status_code == 200 and ok.json()["errors"] == {"s3.R1.A": "请输入整数"} and ok.json()["version"] == 2
    stale = client.post(url, {"version": 1, "cells": {"s3.R1.A": "3"}}, content_type="application/json",
                        headers={"X-Requested-With": "fetch"})
    assert stale.status_code == 409 and stale.json()["conflicts"] == ["s3.R1.A"]
    assert 'data-conflict="s3.R1.A"' in stale.json()["conflict_html"]


@pytest.mark.parametrize("role", ROLES)
def test_the_session_state_and_the_signed_in_page(people, role):
    """Both speak only of the person asking: signed in or not, and their own CSRF token."""
    client = _client(people, role)
    state = client.get(reverse("reports:session_state")).json()
    landing = client.get(reverse("reports:signed_in"))
    if role == "anonymous":
        assert state["signed_in"] is False and "csrf" not in state
        assert landing.status_code == 302 and "/accounts/login/" in landing["Location"]
    else:
        assert state["signed_in"] is True and state["user"] == getattr(people, role).pk
        assert landing.status_code == 200 and "已重新登录" in landing.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_workspace_links_each_person_to_their_bodys_current_report(people, report, role):
    other = AnnualReportFactory(body=people.other_body, reporting_year=report.reporting_year)
    response = _client(people, role).get(reverse("workspace"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    page = response.content.decode()
    mine = reverse("reports:overview", args=[report.pk])
    theirs = reverse("reports:overview", args=[other.pk])
    if role in ("filler", "head", "director"):
        assert f'href="{mine}"' in page and f'href="{theirs}"' not in page
    elif role == "other_filler":
        assert f'href="{theirs}"' in page and f'href="{mine}"' not in page
    else:  # the district administrator works from the board, not from one body's report
        assert 'id="current-reports"' not in page
