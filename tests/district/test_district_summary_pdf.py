"""The district summary as a PDF, through the project's PDF renderer."""

import io
import logging

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports.summary.summary import district_summary

pytestmark = pytest.mark.django_db


def test_pdf_download_has_the_sums_and_the_missing_bodies(client, people, year_with_reports, caplog):
    client.force_login(people.filler)
    assert client.get(reverse("summary:pdf", args=[year_with_reports.pk])).status_code == 403
    client.force_login(people.admin)
    response = client.get(reverse("summary:pdf", args=[year_with_reports.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = "".join(text.split())
    assert "北京市东城区2025年度政府信息公开工作年度报告区级汇总" in compact
    assert "共8个单位" in compact and "生成9街道办事处" in compact
    assert "申请人情况" in compact
    summary = district_summary(year_with_reports)
    assert str(summary.sums["s3.R1.G"]) in text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("weasyprint")]
