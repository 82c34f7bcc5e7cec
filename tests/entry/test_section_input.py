"""Whatever is posted to a section, the answer is never a 500 and nothing is changed without a word
(issues 11.6, 11.7, and the autosave's answer to an expired sign-in, 10.3)."""

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import ReportSection
from reports.typed import TEXT_LIMIT
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db
FETCH = {"X-Requested-With": "fetch", "Accept": "application/json"}


@pytest.fixture
def report(people):
    return AnnualReportFactory(body=people.body, reporting_year__district=people.district, reporting_year__year=2025)


@pytest.fixture
def filler(people):
    client = Client()
    client.force_login(people.filler)
    return client


def autosave(client, report, key, body, raw=None):
    return client.post(reverse("reports:section", args=[report.pk, key]), raw if raw is not None else body,
                       content_type="application/json", headers=FETCH)


def section(report, key):
    return ReportSection.objects.get(report=report, key=key)


# --- control characters (PostgreSQL refuses NUL; an XLSX refuses the others) ------------------


def test_nul_and_control_characters_in_a_text_are_removed_with_a_note(filler, report):
    response = autosave(filler, report, "s1", {"version": 1, "texts": {"s1.p1": "全年\x00主动公开\x07政府信息。\r\n二段"}})
    assert response.status_code == 200
    answer = response.json()
    assert answer["cleaned"] == {"s1.p1": "全年主动公开政府信息。\n二段"}
    assert "已删除 2 个无法保存的控制字符" in " ".join(answer["notes"])
    assert section(report, "s1").texts["s1.p1"] == "全年主动公开政府信息。\n二段"


def test_nul_in_the_whole_form_is_removed_too_and_said(filler, report):
    url = reverse("reports:section", args=[report.pk, "s3"])
    response = filler.post(url, {"version": "1", "cell:s3.R1.A": "1\x002", "text:s3.note": "说\x00明"}, follow=True)
    assert response.status_code == 200
    assert "已删除 2 个无法保存的控制字符" in response.content.decode()
    stored = section(report, "s3")
    assert stored.values["s3.R1.A"] == 12 and stored.texts["s3.note"] == "说明"


def test_a_lone_surrogate_in_the_json_body_is_removed(filler, report):
    raw = '{"version": 1, "texts": {"s1.p1": "abc\\ud800def"}}'
    response = autosave(filler, report, "s1", None, raw=raw)
    assert response.status_code == 200 and section(report, "s1").texts["s1.p1"] == "abcdef"


def test_an_unreadable_cell_with_a_nul_keeps_its_text_without_it(filler, report):
    response = autosave(filler, report, "s3", {"version": 1, "cells": {"s3.R1.A": "五\x00件"}})
    assert response.json()["errors"] == {"s3.R1.A": "请输入整数"}
    assert section(report, "s3").raw == {"s3.R1.A": "五件"}


# --- unknown sections and malformed bodies ----------------------------------------------------


@pytest.mark.parametrize("json_body", [True, False])
def test_a_post_to_an_unknown_section_is_a_404(filler, report, json_body):
    url = reverse("reports:section", args=[report.pk, "s9"])
    if json_body:
        response = filler.post(url, {"version": 1}, content_type="application/json", headers=FETCH)
    else:
        response = filler.post(url, {"version": "1", "cell:s9.x": "1"})
    assert response.status_code == 404


@pytest.mark.parametrize(("raw", "message"), [
    ("{not json", "不是有效的 JSON"),
    (b"\xff\xfe{}", "不是有效的 JSON"),
    ("[1, 2]", "应为一个对象"),
    ('{"cells": {}}', "version 应为整数"),
    ('{"version": "1"}', "version 应为整数"),
    ('{"version": true}', "version 应为整数"),
    ('{"version": -1}', "version 应为整数"),
    ('{"version": 1, "cells": ["s3.R1.A", "1"]}', "“cells”应为"),
    ('{"version": 1, "cells": {"s3.R1.A": 1}}', "“cells”应为"),
    ('{"version": 1, "texts": {"s3.note": null}}', "“texts”应为"),
    ('{"version": 1, "choices": {"s3.R1.A": "both"}}', "mine、theirs 或空"),
])
def test_a_malformed_autosave_body_is_a_400_with_a_message(filler, report, raw, message):
    response = autosave(filler, report, "s3", None, raw=raw)
    assert response.status_code == 400
    assert response.json()["ok"] is False and message in response.json()["message"]
    assert section(report, "s3").version == 1


def test_a_form_without_its_version_is_refused_with_a_message(filler, report):
    url = reverse("reports:section", args=[report.pk, "s3"])
    response = filler.post(url, {"version": "abc", "cell:s3.R1.A": "1"}, follow=True)
    assert response.status_code == 200 and "表单缺少本页的版本号" in response.content.decode()
    assert section(report, "s3").version == 1


# --- limits: refused with a message, never cut ------------------------------------------------


def test_an_over_long_text_is_refused_and_the_rest_saved(filler, report):
    long_text = "字" * (210 * 1024 // 3)
    response = autosave(filler, report, "s3", {"version": 1, "texts": {"s3.note": long_text},
                                                "cells": {"s3.R1.A": "3"}})
    answer = response.json()
    assert response.status_code == 200
    assert f"最多 {TEXT_LIMIT} 字，现有 {len(long_text)} 字，这一项没有保存" in answer["refused"]["s3.note"]
    stored = section(report, "s3")
    assert "s3.note" not in stored.texts and stored.values["s3.R1.A"] == 3


def test_the_whole_form_shows_the_refusal_and_keeps_the_typed_text(filler, report):
    url = reverse("reports:section", args=[report.pk, "s3"])
    long_text = "甲" * (TEXT_LIMIT + 1)
    response = filler.post(url, {"version": "1", "text:s3.note": long_text, "cell:s3.R1.A": "3"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "有 1 项没有保存" in page and f"现有 {TEXT_LIMIT + 1} 字，这一项没有保存" in page
    assert long_text in page and 'maxlength' not in page
    assert f"{TEXT_LIMIT + 1} / {TEXT_LIMIT} 字" in page
    assert "s3.note" not in section(report, "s3").texts


def test_a_text_at_the_limit_is_saved_whole(filler, report):
    text = "乙" * TEXT_LIMIT
    autosave(filler, report, "s3", {"version": 1, "texts": {"s3.note": text}})
    assert section(report, "s3").texts["s3.note"] == text


def test_an_over_long_cell_is_refused_not_cut(filler, report):
    answer = autosave(filler, report, "s3", {"version": 1, "cells": {"s3.R1.A": "x" * 150}}).json()
    assert "单元格最多 100 个字符" in answer["refused"]["s3.R1.A"]
    assert section(report, "s3").raw == {}


def test_a_number_with_a_space_inside_is_refused_and_kept_as_typed(filler, report):
    answer = autosave(filler, report, "s3", {"version": 1, "cells": {"s3.R1.A": "12 34"}}).json()
    assert answer["errors"] == {"s3.R1.A": "数字中间不能有空格，请删去空格或分开填写"}
    stored = section(report, "s3")
    assert stored.raw == {"s3.R1.A": "12 34"} and "s3.R1.A" not in stored.values


# --- 预警说明 on the overview -------------------------------------------------------------------


def test_explanations_lose_their_control_characters_and_refuse_over_long_text(filler, report):
    url = reverse("reports:explanations", args=[report.pk])
    filler.post(url, {"explanation:r1": "原因\x00说明"})
    report.refresh_from_db()
    assert report.explanations == {"r1": "原因说明"}
    response = filler.post(url, {"explanation:r1": "很" * 2001})
    assert response.status_code == 400 and "每条预警说明最多 2000 字" in response.content.decode()
    report.refresh_from_db()
    assert report.explanations == {"r1": "原因说明"}


# --- an expired sign-in -------------------------------------------------------------------------


def test_the_autosave_answers_an_expired_session_with_json_not_the_login_page(report):
    client = Client()
    url = reverse("reports:section", args=[report.pk, "s1"])
    response = client.post(url, {"version": 1, "texts": {"s1.p1": "x"}}, content_type="application/json",
                           headers=FETCH)
    assert response.status_code == 401
    answer = response.json()
    assert answer["signed_out"] is True and "登录已过期" in answer["message"]
    assert answer["login_url"] == "/accounts/login/?next=/reports/signed-in/"
    assert client.get(reverse("reports:session_state")).json()["signed_in"] is False
    assert client.get(url).status_code == 302  # a page load still goes to the login page
    assert client.get(reverse("reports:signed_in")).status_code == 302


def test_the_session_state_gives_a_signed_in_page_its_new_csrf_token(filler, people):
    answer = filler.get(reverse("reports:session_state")).json()
    assert answer["signed_in"] is True and answer["user"] == people.filler.pk and len(answer["csrf"]) == 64
    assert "no-store" in filler.get(reverse("reports:session_state"))["Cache-Control"]
    assert filler.get(reverse("reports:signed_in")).status_code == 200
    assert filler.post(reverse("reports:session_state")).status_code == 405


def test_the_section_page_answers_405_to_other_methods(filler, report):
    assert filler.put(reverse("reports:section", args=[report.pk, "s3"])).status_code == 405
