"""static/js/rules.js under Node gives the same parses, totals and messages as Python."""

import json
import os
import random
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from reports.formats import CellType, get_format
from reports.formats.cells import CellValueError, format_cell, parse_cell, to_json_value
from reports.formats.rules import compute, evaluate, format_json

RULES_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "rules.js"
NODE = shutil.which("node")
FORMATS = {
    "2019": get_format("2019"),
    "2019-beijing": get_format("2019", "beijing"),
    "2021": get_format("2021"),
}

DRIVER = """
const fs = require("fs");
const rules = require(process.argv[2]).NianbaoRules;
const input = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const spec = (key) => input.specs[key];
const output = {
  cases: input.cases.map((c) => {
    const options = {previous: c.previous, previousVersion: c.previous_version, texts: c.texts};
    const computed = rules.compute(spec(c.format), c.values);
    return {
      computed: computed,
      raw: rules.evaluate(spec(c.format), c.values, options),
      after_compute: rules.evaluate(spec(c.format), computed, options),
    };
  }),
  parse: input.parse.map((p) => rules.parseCell(spec("2019"), p.type, p.raw)),
  format: input.format.map((f) => rules.formatCell(f.type, f.value)),
};
process.stdout.write(JSON.stringify(output));
"""

PHRASES = [
    "本年共收到政府信息公开申请{n}件。",
    "全年新收政府信息公开申请数量{n}件,上年结转政府信息公开申请数量{m}件。",
    "受理政府信息公开申请 {n} 件，结转下年度继续办理{m}件。",
    "收到区长信箱信件{n}件。",
    "共收到政府信息公开申请{n}件（其中上年结转{m}件）。",
    "被申请行政复议{m}件，提起行政诉讼{n}件。",
    "发生行政复议案件{n}件、行政诉讼案件{m}件。",
    "",
]
# Section 五 and 六: blank, 无, a few words, enough words, the 信息处理费 named or not.
CLOSING_TEXTS = [
    "",
    "无。",
    "无",
    "存在的问题：公开不够及时。",
    "存在的主要问题：信息公开的及时性有待提高，政策解读形式较为单一。改进措施：加强业务培训。",
    "本年度收取信息处理费0元。",
    "ABC 123 公开指南已更新，网址 http://www.example.gov.cn/ 。",
]


def random_value(rng: random.Random, cell_type: CellType):
    roll = rng.random()
    if roll < 0.1:
        return None
    if cell_type is CellType.MONEY:
        return Decimal(rng.randrange(0, 10**9)).scaleb(-rng.randrange(0, 5))
    if cell_type is CellType.SIGNED:
        return rng.randrange(-50, 400)
    return rng.randrange(0, 4) if roll < 0.7 else rng.randrange(0, 100000)


def random_case(rng: random.Random, key: str):
    fmt = FORMATS[key]
    values = {
        cell_id: random_value(rng, cell.type)
        for cell_id, cell in fmt.cells().items()
        if not cell.computed or rng.random() < 0.3  # some imported totals, often wrong
    }
    if rng.random() < 0.4:  # a consistent report now and then, so that not every rule fails
        values = compute(fmt, {k: v for k, v in values.items() if not fmt.cell(k).computed})
        for column in "ABCDEF":
            values[f"s3.R2.{column}"] = values[f"s3.R4.{column}"] = 0
            values[f"s3.R1.{column}"] = values[f"s3.R3_7.{column}"]
        values = compute(fmt, values)
    previous = None
    if rng.random() < 0.7:
        previous = {cell_id: random_value(rng, cell.type) for cell_id, cell in fmt.cells().items()}
    texts = None
    if rng.random() < 0.8:
        quoted = rng.choice([0, 1, 1204, compute(fmt, values)["s3.R1.G"]])
        phrase = rng.choice(PHRASES).format(n=quoted, m=rng.choice([0, 2]))
        texts = {rng.choice(fmt.section("s1").parts).key: phrase}
        for key in ("s5.p0", "s6.p0"):
            if rng.random() < 0.8:
                texts[key] = rng.choice(CLOSING_TEXTS)
    return fmt, values, previous, rng.choice([None, "2019", "2021"]), texts


def to_json(fmt, values):
    return {k: to_json_value(fmt.cell(k).type, v) for k, v in values.items()}


PARSE_INPUTS = [
    "",
    " ",
    "0",
    "12",
    "１２",
    "1,234",
    "1,23",
    "+337",
    "−5",
    "－5",
    "-0",
    "5.",
    "5.0",
    "1.5",
    ".5",
    "0.50",
    "132.6444",
    "1.23456",
    "1.23450",
    "abc",
    "+",
    "1000000001",
    "-1000000001",
    "10000000000",
    "10000000000.0001",
    "9" * 20,
    "\u3000７\u3000",
    "12 34",
    "1 234",
    "- 5",
    "12\u200b34",
    "１２\u3000３４",
    "12 .5",
    "12 3a",
]


def _require_node():
    """On a developer's machine without Node the test is skipped; in CI (CI=true) that is a failure, so
    that the browser's rules are never silently left unchecked (scripts/debian-packages.sh installs it)."""
    if NODE is None:
        message = "node is not on PATH: install the Debian package nodejs (scripts/debian-packages.sh test)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)


def test_rules_js_matches_python(tmp_path):
    _require_node()
    rng = random.Random(20261125)
    cases, expected = [], []
    for key in FORMATS:
        for _ in range(25):
            fmt, values, previous, previous_version, texts = random_case(rng, key)
            options = {"previous": previous, "previous_version": previous_version, "texts": texts}
            computed = compute(fmt, values)
            cases.append(
                {
                    "format": key,
                    "values": to_json(fmt, values),
                    "previous": None if previous is None else to_json(fmt, previous),
                    "previous_version": previous_version,
                    "texts": texts,
                }
            )
            expected.append(
                {
                    "computed": to_json(fmt, computed),
                    "raw": [r.as_json() for r in evaluate(fmt, values, **options)],
                    "after_compute": [r.as_json() for r in evaluate(fmt, computed, **options)],
                }
            )
    parse_cases, parse_expected = [], []
    for cell_type in CellType:
        for raw in PARSE_INPUTS:
            parse_cases.append({"type": cell_type.value, "raw": raw})
            try:
                parse_expected.append(
                    {"value": to_json_value(cell_type, parse_cell(cell_type, raw)), "error": None}
                )
            except CellValueError as error:
                parse_expected.append({"value": None, "error": str(error)})
    format_cases = [
        {"type": "signed", "value": 337},
        {"type": "signed", "value": -5},
        {"type": "signed", "value": 0},
        {"type": "count", "value": 7},
        {"type": "money", "value": "25.1"},
        {"type": "money", "value": "0"},
        {"type": "money", "value": None},
    ]
    format_expected = [
        format_cell(CellType(f["type"]), None if f["value"] is None else Decimal(str(f["value"])))
        if f["type"] == "money"
        else format_cell(CellType(f["type"]), f["value"])
        for f in format_cases
    ]

    specs = {key: format_json(fmt) for key, fmt in FORMATS.items()}
    (tmp_path / "input.json").write_text(
        json.dumps(
            {"specs": specs, "cases": cases, "parse": parse_cases, "format": format_cases}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    (tmp_path / "driver.js").write_text(DRIVER, encoding="utf-8")
    run = subprocess.run(
        [NODE, "driver.js", str(RULES_JS), "input.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    output = json.loads(run.stdout)

    assert output["parse"] == parse_expected
    assert output["format"] == format_expected
    failures = sum(1 for case in expected for r in case["raw"] if not r["ok"])
    warnings = sum(
        1 for case in expected for r in case["after_compute"] if not r["ok"] and r["kind"] != "sum"
    )
    assert failures > 100 and warnings > 20  # the random cases really exercise the messages
    for index, (got, want) in enumerate(zip(output["cases"], expected, strict=True)):
        assert got["computed"] == want["computed"], index
        assert got["raw"] == want["raw"], index
        assert got["after_compute"] == want["after_compute"], index
