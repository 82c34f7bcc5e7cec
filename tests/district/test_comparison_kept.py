"""One report's 内容雷同 kept in the shared cache (comparison._report_similar): the review page, the
overview and the section pages compare again only once a text of the year, last year's text or a
body's name has changed, name the same body as the board among equal copies, and answer the same
when the cache cannot be reached."""

from unittest import mock

import pytest
from django.core.cache import cache

from reports.models import AnnualReport, ReportSection
from reports.summary import comparison
from reports.summary.comparison import report_comparison, year_comparisons
from tests.factories import BodyFactory
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db

COPIED = ("今年我们围绕老旧小区改造、背街小巷整治和养老助餐点建设，逐月在街道网站发布工作进展，"
          "并在社区公告栏张贴纸质版本，方便不上网的老年居民查阅，全年共更新栏目四十二次。")
OWN = ("本单位重点公开了义务教育招生、学位分配和课后服务收费等信息，家长可在区教委网站和微信公众号查询，"
       "招生季前后还举办了三场线上政策解读直播，回答家长提问二百余条。")


def _texts(report, texts):
    section = ReportSection.objects.get(report=report, key="s5")
    section.texts.update(texts)
    section.save()


@pytest.fixture
def year(pair, people):
    last, this = pair
    other = AnnualReportFactory(reporting_year=this.reporting_year, body=people.other_body, filled=True,
                                sections__seed=3)
    _texts(last, {"s5.p0": OWN[::-1]})
    _texts(this, {"s5.p0": OWN})
    _texts(other, {"s5.p0": COPIED})
    cache.clear()
    return last, this, other


@pytest.fixture
def compared():
    with mock.patch.object(comparison, "_part_similar", wraps=comparison._part_similar) as part_similar:
        yield part_similar


def _similar(report):
    return {s.part: (s.other, s.percent) for s in report_comparison(report).similar}


def test_a_second_comparison_compares_nothing(year, compared):
    _last, this, _other = year
    first = _similar(this)
    parts = compared.call_count
    assert parts == len(this.format.text_parts())
    assert _similar(this) == first
    assert compared.call_count == parts


def test_another_body_copying_the_text_is_found_at_once(year, people, compared):
    _last, this, other = year
    assert "s5.p0" not in _similar(this)
    _texts(other, {"s5.p0": OWN})
    assert _similar(this)["s5.p0"] == (people.other_body.name, 100)


def test_last_years_text_and_a_new_name_are_compared_afresh(year, people, compared):
    last, this, other = year
    _texts(other, {"s5.p0": OWN})
    assert _similar(this)["s5.p0"][0] == people.other_body.name
    assert compared.call_count == len(this.format.text_parts())
    AnnualReport.objects.filter(pk=other.pk).update(body_name="改名后的街道办事处")
    assert _similar(this)["s5.p0"][0] == "改名后的街道办事处"
    # Again the parts in which the renamed body has a text, and those alone.
    with_text = [part for section in other.sections.all() for part, text in section.texts.items() if text]
    assert compared.call_count == len(this.format.text_parts()) + len(with_text) < 2 * len(this.format.text_parts())
    _texts(last, {"s5.p0": OWN})  # its own text of last year comes first: that part alone again
    assert _similar(this)["s5.p0"] == ("本单位2024年度报告", 100)
    assert compared.call_count == len(this.format.text_parts()) + len(with_text) + 1


def test_a_text_saved_elsewhere_compares_that_part_alone_again(year, people, compared):
    """At the January peak a filler saves a text every few seconds: the report's other parts keep
    their answers, and the part saved is compared again with what was saved."""
    _last, this, other = year
    first = _similar(this)
    assert compared.call_count == len(this.format.text_parts())
    _texts(other, {"s5.p0": OWN})
    assert _similar(this) == {**first, "s5.p0": (people.other_body.name, 100)}
    assert compared.call_count == len(this.format.text_parts()) + 1
    assert [call.args[0] for call in compared.call_args_list[-1:]] == [OWN]  # this report's s5.p0


def test_the_report_names_the_same_body_as_the_board_among_equal_copies(year, people):
    _last, this, other = year
    bodies = [BodyFactory(district=people.district, name=f"第{n}街道办事处", sort_order=n) for n in (3, 1, 2)]
    for body in bodies:
        copy = AnnualReportFactory(reporting_year=this.reporting_year, body=body, filled=True, sections__seed=4)
        _texts(copy, {"s5.p0": OWN})
    board = {c.report.pk: c for c in year_comparisons(this.reporting_year)}
    on_the_board = {s.part: s.other for s in board[this.pk].similar}
    assert on_the_board["s5.p0"] in {b.name for b in bodies}
    assert {part: other for part, (other, _percent) in _similar(this).items()} == on_the_board


def test_the_same_answer_when_the_cache_cannot_be_reached(year):
    _last, this, other = year
    _texts(other, {"s5.p0": OWN})
    expected = _similar(this)
    cache.clear()
    broken = mock.Mock(side_effect=ConnectionError("Error 111 connecting to redis:6379. Connection refused."))
    with mock.patch.object(cache, "get_many", broken), \
            mock.patch.object(cache, "set_many", broken):
        assert _similar(this) == expected
    assert broken.call_count == 2


def test_the_review_page_and_the_overview_read_the_report_and_check_it_once(year, people, client):
    """The warnings, the 年报体检 and the document of one page read the same content: each report's
    sections once (this year's and last year's), the format's rules once."""
    from reports.formats import rules as format_rules
    from reports.models import ReportStatus
    from reports.selectors import ReportContent

    _last, this, _other = year
    AnnualReport.objects.filter(pk=this.pk).update(status=ReportStatus.PENDING_HEAD)  # at the first level
    for user, url in ((people.head, f"/review/{this.pk}/"), (people.filler, f"/reports/{this.pk}/")):
        client.force_login(user)
        client.get(url)  # the kept 内容雷同 made
        with (mock.patch.object(ReportContent, "of_sections", wraps=ReportContent.of_sections) as read,
              mock.patch.object(format_rules, "evaluate", wraps=format_rules.evaluate) as evaluated):
            page = client.get(url).content.decode()
        assert sorted(call.args[0].pk for call in read.call_args_list) == sorted([this.pk, _last.pk]), url
        assert evaluated.call_count == 1, url
        assert "年报体检" in page and "内容雷同" in page


@pytest.fixture
def kept_a_while(settings):
    settings.NIANBAO_SIMILAR_KEPT_FOR = 60
    return 60


def _aged(report, seconds):
    """The report's latest comparison, as if made `seconds` earlier."""
    import datetime

    slot = comparison._latest_slot(report.pk)
    state, (as_of, answers) = cache.get(slot)
    cache.set(slot, (state, (as_of - datetime.timedelta(seconds=seconds), answers)))


def test_kept_a_while_a_second_look_reads_no_other_text(year, compared, kept_a_while):
    """A reviewer opens the report, approves it and lands on it again: the second look asks nothing of
    the year's texts."""
    _last, this, _other = year
    first = _similar(this)
    with mock.patch.object(comparison, "_part_digests", side_effect=AssertionError("read the year")):
        assert _similar(this) == first
    assert compared.call_count == len(this.format.text_parts())


def test_kept_a_while_its_own_text_changed_is_compared_at_once(year, people, compared, kept_a_while):
    _last, this, _other = year
    assert "s5.p0" not in _similar(this)
    _texts(this, {"s5.p0": COPIED})  # the filler pastes the other body's text
    assert _similar(this)["s5.p0"] == (people.other_body.name, 100)
    _texts(_last, {"s5.p0": COPIED})  # last year's own text comes first, and is its own too
    assert _similar(this)["s5.p0"] == ("本单位2024年度报告", 100)


def test_kept_a_while_another_bodys_copy_shows_once_the_while_has_passed(year, people, kept_a_while):
    _last, this, other = year
    assert "s5.p0" not in _similar(this)
    _texts(other, {"s5.p0": OWN})
    assert "s5.p0" not in _similar(this)  # the other bodies' texts as they were a moment ago
    _aged(this, kept_a_while + 1)
    assert _similar(this)["s5.p0"] == (people.other_body.name, 100)


def test_after_the_boards_refresh_a_report_compares_nothing(year, people, compared, kept_a_while):
    """The board's refresh (a worker's, reports/health/board.py) compares every report of the year: a
    review page of any of them then reads nothing more, and says what the board says."""
    from reports.health.selectors import year_health

    _last, this, other = year
    _texts(other, {"s5.p0": OWN})
    year_health(this.reporting_year)
    board_calls = compared.call_count
    with mock.patch.object(comparison, "_part_digests", side_effect=AssertionError("read the year")):
        assert _similar(this)["s5.p0"] == (people.other_body.name, 100)
        assert "s5.p0" in _similar(other)
    assert compared.call_count == board_calls
