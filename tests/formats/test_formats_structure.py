"""The definitions against the spec (../shared/docs/report-format.md): ids, labels, types, layouts."""

import dataclasses
import json
import re
from collections import Counter

import pytest

from reports.formats import (
    CellType,
    available_formats,
    format_version_for_year,
    get_format,
)
from reports.formats.rules import format_json

F2019 = get_format("2019")
BEIJING = get_format("2019", "beijing")
F2021 = get_format("2021")
ALL = {"2019": F2019, "2019-beijing": BEIJING, "2021": F2021}


def cells_per_table(fmt):
    return dict(Counter(cell.table for cell in fmt.cells().values()))


# The spec's prose says "25 data rows" (2019) and "27" (2021), but its own row list, the seed
# report and the 宿迁 figures (21 result rows in 2021) give 23 and 25: the prose counted the
# four group labels that have no cells. The tests follow the rows.
@pytest.mark.parametrize(
    "key, expected",
    [
        ("2019", {"s2.t1": 6, "s2.t5": 6, "s2.t6": 6, "s2.t8": 2, "s2.t9": 2, "s3": 23 * 7, "s4": 15}),
        (
            "2019-beijing",
            {"s2.t1": 6, "s2.t5": 9, "s2.t6": 6, "s2.t8": 2, "s2.t9": 2, "s3": 23 * 7, "s4": 15},
        ),
        ("2021", {"s2.t1": 6, "s2.t5": 1, "s2.t6": 2, "s2.t8": 1, "s3": 25 * 7, "s4": 15}),
    ],
)
def test_cell_counts(key, expected):
    assert cells_per_table(ALL[key]) == expected


@pytest.mark.parametrize(
    "cell_id, present_in",
    [
        ("s2.t1.r2.c3", {"2019", "2019-beijing", "2021"}),
        ("s2.t5.r2.c3", {"2019"}),
        ("s2.t5.r2a.c1", {"2019-beijing"}),
        ("s2.t5.r2b.c3", {"2019-beijing"}),
        ("s2.t5.r1.c1", {"2019", "2019-beijing", "2021"}),
        ("s2.t5.r1.c2", {"2019", "2019-beijing"}),
        ("s2.t6.r1.c2", {"2019", "2019-beijing"}),
        ("s2.t8.r1.c1", {"2019", "2019-beijing", "2021"}),
        ("s2.t8.r1.c2", {"2019", "2019-beijing"}),
        ("s2.t9.r1.c1", {"2019", "2019-beijing"}),
        ("s2.t9.r1.c2", {"2019", "2019-beijing"}),
        ("s3.R1.G", {"2019", "2019-beijing", "2021"}),
        ("s3.R3_3_2.A", {"2019", "2019-beijing", "2021"}),
        ("s3.R3_5_5.F", {"2019", "2019-beijing", "2021"}),
        ("s3.R3_6.A", {"2019", "2019-beijing"}),
        ("s3.R3_6_1.A", {"2021"}),
        ("s3.R3_6_3.G", {"2021"}),
        ("s3.R3_7.G", {"2019", "2019-beijing", "2021"}),
        ("s4.c1", {"2019", "2019-beijing", "2021"}),
        ("s4.c15", {"2019", "2019-beijing", "2021"}),
        ("s4.c16", set()),
    ],
)
def test_canonical_ids(cell_id, present_in):
    assert {key for key, fmt in ALL.items() if cell_id in fmt.cells()} == present_in


def test_every_id_follows_the_canonical_patterns():
    pattern = re.compile(r"s2\.t[15689]\.r\d[ab]?\.c\d|s3\.R(1|2|4|3_[1-7](_\d)?)\.[A-G]|s4\.c([1-9]|1[0-5])")
    for fmt in ALL.values():
        assert [i for i in fmt.cells() if not pattern.fullmatch(i)] == []


@pytest.mark.parametrize(
    "key, cell_id, label, cell_type",
    [
        ("2019", "s2.t1.r1.c1", "第二十条第（一）项·规章·本年新制作数量", CellType.COUNT),
        ("2019", "s2.t1.r2.c3", "第二十条第（一）项·规范性文件·对外公开总数量", CellType.COUNT),
        ("2019", "s2.t5.r2.c1", "第二十条第（五）项·其他对外管理服务事项·上一年项目数量", CellType.COUNT),
        ("2019", "s2.t6.r1.c2", "第二十条第（六）项·行政处罚·本年增/减", CellType.SIGNED),
        ("2019", "s2.t8.r1.c2", "第二十条第（八）项·行政事业性收费·本年增/减", CellType.SIGNED),
        ("2019", "s2.t9.r1.c2", "第二十条第（九）项·政府集中采购·采购总金额", CellType.MONEY),
        (
            "2019-beijing",
            "s2.t9.r1.c2",
            "第二十条第（九）项·政府集中采购·采购总金额（万元，保留四位小数）",
            CellType.MONEY,
        ),
        (
            "2019-beijing",
            "s2.t5.r2b.c3",
            "第二十条第（五）项·其他对外管理服务事项·行政确认·处理决定数量",
            CellType.COUNT,
        ),
        ("2021", "s2.t1.r2.c3", "第二十条第（一）项·行政规范性文件·现行有效件数", CellType.COUNT),
        ("2021", "s2.t1.r1.c2", "第二十条第（一）项·规章·本年废止件数", CellType.COUNT),
        ("2021", "s2.t5.r1.c1", "第二十条第（五）项·行政许可·本年处理决定数量", CellType.COUNT),
        ("2021", "s2.t6.r2.c1", "第二十条第（六）项·行政强制·本年处理决定数量", CellType.COUNT),
        (
            "2021",
            "s2.t8.r1.c1",
            "第二十条第（八）项·行政事业性收费·本年收费金额（单位：万元）",
            CellType.MONEY,
        ),
        ("2021", "s3.R1.G", "一、本年新收政府信息公开申请数量·总计", CellType.COUNT),
        ("2021", "s3.R3_7.A", "三、本年度办理结果（七）总计·自然人", CellType.COUNT),
        ("2019", "s3.R2.B", "二、上年结转政府信息公开申请数量·法人或其他组织·商业企业", CellType.COUNT),
        (
            "2019",
            "s3.R3_2.D",
            "三、本年度办理结果（二）部分公开（区分处理的，只计这一情形，不计其他情形）·法人或其他组织·社会公益组织",
            CellType.COUNT,
        ),
        (
            "2019",
            "s3.R3_3_3.A",
            "三、本年度办理结果（三）不予公开3.危及“三安全一稳定”·自然人",
            CellType.COUNT,
        ),
        (
            "2019",
            "s3.R3_5_5.E",
            "三、本年度办理结果（五）不予处理5.要求行政机关确认或重新出具已获取信息·法人或其他组织·法律服务机构",
            CellType.COUNT,
        ),
        ("2019", "s3.R3_6.F", "三、本年度办理结果（六）其他处理·法人或其他组织·其他", CellType.COUNT),
        (
            "2021",
            "s3.R3_6_1.A",
            "三、本年度办理结果（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请·自然人",
            CellType.COUNT,
        ),
        ("2021", "s3.R4.G", "四、结转下年度继续办理·总计", CellType.COUNT),
        ("2019", "s4.c5", "行政复议·总计", CellType.COUNT),
        ("2019", "s4.c6", "行政诉讼·未经复议直接起诉·结果维持", CellType.COUNT),
        ("2021", "s4.c14", "行政诉讼·复议后起诉·尚未审结", CellType.COUNT),
        ("2021", "s4.c15", "行政诉讼·复议后起诉·总计", CellType.COUNT),
    ],
)
def test_labels_and_types(key, cell_id, label, cell_type):
    cell = ALL[key].cell(cell_id)
    assert (cell.label, cell.type) == (label, cell_type)


@pytest.mark.parametrize(
    "key, titles",
    [
        (
            "2019",
            [
                "一、总体情况",
                "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况",
                "五、政府信息公开工作存在的主要问题及改进情况",
                "六、其他需要报告的事项",
            ],
        ),
        (
            "2021",
            [
                "一、总体情况",
                "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况",
                "五、存在的主要问题及改进情况",
                "六、其他需要报告的事项",
            ],
        ),
    ],
)
def test_section_titles(key, titles):
    fmt = ALL[key]
    assert [s.title for s in fmt.sections] == titles
    assert [s.key for s in fmt.sections] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert [s.number for s in fmt.sections] == [1, 2, 3, 4, 5, 6]


def test_text_parts():
    assert [(p.key, p.title, p.required) for p in F2021.section("s1").parts] == [
        ("s1.p1", "（一）主动公开", True),
        ("s1.p2", "（二）依申请公开", True),
        ("s1.p3", "（三）政府信息管理", True),
        ("s1.p4", "（四）政府信息公开平台建设", True),
        ("s1.p5", "（五）监督保障", True),
        ("s1.extra", "", False),
    ]
    assert "工作考核、社会评议和责任追究结果情况" in F2021.text_part("s1.p5").guidance
    assert [p.key for p in F2019.text_parts()] == ["s1.p0", "s2.note", "s3.note", "s4.note", "s5.p0", "s6.p0"]
    assert [p.key for p in F2021.text_parts()][-5:] == ["s2.note", "s3.note", "s4.note", "s5.p0", "s6.p0"]
    assert F2021.text_part("s5.p0").required and F2021.text_part("s6.p0").required
    assert not F2021.text_part("s3.note").required
    assert "上年度" in F2021.text_part("s5.p0").guidance and "上年度" not in F2019.text_part("s5.p0").guidance
    assert (
        "信息处理费" in F2021.text_part("s6.p0").guidance
        and "信息处理费" not in F2019.text_part("s6.p0").guidance
    )
    assert "无。" in F2019.text_part("s6.p0").guidance


def test_section_three_note_is_the_official_text():
    for fmt in ALL.values():
        assert fmt.table("s3").note == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def test_computed_cells():
    for fmt, rows in ((F2019, 23), (F2021, 25)):
        computed = fmt.computed_cells()
        assert {f"s3.{row.key}.G" for row in fmt.table("s3").leaf_rows()} <= computed
        assert {f"s3.R3_7.{c}" for c in "ABCDEFG"} <= computed
        assert {"s4.c5", "s4.c10", "s4.c15"} <= computed
        assert len(computed) == rows + 6 + 3
        assert not any(cell_id.startswith("s2.") for cell_id in computed)


def spans(header_row):
    return [(h.label, h.colspan, h.rowspan) for h in header_row]


def test_section_three_headers():
    for fmt in (F2019, F2021):
        rows = fmt.table("s3").header_rows()
        assert spans(rows[0]) == [("", 3, 3), ("申请人情况", 7, 1)]
        assert rows[0][0].stub
        assert spans(rows[1]) == [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)]
        assert spans(rows[2]) == [
            (label, 1, 1) for label in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
        ]
        assert [h.column.key for row in rows for h in row if h.column] == list("AGBCDEF")


def test_section_four_headers():
    rows = F2021.table("s4").header_rows()
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert spans(rows[0]) == [("行政复议", 5, 1), ("行政诉讼", 10, 1)]
    assert spans(rows[1]) == [(label, 1, 2) for label in outcomes] + [
        ("未经复议直接起诉", 5, 1),
        ("复议后起诉", 5, 1),
    ]
    assert spans(rows[2]) == [(label, 1, 1) for label in outcomes * 2]
    body = F2021.table("s4").body_rows()
    assert len(body) == 1 and body[0].labels == ()
    assert [(c.id, c.computed) for c in body[0].cells][4] == ("s4.c5", True)
    assert [c.id for c in body[0].cells] == [f"s4.c{i}" for i in range(1, 16)]


def body_labels(fmt, table_key):
    return [
        [(lab.label, lab.rowspan, lab.colspan) for lab in row.labels]
        for row in fmt.table(table_key).body_rows()
    ]


def test_section_three_body_merges_like_the_official_table():
    labels = body_labels(F2019, "s3")
    assert labels[0] == [("一、本年新收政府信息公开申请数量", 1, 3)]
    assert labels[2] == [("三、本年度办理结果", 20, 1), ("（一）予以公开", 1, 2)]
    assert labels[4] == [("（三）不予公开", 8, 1), ("1.属于国家秘密", 1, 1)]
    assert labels[5] == [("2.其他法律行政法规禁止公开", 1, 1)]
    assert labels[12] == [("（四）无法提供", 3, 1), ("1.本机关不掌握相关政府信息", 1, 1)]
    assert labels[15] == [("（五）不予处理", 5, 1), ("1.信访举报投诉类申请", 1, 1)]
    assert labels[20] == [("（六）其他处理", 1, 2)]
    assert labels[21] == [("（七）总计", 1, 2)]
    assert labels[22] == [("四、结转下年度继续办理", 1, 3)]
    labels21 = body_labels(F2021, "s3")
    assert labels21[2][0] == ("三、本年度办理结果", 22, 1)
    assert labels21[20] == [
        ("（六）其他处理", 3, 1),
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 1, 1),
    ]
    assert labels21[22] == [("3.其他", 1, 1)]
    group_rows = [row for row in F2019.table("s3").body_rows() if any(lab.group for lab in row.labels)]
    assert len(group_rows) == 4
    row = F2019.table("s3").body_rows()[21]
    assert all(c.computed for c in row.cells) and not any(
        c.computed for c in F2019.table("s3").body_rows()[0].cells[:6]
    )


def test_section_two_layout():
    assert [spans(r) for r in BEIJING.table("s2.t5").header_rows()] == [
        [("信息内容", 2, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 1), ("处理决定数量", 1, 1)]
    ]
    assert body_labels(BEIJING, "s2.t5") == [
        [("行政许可", 1, 2)],
        [("其他对外管理服务事项", 2, 1), ("行政检查", 1, 1)],
        [("行政确认", 1, 1)],
    ]
    assert [spans(r) for r in F2021.table("s2.t8").header_rows()] == [
        [("信息内容", 1, 1), ("本年收费金额（单位：万元）", 1, 1)]
    ]
    assert [t.caption for t in F2019.section("s2").tables] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
        "第二十条第（九）项",
    ]
    assert [t.key for t in F2021.section("s2").tables] == ["s2.t1", "s2.t5", "s2.t6", "s2.t8"]


def test_beijing_is_derived_from_the_national_2019_format():
    base_t5, t5 = F2019.table("s2.t5"), BEIJING.table("s2.t5")
    assert t5.rows[1].label is base_t5.row("r2").label  # the group reuses the base row's label
    assert (
        BEIJING.table("s2.t9").column("c2").label
        == F2019.table("s2.t9").column("c2").label + "（万元，保留四位小数）"
    )
    for key in ("s2.t1", "s2.t6", "s2.t8", "s3", "s4"):
        assert BEIJING.table(key) == F2019.table(key)
    assert [r.id for r in BEIJING.rules] == [r.id for r in F2019.rules]
    assert (BEIJING.version, BEIJING.variant, BEIJING.key) == ("2019", "beijing", "2019-beijing")


def test_2021_shares_section_three_except_other_handling():
    t19, t21 = F2019.table("s3"), F2021.table("s3")
    assert t19.columns == t21.columns and F2019.table("s4") == F2021.table("s4")
    keys19 = [r.key for r in t19.leaf_rows()]
    keys21 = [r.key for r in t21.leaf_rows()]
    assert [k for k in keys19 if k != "R3_6"] == [k for k in keys21 if not k.startswith("R3_6_")]


def test_registry():
    assert get_format("2019") is get_format("2019", None) is get_format("2019", "")
    assert get_format("2019", "beijing") is BEIJING
    assert set(available_formats()) == {("2019", None), ("2019", "beijing"), ("2021", None)}
    for bad in (("2018",), ("2021", "beijing"), ("2019", "shanghai")):
        with pytest.raises(KeyError) as excinfo:
            get_format(*bad)
        assert isinstance(excinfo.value, ValueError)
        assert bad[-1] in str(excinfo.value)


@pytest.mark.parametrize("year, version", [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2035, "2021")])
def test_format_version_for_year(year, version):
    assert format_version_for_year(year) == version


def test_no_format_before_2019():
    with pytest.raises(ValueError):
        format_version_for_year(2018)


def test_formats_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        F2019.title = "x"
    with pytest.raises(TypeError):
        F2019.cells()["s4.c1"] = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        F2019.table("s4").rows[0].label = "x"


def test_format_json_is_serialisable_and_complete():
    for fmt in ALL.values():
        data = json.loads(json.dumps(format_json(fmt), ensure_ascii=False))
        assert [c["id"] for c in data["cells"]] == list(fmt.cells())
        assert {c["id"] for c in data["cells"] if c["computed"]} == fmt.computed_cells()
        assert len(data["rules"]) == len(fmt.rules)
        derived = {r["lhs"][0]["cell"] for r in data["rules"] if r.get("derives")}
        assert derived == fmt.computed_cells()
        assert len(data["compute_order"]) == len(fmt.computed_cells())
        text_rules = [r for r in data["rules"] if r["kind"] == "text"]
        expected = {"s3.R1.G", "s3.R2.G", "s3.R4.G"} | ({"s4.c5", "s4.c10"} if fmt.version == "2021" else set())
        assert {r["cell"] for r in text_rules} == expected
        assert data["parse"]["messages"]["negative"] == "不能为负数"
        for rule in text_rules:
            for pattern in rule["patterns"]:
                assert "(?P" not in pattern and "(?<" not in pattern and re.compile(pattern).groups == 1
