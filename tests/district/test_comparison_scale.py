"""内容雷同 at the scale of a district whose bodies copy one template (the board's 体检 column): the
most similar text is still the one every ratio would name, for a few ratios per text, not one per
pair of bodies; the board keeps its number of queries; a second load reuses the ratios of the texts
nobody changed, and a text saved meanwhile is compared afresh."""

import random
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.summary import similarity as text_similarity
from reports.summary.comparison import SIMILARITY_THRESHOLD, year_comparisons
from reports.summary.similarity import MIN_TEXT_LENGTH, _similar, _Text, similarity
from tests.factories import BodyFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

TEMPLATES = (
    "2025年，第12街道办事处共收到政府信息公开申请35件，均在法定期限内答复。申请方式以网上申请和信函申请为主。",
    "存在的主要问题：信息公开的及时性有待提高，政策解读形式较为单一。改进措施：加强业务培训，丰富图表。",
    "本年度未收取信息处理费。本机关政府信息公开专栏网址为 https://www.example.gov.cn/xxgk/ ，咨询电话 010-65120000。",
)
CHARS = "0123456789 \n公开政府信息申请答复街道办事处年度改进措施问题第件，。、：abcXYZ"


def _edited(rng, text):
    """A copy of `text` with a few characters changed, added or dropped (sometimes many, sometimes
    shuffled or cut short: texts that are not copies, or too short to compare)."""
    chars = list(text)
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 5, 10, 30])):
        at, roll = rng.randrange(len(chars) + 1), rng.random()
        if roll < 0.4 and chars:
            chars[min(at, len(chars) - 1)] = rng.choice(CHARS)
        elif roll < 0.7:
            chars.insert(at, rng.choice(CHARS))
        elif chars:
            del chars[min(at, len(chars) - 1)]
    if rng.random() < 0.1:
        rng.shuffle(chars)
    if rng.random() < 0.05:
        chars = chars[:rng.randrange(40)]
    return "".join(chars)


def _every_ratio(text, others):
    """What _similar answers, the long way: similarity() with every candidate, the first of equals."""
    if len(text.strip()) < MIN_TEXT_LENGTH:
        return None
    best = None
    for label, other in others:
        if len(other.strip()) < MIN_TEXT_LENGTH:
            continue
        mine, theirs = text_similarity._shingles(text), text_similarity._shingles(other)
        if len(mine & theirs) / max(len(mine), len(theirs)) < SIMILARITY_THRESHOLD - 0.2:
            continue
        ratio = similarity(text, other)
        if ratio > SIMILARITY_THRESHOLD and (best is None or ratio > best[1]):
            best = (label, ratio)
    return best


def test_the_most_similar_text_is_the_one_every_ratio_names():
    rng = random.Random(14)
    found = 0
    for _ in range(1500):
        template = rng.choice(TEMPLATES)
        mine = _edited(rng, template)
        others = [(f"单位{i % 6}", _edited(rng, template)) for i in range(rng.randrange(1, 20))]
        answer = _similar(_Text.of(mine), [(label, _Text.of(text)) for label, text in others], SIMILARITY_THRESHOLD)
        assert answer == _every_ratio(mine, others), (mine, others)
        found += answer is not None
    assert 300 < found < 1400  # copies found, and texts that are not


def test_a_text_is_prepared_only_as_far_as_a_comparison_asks():
    """A report's page compares its texts with every text of the year: a candidate passed over on its
    length is never counted nor cut into shingles."""
    text = "本机关全年共受理政府信息公开申请一百二十件，均已在法定期限内答复，未发生因政府信息公开引起的行政复议和诉讼。"
    short, longer, same = _Text.of("无。"), _Text.of(text * 3), _Text.of(f" {text}\n")
    assert _similar(_Text.of(text), [("甲", short), ("乙", longer), ("丙", same)], SIMILARITY_THRESHOLD) == ("丙", 1.0)
    assert (short._chars, longer._chars, longer._shingles) == (None, None, None)
    assert same.shingles == frozenset(text_similarity._shingles(text)) and same.chars["件"] == 1


def _add_bodies(people, years, start, stop):
    """Bodies with last year's and this year's generated reports: the same sentences in every report,
    with the body's name, the year and its own figures in some of them."""
    previous, current = years
    for i in range(start, stop):
        body = BodyFactory(code=f"copy{i:03d}", name=f"第{i}街道办事处", district=people.district, sort_order=i)
        AnnualReportFactory(reporting_year=previous, body=body, published=True, sections__seed=500 + i)
        AnnualReportFactory(reporting_year=current, body=body, filled=True, sections__seed=i)


def _ratios(year):
    cache.clear()  # the parts' answers kept by the board's load: compared afresh here
    text_similarity._ratio.cache_clear()
    with mock.patch.object(text_similarity, "_ratio", wraps=text_similarity._ratio) as counted:
        comparisons = year_comparisons(year)
    return counted.call_count, comparisons


@pytest.mark.django_db
def test_bodies_copying_one_template_cost_a_few_ratios_per_text_and_the_board_a_fixed_number_of_queries(
        client, people):
    years = (ReportingYearFactory(district=people.district, year=2024),
             ReportingYearFactory(district=people.district, year=2025))
    year = years[1]
    _add_bodies(people, years, 0, 6)
    client.force_login(people.admin)
    client.get(reverse("workspace"))  # the session's idle timeout written: not again within the minute
    board = reverse("district:board", args=[year.pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(board).status_code == 200

    _add_bodies(people, years, 6, 30)
    with CaptureQueriesContext(connection) as many:
        html = client.get(board).content.decode()
    calls, comparisons = _ratios(year)

    assert len(many) == len(few)
    # Every text is copied: each report is flagged for every part long enough to compare …
    for c in comparisons:
        written = {key for key, text in c.content.texts.items() if len((text or "").strip()) >= MIN_TEXT_LENGTH}
        assert {s.part for s in c.similar} == written and len(written) >= 6
    assert html.count('class="text-end health-score" data-score=') == 30
    # … and the ratio ran a few times per text (the same text is 100 % without it; a text with its
    # own name and figures needs a few), where it ran with every other body's text and last year's
    # (30 × 30 × 7 = 6,300).
    texts = len(comparisons) * len(written)
    assert calls < 2 * texts


@pytest.mark.django_db
def test_the_next_load_computes_ratios_only_for_texts_saved_since(people):
    years = (ReportingYearFactory(district=people.district, year=2024),
             ReportingYearFactory(district=people.district, year=2025))
    _add_bodies(people, years, 0, 12)
    cache.clear()
    first = year_comparisons(years[1])
    computed = text_similarity._ratio.cache_info().misses
    again = year_comparisons(years[1])
    assert text_similarity._ratio.cache_info().misses == computed  # nothing new to compare
    assert [[(s.part, s.other, s.ratio) for s in c.similar] for c in again] == \
        [[(s.part, s.other, s.ratio) for s in c.similar] for c in first]

    # One body rewrites a part in its own words: it is no longer flagged for it, the others still are.
    report = first[0].report
    section = report.sections.get(key="s1")
    part = next(key for key in section.texts if key.startswith("s1") and
                len((section.texts[key] or "").strip()) >= MIN_TEXT_LENGTH)
    flagged = {s.part for s in first[0].similar}
    assert part in flagged
    section.texts[part] = "本单位今年全面改版门户网站，新增无障碍阅读与长者模式，另开通政务公开体验日活动共十二场次，" * 2
    section.save()
    after = year_comparisons(years[1])
    assert part not in {s.part for s in after[0].similar}
    assert {s.part for s in after[0].similar} == flagged - {part}
