"""check_report: the seed read exactly in every layout a portal page gives (cells by line, tab, pipe,
runs of spaces, HTML table cells), format/year/body detected, every hard rule's exact message on a
broken copy, blank cells, 元 → 万元, a 2021-format excerpt with what it could not read, exit statuses.

Labels are never typed here: rows are found through the format definition."""

import html
import json
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reports.formats import get_format
from reports.formats.cells import to_json_value

from .test_parser import SAMPLES, SEED, expected_seed_values, seed_text

pytestmark = pytest.mark.skipif(not SEED.is_file(), reason="../shared is not beside the project")

PROJECT = Path(__file__).resolve().parents[2]
BEIJING = get_format("2019", "beijing")
CHONGQING = SAMPLES / "2022_重庆市九龙坡区二郎街道办事处.txt"
GUANGZHOU = SAMPLES / "2023_广州市海珠区官洲街道办事处.txt"


def check(path, *args) -> tuple[dict, int]:
    """The command's JSON and its exit status, through call_command."""
    out = StringIO()
    try:
        call_command("check_report", str(path), "--json", *args, stdout=out)
        code = 0
    except CommandError as error:
        code = error.returncode
    return json.loads(out.getvalue()), code


def write(tmp_path, text: str, name: str = "report.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def expected_cells() -> dict:
    return {cell_id: to_json_value(BEIJING.cell(cell_id).type, value)
            for cell_id, value in expected_seed_values().items()}


# -- the seed in other layouts, generated from its text ------------------------------------------


def blocks(text: str) -> list[list[str]]:
    """Runs of non-empty lines (a lone tab is an empty cell, not an empty line)."""
    found, current = [], []
    for line in text.split("\n"):
        if line == "":
            if current:
                found.append(current)
            current = []
        else:
            current.append(line)
    return found + ([current] if current else [])


def is_row(block: list[str]) -> bool:
    return any(line.startswith("\t") for line in block)


def as_rows(text: str, separator: str, end: str = "") -> str:
    """Each table row of the seed (a block of tab-indented cells) on one line."""
    return "\n\n".join(
        separator.join(line.removeprefix("\t") for line in block) + end if is_row(block) else "\n".join(block)
        for block in blocks(text)
    )


def as_html(text: str) -> str:
    """A portal page: paragraphs, and <table>s with one <td> per cell; a label broken over lines
    within a cell (结 / 果 / 维 / 持) is one cell with <br>s."""
    body, in_table = [], False
    for block in blocks(text):
        if not is_row(block):
            if in_table:
                body.append("</tbody></table>")
                in_table = False
            body += [f"<p>{html.escape(line.strip())}</p>" for line in block]
            continue
        if not in_table:
            body.append('<table class="MsoNormalTable" border="1"><tbody>')
            in_table = True
        cells: list[str] = []
        for line in block:
            if line.startswith("\t") or not cells:
                cells.append(html.escape(line.removeprefix("\t")))
            else:
                cells[-1] += "<br/>" + html.escape(line)
        tds = "".join(f'<td valign="top"><p><span>{c}</span></p></td>' for c in cells)
        body.append(f"<tr>{tds}</tr>")
    if in_table:
        body.append("</tbody></table>")
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>年度报告</title>'
        "<style>td { border: 1px solid; }</style><script>var x = '<td>0</td>';</script></head><body>"
        '<div class="nav">首页 &gt; 政务公开</div><div class="article">\n'
        + "\n".join(body)
        + "\n</div></body></html>"
    )


LAYOUTS = {
    "tab-separated rows": lambda text: as_rows(text, "\t"),
    "pipe-separated rows": lambda text: as_rows(text, " | ", " |"),
    "runs of spaces": lambda text: as_rows(text, "    "),
    "full-width spaces and half-width punctuation": lambda text: as_rows(
        text.replace("（", "(").replace("）", ")").replace("，", ","), "\u3000\u3000"
    ),
}


def test_the_seed_reads_exactly_and_passes_every_hard_rule():
    data, code = check(SEED)
    assert code == 0
    assert (data["format"], data["variant"], data["year"], data["body"]) == ("2019", "beijing", 2020, "东花市街道")
    assert data["cells"] == expected_cells()
    assert list(data["cells"]) == list(BEIJING.cells())  # every cell, in the format's order
    assert data["cells"]["s2.t6.r1.c2"] == 337  # printed "+337"
    assert data["cells"]["s2.t9.r1.c2"] == "132.6444"  # money as a decimal string (§7)
    assert data["blank"] == [] and data["unread"] == [] and data["errors"] == []
    assert [r["id"] for r in data["rules"]] == [rule.id for rule in BEIJING.rules]
    hard = [r for r in data["rules"] if r["severity"] == "hard"]
    assert hard and all(r["ok"] and not r["skipped"] and r["message"] == "" for r in hard)


def test_the_given_format_is_used_and_a_wrong_one_leaves_cells_unread():
    data, code = check(SEED, "--format", "2019")
    assert code == 0 and data["cells"] == expected_cells() and data["variant"] == "beijing"
    data, code = check(SEED, "--format", "2021")
    assert code == 1 and data["format"] == "2021"
    # 2019's 规范性文件 is accepted for 2021's row, and named; 2019's single （六）其他处理 row
    # cannot be split into 2021's three rows: they are unread, with the printed sums named.
    assert data["cells"]["s2.t1.r2.c1"] == 0
    row_2021 = get_format("2021").table("s2.t1").row("r2").label
    assert any(row_label("s2.t1", "r2") in w and row_2021 in w and "另一版格式" in w for w in data["warnings"])
    other = [c for c in get_format("2021").cells() if c.startswith("s3.R3_6_")]
    assert set(other) <= set(data["unread"])
    assert any(set(other) == set(p["cells"]) and p["line"] for p in data["unread_places"])
    assert any("2020年度应使用2019年格式" in w for w in data["warnings"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_seed_in_another_text_layout_gives_the_same_cells(tmp_path, layout):
    text = LAYOUTS[layout](seed_text())
    assert text != seed_text()
    data, code = check(write(tmp_path, text))
    assert code == 0, data["errors"]
    assert (data["format"], data["variant"], data["year"], data["body"]) == ("2019", "beijing", 2020, "东花市街道")
    assert data["cells"] == expected_cells()
    assert data["blank"] == [] and data["unread"] == []
    assert not [r for r in data["rules"] if r["severity"] == "hard" and not r["ok"]]


def in_layout_table(page: str) -> str:
    """The article inside the one-cell layout table many portals still use."""
    page = page.replace('<div class="article">', '<table class="layout"><tr><td><div class="article">')
    return page.replace("</div></body>", "</div></td></tr></table></body>")


@pytest.mark.parametrize("encoding,layout", [("utf-8", False), ("gb18030", False), ("utf-8", True)])
def test_the_seed_as_a_saved_html_page_gives_the_same_cells(tmp_path, encoding, layout):
    page = as_html(seed_text())
    path = tmp_path / "report.html"
    path.write_bytes((in_layout_table(page) if layout else page).encode(encoding))
    data, code = check(path)
    assert code == 0, data["errors"]
    assert (data["format"], data["variant"], data["year"], data["body"]) == ("2019", "beijing", 2020, "东花市街道")
    assert data["cells"] == expected_cells()
    assert data["blank"] == [] and data["unread"] == []
    assert not [r for r in data["rules"] if r["severity"] == "hard" and not r["ok"]]


# -- broken copies of the seed ------------------------------------------------------------------


def with_value(text: str, row_label: str, column: int, printed: str) -> str:
    """The seed with the `column`-th value (0-based) of the row labelled `row_label` printed anew."""
    lines = text.split("\n")
    start = next(n for n, line in enumerate(lines) if line.strip() == row_label)
    target = start + 1 + column
    assert re.fullmatch(r"\t[+0-9.]+", lines[target]), lines[target]
    lines[target] = "\t" + printed
    return "\n".join(lines)


def with_s4_value(text: str, column: int, printed: str) -> str:
    lines = text.split("\n")
    heading = next(n for n, line in enumerate(lines) if line.strip() == BEIJING.section("s4").title)
    numbers = [n for n in range(heading, len(lines)) if re.fullmatch(r"\t[0-9]+", lines[n])]
    lines[numbers[column]] = "\t" + printed
    return "\n".join(lines)


def row_label(table: str, row: str) -> str:
    return BEIJING.table(table).row(row).label


def hard_failures(data: dict) -> dict:
    return {r["id"]: r["message"] for r in data["rules"] if r["severity"] == "hard" and not r["ok"]}


def test_a_wrong_total_across_a_row_gives_its_message(tmp_path):
    text = with_value(seed_text(), row_label("s3", "R1"), 6, "4")
    data, code = check(write(tmp_path, text))
    assert code == 3  # every cell was read; the hard rules fail: the report's own fault
    assert data["cells"]["s3.R1.G"] == 4
    failures = hard_failures(data)
    assert set(failures) == {"sum.across.s3.R1.G", "balance.s3.G"}
    assert failures["sum.across.s3.R1.G"] == f"{BEIJING.cell('s3.R1.G').label}应为 5（各项之和），现为 4"


def test_a_wrong_total_down_a_column_gives_its_message(tmp_path):
    text = with_value(seed_text(), row_label("s3", "R3_7"), 0, "6")
    data, code = check(write(tmp_path, text))
    assert code == 3
    failures = hard_failures(data)
    assert set(failures) == {"sum.down.s3.R3_7.A", "sum.across.s3.R3_7.G", "balance.s3.A"}
    assert failures["sum.down.s3.R3_7.A"] == f"{BEIJING.cell('s3.R3_7.A').label}应为 5（各项之和），现为 6"


def test_a_broken_balance_gives_its_message(tmp_path):
    text = with_value(seed_text(), row_label("s3", "R4"), 0, "1")
    text = with_value(text, row_label("s3", "R4"), 6, "1")  # the row's own total still adds up
    data, code = check(write(tmp_path, text))
    assert code == 3
    failures = hard_failures(data)
    assert set(failures) == {"balance.s3.A", "balance.s3.G"}
    column = BEIJING.table("s3").column_label(BEIJING.table("s3").column("A"))
    assert failures["balance.s3.A"] == f"第一项加第二项之和应等于第三项加第四项之和（{column}）：5 + 0 ≠ 5 + 1"


def test_a_wrong_section_four_total_gives_its_message(tmp_path):
    text = with_s4_value(seed_text(), 4, "2")
    data, code = check(write(tmp_path, text))
    assert code == 3
    assert hard_failures(data) == {"sum.across.s4.c5": f"{BEIJING.cell('s4.c5').label}应为 1（各项之和），现为 2"}


def test_blank_cells_are_listed_and_read_as_zero(tmp_path):
    text = with_value(seed_text(), row_label("s2.t6", "r2"), 0, "")
    text = with_value(text, row_label("s3", "R3_1"), 3, "—")
    data, code = check(write(tmp_path, text))
    assert code == 0
    assert data["blank"] == ["s2.t6.r2.c1", "s3.R3_1.D"]
    assert data["cells"]["s2.t6.r2.c1"] == 0 and data["cells"]["s3.R3_1.D"] == 0
    assert data["cells"] == expected_cells()


def test_money_written_in_yuan_becomes_wan_yuan(tmp_path):
    text = with_value(seed_text(), row_label("s2.t9", "r1"), 1, "251000元")
    data, code = check(write(tmp_path, text))
    assert code == 0
    assert data["cells"]["s2.t9.r1.c2"] == "25.1"
    assert any("251000元" in w for w in data["warnings"])


def test_a_non_number_is_unread_and_the_rules_on_it_are_skipped(tmp_path):
    text = with_value(seed_text(), row_label("s3", "R1"), 0, "约5")
    data, code = check(write(tmp_path, text))
    assert code == 1
    assert data["unread"] == ["s3.R1.A"] and "s3.R1.A" not in data["cells"]
    skipped = {r["id"] for r in data["rules"] if r["skipped"]}
    assert {"sum.across.s3.R1.G", "balance.s3.A"} <= skipped
    assert not hard_failures(data)


# -- 2021-format excerpts ------------------------------------------------------------------------


def test_a_2021_excerpt_is_detected_and_reports_what_it_could_not_read():
    data, code = check(CHONGQING)
    assert code == 1
    assert (data["format"], data["variant"], data["year"]) == ("2021", None, 2022)
    assert data["body"] == "重庆市九龙坡区二郎街道办事处"
    fmt = get_format("2021")
    assert data["cells"]["s2.t1.r2.c1"] == 4 and data["cells"]["s2.t1.r2.c3"] == 4
    assert data["unread"] == [c for c in fmt.cells() if c not in data["cells"]]
    assert "s2.t8.r1.c1" in data["unread"] and "s3.R1.G" in data["unread"] and "s4.c15" in data["unread"]
    assert not hard_failures(data)  # rules over unread cells are skipped, not failed
    assert all(r["skipped"] for r in data["rules"] if r["id"].startswith("sum.across.s4"))


def test_the_other_2021_excerpt_is_detected_without_a_title():
    data, code = check(GUANGZHOU)
    assert code == 1 and data["format"] == "2021" and data["year"] is None
    assert data["cells"]["s2.t6.r1.c1"] == 1472 and data["cells"]["s2.t8.r1.c1"] == "0"
    assert any("未在开头找到报告标题" in w for w in data["warnings"])


# -- the text output, unreadable files, and the exit status of the real process -----------------


def test_the_text_output_names_every_cell_rule_and_what_was_not_read():
    out = StringIO()
    call_command("check_report", str(SEED), stdout=out)
    lines = out.getvalue().splitlines()
    assert "年度：2020" in lines and "单位：东花市街道" in lines
    assert f"  s2.t9.r1.c2\t132.6444\t{BEIJING.cell('s2.t9.r1.c2').label}" in lines
    assert sum(1 for line in lines if re.match(r"  s[234]\.", line)) == len(BEIJING.cells())
    assert sum(1 for line in lines if line.startswith(("  通过", "  跳过", "  不符"))) == len(BEIJING.rules)
    assert "未能读取的单元格（0 个）：无" in lines


@pytest.mark.parametrize("content,message", [
    (None, "文件不存在"),
    (b"", "是空的"),
    (b" \n\t\n", "是空的"),
    (b"\x80\x80\xff\xfe", "不是 UTF-8 或 GB18030"),
    ("report 2020".encode("utf-16"), "不是文本文件"),
    ("东花市".encode("utf-16"), "不是 UTF-8 或 GB18030"),
    (b"<html><body><script>x</script></body></html>", "是空的"),
])
def test_an_unreadable_file_exits_with_2_and_a_chinese_message(tmp_path, content, message):
    path = tmp_path / "report.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError) as raised:
        call_command("check_report", str(path), "--json", stdout=StringIO())
    assert raised.value.returncode == 2
    assert message in str(raised.value)


@pytest.mark.parametrize("path,status,stream,says", [
    (SEED, 0, "stdout", '"body": "东花市街道"'),
    (CHONGQING, 1, "stderr", "个单元格未能读取"),
    (SAMPLES / "不存在.txt", 2, "stderr", "文件不存在"),
])
def test_the_exit_status_of_the_command(path, status, stream, says):
    run = subprocess.run(
        [sys.executable, "manage.py", "check_report", str(path), "--json"],
        cwd=PROJECT, capture_output=True, encoding="utf-8", timeout=60, check=False,
    )
    assert run.returncode == status, run.stderr
    assert says in getattr(run, stream)
    if status < 2:
        assert json.loads(run.stdout)["format"] in ("2019", "2021")  # exactly one JSON object
