"""Rules on real figures (the seed report, SH19, 宿迁) and on deliberate mistakes."""

from decimal import Decimal
from pathlib import Path

import pytest

from reports.formats import get_format
from reports.formats.cells import parse_cell
from reports.formats.rules import (
    Severity,
    completeness,
    compute,
    evaluate,
    hard_failures,
    soft_warnings,
    validate_values,
)

F2019 = get_format("2019")
BEIJING = get_format("2019", "beijing")
F2021 = get_format("2021")
SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_06ce0ee8d8462116.txt"


# ---------------------------------------------------------------------------------------------
# The seed report (东花市街道 2020, 2019 format with Beijing's rows), read by walking the labels


def seed_tokens():
    assert SEED.exists(), f"the seed report is expected at {SEED} (../shared beside the project)"
    return [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_seed():
    """(values, texts) of the seed, found by the definition's own labels; fails if one is missing."""
    tokens = seed_tokens()
    values, titles = {}, [s.title for s in BEIJING.sections]
    position = tokens.index(titles[1])
    for table in BEIJING.section("s2").tables:
        position = tokens.index(table.caption, position)
        header = [table.stub_label, *(c.label for c in table.leaf_columns())]
        assert tokens[position + 1 : position + 1 + len(header)] == header
        for row in table.leaf_rows():
            position = tokens.index(row.label, position) + 1
            for column in table.leaf_columns():
                values[table.cell_id(row, column)] = parse_cell(column.type, tokens[position])
                position += 1
    s3 = BEIJING.table("s3")
    position = tokens.index(s3.note, tokens.index(titles[2]))
    for row in s3.leaf_rows():
        position = tokens.index(row.label, position) + 1
        for column in s3.leaf_columns():
            values[s3.cell_id(row, column)] = parse_cell(column.type, tokens[position])
            position += 1
    start, end = tokens.index(titles[3]), tokens.index("五、存在的主要问题及改进情况")
    s4 = BEIJING.table("s4")
    for column, token in zip(s4.leaf_columns(), tokens[end - 15 : end], strict=True):
        values[s4.cell_id(s4.leaf_rows()[0], column)] = parse_cell(column.type, token)
    assert {"行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"} <= set(tokens[start:end])
    texts = {
        "s1.p0": "\n".join(tokens[tokens.index(titles[0]) + 1 : tokens.index(titles[1])]),
        "s5.p0": "\n".join(tokens[end + 1 : tokens.index(titles[5])]),
        "s6.p0": "\n".join(tokens[tokens.index(titles[5]) + 1 :]),
    }
    return values, texts


def test_seed_is_read_completely_by_the_definition_labels():
    values, _ = read_seed()
    assert set(values) == set(BEIJING.cells())
    assert values["s2.t6.r1.c2"] == 337  # printed "+337"
    assert values["s2.t5.r2b.c3"] == 1275
    assert values["s2.t9.r1.c2"] == Decimal("132.6444")
    assert (values["s3.R1.A"], values["s3.R3_4_1.G"], values["s3.R3_7.G"]) == (5, 3, 5)
    assert (values["s4.c1"], values["s4.c5"], values["s4.c14"], values["s4.c15"]) == (1, 1, 1, 1)


def test_seed_passes_every_rule():
    values, texts = read_seed()
    results = evaluate(BEIJING, values, texts=texts)
    assert hard_failures(results) == [] and soft_warnings(results) == []
    by_id = {r.rule_id: r for r in results}
    assert by_id["text.s3.R1.G"].ok and not by_id["text.s3.R1.G"].skipped  # "收到…申请数量为5件"
    assert by_id["cross_year.s3.R2.A"].skipped  # no 2019 report given
    assert compute(BEIJING, values) == values  # its printed totals are the computed ones


def test_seed_is_complete():
    values, texts = read_seed()
    progress = completeness(BEIJING, values, texts)
    assert all(p.complete for p in progress.values()), {k: p.missing for k, p in progress.items()}
    assert progress["s3"].total == 23 * 7 - 29 and progress["s3"].filled == progress["s3"].total


def test_wrong_total_gives_the_expected_messages():
    values, _ = read_seed()
    values["s3.R3_7.A"] = 4
    failures = {r.rule_id: r for r in hard_failures(evaluate(BEIJING, values))}
    assert set(failures) == {"sum.down.s3.R3_7.A", "sum.across.s3.R3_7.G", "balance.s3.A"}
    assert (
        failures["sum.down.s3.R3_7.A"].message
        == "三、本年度办理结果（七）总计·自然人应为 5（各项之和），现为 4"
    )
    assert (
        failures["sum.across.s3.R3_7.G"].message
        == "三、本年度办理结果（七）总计·总计应为 4（各项之和），现为 5"
    )
    assert (
        failures["balance.s3.A"].message
        == "第一项加第二项之和应等于第三项加第四项之和（自然人）：5 + 0 ≠ 4 + 0"
    )
    assert failures["balance.s3.A"].cells == ("s3.R1.A", "s3.R2.A", "s3.R3_7.A", "s3.R4.A")
    assert failures["sum.down.s3.R3_7.A"].severity is Severity.HARD


def test_section_four_total():
    values = {"s4.c11": 2, "s4.c14": 1, "s4.c15": 2}
    failures = hard_failures(evaluate(F2019, values))
    assert [f.message for f in failures] == ["行政诉讼·复议后起诉·总计应为 3（各项之和），现为 2"]
    assert compute(F2019, values)["s4.c15"] == 3


# ---------------------------------------------------------------------------------------------
# SH19 and 宿迁 figures from the spec


def test_sh19_balance():
    values = compute(F2019, {"s3.R1.A": 859, "s3.R2.A": 18, "s3.R3_1.A": 805, "s3.R4.A": 72})
    assert (values["s3.R3_7.G"], values["s3.R1.G"]) == (805, 859)
    assert hard_failures(evaluate(F2019, values)) == []
    values = compute(F2019, {"s3.R1.A": 859, "s3.R2.A": 18, "s3.R3_1.A": 805, "s3.R4.A": 71})
    messages = [f.message for f in hard_failures(evaluate(F2019, values))]
    assert messages == [
        "第一项加第二项之和应等于第三项加第四项之和（自然人）：859 + 18 ≠ 805 + 71",
        "第一项加第二项之和应等于第三项加第四项之和（总计）：859 + 18 ≠ 805 + 71",
    ]


SUQIAN_2023_RESULTS = [1191, 328, 0, 27, 6, 38, 20, 9, 21, 21, 1047, 28, 3, 305, 39, 0, 58, 4, 40, 10, 291]


def suqian_2023():
    result_rows = [
        r.key for r in F2021.table("s3").leaf_rows() if r.key.startswith("R3_") and r.key != "R3_7"
    ]
    values = {f"s3.{key}.A": n for key, n in zip(result_rows, SUQIAN_2023_RESULTS, strict=True)}
    values.update({"s3.R1.A": 3511, "s3.R2.A": 96, "s3.R4.A": 121})
    values.update({"s2.t1.r1.c1": 2, "s2.t1.r1.c2": 1, "s2.t1.r1.c3": 12})
    values.update({"s2.t1.r2.c1": 50, "s2.t1.r2.c2": 227, "s2.t1.r2.c3": 420})
    values.update({"s4.c1": 309, "s4.c2": 17, "s4.c3": 88, "s4.c4": 26})
    values["s2.t8.r1.c1"] = Decimal("59237.2449")
    return compute(F2021, values)


def test_suqian_2023_column_g_and_balance():
    values = suqian_2023()
    assert values["s3.R3_7.G"] == 3486 and values["s4.c5"] == 440
    results = evaluate(F2021, values)
    assert hard_failures(results) == []


def test_suqian_cross_year_rules():
    previous = {"s2.t1.r1.c3": 11, "s2.t1.r2.c3": 597, "s3.R4.A": 96, "s3.R4.G": 96}
    values = suqian_2023()
    results = evaluate(F2021, values, previous=previous)
    assert soft_warnings(results) == []
    checked = [r.rule_id for r in results if r.kind in ("cross_year", "inequality") and not r.skipped]
    assert checked == [
        "cross_year.eq.s2.t1.r1.c3",
        "cross_year.le.s2.t1.r1.c2",
        "cross_year.eq.s2.t1.r2.c3",
        "cross_year.le.s2.t1.r2.c2",
        "cross_year.s3.R2.A",
        "cross_year.s3.R2.G",
    ]
    values["s2.t1.r2.c3"] = 421
    values["s2.t1.r1.c2"] = 14
    warnings = {w.rule_id: w.message for w in soft_warnings(evaluate(F2021, values, previous=previous))}
    assert warnings == {
        "cross_year.eq.s2.t1.r2.c3": "第二十条第（一）项·行政规范性文件·现行有效件数应为 420"
        "（上年现行有效件数 597 + 本年制发件数 50 - 本年废止件数 227），现为 421",
        "cross_year.eq.s2.t1.r1.c3": "第二十条第（一）项·规章·现行有效件数应为 -1"
        "（上年现行有效件数 11 + 本年制发件数 2 - 本年废止件数 14），现为 12",
        "cross_year.le.s2.t1.r1.c2": "第二十条第（一）项·规章·本年废止件数 14 不应大于上年现行有效件数 11 + 本年制发件数 2 = 13",
    }
    # Against a 2019-format previous report, 对外公开总数量 is not 现行有效件数: not checkable.
    results = evaluate(F2021, values, previous=previous, previous_version="2019")
    assert soft_warnings(results) == []
    assert all(r.skipped for r in results if r.rule_id.startswith("cross_year.eq.s2"))


def test_carry_over_skips_without_previous_and_warns_with_one():
    values = compute(F2019, {"s3.R2.A": 2, "s3.R1.A": 0, "s3.R4.A": 2})
    results = evaluate(F2019, values)
    assert soft_warnings(results) == []
    assert all(r.skipped and r.ok for r in results if r.kind == "cross_year")
    warnings = soft_warnings(evaluate(F2019, values, previous={"s3.R4.A": 3, "s3.R4.G": 3}))
    assert [(w.rule_id, w.message, w.cells) for w in warnings] == [
        (
            "cross_year.s3.R2.A",
            "二、上年结转政府信息公开申请数量·自然人应为上年报告的“四、结转下年度继续办理·自然人”3，现为 2",
            ("s3.R2.A",),
        ),
        (
            "cross_year.s3.R2.G",
            "二、上年结转政府信息公开申请数量·总计应为上年报告的“四、结转下年度继续办理·总计”3，现为 2",
            ("s3.R2.G",),
        ),
    ]
    # A previous report whose cell is blank cannot be compared: skipped, not a warning.
    results = evaluate(F2019, values, previous={"s3.R4.A": None})
    assert all(r.skipped for r in results if r.kind == "cross_year")


def test_2019_published_not_above_total():
    warnings = soft_warnings(evaluate(F2019, {"s2.t1.r2.c2": 5, "s2.t1.r2.c3": 3}))
    assert [w.message for w in warnings] == [
        "第二十条第（一）项·规范性文件·本年新公开数量 5 不应大于对外公开总数量 3"
    ]


# ---------------------------------------------------------------------------------------------
# Section 一's text against the table


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("2020年收到政府信息公开申请数量为5件，申请人类型为自然人", {"R1": 5}),
        ("全年新收政府信息公开申请数量0件,上年结转政府信息公开申请数量2件。", {"R1": 0, "R2": 2}),
        ("本年度共收到政府信息公开申请１２件，结转下年度继续办理1件。", {"R1": 12, "R4": 1}),
        ("受理依申请公开政府信息公开申请 1,204 件", {"R1": 1204}),
        ("收到区长信箱信件2件，全部办结。", {}),
        ("共收到市民来信，申请3件", {}),
    ],
)
def test_numbers_quoted_in_the_overview(text, quoted):
    values = compute(F2021, {"s3.R1.A": 999, "s3.R2.A": 998, "s3.R4.A": 997})
    results = {r.rule_id: r for r in evaluate(F2021, values, texts={"s1.p2": text})}
    found = {}
    for key in ("R1", "R2", "R4"):
        result = results[f"text.s3.{key}.G"]
        assert not result.ok or result.skipped
        if not result.ok:
            found[key] = int(result.message.split(" ")[1])
    assert found == quoted


def test_text_mismatch_message():
    values, texts = read_seed()
    values["s3.R1.A"], values["s3.R3_7.A"] = 4, 4
    results = {r.rule_id: r for r in evaluate(BEIJING, compute(BEIJING, values), texts=texts)}
    assert (
        results["text.s3.R1.G"].message
        == "一、总体情况中写明的 5 件与“一、本年新收政府信息公开申请数量·总计”4 不一致"
    )
    assert results["text.s3.R1.G"].severity is Severity.SOFT
    assert evaluate(BEIJING, values)[-1].skipped  # no texts given: not checkable


# ---------------------------------------------------------------------------------------------
# compute, validate_values, completeness


def test_compute_fills_every_computed_cell_treating_empty_as_zero():
    values = compute(F2021, {"s3.R3_3_2.B": 2, "s3.R3_6_2.A": 1, "s3.R1.C": 7})
    assert set(F2021.computed_cells()) <= set(values)
    assert (values["s3.R3_7.B"], values["s3.R3_7.A"], values["s3.R3_7.G"]) == (2, 1, 3)
    assert (values["s3.R1.G"], values["s3.R4.G"], values["s4.c10"]) == (7, 0, 0)
    assert values["s3.R3_3_2.B"] == 2 and "s3.R2.A" not in values


def test_compute_overwrites_a_wrong_total():
    assert compute(F2019, {"s3.R1.A": 3, "s3.R1.G": 9})["s3.R1.G"] == 3


def test_validate_values():
    raw = {"s2.t6.r1.c2": "+337", "s2.t9.r1.c2": "132.64441", "s3.R1.A": "-1", "s3.R1.B": "１２", "x": "1"}
    values, errors = validate_values(BEIJING, raw)
    assert errors == {"s2.t9.r1.c2": "最多保留四位小数", "s3.R1.A": "不能为负数"}
    assert values["s2.t6.r1.c2"] == 337 and values["s3.R1.B"] == 12 and values["s3.R1.A"] is None
    assert set(values) == set(BEIJING.cells())


def test_completeness_of_2021_text_sections():
    texts = {f"s1.p{i}": "内容" for i in range(1, 5)} | {"s5.p0": "无。", "s6.p0": "  "}
    progress = completeness(F2021, {}, texts)
    assert progress["s1"].missing == ("s1.p5",) and not progress["s1"].complete
    assert progress["s5"].complete and not progress["s6"].complete
    assert progress["s4"].missing == tuple(f"s4.c{i}" for i in (1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14))
    assert (progress["s2"].filled, progress["s2"].total) == (0, 10)
