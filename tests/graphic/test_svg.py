"""The 图解's drawing, without a database: valid XML, the definition's labels and the report's numbers
in it, text escaped, fonts as the PDF names them, previous year compared only where comparable."""

import ast
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from reports.formats import get_format
from reports.formats import rules as format_rules
from reports.graphic.draw import comparison_svg, explainer_svg
from reports.graphic.explainer import (
    APPLICANTS,
    OUTCOMES,
    REVIEWS,
    bodies_chart,
    bodies_comparison,
    explainer,
)
from reports.graphic.svg import FONT_FAMILY, wrap
from tests.report_factories import plausible_values

NS = {"svg": "http://www.w3.org/2000/svg"}
ROOT = Path(__file__).resolve().parents[2]


def _values(fmt, seed):
    return format_rules.compute(fmt, plausible_values(fmt, random.Random(seed)))


def _parse(svg: str):
    """Strictly, as an XML parser does: malformed markup raises."""
    return etree.fromstring(svg.encode(), etree.XMLParser(resolve_entities=False, no_network=True))


def _texts(svg: str) -> list[str]:
    root = _parse(svg)
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize(("version", "variant"), [("2021", None), ("2019", None), ("2019", "beijing")])
def test_the_svg_is_valid_xml_with_every_label_of_sections_three_and_four_and_their_numbers(version, variant):
    fmt = get_format(version, variant)
    values = _values(fmt, 7)
    drawn = explainer(fmt=fmt, values=values, title="东花市街道办事处2025年政府信息公开工作年度报告 · 图解")
    svg = explainer_svg(drawn)
    root = _parse(svg)  # valid XML
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == drawn.title
    assert "本年新收政府信息公开申请数量" in root.find("svg:desc", NS).text
    assert root.get("aria-labelledby") == "graphic-title graphic-desc"
    joined = "".join(_texts(svg))
    s3 = fmt.table("s3")
    # Applicant columns, from the definition (自然人, 法人或其他组织 and its kinds), with 本年新收's numbers.
    for column in s3.leaf_columns():
        if not column.total:
            assert column.label in joined
            assert drawn.chart(APPLICANTS).bars  # drawn as bars
    assert "法人或其他组织" in joined and "自然人" in joined
    applicants = {bar.label: bar.value for bar in drawn.chart(APPLICANTS).bars}
    assert applicants["自然人"] == values["s3.R1.A"] and applicants["商业企业"] == values["s3.R1.B"]
    # Outcomes （一）…（七）: a group's bar is the sum of its rows' totals.
    outcomes = {bar.label: bar.value for bar in drawn.chart(OUTCOMES).bars}
    assert list(outcomes)[0] == "（一）予以公开" and list(outcomes)[-1] == "（七）总计"
    assert outcomes["（三）不予公开"] == sum(values[f"s3.R3_3_{i}.G"] for i in range(1, 9))
    assert outcomes["（七）总计"] == values["s3.R3_7.G"]
    for label in ("（一）予以公开", "（三）不予公开", "（七）总计"):
        assert label in joined
    # Section 四: one bar per outcome group, split by outcome, its length the group's total.
    reviews = drawn.chart(REVIEWS)
    assert [bar.label for bar in reviews.bars] == ["行政复议", "未经复议直接起诉", "复议后起诉"]
    assert reviews.legend == ("结果维持", "结果纠正", "其他结果", "尚未审结")
    assert [bar.value for bar in reviews.bars] == [values["s4.c5"], values["s4.c10"], values["s4.c15"]]
    for label in (*reviews.legend, "行政诉讼", "行政复议"):
        assert label in joined
    texts = _texts(svg)
    for cell in ("s3.R1.G", "s3.R3_7.G", "s4.c15"):
        assert str(values[cell]) in texts
    # Key figures: every section 二 table's headline column, 三's totals, 四's totals.
    cells = [figure.cell for figure in drawn.figures]
    assert {"s3.R1.G", "s3.R2.G", "s3.R3_7.G", "s3.R4.G", "s4.c5", "s4.c10", "s4.c15"} <= set(cells)
    assert any(cell.startswith("s2.") for cell in cells)


def test_text_is_escaped_and_characters_xml_cannot_carry_are_dropped():
    fmt = get_format("2021")
    hostile = '东花市<script>alert("x")</script>&amp;\x00\x1b办事处'
    svg = explainer_svg(explainer(fmt=fmt, values=_values(fmt, 1), title=hostile, subtitle="a < b & c"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp;amp;" in svg
    root = _parse(svg)
    assert root.find("svg:title", NS).text == '东花市<script>alert("x")</script>&amp;办事处'
    assert "a < b & c" in _texts(svg)
    bodies = [("<b>甲</b>", {"s3.R1.G": 3}), ("乙&丙", {"s3.R1.G": 5})]
    comparison = comparison_svg([bodies_chart(fmt, bodies, "s3.R1.G")], title="全区<比较>")
    assert "<b>" not in comparison and "&lt;b&gt;甲&lt;/b&gt;" in comparison
    _parse(comparison)


def test_the_previous_year_is_compared_only_where_its_format_has_the_same_cell_with_the_same_label():
    this, before = get_format("2021"), get_format("2019")
    values, old = _values(this, 1), _values(before, 2)
    drawn = explainer(fmt=this, values=values, title="t", previous=(2020, before, old))
    figures = {figure.cell: figure for figure in drawn.figures}
    new = figures["s3.R1.G"]
    assert new.compared and new.previous == old["s3.R1.G"]
    assert new.change == values["s3.R1.G"] - old["s3.R1.G"]
    # 现行有效件数 (2021) is not 对外公开总数量 (2019), though both are s2.t1.r1.c3.
    assert not figures["s2.t1.r1.c3"].compared and figures["s2.t1.r1.c3"].previous_text == "—"
    svg = explainer_svg(drawn)
    assert "关键数据（与2020年度报告比较）" in _texts(svg)
    assert "上年" in _texts(svg) and "增减" in _texts(svg)
    alone = explainer_svg(explainer(fmt=this, values=values, title="t"))
    assert "关键数据" in _texts(alone) and "上年" not in _texts(alone)


def test_changes_read_as_a_person_writes_them():
    fmt = get_format("2021")
    values = _values(fmt, 3)
    before = dict(values)
    before["s3.R1.G"] = values["s3.R1.G"] + 4
    before["s3.R4.G"] = values["s3.R4.G"]
    before["s2.t8.r1.c1"] = Decimal("0.5")
    values = {**values, "s2.t8.r1.c1": Decimal("1.75")}
    figures = {f.cell: f for f in explainer(fmt=fmt, values=values, title="t", previous=(2024, fmt, before)).figures}
    assert figures["s3.R1.G"].change_text == "−4"
    assert figures["s3.R4.G"].change_text == "持平"
    assert figures["s2.t8.r1.c1"].change_text == "+1.25" and figures["s2.t8.r1.c1"].text == "1.75"


def _string_literals(path: Path) -> str:
    """The module's string constants, its docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return " ".join(node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                    and isinstance(node.value, str) and id(node) not in docstrings)


def test_labels_come_from_the_definition_not_from_the_drawing_code():
    source = " ".join(_string_literals(ROOT / "reports" / "graphic" / name)
                      for name in ("explainer.py", "draw.py", "svg.py"))
    assert "本年" in source  # the literals were found: the key figures' column heading
    for label in ("自然人", "法人或其他组织", "商业企业", "予以公开", "不予公开", "结果维持", "行政复议", "行政诉讼",
                  "本年新收", "总计"):
        assert label not in source


def test_fonts_are_named_as_the_pdf_names_its_heiti():
    css = (ROOT / "static" / "pdf" / "report.css").read_text()
    heiti = re.search(r"--heiti:\s*([^;]+);", css).group(1)
    assert [f.strip().strip("'\"") for f in FONT_FAMILY.split(",")] == [f.strip().strip("'\"") for f in heiti.split(",")]


def test_long_labels_wrap_and_end_in_an_ellipsis_when_cut():
    assert wrap("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 14 * 10, 14) == [
        "（二）部分公开（区分", "处理的，只计这一情形", "，不计其他情形）"]
    cut = wrap("甲" * 50, 14 * 10, 14, max_lines=2)
    assert len(cut) == 2 and cut[-1].endswith("…")


def test_the_bodies_comparison_lists_every_body_largest_first():
    fmt = get_format("2021")
    bodies = [("东花市街道办事处", {"s3.R1.G": 3}), ("天坛街道办事处", {"s3.R1.G": 12}), ("区财政局", {})]
    chart = bodies_chart(fmt, bodies, "s3.R1.G")
    assert [(bar.label, bar.value) for bar in chart.bars] == [("天坛街道办事处", 12), ("东花市街道办事处", 3), ("区财政局", 0)]
    assert chart.title == fmt.cell("s3.R1.G").label
    svg = comparison_svg([chart], title="2025年度各单位比较")
    texts = _texts(svg)
    assert "天坛街道办事处" in texts and "12" in texts and chart.title in "".join(texts)


def test_the_district_compares_its_bodies_by_applicant_column_and_by_kind_of_review():
    fmt = get_format("2021")
    bodies = [(f"单位{i}", _values(fmt, i)) for i in range(4)]
    applicants, reviews = bodies_comparison(fmt, bodies)
    assert applicants.legend == ("自然人", "法人或其他组织·商业企业", "法人或其他组织·科研机构", "法人或其他组织·社会公益组织",
                                 "法人或其他组织·法律服务机构", "法人或其他组织·其他")
    assert reviews.legend == ("行政复议·总计", "行政诉讼·未经复议直接起诉·总计", "行政诉讼·复议后起诉·总计")
    by_name = {bar.label: bar for bar in applicants.bars}
    for name, values in bodies:
        assert by_name[name].value == values["s3.R1.G"]  # the segments add up to the total column
    assert [bar.value for bar in applicants.bars] == sorted((v["s3.R1.G"] for _, v in bodies), reverse=True)
    svg = comparison_svg([applicants, reviews], title="比较")
    texts = _texts(svg)
    assert all(label in texts for label in applicants.legend) and "单位0" in texts
