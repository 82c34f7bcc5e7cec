"""The four soft rules of the 2021 format that read the text: 行政复议/行政诉讼 numbers in 一 against
四, 「上年结转N件」 against 三 row 二, a section 五 of a few words, a section 六 silent on 信息处理费."""

import random

import pytest

from reports.formats import get_format
from reports.formats.rules import Severity, evaluate
from reports.generate import plausible_texts, plausible_values

F2021 = get_format("2021")
NEW_RULES = {"text.s4.c5", "text.s4.c10", "writing.s5.p0", "writing.s6.p0.fee"}


def clean():
    carried = {f"s4.c{i}": 0 for i in (2, 3, 4, 6, 7, 8, 11, 12, 14)} | {"s4.c1": 2, "s4.c9": 1, "s4.c13": 1}
    for column in "ABCDEF":  # 上年结转 4, 三（六）2 逾期未缴费 3: all 自然人
        carried |= {f"s3.R2.{column}": 4 if column == "A" else 0, f"s3.R3_6_2.{column}": 3 if column == "A" else 0}
    values = plausible_values(F2021, random.Random("writing-rules"), carried=carried)
    assert (values["s3.R2.G"], values["s3.R3_6_2.G"], values["s4.c5"], values["s4.c10"]) == (4, 3, 2, 1)
    texts = plausible_texts(F2021, values, body_name="东花市街道", year=2025)
    texts["s1.p2"] += "上年结转4件。被申请行政复议2件，提起行政诉讼2件。"
    texts["s6.p0"] = "本年度发出信息处理费收费通知3件，申请人均未缴纳，实际收取信息处理费0元。"
    return values, texts


def failing(values, texts):
    return {r.rule_id: r for r in evaluate(F2021, values, texts=texts) if not r.ok}


def test_the_rules_are_in_the_2021_format_only_and_soft():
    rules = {rule.id: rule for rule in F2021.rules}
    assert NEW_RULES <= set(rules)
    assert all(rules[key].severity is Severity.SOFT for key in NEW_RULES)
    assert not NEW_RULES & {rule.id for rule in get_format("2019").rules}


def test_a_clean_report_passes_them_and_they_are_checked():
    values, texts = clean()
    results = {r.rule_id: r for r in evaluate(F2021, values, texts=texts)}
    for key in NEW_RULES | {"text.s3.R2.G"}:
        assert results[key].ok and not results[key].skipped, key
    assert not failing(values, texts)


@pytest.mark.parametrize(("fault", "rule_id", "words"), [
    (lambda v, t: t.update(s1_p2=t["s1.p2"].replace("复议2件", "复议3件")), "text.s4.c5", "3 件"),
    (lambda v, t: v.update({"s4.c13": 0, "s4.c15": 0}), "text.s4.c10", "2 件"),
    (lambda v, t: t.update({"s1.p2": t["s1.p2"].replace("结转4件", "结转15件")}), "text.s3.R2.G", "15 件"),
    (lambda v, t: t.update({"s5.p0": "无。"}), "writing.s5.p0", "只写了 1 个字"),
    (lambda v, t: t.update({"s5.p0": "工作中还存在一些不足，今后将进一步加强。"}), "writing.s5.p0", "个字"),
    (lambda v, t: t.update({"s6.p0": "无。"}), "writing.s6.p0.fee", "3 件"),
])
def test_each_rule_fires_on_its_fault_alone(fault, rule_id, words):
    values, texts = clean()
    fault(values, texts)
    if "s1_p2" in texts:
        texts["s1.p2"] = texts.pop("s1_p2")
    found = failing(values, texts)
    assert set(found) == {rule_id}
    assert words in found[rule_id].message
    assert found[rule_id].severity is Severity.SOFT


def test_review_numbers_in_words_read_like_the_format_example():
    values, texts = clean()
    texts["s1.p2"] = "本年度发生行政复议案件2件、行政诉讼案件2件（其中复议后起诉1件）。"
    assert not failing(values, texts)
    texts["s1.p2"] = "未发生政府信息公开行政复议、行政诉讼案件。"  # no number: nothing to compare
    assert not failing(values, texts)
    texts["s1.p2"] = "共收到政府信息公开申请99件"  # 共收到…申请N件 keeps meaning 本年新收
    assert set(failing(values, texts)) == {"text.s3.R1.G"}


def test_no_lapsed_fee_applications_no_fee_question():
    values, texts = clean()
    values["s3.R3_6_2.G"] = 0  # (the row's own sum now fails: only the fee rule matters here)
    texts["s6.p0"] = "无。"
    result = next(r for r in evaluate(F2021, values, texts=texts) if r.rule_id == "writing.s6.p0.fee")
    assert result.ok and result.skipped


def test_the_seed_report_read_into_the_2021_format_passes_them():
    """The seed (2019 format) keeps passing its own rules (test_formats_rules); its texts and the
    cells both formats share also pass the new 2021 rules: real prose is not flagged."""
    from tests.formats.test_formats_rules import read_seed

    values, texts = read_seed()
    shared = {cell: value for cell, value in values.items() if cell in F2021.cells()}
    texts_2021 = {"s1.p1": texts["s1.p0"], "s5.p0": texts["s5.p0"], "s6.p0": texts["s6.p0"]}
    results = {r.rule_id: r for r in evaluate(F2021, shared, texts=texts_2021)}
    assert all(results[key].ok for key in NEW_RULES | {"text.s3.R2.G", "text.s3.R1.G"})
    assert not results["writing.s5.p0"].skipped  # checked, and long enough
