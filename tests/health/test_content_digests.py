"""The digests the board keeps its 体检 and 内容雷同 under (ReportSection.content_digest and
texts_digest) are the database's, kept as each row is written, however it is written; and a board
load reads them instead of hashing the year's content."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.health.selectors import year_health
from reports.models import ReportSection

pytestmark = pytest.mark.django_db


def _digests(section):
    return ReportSection.objects.values_list("content_digest", "texts_digest").get(pk=section.pk)


def _texts_md5(section):
    """What PostgreSQL's md5(texts::text) is: jsonb's own text form, read back from the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT texts::text FROM reports_reportsection WHERE id = %s", [section.pk])
        return hashlib.md5(cursor.fetchone()[0].encode(), usedforsecurity=False).hexdigest()


def test_every_way_of_writing_a_section_changes_its_digests_and_only_a_content_change_does(clean_report):
    section = ReportSection.objects.get(report=clean_report, key="s3")
    seen = [_digests(section)]
    assert seen[0][1] == _texts_md5(section)

    section.version += 1  # no content changed
    section.save()
    assert _digests(section) == seen[-1]

    section.values = {**section.values, "s3.R1.A": 12345}  # save(): a figure, the texts as they were
    section.save()
    seen.append(_digests(section))
    assert seen[-1][0] != seen[-2][0] and seen[-1][1] == seen[-2][1]

    ReportSection.objects.filter(pk=section.pk).update(texts={**section.texts, "s3.note": "更新后的说明。"})  # update()
    seen.append(_digests(section))
    assert seen[-1][0] != seen[-2][0] and seen[-1][1] != seen[-2][1]
    assert seen[-1][1] == _texts_md5(section)

    section.refresh_from_db()
    section.raw = {"s3.R2.A": "十二"}  # bulk_update(): what a filler typed that is not a number
    ReportSection.objects.bulk_update([section], ["raw"])
    seen.append(_digests(section))
    assert seen[-1][0] != seen[-2][0] and seen[-1][1] == seen[-2][1]

    section.raw = {}
    ReportSection.objects.bulk_update([section], ["raw"])
    assert _digests(section) == seen[-2]  # the same content, the same digest


def test_a_board_load_reads_the_digests_and_hashes_no_content(clean_report, open_year):
    year_health(open_year)
    with CaptureQueriesContext(connection) as queries:
        year_health(open_year)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"content_digest"' in sql and '"texts_digest"' in sql
    assert "MD5(" not in sql.upper()
