"""Reading published reports: the seed (2019 format, Beijing variant) cell by cell, the 2021-format
samples as far as they go, and broken texts that must give Chinese findings, never an exception."""

from decimal import Decimal
from pathlib import Path

import pytest

from reports.formats import get_format
from reports.formats.base import CellType
from reports.importing.parser import parse_report, parse_report_for_year, read_number

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = SHARED / "seeds" / "000_06ce0ee8d8462116.txt"
SAMPLES = SHARED / "samples"

pytestmark = pytest.mark.skipif(not SEED.is_file(), reason="../shared is not beside the project")

# Transcribed from the seed as printed (section 二 tables, section 三 non-zero rows, section 四).
SEED_SECTION_2 = {
    "s2.t1.r1.c1": 0, "s2.t1.r1.c2": 0, "s2.t1.r1.c3": 0,
    "s2.t1.r2.c1": 0, "s2.t1.r2.c2": 0, "s2.t1.r2.c3": 0,
    "s2.t5.r1.c1": 0, "s2.t5.r1.c2": 0, "s2.t5.r1.c3": 0,
    "s2.t5.r2a.c1": 0, "s2.t5.r2a.c2": 0, "s2.t5.r2a.c3": 0,
    "s2.t5.r2b.c1": 0, "s2.t5.r2b.c2": 10, "s2.t5.r2b.c3": 1275,
    "s2.t6.r1.c1": 0, "s2.t6.r1.c2": 337, "s2.t6.r1.c3": 353,
    "s2.t6.r2.c1": 0, "s2.t6.r2.c2": 20, "s2.t6.r2.c3": 0,
    "s2.t8.r1.c1": 0, "s2.t8.r1.c2": 0,
    "s2.t9.r1.c1": 21, "s2.t9.r1.c2": Decimal("132.6444"),
}
# Section 三: rows with a non-zero cell, columns A…G; every other cell of the table prints 0.
SEED_SECTION_3_NONZERO = {
    "R1": [5, 0, 0, 0, 0, 0, 5],
    "R3_3_2": [1, 0, 0, 0, 0, 0, 1],
    "R3_4_1": [3, 0, 0, 0, 0, 0, 3],
    "R3_5_2": [1, 0, 0, 0, 0, 0, 1],
    "R3_7": [5, 0, 0, 0, 0, 0, 5],
}
SEED_SECTION_4 = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed():
    return parse_report_for_year(seed_text(), 2020, "beijing")


def expected_seed_values() -> dict:
    fmt = get_format("2019", "beijing")
    expected = dict(SEED_SECTION_2)
    table = fmt.table("s3")
    for row in table.leaf_rows():
        numbers = SEED_SECTION_3_NONZERO.get(row.key, [0] * 7)
        for column, number in zip(table.leaf_columns(), numbers):
            expected[table.cell_id(row, column)] = number
    expected.update({f"s4.c{i}": n for i, n in enumerate(SEED_SECTION_4, 1)})
    return expected


def test_every_cell_of_the_seed_reads_as_printed(seed):
    expected = expected_seed_values()
    assert set(expected) == set(get_format("2019", "beijing").cells())  # the transcription covers the format
    assert seed.values == expected
    assert seed.values["s2.t6.r1.c2"] == 337  # printed "+337"
    assert seed.values["s2.t9.r1.c2"] == Decimal("132.6444")
    assert seed.blanks == [] and seed.missing == [] and seed.errors == []


def test_the_seed_passes_every_hard_rule_and_its_text_matches_its_table(seed):
    assert seed.hard_failures == []
    assert seed.ok
    text_rule = next(r for r in seed.check if r.rule_id == "text.s3.R1.G")
    assert text_rule.ok and not text_rule.skipped  # “收到政府信息公开申请数量为5件” = 5


def test_every_text_section_of_the_seed_is_present(seed):
    fmt = get_format("2019", "beijing")
    assert seed.sections_found == [s.key for s in fmt.sections]
    assert seed.texts["s1.p0"].startswith("1.2020年政府信息公开专栏全年主动公开政府信息346条")
    assert "4.打造“花伴儿”融媒体平台" in seed.texts["s1.p0"]
    assert seed.texts["s5.p0"].startswith("2020年，东花市街道较好的完成了政府信息公开工作")
    assert "下一步计划" in seed.texts["s5.p0"]
    assert "http://www.bjdch.gov.cn/" in seed.texts["s6.p0"]
    for key in ("s1.p0", "s5.p0", "s6.p0"):
        assert seed.texts[key].strip()
    # No table label leaked into a text or a note.
    assert not any(key.endswith(".note") for key in seed.texts)


def test_the_shortened_heading_of_section_five_is_recognised_and_noted(seed):
    assert any("五、存在的主要问题及改进情况" in w for w in seed.warnings)
    assert "东花市街道2020年政府信息公开" in seed.preamble


@pytest.mark.parametrize("name,found", [
    ("2022_重庆市九龙坡区二郎街道办事处", ["s1", "s2"]),
    ("2023_广州市海珠区官洲街道办事处", ["s1", "s2", "s3"]),
])
def test_a_2021_format_excerpt_parses_as_far_as_it_goes(name, found):
    text = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    result = parse_report_for_year(text, int(name[:4]))
    assert result.format.version == "2021"
    assert result.sections_found == found
    assert not result.ok
    assert "未找到第六部分“六、其他需要报告的事项”，本部分没有导入。" in result.errors
    assert "s1.p1" in result.texts
    # Rules over cells that were not printed are skipped, not reported as wrong totals.
    assert result.hard_failures == []


def test_the_chongqing_excerpt_values_and_sub_headings():
    text = (SAMPLES / "2022_重庆市九龙坡区二郎街道办事处.txt").read_text(encoding="utf-8")
    result = parse_report_for_year(text, 2022)
    assert result.values["s2.t1.r2.c1"] == 4 and result.values["s2.t1.r2.c3"] == 4
    assert result.texts["s1.p2"] == "全年新收政府信息公开申请数量0件,上年结转政府信息公开申请数量0件。"
    assert result.texts["s1.p3"].startswith("建立健全政府信息公开工作机制")
    assert "第一部分未找到小标题：（四）政府信息公开平台建设、（五）监督保障。" in result.warnings
    assert "表格“第二十条第（八）项”中未找到“行政事业性收费”一行，该行数字没有导入。" in result.errors
    assert "s2.t8.r1.c1" in result.missing


def test_the_guangzhou_excerpt_reads_section_three_until_it_stops():
    text = (SAMPLES / "2023_广州市海珠区官洲街道办事处.txt").read_text(encoding="utf-8")
    result = parse_report_for_year(text, 2023)
    assert result.values["s2.t6.r1.c1"] == 1472
    assert result.values["s2.t8.r1.c1"] == Decimal(0)
    assert [result.values[f"s3.R1.{c}"] for c in "ABCDEFG"] == [1, 0, 0, 0, 0, 0, 1]
    assert result.values["s3.R3_3_6.F"] == 0 and "s3.R3_3_6.G" in result.missing
    assert any("缺少数字" in e and "6.属于四类过程性信息·总计" in e for e in result.errors)
    assert any("“7.属于行政执法案卷”" in e and "等 15 行" in e for e in result.errors)


def _seed_without(start_marker: str, end_marker: str) -> str:
    text = seed_text()
    start, end = text.index(start_marker), text.index(end_marker)
    return text[:start] + text[end:]


def test_a_missing_table_gives_a_clear_finding():
    text = _seed_without("\t第二十条第（九）项", "三、收到和处理政府信息公开申请情况")
    result = parse_report_for_year(text, 2020, "beijing")
    assert result.errors == ["未找到表格“第二十条第（九）项”，其中的数字没有导入。"]
    assert set(result.missing) == {"s2.t9.r1.c1", "s2.t9.r1.c2"}
    assert result.values["s2.t6.r1.c3"] == 353  # the rest still reads


def test_a_non_number_in_a_cell_gives_a_clear_finding():
    text = seed_text().replace("\t+337\n\t353", "\t+337\n\t三百五十三", 1)
    result = parse_report_for_year(text, 2020, "beijing")
    assert result.errors == ["“第二十条第（六）项·行政处罚·处理决定数量”印作“三百五十三”，请输入整数，没有导入。"]
    assert result.missing == ["s2.t6.r1.c3"]
    assert result.values["s2.t6.r2.c2"] == 20  # the next row still lines up


def test_blank_cells_read_as_zero_and_are_flagged():
    text = seed_text().replace("\t行政强制\n\t0\n\t20", "\t行政强制\n\t\n\t20", 1)
    result = parse_report_for_year(text, 2020, "beijing")
    assert result.ok
    assert result.values["s2.t6.r2.c1"] == 0
    assert result.blanks == ["s2.t6.r2.c1"]
    assert any("为空，按 0 读取" in w and "行政强制·上一年项目数量" in w for w in result.warnings)


def test_wrong_totals_are_kept_as_published_and_reported():
    text = seed_text().replace("\t（七）总计\n\t5\n", "\t（七）总计\n\t6\n", 1)
    result = parse_report_for_year(text, 2020, "beijing")
    assert result.ok and result.values["s3.R3_7.A"] == 6  # not corrected
    assert [r.message for r in result.hard_failures] == [
        "三、本年度办理结果（七）总计·总计应为 6（各项之和），现为 5",
        "三、本年度办理结果（七）总计·自然人应为 5（各项之和），现为 6",
        "第一项加第二项之和应等于第三项加第四项之和（自然人）：5 + 0 ≠ 6 + 0",
    ]
    assert "勾稽关系不符：第一项加第二项之和应等于第三项加第四项之和（自然人）：5 + 0 ≠ 6 + 0" in result.findings()


def test_nonsense_and_empty_texts_give_findings_not_exceptions():
    fmt = get_format("2019", "beijing")
    for text in ("", "\n\t\n", "这不是一份年度报告。", "一、总体情况\n" + "\t|" * 50, "\x00\ufeff||||"):
        result = parse_report(text, fmt, year=2020)
        assert not result.ok
        assert result.errors


def test_a_wrong_year_in_the_title_is_noted():
    result = parse_report_for_year(seed_text(), 2020, "beijing")
    assert not any("年份" in w for w in result.warnings)
    result = parse_report(seed_text().replace("东花市街道2020年", "东花市街道2019年"), get_format("2019", "beijing"),
                          year=2020)
    assert any("年份是2019年" in w for w in result.warnings)


@pytest.mark.parametrize("printed,value,note", [
    ("132.6444", Decimal("132.6444"), ""),
    ("132.6444万元", Decimal("132.6444"), ""),
    ("251000元", Decimal("25.1"), "按万元读作 25.1"),
    ("１２３元", Decimal("0.0123"), "按万元读作 0.0123"),
    ("1元", Decimal("0.0001"), ""),
    ("—", None, "blank"),
])
def test_money_in_yuan_is_converted_to_wan_yuan(printed, value, note):
    read, said = read_number(CellType.MONEY, printed)
    assert read == value
    assert note in said


def test_signed_numbers_keep_their_sign():
    assert read_number(CellType.SIGNED, "+337") == (337, "")
    assert read_number(CellType.SIGNED, "−5") == (-5, "")
